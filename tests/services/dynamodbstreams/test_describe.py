"""ListStreams and DescribeStream: the streams DynamoDB tables get, as the Streams API shows them."""

import pytest

from tests.services.dynamodb.conftest import error_of, unique


def test_describe_stream_matches_the_table_description(ddb, streams, stream_table):
    """A consumer finds the stream from DescribeTable's LatestStreamArn; DescribeStream must
    describe that very stream: label, view type, key schema and one open shard."""
    name, arn = stream_table("NEW_IMAGE", ("pk", "S"), ("sk", "N"))
    table = ddb.describe_table(TableName=name)["Table"]
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert arn == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    assert described["StreamArn"] == arn and described["StreamLabel"] == table["LatestStreamLabel"]
    assert described["StreamStatus"] == "ENABLED" and described["StreamViewType"] == "NEW_IMAGE"
    assert described["TableName"] == name and described["KeySchema"] == table["KeySchema"]
    assert described["CreationRequestDateTime"]
    (shard,) = described["Shards"]
    assert shard["ShardId"].startswith("shardId-") and 28 <= len(shard["ShardId"]) <= 65
    start = shard["SequenceNumberRange"]["StartingSequenceNumber"]
    assert start.isdecimal() and len(start) >= 21
    assert "EndingSequenceNumber" not in shard["SequenceNumberRange"]  # open: records may still come


def test_list_streams_filters_by_table_and_pages(streams, stream_table):
    """ListStreams names each stream with its table and label, filters by TableName and pages
    with Limit / LastEvaluatedStreamArn / ExclusiveStartStreamArn without losing one."""
    tables = dict(stream_table("KEYS_ONLY") for _ in range(3))
    one = next(iter(tables))
    assert streams.list_streams(TableName=one)["Streams"] == [
        {"StreamArn": tables[one], "TableName": one, "StreamLabel": tables[one].rsplit("/", 1)[1]}]
    seen, page = [], streams.list_streams(Limit=1)
    while True:
        assert len(page["Streams"]) <= 1
        seen += [stream["StreamArn"] for stream in page["Streams"]]
        if "LastEvaluatedStreamArn" not in page:
            break
        page = streams.list_streams(Limit=1, ExclusiveStartStreamArn=page["LastEvaluatedStreamArn"])
    assert set(tables.values()) <= set(seen) and len(seen) == len(set(seen))


def test_a_table_without_stream_lists_none(streams, make_table):
    """Filtering by a table that never had a stream is an empty list, not an error."""
    assert streams.list_streams(TableName=make_table(("pk", "S")))["Streams"] == []


def test_disabling_closes_the_stream_and_enabling_again_makes_a_new_one(ddb, streams, stream_table):
    """A disabled stream stays listed and readable (DISABLED, its shard closed with an
    EndingSequenceNumber); enabling again creates another stream with a new label, which
    becomes the table's LatestStreamArn."""
    name, first = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    closed = streams.describe_stream(StreamArn=first)["StreamDescription"]
    assert closed["StreamStatus"] == "DISABLED"
    numbers = closed["Shards"][0]["SequenceNumberRange"]
    assert numbers["EndingSequenceNumber"].isdecimal()
    assert int(numbers["EndingSequenceNumber"]) >= int(numbers["StartingSequenceNumber"])
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    table = ddb.describe_table(TableName=name)["Table"]
    second = table["LatestStreamArn"]
    assert second != first and table["LatestStreamLabel"] != first.rsplit("/", 1)[1]
    assert second == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"
    listed = {stream["StreamArn"] for stream in streams.list_streams(TableName=name)["Streams"]}
    assert listed == {first, second}
    described = streams.describe_stream(StreamArn=second)["StreamDescription"]
    assert (described["StreamStatus"], described["StreamViewType"]) == ("ENABLED", "NEW_IMAGE")


def test_a_deleted_tables_stream_stays_readable(ddb, streams, stream_table):
    """After DeleteTable the stream is disabled but still described (with the table's key
    schema) for 24 hours, so consumers can drain it."""
    name, arn = stream_table("KEYS_ONLY", ("pk", "S"), ("sk", "S"))
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "b"}})
    ddb.delete_table(TableName=name)
    described = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert described["StreamStatus"] in ("DISABLING", "DISABLED")
    assert [key["AttributeName"] for key in described["KeySchema"]] == ["pk", "sk"]


def test_shard_paging_past_the_only_shard_gives_none(streams, stream_table):
    """Consumers page shards with ExclusiveStartShardId and look for child shards; starting
    after the last shard (or asking for children of a shard that never split) is empty."""
    _, arn = stream_table()
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    assert streams.describe_stream(StreamArn=arn, ExclusiveStartShardId=shard)["StreamDescription"]["Shards"] == []
    children = streams.describe_stream(StreamArn=arn, ShardFilter={"Type": "CHILD_SHARDS", "ShardId": shard})
    assert children["StreamDescription"]["Shards"] == []


def test_unknown_and_malformed_streams(streams, stream_table):
    """A well-formed ARN naming no stream is ResourceNotFoundException; a malformed one
    (or a malformed paging ARN) is a ValidationException, as AWS answers."""
    name, arn = stream_table()
    missing = arn.replace(name, unique("gone"))
    assert error_of(streams.describe_stream, StreamArn=missing) == (
        "ResourceNotFoundException", f"Requested resource not found: Stream: {missing} not found")
    malformed = "arn:aws:dynamodb:us-east-1:000000000000:table/none/stream/yesterday"
    assert error_of(streams.describe_stream, StreamArn=malformed) == ("ValidationException", "Invalid StreamArn")
    assert error_of(streams.list_streams, ExclusiveStartStreamArn=malformed) == (
        "ValidationException", "Invalid StreamArn")


@pytest.mark.parametrize("call", ["list_streams", "describe_stream"])
def test_limit_is_at_most_100(streams, stream_table, call):
    """AWS documents (and enforces) an upper limit of 100 for both operations' Limit."""
    _, arn = stream_table()
    arguments = {"StreamArn": arn} if call == "describe_stream" else {}
    code, message = error_of(getattr(streams, call), Limit=101, **arguments)
    assert code == "ValidationException"
    assert message.endswith("failed to satisfy constraint: Member must have value less than or equal to 100")
