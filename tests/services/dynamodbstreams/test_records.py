"""GetShardIterator and GetRecords: every change of a table, in order, with the images its
view type asks for, from wherever the iterator says to start."""

import re

import pytest

from tests.services.dynamodb.conftest import error_of
from tests.services.dynamodbstreams.conftest import iterator, read, shard_of

KEY = {"pk": {"S": "k"}}
FIRST = {**KEY, "colour": {"S": "red"}, "size": {"N": "1"}}
SECOND = {**KEY, "colour": {"S": "blue"}, "size": {"N": "1"}}


def change_one_item(ddb, name):
    ddb.put_item(TableName=name, Item=FIRST)
    ddb.update_item(TableName=name, Key=KEY, UpdateExpression="SET colour = :c",
                    ExpressionAttributeValues={":c": {"S": "blue"}})
    ddb.delete_item(TableName=name, Key=KEY)


def numbers(records):
    return [int(record["dynamodb"]["SequenceNumber"]) for record in records]


@pytest.mark.parametrize("view_type, old_on, new_on", [
    ("KEYS_ONLY", set(), set()),
    ("NEW_IMAGE", set(), {"INSERT", "MODIFY"}),
    ("OLD_IMAGE", {"MODIFY", "REMOVE"}, set()),
    ("NEW_AND_OLD_IMAGES", {"MODIFY", "REMOVE"}, {"INSERT", "MODIFY"}),
])
def test_each_view_type_carries_its_images(ddb, streams, stream_table, view_type, old_on, new_on):
    """Consumers rely on the view type: KEYS_ONLY has keys only, NEW_IMAGE the item after,
    OLD_IMAGE the item before, NEW_AND_OLD_IMAGES both (never an image that does not exist)."""
    name, arn = stream_table(view_type)
    change_one_item(ddb, name)
    records, _ = read(streams, iterator(streams, arn, "TRIM_HORIZON"), 3)
    assert [record["eventName"] for record in records] == ["INSERT", "MODIFY", "REMOVE"]
    images = {"INSERT": (None, FIRST), "MODIFY": (FIRST, SECOND), "REMOVE": (SECOND, None)}
    for record in records:
        change, event = record["dynamodb"], record["eventName"]
        assert change["Keys"] == KEY and change["StreamViewType"] == view_type
        assert change.get("OldImage") == (images[event][0] if event in old_on else None)
        assert change.get("NewImage") == (images[event][1] if event in new_on else None)
        assert change["SizeBytes"] > 0 and change["ApproximateCreationDateTime"]
        assert (record["eventSource"], record["eventVersion"], record["awsRegion"]) == (
            "aws:dynamodb", "1.1", streams.meta.region_name)
        assert re.fullmatch(r"[0-9a-f]{32}", record["eventID"])
        assert "userIdentity" not in record  # a user's change, not the TTL process
    assert len({record["eventID"] for record in records}) == 3


def test_records_keep_the_order_of_the_writes(ddb, streams, stream_table):
    """Sequence numbers are numeric strings of at least 21 digits that increase with every
    change, and GetRecords returns the changes in that order."""
    name, arn = stream_table("KEYS_ONLY")
    keys = [f"k{n}" for n in (5, 3, 9, 1, 7, 2)]
    for key in keys:
        ddb.put_item(TableName=name, Item={"pk": {"S": key}})
    records, _ = read(streams, iterator(streams, arn, "TRIM_HORIZON"), len(keys))
    assert [record["dynamodb"]["Keys"]["pk"]["S"] for record in records] == keys
    assert all(re.fullmatch(r"\d{21,}", record["dynamodb"]["SequenceNumber"]) for record in records)
    assert numbers(records) == sorted(set(numbers(records)))


def test_latest_sees_only_changes_made_after_it(ddb, streams, stream_table):
    """A consumer starting at LATEST must not replay history, nor miss the next change."""
    name, arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}})
    latest = iterator(streams, arn, "LATEST")
    ddb.put_item(TableName=name, Item={"pk": {"S": "after"}})
    records, _ = read(streams, latest, 1)
    assert [record["dynamodb"]["Keys"]["pk"]["S"] for record in records] == ["after"]


def test_at_and_after_a_sequence_number(ddb, streams, stream_table):
    """A consumer resumes from a checkpoint: AT re-reads the record, AFTER starts with the next
    one; AT the shard's StartingSequenceNumber reads everything, like TRIM_HORIZON."""
    name, arn = stream_table("KEYS_ONLY")
    for key in ("a", "b", "c"):
        ddb.put_item(TableName=name, Item={"pk": {"S": key}})
    records, _ = read(streams, iterator(streams, arn, "TRIM_HORIZON"), 3)
    second = records[1]["dynamodb"]["SequenceNumber"]
    at, _ = read(streams, iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=second), 2)
    after, _ = read(streams, iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=second), 1)
    assert numbers(at) == numbers(records)[1:] and numbers(after) == numbers(records)[2:]
    start = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["SequenceNumberRange"][
        "StartingSequenceNumber"]
    everything, _ = read(streams, iterator(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=start), 3)
    assert numbers(everything) == numbers(records)


