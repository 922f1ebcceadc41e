"""Principals for end-to-end IAM tests: users made through the IAM API, role sessions made
through STS, and boto3 clients signing as them at the server's (frozen) time."""

from __future__ import annotations

import json
import uuid

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Principals:
    """Makes users, roles and sessions on one running headwater (as its root, ``test``)."""

    def __init__(self, server):
        self.server = server
        self.root_iam = server.client("iam")
        self.account = server.client("sts").get_caller_identity()["Account"]

    def client(self, service: str, credentials: dict):
        return boto3.client(
            service, endpoint_url=self.server.endpoint, region_name="us-east-1",
            aws_access_key_id=credentials["AccessKeyId"], aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials.get("SessionToken"), config=Config(retries={"total_max_attempts": 1}),
        )

    def user(self, name: str, *statements: dict, iam=None) -> dict:
        """A user with one inline policy of ``statements`` (none if empty); its access key."""
        iam = iam or self.root_iam
        iam.create_user(UserName=name)
        if statements:
            iam.put_user_policy(UserName=name, PolicyName="inline", PolicyDocument=policy(*statements))
        return iam.create_access_key(UserName=name)["AccessKey"]

    def role(self, name: str, trusted: str | list, *statements: dict, max_session: int = 3600, iam=None) -> str:
        """A role whose trust policy lets ``trusted`` (ARN(s) or account) assume it; its ARN."""
        iam = iam or self.root_iam
        trust = policy({"Effect": "Allow", "Principal": {"AWS": trusted}, "Action": ["sts:AssumeRole", "sts:TagSession"]})
        arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust, MaxSessionDuration=max_session)["Role"]["Arn"]
        if statements:
            iam.put_role_policy(RoleName=name, PolicyName="inline", PolicyDocument=policy(*statements))
        return arn

    def user_arn(self, name: str) -> str:
        return f"arn:aws:iam::{self.account}:user/{name}"


def denied(call, *args, **kwargs) -> dict:
    """The error of a call that must fail: ``{"Code", "Message", "Status"}``."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return {"Code": error.get("Code"), "Message": error.get("Message"),
            "Status": caught.value.response["ResponseMetadata"]["HTTPStatusCode"]}
