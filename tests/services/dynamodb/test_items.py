"""PutItem, GetItem, UpdateItem, DeleteItem: values, keys, conditions, ReturnValues and limits."""

import pytest

from tests.services.dynamodb.conftest import error_of, raised

INVALID = "One or more parameter values were invalid: "


@pytest.fixture
def table(make_table):
    return make_table(("pk", "S"), ("sk", "N"))


def key(pk="a", sk="1"):
    return {"pk": {"S": pk}, "sk": {"N": sk}}


def test_every_type_round_trips_and_numbers_come_back_canonical(ddb, table):
    item = {**key(), "s": {"S": ""}, "n": {"N": "012.50"}, "b": {"B": b"\x00\xff"}, "t": {"BOOL": True},
            "z": {"NULL": True}, "l": {"L": [{"N": "1e2"}, {"S": "x"}]}, "m": {"M": {"deep": {"M": {"x": {"BS": [b"a"]}}}}},
            "ss": {"SS": ["b", "a"]}, "ns": {"NS": ["1", "2.0"]}, "bs": {"BS": [b"\x01"]}}
    ddb.put_item(TableName=table, Item=item)
    got = ddb.get_item(TableName=table, Key=key(), ConsistentRead=True)["Item"]
    assert got["n"] == {"N": "12.5"} and got["l"]["L"][0] == {"N": "100"}
    assert got["b"] == {"B": b"\x00\xff"} and got["m"]["M"]["deep"]["M"]["x"] == {"BS": [b"a"]}
    assert sorted(got["ns"]["NS"]) == ["1", "2"] and got["s"] == {"S": ""} and got["z"] == {"NULL": True}
    assert ddb.get_item(TableName=table, Key={"pk": {"S": "a"}, "sk": {"N": "1.0"}})["Item"] == got


def test_get_item_projection_with_nested_paths(ddb, table):
    ddb.put_item(TableName=table, Item={**key(), "m": {"M": {"x": {"N": "1"}, "y": {"N": "2"}}},
                                        "l": {"L": [{"S": "a"}, {"S": "b"}, {"S": "c"}]}, "other": {"S": "o"}})
    got = ddb.get_item(TableName=table, Key=key(), ProjectionExpression="m.y, l[2], #o",
                       ExpressionAttributeNames={"#o": "other"})["Item"]
    assert got == {"m": {"M": {"y": {"N": "2"}}}, "l": {"L": [{"S": "c"}]}, "other": {"S": "o"}}
    assert "Item" not in ddb.get_item(TableName=table, Key=key("missing"))


@pytest.mark.parametrize("item, message", [
    ({"sk": {"N": "1"}}, INVALID + "Missing the key pk in the item"),
    ({"pk": {"N": "1"}, "sk": {"N": "1"}}, INVALID + "Type mismatch for key pk expected: S actual: N"),
    ({"pk": {"S": ""}, "sk": {"N": "1"}},
     "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty "
     "string value. Key: pk"),
    ({"pk": {"S": "x" * 2049}, "sk": {"N": "1"}},
     INVALID + "Size of hashkey has exceeded the maximum size limit of2048 bytes"),
    ({**key(), "big": {"S": "x" * (400 * 1024)}}, "Item size has exceeded the maximum allowed size"),
])
def test_put_item_checks_keys_and_size(ddb, table, item, message):
    assert error_of(ddb.put_item, TableName=table, Item=item) == ("ValidationException", message)


def test_range_key_size_limit(ddb, make_table):
    name = make_table(("pk", "S"), ("sk", "S"))
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "a"}, "sk": {"S": "x" * 1025}}) == (
        "ValidationException", INVALID + "Aggregated size of all range keys has exceeded the size limit of 1024 bytes")
    ddb.put_item(TableName=name, Item={"pk": {"S": "a" * 2048}, "sk": {"S": "x" * 1024}})


@pytest.mark.parametrize("bad_key", [{"pk": {"S": "a"}}, {**key(), "extra": {"S": "x"}}, {"pk": {"S": "a"}, "sk": {"S": "1"}}])
def test_key_parameters_must_match_the_schema(ddb, table, bad_key):
    assert error_of(ddb.get_item, TableName=table, Key=bad_key) == (
        "ValidationException", "The provided key element does not match the schema")


def test_put_return_values_and_condition_failures(ddb, table):
    """PutItem returns the old item with ALL_OLD; a failed condition returns it only when asked."""
    first = ddb.put_item(TableName=table, Item={**key(), "v": {"N": "1"}}, ReturnValues="ALL_OLD")
    assert "Attributes" not in first
    second = ddb.put_item(TableName=table, Item={**key(), "v": {"N": "2"}}, ReturnValues="ALL_OLD")
    assert second["Attributes"] == {**key(), "v": {"N": "1"}}
    assert error_of(ddb.put_item, TableName=table, Item=key(), ReturnValues="ALL_NEW") == (
        "ValidationException", "ReturnValues can only be ALL_OLD or NONE")
    guarded = dict(TableName=table, Item=key(), ConditionExpression="attribute_not_exists(pk)")
    failure = raised(ddb.put_item, **guarded)
    assert failure["Error"] == {"Code": "ConditionalCheckFailedException", "Message": "The conditional request failed"}
    assert "Item" not in failure
    with_item = raised(ddb.put_item, ReturnValuesOnConditionCheckFailure="ALL_OLD", **guarded)
    assert with_item["Item"] == {**key(), "v": {"N": "2"}}


