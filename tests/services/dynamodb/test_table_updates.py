"""UpdateTable, tags and time-to-live settings, and the CREATING → ACTIVE delay seen by boto3's waiters."""

import threading

import pytest

from headwater.storage.clock import FrozenClock
from tests.server import start_server
from tests.services.dynamodb.conftest import error_of, key_schema, unique

INVALID = "One or more parameter values were invalid: "


def gsi(name, key, projection="ALL"):
    return {"IndexName": name, "KeySchema": [{"AttributeName": key, "KeyType": "HASH"}],
            "Projection": {"ProjectionType": projection}}


def test_new_global_index_is_backfilled_from_existing_items(ddb, make_table):
    """A GSI added by UpdateTable indexes the items already there (sparsely) and is queryable."""
    name = make_table(("pk", "S"))
    for n in range(4):
        item = {"pk": {"S": f"p{n}"}}
        if n % 2:
            item["colour"] = {"S": "red"}
        ddb.put_item(TableName=name, Item=item)
    answer = ddb.update_table(TableName=name, AttributeDefinitions=[{"AttributeName": "colour", "AttributeType": "S"}],
                              GlobalSecondaryIndexUpdates=[{"Create": gsi("by-colour", "colour")}])
    assert answer["TableDescription"]["TableStatus"] == "UPDATING"
    ddb.get_waiter("table_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    found = ddb.query(TableName=name, IndexName="by-colour", KeyConditionExpression="colour = :c",
                      ExpressionAttributeValues={":c": {"S": "red"}})
    assert sorted(item["pk"]["S"] for item in found["Items"]) == ["p1", "p3"]
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["GlobalSecondaryIndexes"][0]["ItemCount"] == 2
    assert {d["AttributeName"] for d in table["AttributeDefinitions"]} == {"pk", "colour"}


def test_deleting_a_global_index_drops_it_and_its_definitions(ddb, make_table):
    name = make_table(("pk", "S"), AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                         {"AttributeName": "g", "AttributeType": "S"}],
                      GlobalSecondaryIndexes=[gsi("by-g", "g")])
    ddb.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-g"}}])
    table = ddb.describe_table(TableName=name)["Table"]
    assert "GlobalSecondaryIndexes" not in table
    assert table["AttributeDefinitions"] == [{"AttributeName": "pk", "AttributeType": "S"}]
    assert error_of(ddb.query, TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                    ExpressionAttributeValues={":g": {"S": "x"}}) == (
        "ValidationException", "The table does not have the specified index: by-g")


def test_billing_mode_and_throughput_changes(ddb, make_table):
    """On-demand to provisioned needs throughput; an unchanged throughput is refused."""
    name = make_table(("pk", "S"))
    assert error_of(ddb.update_table, TableName=name, BillingMode="PROVISIONED") == (
        "ValidationException", INVALID + "ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
    throughput = {"ReadCapacityUnits": 3, "WriteCapacityUnits": 4}
    table = ddb.update_table(TableName=name, BillingMode="PROVISIONED", ProvisionedThroughput=throughput)[
        "TableDescription"]
    assert table["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert table["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    code, message = error_of(ddb.update_table, TableName=name, ProvisionedThroughput=throughput)
    assert code == "ValidationException" and message.startswith(
        "The provisioned throughput for the table will not change. The requested value equals the current value.")
    lower = ddb.update_table(TableName=name, ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1})
    assert lower["TableDescription"]["ProvisionedThroughput"]["NumberOfDecreasesToday"] == 1
    back = ddb.update_table(TableName=name, BillingMode="PAY_PER_REQUEST")["TableDescription"]
    assert back["ProvisionedThroughput"]["ReadCapacityUnits"] == 0
    assert "LastUpdateToPayPerRequestDateTime" in back["BillingModeSummary"]


def test_stream_can_be_enabled_and_disabled_once(ddb, make_table):
    name = make_table(("pk", "S"))
    enabled = ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    arn = enabled["TableDescription"]["LatestStreamArn"]
    assert error_of(ddb.update_table, TableName=name,
                    StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"}) == (
        "ValidationException", f"Table already has an enabled stream: TableName: {name}")
    ddb.update_table(TableName=name, StreamSpecification={"StreamEnabled": False})
    table = ddb.describe_table(TableName=name)["Table"]
    assert "StreamSpecification" not in table and table["LatestStreamArn"] == arn
    assert error_of(ddb.update_table, TableName=name, StreamSpecification={"StreamEnabled": False}) == (
        "ValidationException", f"Table has no stream to disable: TableName: {name}")


def test_update_table_needs_something_to_do(ddb, make_table):
    name = make_table(("pk", "S"))
    code, message = error_of(ddb.update_table, TableName=name)
    assert code == "ValidationException" and message.startswith("At least one of ProvisionedThroughput, BillingMode")
    assert error_of(ddb.update_table, TableName=name, DeletionProtectionEnabled=True, BillingMode="PAY_PER_REQUEST") == (
        "ValidationException", INVALID + "DeletionProtection modification must be the only operation in the request")


def test_only_one_index_created_or_deleted_at_a_time(ddb, make_table):
    name = make_table(("pk", "S"))
    updates = [{"Create": gsi("one", "a")}, {"Create": gsi("two", "b")}]
    definitions = [{"AttributeName": n, "AttributeType": "S"} for n in "ab"]
    assert error_of(ddb.update_table, TableName=name, AttributeDefinitions=definitions,
                    GlobalSecondaryIndexUpdates=updates) == (
        "LimitExceededException",
        "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table")


def test_tags_are_added_listed_and_removed(ddb, make_table):
    name = make_table(("pk", "S"), Tags=[{"Key": "team", "Value": "data"}])
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "lake"}])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"},
                                                                  {"Key": "team", "Value": "lake"}]
    ddb.untag_resource(ResourceArn=arn, TagKeys=["env"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "team", "Value": "lake"}]
    missing = arn.rsplit("/", 1)[0] + "/" + unique()
    assert error_of(ddb.list_tags_of_resource, ResourceArn=missing) == (
        "ResourceNotFoundException", f"Requested resource not found: ResourcArn: {missing} not found")
    assert error_of(ddb.tag_resource, ResourceArn=arn, Tags=[{"Key": "aws:x", "Value": "y"}]) == (
        "ValidationException", "Tag Key cannot be prefixed with aws:, Key: aws:x")


