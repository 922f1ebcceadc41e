"""Time to live: expired items are really deleted by the background sweeper, as a DeleteItem
would (indexes, counts), and appear in the stream as deletions by the DynamoDB service.

Each test runs a headwater of its own with a frozen clock the test moves (requests are not
signature-checked, since their signing time stays real)."""

import time

import pytest

from headwater import registry
from headwater.services.dynamodb import ttl
from headwater.storage.clock import FrozenClock
from tests.server import start_server
from tests.services.dynamodb.conftest import key_schema, unique

YEAR = 365 * 24 * 3600
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


def start(tmp_path, sweep_seconds):
    clock = FrozenClock()
    return start_server(tmp_path, clock=clock, auth="off", ttl_sweep_seconds=sweep_seconds), clock


@pytest.fixture
def sweeping(tmp_path):
    """A headwater that sweeps every 50 ms."""
    running, clock = start(tmp_path, 0.05)
    yield running, clock
    running.stop()


def make_ttl_table(ddb, **extra) -> str:
    name = unique()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **{**key_schema(("pk", "S")), **extra})
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    return name


def remaining(ddb, name) -> set[str]:
    return {item["pk"]["S"] for item in ddb.scan(TableName=name, ConsistentRead=True)["Items"]}


def wait_for(condition):
    """Poll briefly for the sweeper, which runs on its own every 50 ms."""
    deadline = time.monotonic() + 10
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("the sweeper did not get there")
        time.sleep(0.02)


def test_expired_items_are_deleted_like_a_delete_item(sweeping):
    """Only items whose TTL attribute is a Number before now go; indexes and counts follow,
    and the stream shows each deletion as a REMOVE by the DynamoDB service."""
    server, clock = sweeping
    ddb, streams = server.client("dynamodb"), server.client("dynamodbstreams")
    name = make_ttl_table(
        ddb, StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "colour", "AttributeType": "S"}],
        GlobalSecondaryIndexes=[{"IndexName": "by-colour", "Projection": {"ProjectionType": "ALL"},
                                 "KeySchema": [{"AttributeName": "colour", "KeyType": "HASH"}]}],
    )
    now = int(clock.time())
    expired = {"pk": {"S": "expired"}, "colour": {"S": "red"}, "expires": {"N": str(now + 5)}}
    items = [
        expired,
        {"pk": {"S": "later"}, "colour": {"S": "red"}, "expires": {"N": str(now + 3600)}},
        {"pk": {"S": "text"}, "expires": {"S": str(now - 10)}},  # not a Number: never deleted
        {"pk": {"S": "set"}, "expires": {"NS": [str(now - 10)]}},
        {"pk": {"S": "none"}},
        {"pk": {"S": "ancient"}, "expires": {"N": str(now - 6 * YEAR)}},  # over five years ago: ignored
    ]
    for item in items:
        ddb.put_item(TableName=name, Item=item)
    clock.advance(10)
    wait_for(lambda: "expired" not in remaining(ddb, name))
    assert remaining(ddb, name) == {"later", "text", "set", "none", "ancient"}
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["ItemCount"] == 5 and table["GlobalSecondaryIndexes"][0]["ItemCount"] == 1
    red = ddb.query(TableName=name, IndexName="by-colour", KeyConditionExpression="colour = :c",
                    ExpressionAttributeValues={":c": {"S": "red"}})["Items"]
    assert [item["pk"]["S"] for item in red] == ["later"]

    arn = table["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    position = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=position["ShardIterator"])["Records"]
    removal = records[-1]
    assert [record["eventName"] for record in records] == ["INSERT"] * 6 + ["REMOVE"]
    assert removal["userIdentity"] == SERVICE_IDENTITY
    assert removal["dynamodb"]["OldImage"] == expired and "NewImage" not in removal["dynamodb"]

    clock.advance(3600)
    wait_for(lambda: "later" not in remaining(ddb, name))
    assert remaining(ddb, name) == {"text", "set", "none", "ancient"}


def test_tables_without_ttl_keep_their_items(sweeping):
    """Expiry needs TTL enabled on the table: without it, or after it is disabled, a past
    value of the attribute means nothing."""
    server, clock = sweeping
    ddb = server.client("dynamodb")
    plain = unique()
    ddb.create_table(TableName=plain, BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S")))
    disabled = make_ttl_table(ddb)
    ddb.update_time_to_live(TableName=disabled, TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"})
    swept = make_ttl_table(ddb)
    past = {"expires": {"N": str(int(clock.time()) - 10)}}
    for name in (plain, disabled, swept):
        ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, **past})
    wait_for(lambda: remaining(ddb, swept) == set())  # a sweep has run since the writes
    assert remaining(ddb, plain) == remaining(ddb, disabled) == {"a"}


def test_one_sweep_deletes_a_bounded_batch(tmp_path, monkeypatch):
    """A sweep holds the database's write lock, so it deletes at most SWEEP_BATCH items and
    leaves the rest to the next runs."""
    server, clock = start(tmp_path, 24 * 3600)  # the test runs the sweeps itself
    try:
        ddb = server.client("dynamodb")
        name = make_ttl_table(ddb)
        for n in range(5):
            ddb.put_item(TableName=name, Item={"pk": {"S": str(n)}, "expires": {"N": str(int(clock.time()) - 1)}})
        monkeypatch.setattr(ttl, "SWEEP_BATCH", 2)
        service = registry.services()["dynamodb"]
        (task,) = [task for task in service.periodic if task.name == "ttl_sweep"]
        left = []
        for _ in range(3):
            server.app.run_periodic(service, task)
            left.append(len(remaining(ddb, name)))
        assert left == [3, 1, 0]
    finally:
        server.stop()
