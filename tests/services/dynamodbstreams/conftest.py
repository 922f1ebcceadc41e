"""Fixtures of the DynamoDB Streams black-box tests: both clients, tables with streams, reading helpers."""

from __future__ import annotations

import time

import pytest

from tests.services.dynamodb.conftest import ddb, make_table  # noqa: F401  (fixtures)


@pytest.fixture
def streams(aws):
    return aws("dynamodbstreams")


@pytest.fixture
def stream_table(ddb, make_table):
    """``stream_table(view_type, *keys)``: a new table with a stream; returns (name, stream ARN)."""

    def make(view_type: str = "NEW_AND_OLD_IMAGES", *keys):
        name = make_table(*(keys or [("pk", "S")]),
                          StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
        return name, ddb.describe_table(TableName=name)["Table"]["LatestStreamArn"]

    return make


def shard_of(streams, arn: str) -> str:
    return streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]


def iterator(streams, arn: str, kind: str, **extra) -> str:
    return streams.get_shard_iterator(StreamArn=arn, ShardId=shard_of(streams, arn), ShardIteratorType=kind,
                                      **extra)["ShardIterator"]


def read(streams, shard_iterator: str, count: int, patience: float = 30.0) -> tuple[list[dict], str | None]:
    """Follow NextShardIterator until ``count`` records came (AWS makes records visible after a
    moment; headwater at once) or the shard ends; returns (records, next iterator)."""
    found: list[dict] = []
    deadline = time.monotonic() + patience
    while shard_iterator and len(found) < count and time.monotonic() < deadline:
        answer = streams.get_records(ShardIterator=shard_iterator)
        found += answer["Records"]
        shard_iterator = answer.get("NextShardIterator")
        if not answer["Records"] and len(found) < count:
            time.sleep(0.2)
    return found, shard_iterator