def test_time_to_live_setting_is_stored(ddb, make_table):
    name = make_table(("pk", "S"))
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}
    spec = {"Enabled": True, "AttributeName": "expires"}
    assert ddb.update_time_to_live(TableName=name, TimeToLiveSpecification=spec)["TimeToLiveSpecification"] == spec
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {
        "TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    assert error_of(ddb.update_time_to_live, TableName=name, TimeToLiveSpecification=spec) == (
        "ValidationException", "TimeToLive is already enabled")
    other = {"Enabled": True, "AttributeName": "other"}
    assert error_of(ddb.update_time_to_live, TableName=name, TimeToLiveSpecification=other) == (
        "ValidationException", "TimeToLive is active on a different AttributeName: current AttributeName is expires")
    ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"Enabled": False, "AttributeName": "expires"})
    assert ddb.describe_time_to_live(TableName=name)["TimeToLiveDescription"] == {"TimeToLiveStatus": "DISABLED"}


@pytest.fixture
def slow(tmp_path):
    """A headwater of its own whose tables stay CREATING for 30 clock seconds."""
    clock = FrozenClock()  # now: request signatures are checked against this clock too
    running = start_server(tmp_path, clock=clock, create_delay_seconds=30)
    yield running, clock
    running.stop()


def test_table_exists_waiter_waits_for_the_creation_delay(slow):
    """With a delay, the table is CREATING (and unusable) until the clock passes it; the
    boto3 waiter keeps polling until then."""
    server, clock = slow
    client = server.client("dynamodb")
    client.create_table(TableName="slow-table", BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S")))
    assert client.describe_table(TableName="slow-table")["Table"]["TableStatus"] == "CREATING"
    assert error_of(client.put_item, TableName="slow-table", Item={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException", "Requested resource not found")
    assert error_of(client.delete_table, TableName="slow-table")[0] == "ResourceInUseException"
    polls = []
    client.meta.events.register("after-call.dynamodb.DescribeTable", lambda **kwargs: polls.append(1))
    timer = threading.Timer(0.3, clock.advance, args=(30,))
    timer.start()
    client.get_waiter("table_exists").wait(TableName="slow-table", WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    timer.join()
    assert len(polls) >= 2  # the first poll saw CREATING
    client.put_item(TableName="slow-table", Item={"pk": {"S": "a"}})


def test_new_global_index_is_backfilling_during_the_delay(slow):
    server, clock = slow
    client = server.client("dynamodb")
    client.create_table(TableName="slow-index", BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S")))
    clock.advance(30)
    client.update_table(TableName="slow-index", AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                        GlobalSecondaryIndexUpdates=[{"Create": gsi("by-g", "g")}])
    index = client.describe_table(TableName="slow-index")["Table"]["GlobalSecondaryIndexes"][0]
    assert (index["IndexStatus"], index["Backfilling"]) == ("CREATING", True)
    query = dict(TableName="slow-index", IndexName="by-g", KeyConditionExpression="g = :g",
                 ExpressionAttributeValues={":g": {"S": "x"}})
    assert error_of(client.query, **query) == (
        "ValidationException", "Cannot read from backfilling global secondary index: by-g")
    clock.advance(30)
    assert client.describe_table(TableName="slow-index")["Table"]["GlobalSecondaryIndexes"][0]["IndexStatus"] == "ACTIVE"
    assert client.query(**query)["Count"] == 0
