"""Stream records are written with each change, in the change's own transaction.

These tests look at the rows themselves in the database of the headwater the tests
started (what is written, and that nothing is written for a change that changes nothing);
the Streams API that serves them is tested in tests/services/dynamodbstreams.
"""

import json

import pytest

from tests.services.dynamodb.conftest import raised


def records(server, table_name: str) -> list[dict]:
    connection = server.app.stores.database("dynamodb").connection()
    rows = connection.execute(
        "SELECT r.event_name, r.keys, r.old_image, r.new_image FROM stream_records r JOIN streams s"
        " ON s.arn = r.stream_arn WHERE s.table_name = ? ORDER BY r.seq", (table_name,)).fetchall()
    return [{"event": event, "keys": json.loads(keys), "old": old and json.loads(old), "new": new and json.loads(new)}
            for event, keys, old, new in rows]


@pytest.mark.parametrize("view_type", ["KEYS_ONLY", "NEW_AND_OLD_IMAGES"])
def test_changes_are_recorded_with_the_images_of_the_view_type(ddb, make_table, local, view_type):
    name = make_table(("pk", "S"), StreamSpecification={"StreamEnabled": True, "StreamViewType": view_type})
    key = {"pk": {"S": "a"}}
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})
    ddb.put_item(TableName=name, Item={**key, "v": {"N": "1"}})  # no change: no record
    ddb.update_item(TableName=name, Key=key, UpdateExpression="SET v = :two", ExpressionAttributeValues={":two": {"N": "2"}})
    ddb.delete_item(TableName=name, Key=key)
    ddb.delete_item(TableName=name, Key=key)  # nothing to delete: no record
    written = records(local, name)
    assert [record["event"] for record in written] == ["INSERT", "MODIFY", "REMOVE"]
    assert all(record["keys"] == key for record in written)
    if view_type == "KEYS_ONLY":
        assert all(record["old"] is None and record["new"] is None for record in written)
    else:
        assert written[1]["old"] == {**key, "v": {"N": "1"}} and written[1]["new"] == {**key, "v": {"N": "2"}}
        assert written[2]["new"] is None and written[2]["old"] == {**key, "v": {"N": "2"}}


def test_a_cancelled_transaction_records_nothing(ddb, make_table, local):
    name = make_table(("pk", "S"), StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    raised(ddb.transact_write_items, TransactItems=[
        {"Put": {"TableName": name, "Item": {"pk": {"S": "a"}}}},
        {"ConditionCheck": {"TableName": name, "Key": {"pk": {"S": "b"}}, "ConditionExpression": "attribute_exists(pk)"}},
    ])
    assert records(local, name) == []
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": str(n)}}}} for n in range(3)]})
    assert [record["event"] for record in records(local, name)] == ["INSERT"] * 3
