"""Item operations see every change to a table at once, although found tables are cached:
changes through the API, changes made by another connection, and changes rolled back."""

from __future__ import annotations

import sqlite3
from types import SimpleNamespace

import pytest

from headwater.services.dynamodb import errors, lookup, store
from headwater.storage.sqlite import Database
from tests.services.dynamodb.conftest import error_of, key_schema, unique

INDEX = [{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
          "Projection": {"ProjectionType": "ALL"}}]


def by_g(ddb, name: str, value: str) -> list[dict]:
    return ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": value}})["Items"]


def test_a_write_after_update_table_keeps_the_new_index(ddb, make_table):
    name = make_table(("pk", "S"))
    ddb.put_item(TableName=name, Item={"pk": {"S": "before"}, "g": {"S": "x"}})
    ddb.update_table(TableName=name, AttributeDefinitions=[{"AttributeName": "g", "AttributeType": "S"}],
                     GlobalSecondaryIndexUpdates=[{"Create": INDEX[0]}])
    ddb.put_item(TableName=name, Item={"pk": {"S": "after"}, "g": {"S": "x"}})
    assert sorted(item["pk"]["S"] for item in by_g(ddb, name, "x")) == ["after", "before"]
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "bad"}, "g": {"N": "1"}})[0] == "ValidationException"


def test_a_table_deleted_and_created_again_answers_with_its_new_schema(ddb):
    name = unique()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S")))
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    ddb.delete_table(TableName=name)
    assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException", "Requested resource not found")
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **key_schema(("id", "N")))
    try:
        ddb.put_item(TableName=name, Item={"id": {"N": "1"}})
        assert ddb.get_item(TableName=name, Key={"id": {"N": "1"}})["Item"] == {"id": {"N": "1"}}
        assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}}) == (
            "ValidationException", "The provided key element does not match the schema")
    finally:
        ddb.delete_table(TableName=name)


def test_a_change_by_another_connection_is_seen(ddb, make_table, local):
    name = make_table(("pk", "S"))
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}
    with sqlite3.connect(local.app.settings.data_dir / "dynamodb.sqlite3", isolation_level=None) as other:
        other.execute("DELETE FROM tables WHERE name = ?", (name,))
    assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException", "Requested resource not found")


def test_a_rolled_back_change_is_forgotten(tmp_path):
    database = Database(tmp_path / "dynamodb.sqlite3", store.MIGRATIONS)
    ctx = SimpleNamespace(account="000000000000", region="us-east-1", db=None)
    description = {**key_schema(("pk", "S")), "TableArn": "arn:aws:dynamodb:us-east-1:000000000000:table/t-1"}
    with database.transaction() as ctx.db:
        table = store.insert_table(ctx.db, ctx.account, ctx.region, "t-1", description)
    with pytest.raises(errors.ServiceError), database.transaction() as ctx.db:
        store.save_description(ctx.db, table, {**description, **key_schema(("id", "N"))})
        assert lookup.existing_table(ctx, "t-1").hash.name == "id"
        raise errors.validation("roll back")
    with database.transaction() as ctx.db:
        assert lookup.existing_table(ctx, "t-1").hash.name == "pk"
    database.close()
