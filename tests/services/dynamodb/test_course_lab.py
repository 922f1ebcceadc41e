"""The course lab's DynamoDB sequence (course-labs.md §4), call by call, with its required results.

Learners run this lab unchanged against headwater; every assertion below is a result the
lab's notebook prints or relies on. Each test gets the four tables freshly created (10/5
provisioned throughput, the waiter after each create) and loaded as the lab loads them:
ProductCatalog and Thread item by item, Reply and Forum with one BatchWriteItem each.
"""

import uuid

import pytest

from tests.services.dynamodb import lab_data
from tests.services.dynamodb.lab_data import FORUM, THREAD_1, THREAD_2

PREFIX = "de-c2w1-dynamodb"
THROUGHPUT = {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5}
NEW_REPLY = {"Id": {"S": THREAD_2}, "ReplyDateTime": {"S": "2021-04-27T17:47:30Z"},
             "Message": {"S": "A reply added by the lab."}, "PostedBy": {"S": "User C"}}


@pytest.fixture
def lab(aws):
    """The four tables, created and loaded as the lab does; dropped afterwards."""
    client = aws("dynamodb")
    suffix = uuid.uuid4().hex[:8]
    names = {short: f"{PREFIX}-{suffix}-{short}" for short in lab_data.TABLES}
    for short, (keys, _) in lab_data.TABLES.items():
        response = client.create_table(
            TableName=names[short],
            KeySchema=[{"AttributeName": name, "KeyType": kind} for name, _, kind in keys],
            AttributeDefinitions=[{"AttributeName": name, "AttributeType": type_} for name, type_, _ in keys],
            ProvisionedThroughput=THROUGHPUT,
        )
        description = response["TableDescription"]
        assert description["TableStatus"] == "CREATING"
        assert description["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, **THROUGHPUT}
        assert (description["ItemCount"], description["TableSizeBytes"]) == (0, 0)
        assert description["TableArn"].endswith(f":table/{names[short]}")
        assert description["DeletionProtectionEnabled"] is False
        client.get_waiter("table_exists").wait(TableName=names[short])
    for short in ("ProductCatalog", "Thread"):
        for request in lab_data.request_items(names[short], lab_data.TABLES[short][1])[names[short]]:
            client.put_item(TableName=names[short], Item=request["PutRequest"]["Item"])
    for short in ("Reply", "Forum"):
        answer = client.batch_write_item(RequestItems=lab_data.request_items(names[short], lab_data.TABLES[short][1]))
        assert answer["UnprocessedItems"] == {}
    yield client, names
    for name in names.values():
        try:
            client.delete_table(TableName=name)
        except client.exceptions.ResourceNotFoundException:
            pass


def reply_query(client, names, **extra):
    return client.query(
        TableName=names["Reply"], KeyConditionExpression=extra.pop("KeyConditionExpression", "Id = :Id"),
        ExpressionAttributeValues={":Id": {"S": THREAD_1}, **extra.pop("values", {})}, **extra,
    )


def test_scan_and_get_item_with_capacity(lab):
    """Calls 1-3: a full scan, GetItem, projections and the 1.0 / 0.5 read units."""
    client, names = lab
    assert len(client.scan(TableName=names["ProductCatalog"])["Items"]) == 8
    item = client.get_item(TableName=names["ProductCatalog"], Key={"Id": {"N": "101"}})["Item"]
    assert item["Id"] == {"N": "101"} and item["ProductCategory"] == {"S": "Book"}
    projected = dict(TableName=names["ProductCatalog"], Key={"Id": {"N": "101"}},
                     ProjectionExpression="ProductCategory, Price, Title", ReturnConsumedCapacity="TOTAL")
    strong = client.get_item(ConsistentRead=True, **projected)
    assert set(strong["Item"]) == {"ProductCategory", "Price", "Title"}
    assert strong["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert client.get_item(**projected)["ConsumedCapacity"]["CapacityUnits"] == 0.5
    replies = client.scan(TableName=names["Reply"])
    assert (replies["Count"], replies["ScannedCount"]) == (4, 4)


def test_queries_on_the_sort_key_filters_and_pages(lab):
    """Calls 4-8: key conditions, a filter after the read, Limit with LastEvaluatedKey both ways."""
    client, names = lab
    both = reply_query(client, names, ReturnConsumedCapacity="TOTAL")
    assert both["Count"] == 2 and both["ConsumedCapacity"]["CapacityUnits"] == 0.5
    later = reply_query(client, names, KeyConditionExpression="Id = :Id and ReplyDateTime > :ts",
                        values={":ts": {"S": "2015-09-21"}})
    assert later["Count"] == 1
    filtered = reply_query(client, names, FilterExpression="PostedBy = :user", values={":user": {"S": "User B"}})
    assert (filtered["Count"], filtered["ScannedCount"]) == (1, 2)
    ordered = sorted(both["Items"], key=lambda item: item["ReplyDateTime"]["S"])
    for forward, expected in ((True, ordered[0]), (False, ordered[-1])):
        page = reply_query(client, names, Limit=1, ScanIndexForward=forward)
        assert page["Items"] == [expected]
        assert page["LastEvaluatedKey"] == {"Id": expected["Id"], "ReplyDateTime": expected["ReplyDateTime"]}


def test_scan_filters_limits_and_reserved_words(lab):
    """Calls 9-11: Count/ScannedCount of filtered scans, Limit, ExclusiveStartKey, #Views."""
    client, names = lab
    by_user_a = dict(TableName=names["Reply"], FilterExpression="PostedBy = :user",
                     ExpressionAttributeValues={":user": {"S": "User A"}})
    everything = client.scan(**by_user_a)
    assert (everything["Count"], everything["ScannedCount"]) == (3, 4)
    first = client.scan(Limit=2, **by_user_a)
    assert (first["Count"], first["ScannedCount"]) == (1, 2)
    assert first["LastEvaluatedKey"]["Id"] == {"S": THREAD_1}
    second_scanned = client.get_item(TableName=names["Reply"], Key=first["LastEvaluatedKey"])["Item"]
    assert second_scanned["PostedBy"] == {"S": "User B"}
    rest = client.scan(Limit=2, ExclusiveStartKey=first["LastEvaluatedKey"], **by_user_a)
    assert (rest["Count"], rest["ScannedCount"]) == (2, 2)
    assert "LastEvaluatedKey" in rest  # the limit was reached, so DynamoDB says there may be more
    forums = client.scan(
        TableName=names["Forum"], FilterExpression="Threads >= :threads AND #Views >= :views",
        ExpressionAttributeValues={":threads": {"N": "1"}, ":views": {"N": "50"}},
        ExpressionAttributeNames={"#Views": "Views"},
    )
    assert (forums["Count"], forums["ScannedCount"]) == (1, 2)


def test_put_and_conditional_update(lab):
    """Calls 12-13: PutItem costs one write unit and returns no attributes; the conditional
    update returns the new Messages with UPDATED_NEW."""
    client, names = lab
    put = client.put_item(TableName=names["Reply"], Item=NEW_REPLY, ReturnConsumedCapacity="TOTAL")
    assert put["ConsumedCapacity"]["CapacityUnits"] == 1.0 and "Attributes" not in put
    updated = client.update_item(
        TableName=names["Forum"], Key={"Name": {"S": FORUM}}, ReturnValues="UPDATED_NEW",
        UpdateExpression="SET Messages = :newMessages", ConditionExpression="Messages = :oldMessages",
        ExpressionAttributeValues={":newMessages": {"N": "5"}, ":oldMessages": {"N": "4"}},
    )
    assert updated["Attributes"] == {"Messages": {"N": "5"}}


def test_list_append_then_remove_by_index(lab):
    """Calls 14-15: list_append adds two colours (one write unit); REMOVE #Color[2], #Color[3]
    with UPDATED_NEW answers no Attributes and leaves the original two."""
    client, names = lab
    key = {"Id": {"N": "201"}}
    original = client.get_item(TableName=names["ProductCatalog"], Key=key)["Item"]["Color"]["L"]
    appended = client.update_item(
        TableName=names["ProductCatalog"], Key=key, UpdateExpression="SET #Color = list_append(#Color, :values)",
        ExpressionAttributeNames={"#Color": "Color"},
        ExpressionAttributeValues={":values": {"L": [{"S": "Blue"}, {"S": "Yellow"}]}},
        ReturnValues="ALL_NEW", ReturnConsumedCapacity="TOTAL",
    )
    assert appended["Attributes"]["Color"]["L"] == original + [{"S": "Blue"}, {"S": "Yellow"}]
    assert appended["ConsumedCapacity"]["CapacityUnits"] == 1.0
    assert len(client.get_item(TableName=names["ProductCatalog"], Key=key)["Item"]["Color"]["L"]) == 4
    removed = client.update_item(
        TableName=names["ProductCatalog"], Key=key, UpdateExpression="REMOVE #Color[2], #Color[3]",
        ExpressionAttributeNames={"#Color": "Color"}, ReturnValues="UPDATED_NEW", ReturnConsumedCapacity="TOTAL",
    )
    assert "Attributes" not in removed and "ConsumedCapacity" in removed
    assert client.get_item(TableName=names["ProductCatalog"], Key=key)["Item"]["Color"]["L"] == original


def test_deletes_succeed_even_for_missing_items(lab):
    """Call 16: deleting the added reply, and deleting it again, both succeed; the forum's
    Messages go back from 5 to 4 with a conditional update."""
    client, names = lab
    client.put_item(TableName=names["Reply"], Item=NEW_REPLY)
    key = {"Id": NEW_REPLY["Id"], "ReplyDateTime": NEW_REPLY["ReplyDateTime"]}
    for _ in range(2):
        assert client.delete_item(TableName=names["Reply"], Key=key)["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert "Item" not in client.get_item(TableName=names["Reply"], Key=key)
    forum_key = {"Name": {"S": FORUM}}
    for old, new in (("4", "5"), ("5", "4")):
        client.update_item(TableName=names["Forum"], Key=forum_key, UpdateExpression="SET Messages = :new",
                           ConditionExpression="Messages = :old",
                           ExpressionAttributeValues={":new": {"N": new}, ":old": {"N": old}})
    assert client.get_item(TableName=names["Forum"], Key=forum_key)["Item"]["Messages"] == {"N": "4"}


def test_transactions_with_tokens_are_idempotent(lab):
    """Call 17: a Put plus ADD Messages under TRANSACTION1 (run twice: once applied), then
    the reverse under TRANSACTION2."""
    client, names = lab
    forum_key = {"Name": {"S": FORUM}}

    def add_messages(increment):
        return {"Update": {"TableName": names["Forum"], "Key": forum_key, "UpdateExpression": "ADD Messages :inc",
                           "ExpressionAttributeValues": {":inc": {"N": increment}}}}

    forward = [{"Put": {"TableName": names["Reply"], "Item": NEW_REPLY}}, add_messages("1")]
    for _ in range(2):
        client.transact_write_items(TransactItems=forward, ClientRequestToken="TRANSACTION1")
        assert client.get_item(TableName=names["Forum"], Key=forum_key)["Item"]["Messages"] == {"N": "5"}
    key = {"Id": NEW_REPLY["Id"], "ReplyDateTime": NEW_REPLY["ReplyDateTime"]}
    assert client.get_item(TableName=names["Reply"], Key=key)["Item"] == NEW_REPLY
    backward = [{"Delete": {"TableName": names["Reply"], "Key": key}}, add_messages("-1")]
    client.transact_write_items(TransactItems=backward, ClientRequestToken="TRANSACTION2")
    assert client.get_item(TableName=names["Forum"], Key=forum_key)["Item"]["Messages"] == {"N": "4"}
    assert "Item" not in client.get_item(TableName=names["Reply"], Key=key)


def test_cleanup_deletes_every_table(lab):
    """Call 18: each DeleteTable answers the description with TableStatus DELETING."""
    client, names = lab
    for name in names.values():
        assert client.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    client.get_waiter("table_not_exists").wait(TableName=names["Reply"])
