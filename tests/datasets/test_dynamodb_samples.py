"""The DynamoDB sample tables loaded into headwater, both as the lab loads its files
(put_item per item, batch_write_item of a whole file) and through ``load``; then the lab's
calls (course-labs §4.4) give the documented counts."""

from __future__ import annotations

import json

import pytest

from headwater.datasets import dynamodb_samples as samples
from tests.server import start_server

PREFIX = samples.LAB_PREFIX
THREAD_1 = {":Id": {"S": "Amazon DynamoDB#DynamoDB Thread 1"}}


@pytest.fixture(scope="module")
def ddb(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("headwater-samples"))
    client = running.client("dynamodb")
    for definition in samples.table_definitions(PREFIX):
        client.create_table(**definition)
        client.get_waiter("table_exists").wait(TableName=definition["TableName"], WaiterConfig={"Delay": 1})
    files = {name: json.loads(text) for name, text in samples.lab_files().items()}
    for name in ("ProductCatalog", "Thread"):
        for item in files[f"{name}.json"][PREFIX + name]:
            client.put_item(TableName=PREFIX + name, Item=item["PutRequest"]["Item"])
    for name in ("Reply", "Forum"):
        assert client.batch_write_item(RequestItems=files[f"{name}.json"])["UnprocessedItems"] == {}
    yield client
    running.stop()


def test_lab_files_use_prefixed_table_names():
    files = samples.lab_files()
    assert sorted(files) == ["Forum.json", "ProductCatalog.json", "Reply.json", "Thread.json"]
    assert {name: list(json.loads(text)) for name, text in files.items()} == {
        f"{name}.json": [PREFIX + name] for name in ("ProductCatalog", "Forum", "Thread", "Reply")}
    assert {name: len(items) for name, items in samples.request_items().items()} == \
        {"ProductCatalog": 8, "Forum": 2, "Thread": 3, "Reply": 4}


def test_reads(ddb):
    assert ddb.scan(TableName=PREFIX + "ProductCatalog")["Count"] == 8
    item = ddb.get_item(TableName=PREFIX + "ProductCatalog", Key={"Id": {"N": "101"}},
                        ProjectionExpression="ProductCategory, Price, Title")["Item"]
    assert sorted(item) == ["Price", "ProductCategory", "Title"] and item["ProductCategory"] == {"S": "Book"}
    reply = ddb.scan(TableName=PREFIX + "Reply")
    assert (reply["Count"], reply["ScannedCount"]) == (4, 4)


def query_thread_1(ddb, **kwargs):
    return ddb.query(TableName=PREFIX + "Reply", KeyConditionExpression=kwargs.pop("condition", "Id = :Id"),
                     ExpressionAttributeValues={**THREAD_1, **kwargs.pop("values", {})}, **kwargs)


def test_queries(ddb):
    assert query_thread_1(ddb)["Count"] == 2
    assert query_thread_1(ddb, condition="Id = :Id and ReplyDateTime > :ts",
                          values={":ts": {"S": "2015-09-21"}})["Count"] == 1
    filtered = query_thread_1(ddb, FilterExpression="PostedBy = :user", values={":user": {"S": "User B"}})
    assert (filtered["Count"], filtered["ScannedCount"]) == (1, 2)
    first = query_thread_1(ddb, Limit=1, ScanIndexForward=True)
    last = query_thread_1(ddb, Limit=1, ScanIndexForward=False)
    assert first["Items"][0]["ReplyDateTime"]["S"] < last["Items"][0]["ReplyDateTime"]["S"]
    for page in (first, last):
        item = page["Items"][0]
        assert page["LastEvaluatedKey"] == {"Id": item["Id"], "ReplyDateTime": item["ReplyDateTime"]}


def test_scans_with_filter_and_limit(ddb):
    user_a = {"FilterExpression": "PostedBy = :user", "ExpressionAttributeValues": {":user": {"S": "User A"}}}
    everything = ddb.scan(TableName=PREFIX + "Reply", **user_a)
    assert (everything["Count"], everything["ScannedCount"]) == (3, 4)
    page = ddb.scan(TableName=PREFIX + "Reply", Limit=2, **user_a)
    assert (page["Count"], page["ScannedCount"]) == (1, 2)
    second = ddb.get_item(TableName=PREFIX + "Reply", Key=page["LastEvaluatedKey"])["Item"]
    assert second["PostedBy"] == {"S": "User B"} and second["Id"] == THREAD_1[":Id"]
    rest = ddb.scan(TableName=PREFIX + "Reply", Limit=2, ExclusiveStartKey=page["LastEvaluatedKey"], **user_a)
    assert (rest["Count"], rest["ScannedCount"]) == (2, 2) and "LastEvaluatedKey" in rest
    forum = ddb.scan(TableName=PREFIX + "Forum", FilterExpression="Threads >= :threads AND #Views >= :views",
                     ExpressionAttributeValues={":threads": {"N": "1"}, ":views": {"N": "50"}},
                     ExpressionAttributeNames={"#Views": "Views"})
    assert (forum["Count"], forum["ScannedCount"]) == (1, 2)


def test_updates(ddb):
    updated = ddb.update_item(
        TableName=PREFIX + "Forum", Key={"Name": {"S": "Amazon DynamoDB"}}, ReturnValues="UPDATED_NEW",
        UpdateExpression="SET Messages = :newMessages", ConditionExpression="Messages = :oldMessages",
        ExpressionAttributeValues={":newMessages": {"N": "5"}, ":oldMessages": {"N": "4"}})
    assert updated["Attributes"] == {"Messages": {"N": "5"}}
    key = {"Id": {"N": "201"}}
    colors = ddb.update_item(TableName=PREFIX + "ProductCatalog", Key=key, ReturnValues="UPDATED_NEW",
                             UpdateExpression="SET #Color = list_append(#Color, :values)",
                             ExpressionAttributeNames={"#Color": "Color"},
                             ExpressionAttributeValues={":values": {"L": [{"S": "Blue"}, {"S": "Yellow"}]}})
    assert len(colors["Attributes"]["Color"]["L"]) == 4
    ddb.update_item(TableName=PREFIX + "ProductCatalog", Key=key, UpdateExpression="REMOVE #Color[2], #Color[3]",
                    ExpressionAttributeNames={"#Color": "Color"})
    item = ddb.get_item(TableName=PREFIX + "ProductCatalog", Key=key)["Item"]
    assert item["Color"] == samples.request_items()["ProductCatalog"][3]["PutRequest"]["Item"]["Color"]


def test_load_creates_and_fills_the_plain_tables(ddb):
    seen = []
    written = samples.load(ddb, progress=lambda done, total: seen.append((done, total)))
    assert written == {"ProductCatalog": 8, "Forum": 2, "Thread": 3, "Reply": 4}
    assert seen[-1] == (17, 17)
    for definition in samples.table_definitions():
        described = ddb.describe_table(TableName=definition["TableName"])["Table"]
        assert described["KeySchema"] == definition["KeySchema"]
        assert described["ProvisionedThroughput"]["ReadCapacityUnits"] == 10
    assert ddb.scan(TableName="Reply", Select="COUNT")["Count"] == 4
    assert samples.load(ddb) == written  # loading again keeps the tables and rewrites the same items
    assert ddb.scan(TableName="ProductCatalog", Select="COUNT")["Count"] == 8
