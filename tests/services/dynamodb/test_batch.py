"""BatchGetItem and BatchWriteItem: limits, duplicates, several tables, UnprocessedKeys."""

import pytest

from tests.services.dynamodb.conftest import error_of


@pytest.fixture
def pair(make_table):
    return make_table(("pk", "S")), make_table(("pk", "S"), ("sk", "N"))


def test_batch_write_puts_and_deletes_across_tables(ddb, pair):
    simple, composite = pair
    ddb.put_item(TableName=simple, Item={"pk": {"S": "old"}})
    answer = ddb.batch_write_item(RequestItems={
        simple: [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "old"}}}}],
        composite: [{"PutRequest": {"Item": {"pk": {"S": "a"}, "sk": {"N": str(n)}}}} for n in range(3)],
    })
    assert answer["UnprocessedItems"] == {}
    assert [item["pk"]["S"] for item in ddb.scan(TableName=simple)["Items"]] == ["a"]
    assert ddb.scan(TableName=composite)["Count"] == 3


def test_batch_write_limits_and_duplicates(ddb, pair):
    simple, _ = pair
    puts = [{"PutRequest": {"Item": {"pk": {"S": str(n)}}}} for n in range(26)]
    code, message = error_of(ddb.batch_write_item, RequestItems={simple: puts})
    assert code == "ValidationException" and "25" in message
    twice = [{"PutRequest": {"Item": {"pk": {"S": "a"}}}}, {"DeleteRequest": {"Key": {"pk": {"S": "a"}}}}]
    assert error_of(ddb.batch_write_item, RequestItems={simple: twice}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(ddb.batch_write_item, RequestItems={"missing-table": puts[:1]}) == (
        "ResourceNotFoundException", "Requested resource not found")
    assert ddb.scan(TableName=simple)["Count"] == 0  # nothing of a refused batch is written


def test_batch_get_from_several_tables_with_projection(ddb, pair):
    simple, composite = pair
    ddb.put_item(TableName=simple, Item={"pk": {"S": "a"}, "x": {"N": "1"}, "y": {"N": "2"}})
    ddb.put_item(TableName=composite, Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    answer = ddb.batch_get_item(RequestItems={
        simple: {"Keys": [{"pk": {"S": "a"}}, {"pk": {"S": "missing"}}], "ProjectionExpression": "x"},
        composite: {"Keys": [{"pk": {"S": "a"}, "sk": {"N": "1"}}], "ConsistentRead": True},
    })
    assert answer["Responses"][simple] == [{"x": {"N": "1"}}]
    assert answer["Responses"][composite] == [{"pk": {"S": "a"}, "sk": {"N": "1"}}]
    assert answer["UnprocessedKeys"] == {}


def test_batch_get_limits_and_duplicates(ddb, pair):
    simple, composite = pair
    keys = [{"pk": {"S": str(n)}} for n in range(60)]
    both = {simple: {"Keys": keys}, composite: {"Keys": [{**key, "sk": {"N": "1"}} for key in keys]}}
    assert error_of(ddb.batch_get_item, RequestItems=both) == (
        "ValidationException", "Too many items requested for the BatchGetItem call")
    assert error_of(ddb.batch_get_item, RequestItems={simple: {"Keys": [keys[0], keys[0]]}}) == (
        "ValidationException", "Provided list of item keys contains duplicates")
    assert error_of(ddb.batch_get_item, RequestItems={simple: {"Keys": [{"other": {"S": "x"}}]}}) == (
        "ValidationException", "The provided key element does not match the schema")


def test_batch_get_returns_unprocessed_keys_past_16_megabytes(ddb, make_table):
    """60 items of ~300 KB are ~18 MB: the keys that do not fit come back in UnprocessedKeys."""
    name = make_table(("pk", "S"))
    for n in range(60):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"{n:02d}"}, "data": {"B": b"x" * 300_000}})
    request = {name: {"Keys": [{"pk": {"S": f"{n:02d}"}} for n in range(60)], "ProjectionExpression": "pk"}}
    answer = ddb.batch_get_item(RequestItems=request)
    unprocessed = answer["UnprocessedKeys"][name]
    assert 0 < len(unprocessed["Keys"]) < 60 and unprocessed["ProjectionExpression"] == "pk"
    got = {item["pk"]["S"] for item in answer["Responses"][name]}
    assert got | {key["pk"]["S"] for key in unprocessed["Keys"]} == {f"{n:02d}" for n in range(60)}
    assert not got & {key["pk"]["S"] for key in unprocessed["Keys"]}
    rest = ddb.batch_get_item(RequestItems=answer["UnprocessedKeys"])
    assert len(rest["Responses"][name]) == len(unprocessed["Keys"]) and rest["UnprocessedKeys"] == {}
