"""IAM test helpers: unique names (one server serves the whole session) and policy documents."""

import json
import uuid

import pytest


def allow(action, resource="*", **extra) -> str:
    statement = {"Effect": "Allow", "Action": action, "Resource": resource, **extra}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@pytest.fixture
def iam(aws):
    return aws("iam")


@pytest.fixture
def name():
    """A fresh name for this test's users, groups, roles and policies."""
    return f"t{uuid.uuid4().hex[:12]}"


def trust(principal) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]})