def test_limit_pages_and_an_open_shard_always_has_a_next_iterator(ddb, streams, stream_table):
    """Limit pages through the records; at the end of an open shard GetRecords still hands
    out a NextShardIterator, which later sees the changes made in the meantime."""
    name, arn = stream_table("KEYS_ONLY")
    for n in range(5):
        ddb.put_item(TableName=name, Item={"pk": {"S": str(n)}})
    position, pages = iterator(streams, arn, "TRIM_HORIZON"), []
    for _ in range(3):
        answer = streams.get_records(ShardIterator=position, Limit=2)
        pages.append([record["dynamodb"]["Keys"]["pk"]["S"] for record in answer["Records"]])
        position = answer["NextShardIterator"]
    assert pages == [["0", "1"], ["2", "3"], ["4"]]
    idle = streams.get_records(ShardIterator=position)
    assert idle["Records"] == [] and idle["NextShardIterator"]  # more may come
    ddb.put_item(TableName=name, Item={"pk": {"S": "5"}})
    later, _ = read(streams, idle["NextShardIterator"], 1)
    assert [record["dynamodb"]["Keys"]["pk"]["S"] for record in later] == ["5"]


def test_a_closed_shard_ends_without_a_next_iterator(ddb, streams, stream_table):
    """Once the stream is disabled, reading to the end of its shard gives no NextShardIterator:
    that is how a consumer knows it has everything."""
    name, arn = stream_table("KEYS_ONLY")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    records, following = read(streams, iterator(streams, arn, "TRIM_HORIZON"), 2)
    assert [record["eventName"] for record in records] == ["INSERT"]
    assert following is None


def test_batch_and_transaction_writes_produce_records(ddb, streams, stream_table):
    """Every item a BatchWriteItem or TransactWriteItems changes gets its record; a
    ConditionCheck changes nothing and gets none."""
    name, arn = stream_table("NEW_AND_OLD_IMAGES")
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": key}}}} for key in "abc"]})
    ddb.batch_write_item(RequestItems={name: [{"DeleteRequest": {"Key": {"pk": {"S": "c"}}}}]})
    ddb.transact_write_items(TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": {"S": "d"}}}},
        {"Update": {"TableName": name, "Key": {"pk": {"S": "a"}}, "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"N": "1"}}}},
        {"Delete": {"TableName": name, "Key": {"pk": {"S": "b"}}}},
        {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "c"}},
                            "ConditionExpression": "attribute_not_exists(pk)"}},
    ])
    records, _ = read(streams, iterator(streams, arn, "TRIM_HORIZON"), 7)
    changes = [(record["eventName"], record["dynamodb"]["Keys"]["pk"]["S"]) for record in records]
    assert changes[:4] == [("INSERT", "a"), ("INSERT", "b"), ("INSERT", "c"), ("REMOVE", "c")]
    assert sorted(changes[4:]) == [("INSERT", "d"), ("MODIFY", "a"), ("REMOVE", "b")]  # nothing for "c"


def test_binary_values_come_back_as_bytes(ddb, streams, stream_table):
    """Binary keys, sets and nested values survive storage in the record as bytes."""
    name, arn = stream_table("NEW_IMAGE", ("pk", "B"))
    item = {"pk": {"B": b"\x00\xff"}, "blobs": {"BS": [b"a", b"b"]}, "nested": {"M": {"b": {"B": b"z"}}}}
    ddb.put_item(TableName=name, Item=item)
    (record,), _ = read(streams, iterator(streams, arn, "TRIM_HORIZON"), 1)
    assert record["dynamodb"]["Keys"] == {"pk": {"B": b"\x00\xff"}} and record["dynamodb"]["NewImage"] == item


def test_iterator_errors(streams, stream_table):
    """AWS's answers to iterators that cannot work: malformed or altered iterators, a shard
    the stream lacks, sequence numbers missing, superfluous or foreign, too high a Limit."""
    _, arn = stream_table()
    shard = shard_of(streams, arn)
    assert error_of(streams.get_records, ShardIterator="not-an-iterator") == (
        "ValidationException", "Invalid ShardIterator")
    good = iterator(streams, arn, "TRIM_HORIZON")
    altered = good[:-6] + ("AAAA" if good[-6:-2] != "AAAA" else "BBBB") + good[-2:]
    assert error_of(streams.get_records, ShardIterator=altered) == ("ValidationException", "Invalid ShardIterator")
    assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId="shardId-00000000000000000000-00000000",
                    ShardIteratorType="LATEST") == (
        "ResourceNotFoundException", "Requested resource not found: Shard does not exist")
    code, _ = error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER")
    assert code == "ValidationException"
    start = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["SequenceNumberRange"][
        "StartingSequenceNumber"]
    code, _ = error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard, ShardIteratorType="LATEST",
                       SequenceNumber=start)
    assert code == "ValidationException"
    code, _ = error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                       ShardIteratorType="AFTER_SEQUENCE_NUMBER", SequenceNumber="9" * 30)
    assert code == "ValidationException"
    assert error_of(streams.get_records, ShardIterator=good, Limit=1001)[0] == "LimitExceededException"
