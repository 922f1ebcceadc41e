"""What time does to streams: iterators expire after 15 minutes, records after 24 hours, a
disabled stream 24 hours after it was disabled, and ENABLING/DISABLING last the creation
delay. Each test runs a headwater of its own whose clock the test moves (requests are not
signature-checked, since their signing time stays real) and whose background retention
task runs when the test says so."""

from datetime import datetime, timezone

import pytest

from headwater import registry
from headwater.storage.clock import FrozenClock
from tests.server import start_server
from tests.services.dynamodb.conftest import error_of, key_schema, unique
from tests.services.dynamodbstreams.conftest import iterator, read

HOUR = 3600


@pytest.fixture
def timed(tmp_path):
    clock = FrozenClock()
    running = start_server(tmp_path, clock=clock, auth="off", ttl_sweep_seconds=24 * HOUR)
    yield running, clock
    running.stop()


def new_stream(ddb, view_type="KEYS_ONLY") -> tuple[str, str]:
    name = unique()
    created = ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S")),
                               StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    return name, created["TableDescription"]["LatestStreamArn"]


def put(ddb, name, key):
    ddb.put_item(TableName=name, Item={"pk": {"S": key}})


def keys(records):
    return [record["dynamodb"]["Keys"]["pk"]["S"] for record in records]


def test_iterators_expire_15_minutes_after_they_are_issued(timed):
    """GetShardIterator's iterator and every NextShardIterator live 15 minutes each."""
    server, clock = timed
    ddb, streams = server.client("dynamodb"), server.client("dynamodbstreams")
    name, arn = new_stream(ddb)
    first = iterator(streams, arn, "TRIM_HORIZON")
    clock.advance(15 * 60 - 1)
    following = streams.get_records(ShardIterator=first)["NextShardIterator"]
    clock.advance(2)
    bodies = []
    streams.meta.events.register("after-call", lambda http_response, **_: bodies.append(http_response.content))
    assert error_of(streams.get_records, ShardIterator=first) == (
        "ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.")
    assert b'"com.amazonaws.dynamodb.streams.v20120810#ExpiredIteratorException"' in bodies[-1]
    put(ddb, name, "a")
    assert keys(streams.get_records(ShardIterator=following)["Records"]) == ["a"]


def test_records_older_than_24_hours_are_trimmed(timed):
    """Records live 24 hours: then TRIM_HORIZON starts after them, and an iterator or a
    sequence number pointing at them is TrimmedDataAccessException, before and after the
    background task has removed them."""
    server, clock = timed
    ddb, streams = server.client("dynamodb"), server.client("dynamodbstreams")
    name, arn = new_stream(ddb)
    put(ddb, name, "old")
    (old,), _ = read(streams, iterator(streams, arn, "TRIM_HORIZON"), 1)
    clock.advance(12 * HOUR)
    put(ddb, name, "new")
    clock.advance(12 * HOUR - 5 * 60)
    pending = iterator(streams, arn, "TRIM_HORIZON")  # still points at "old"
    clock.advance(10 * 60)  # "old" is now older than 24 hours; the iterator is 10 minutes old
    assert error_of(streams.get_records, ShardIterator=pending) == (
        "TrimmedDataAccessException", "The data you are trying to access has been trimmed")
    assert keys(read(streams, iterator(streams, arn, "TRIM_HORIZON"), 1)[0]) == ["new"]
    sequence_number = old["dynamodb"]["SequenceNumber"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    for removed in (False, True):  # before the background task removed the record, then after
        assert stored_records(server, arn) == (1 if removed else 2)
        assert error_of(streams.get_shard_iterator, StreamArn=arn, ShardId=shard,
                        ShardIteratorType="AT_SEQUENCE_NUMBER", SequenceNumber=sequence_number)[0] == (
            "TrimmedDataAccessException")
        assert error_of(streams.get_records, ShardIterator=pending)[0] == "TrimmedDataAccessException"
        after = iterator(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=sequence_number)
        assert keys(read(streams, after, 1)[0]) == ["new"]
        run_retention(server)


def run_retention(server):
    service = registry.services()["dynamodb"]
    (task,) = [task for task in service.periodic if task.name == "stream_retention"]
    server.app.run_periodic(service, task)


def stored_records(server, arn) -> int:
    with server.app.stores.database("dynamodb").transaction(write=False) as db:
        return db.execute("SELECT COUNT(*) FROM stream_records WHERE stream_arn = ?", (arn,)).fetchone()[0]


def test_a_disabled_stream_is_gone_24_hours_later(timed):
    """A disabled stream is readable for 24 hours, then neither described nor listed, and the
    background task removes it with its records."""
    server, clock = timed
    ddb, streams = server.client("dynamodb"), server.client("dynamodbstreams")
    name, arn = new_stream(ddb)
    put(ddb, name, "a")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    clock.advance(24 * HOUR - 1)
    assert keys(read(streams, iterator(streams, arn, "TRIM_HORIZON"), 1)[0]) == ["a"]
    clock.advance(2)
    assert error_of(streams.describe_stream, StreamArn=arn)[0] == "ResourceNotFoundException"
    assert streams.list_streams(TableName=name)["Streams"] == []
    assert stored_records(server, arn) == 1
    run_retention(server)
    assert stored_records(server, arn) == 0


def test_at_timestamp_starts_at_the_first_record_since(timed):
    """AT_TIMESTAMP starts at the first record created at or after the time; record times are
    whole seconds (AWS rounds ApproximateCreationDateTime down)."""
    server, clock = timed
    ddb, streams = server.client("dynamodb"), server.client("dynamodbstreams")
    name, arn = new_stream(ddb)
    put(ddb, name, "early")
    clock.advance(60)
    put(ddb, name, "late")
    middle = datetime.fromtimestamp(clock.time() - 30, timezone.utc)
    records, _ = read(streams, iterator(streams, arn, "AT_TIMESTAMP", Timestamp=middle), 1)
    assert keys(records) == ["late"]
    assert records[0]["dynamodb"]["ApproximateCreationDateTime"].timestamp() == int(clock.time())


def test_streams_are_enabling_and_disabling_for_the_creation_delay(tmp_path):
    """With a creation delay, a stream is ENABLING (then DISABLING) for it, as tables are CREATING."""
    clock = FrozenClock()
    server = start_server(tmp_path, clock=clock, auth="off", create_delay_seconds=30)
    try:
        ddb, streams = server.client("dynamodb"), server.client("dynamodbstreams")
        name, arn = new_stream(ddb)

        def status():
            return streams.describe_stream(StreamArn=arn)["StreamDescription"]["StreamStatus"]

        assert status() == "ENABLING"
        clock.advance(30)
        assert status() == "ENABLED"
        ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
        assert status() == "DISABLING"
        clock.advance(30)
        assert status() == "DISABLED"
    finally:
        server.stop()