def test_update_item_return_values(ddb, table):
    """All five ReturnValues of UpdateItem, and UPDATED_* on nested paths."""
    ddb.put_item(TableName=table, Item={**key(), "a": {"N": "1"}, "m": {"M": {"x": {"N": "1"}, "y": {"N": "9"}}}})

    def update(return_values):
        return ddb.update_item(TableName=table, Key=key(), UpdateExpression="SET a = a + :one, m.x = :two",
                               ExpressionAttributeValues={":one": {"N": "1"}, ":two": {"N": "2"}},
                               ReturnValues=return_values).get("Attributes")

    assert update("NONE") is None
    assert update("UPDATED_OLD") == {"a": {"N": "2"}, "m": {"M": {"x": {"N": "2"}}}}
    assert update("UPDATED_NEW") == {"a": {"N": "4"}, "m": {"M": {"x": {"N": "2"}}}}
    assert update("ALL_OLD")["a"] == {"N": "4"}
    assert update("ALL_NEW") == {**key(), "a": {"N": "6"}, "m": {"M": {"x": {"N": "2"}, "y": {"N": "9"}}}}


def test_update_item_creates_missing_items_and_protects_keys(ddb, table):
    created = ddb.update_item(TableName=table, Key=key("new"), UpdateExpression="ADD hits :one",
                              ExpressionAttributeValues={":one": {"N": "1"}}, ReturnValues="ALL_NEW")
    assert created["Attributes"] == {**key("new"), "hits": {"N": "1"}}
    assert error_of(ddb.update_item, TableName=table, Key=key(), UpdateExpression="SET pk = :v",
                    ExpressionAttributeValues={":v": {"S": "b"}}) == (
        "ValidationException", INVALID + "Cannot update attribute pk. This attribute is part of the key")
    assert error_of(ddb.update_item, TableName=table, Key=key(), UpdateExpression="SET big = :v",
                    ExpressionAttributeValues={":v": {"S": "x" * (400 * 1024)}}) == (
        "ValidationException", "Item size to update has exceeded the maximum allowed size")


def test_conditional_update_and_delete(ddb, table):
    ddb.put_item(TableName=table, Item={**key(), "state": {"S": "open"}, "tags": {"SS": ["x", "y"]}})
    condition = dict(ConditionExpression="#s = :open AND contains(tags, :x) AND size(tags) = :two",
                     ExpressionAttributeNames={"#s": "state"})
    values = {":open": {"S": "open"}, ":x": {"S": "x"}, ":two": {"N": "2"}}
    ddb.update_item(TableName=table, Key=key(), UpdateExpression="SET #s = :closed DELETE tags :y",
                    ExpressionAttributeValues={**values, ":closed": {"S": "closed"}, ":y": {"SS": ["y"]}}, **condition)
    assert error_of(ddb.delete_item, TableName=table, Key=key(), ExpressionAttributeValues=values, **condition)[0] == \
        "ConditionalCheckFailedException"
    gone = ddb.delete_item(TableName=table, Key=key(), ReturnValues="ALL_OLD",
                           ConditionExpression="attribute_exists(pk) AND attribute_type(tags, :ss)",
                           ExpressionAttributeValues={":ss": {"S": "SS"}})
    assert gone["Attributes"]["tags"] == {"SS": ["x"]}
    assert "Attributes" not in ddb.delete_item(TableName=table, Key=key(), ReturnValues="ALL_OLD")


def test_unused_expression_values_are_refused(ddb, table):
    assert error_of(ddb.put_item, TableName=table, Item=key(), ConditionExpression="attribute_not_exists(pk)",
                    ExpressionAttributeValues={":unused": {"S": "x"}}) == (
        "ValidationException", "Value provided in ExpressionAttributeValues unused in expressions: keys: {:unused}")


def test_legacy_parameters_still_work(ddb, table):
    """Expected, AttributeUpdates and AttributesToGet, and the refusal to mix them with expressions."""
    ddb.put_item(TableName=table, Item={**key(), "v": {"N": "1"}}, Expected={"pk": {"Exists": False}})
    ddb.update_item(TableName=table, Key=key(), AttributeUpdates={"v": {"Action": "ADD", "Value": {"N": "5"}}},
                    Expected={"v": {"Value": {"N": "1"}}})
    assert ddb.get_item(TableName=table, Key=key(), AttributesToGet=["v"])["Item"] == {"v": {"N": "6"}}
    assert error_of(ddb.get_item, TableName=table, Key=key(), AttributesToGet=["v"], ProjectionExpression="v") == (
        "ValidationException", "Can not use both expression and non-expression parameters in the same request: "
                               "Non-expression parameters: {AttributesToGet} Expression parameters: {ProjectionExpression}")


def test_index_keys_must_have_the_index_types(ddb, make_table):
    name = make_table(("pk", "S"), AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                         {"AttributeName": "g", "AttributeType": "S"}],
                      GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                               "Projection": {"ProjectionType": "ALL"}}])
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "a"}, "g": {"N": "1"}}) == (
        "ValidationException", INVALID + "Type mismatch for Index Key g Expected: S Actual: N IndexName: by-g")
    assert error_of(ddb.update_item, TableName=name, Key={"pk": {"S": "a"}}, UpdateExpression="SET g = :empty",
                    ExpressionAttributeValues={":empty": {"S": ""}})[1].endswith("IndexName: by-g, IndexKey: g")
