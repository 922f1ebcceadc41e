"""Fixtures of the DynamoDB black-box tests: a client, uniquely named tables, error capture."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def ddb(aws):
    return aws("dynamodb")


def unique(prefix: str = "t") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def key_schema(*keys: tuple[str, str]) -> dict:
    """CreateTable arguments for ``("Id", "S")`` (hash) and optionally a range key."""
    kinds = ("HASH", "RANGE")
    return {
        "KeySchema": [{"AttributeName": name, "KeyType": kind} for (name, _), kind in zip(keys, kinds)],
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": type_} for name, type_ in keys],
    }


@pytest.fixture
def make_table(ddb):
    """``make_table(("pk", "S"), ("sk", "N"), **extra)`` creates an on-demand table, waits for
    it, and drops it after the test; returns its name."""
    created = []

    def make(*keys, **extra):
        name = extra.pop("TableName", None) or unique()
        arguments = {**key_schema(*keys), "BillingMode": "PAY_PER_REQUEST", **extra}
        ddb.create_table(TableName=name, **arguments)
        created.append(name)
        ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return name

    yield make
    for name in created:
        try:
            ddb.delete_table(TableName=name)
        except ClientError:
            pass


def error_of(call, *args, **kwargs) -> tuple[str, str]:
    """(code, message) of the ClientError the call raises."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    error = caught.value.response["Error"]
    return error["Code"], error.get("Message", "")


def raised(call, *args, **kwargs) -> dict:
    """The whole error response of the call (for members beyond code and message)."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    return caught.value.response


@pytest.fixture
def accounts(ddb, make_table):
    """Accounts keyed by id (S): alice 100, bob 20."""
    name = make_table(("id", "S"))
    for account, balance in (("alice", "100"), ("bob", "20")):
        ddb.put_item(TableName=name, Item={"id": {"S": account}, "balance": {"N": balance}})
    return name
