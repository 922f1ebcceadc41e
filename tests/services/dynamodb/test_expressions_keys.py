"""Unit tests of key conditions (expression and KeyConditions), projections (expression and
AttributesToGet) and the legacy Expected/QueryFilter conditions, with AWS's error texts."""

import pytest

from headwater.services.dynamodb.expressions import (
    Expressions,
    legacy_condition,
    legacy_filter,
    legacy_key_condition,
    legacy_projection,
)
from tests.protocol.wire import validation_message
from tests.services.dynamodb.expression_messages import paths_clash

SCHEMA = [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}]
TYPES = {"pk": "S", "sk": "S"}
VALUES = {":a": {"S": "x"}, ":b": {"S": "y"}, ":n": {"N": "1"}}


def key_condition(text: str, names=None):
    values = {k: v for k, v in VALUES.items() if k in text} or None
    return Expressions(names, values).key_condition(text, SCHEMA, TYPES)


def key_error(text: str) -> str:
    return validation_message(key_condition, text)


@pytest.mark.parametrize("text, range_", [
    ("pk = :a", None),
    ("#p = :a", None),
    (":a = pk AND sk > :b", (">", [{"S": "y"}])),
    ("pk = :a AND :b > sk", ("<", [{"S": "y"}])),
    ("sk <= :b AND pk = :a", ("<=", [{"S": "y"}])),
    ("(pk = :a) AND (sk >= :b)", (">=", [{"S": "y"}])),
    ("pk = :a AND sk = :b", ("=", [{"S": "y"}])),
    ("pk = :a AND sk BETWEEN :a AND :b", ("BETWEEN", [{"S": "x"}, {"S": "y"}])),
    ("pk = :a and begins_with(sk, :b)", ("begins_with", [{"S": "y"}])),
])
def test_key_conditions(text, range_):
    condition = key_condition(text, {"#p": "pk"} if "#p" in text else None)
    assert (condition.hash_name, condition.hash_value, condition.range_name, condition.range) == (
        "pk", {"S": "x"}, "sk", range_)


@pytest.mark.parametrize("text, message", [
    ("pk = :a OR sk = :b", "Invalid operator used in KeyConditionExpression: OR"),
    ("NOT pk = :a", "Invalid operator used in KeyConditionExpression: NOT"),
    ("pk IN (:a)", "Invalid operator used in KeyConditionExpression: IN"),
    ("pk <> :a", "Invalid operator used in KeyConditionExpression: <>"),
    ("attribute_exists(pk)", "Invalid operator used in KeyConditionExpression: attribute_exists"),
    ("contains(pk, :a)", "Invalid operator used in KeyConditionExpression: contains"),
    ("size(pk) = :n", "KeyConditionExpressions cannot contain nested operations"),
    ("pk BETWEEN size(sk) AND :n", "KeyConditionExpressions cannot contain nested operations"),
    ("pk = sk", "Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition"),
    ("pk.x = :a", "KeyConditionExpressions cannot have conditions on nested attributes"),
    ("pk[0] = :a", "KeyConditionExpressions cannot have conditions on nested attributes"),
    (":a = :b", "Invalid condition in KeyConditionExpression: No key attribute specified"),
    ("pk = :a AND pk = :b", "KeyConditionExpressions must only contain one condition per key"),
    (":a BETWEEN pk AND :b", ("Invalid condition in KeyConditionExpression: BETWEEN operator must have the key "
                             "attribute as its first operand")),
    ("begins_with(:a, sk) and pk = :a", ("Invalid condition in KeyConditionExpression: begins_with operator must "
                                        "have the key attribute as its first operand")),
    ("pk = :a AND sk = :a AND extra = :b", "Conditions can be of length 1 or 2 only"),
    ("sk = :a", "Query condition missed key schema element: pk"),
    ("pk = :a AND extra = :b", "Query key condition not supported"),
    ("pk > :a", "Query key condition not supported"),
    ("begins_with(pk, :a)", "Query key condition not supported"),
    ("pk = :n", "One or more parameter values were invalid: Condition parameter type does not match schema type"),
    ("((pk = :a))", "Invalid KeyConditionExpression: The expression has redundant parentheses;"),
    ("pk = :zz", ("Invalid KeyConditionExpression: An expression attribute value used in expression is not defined; "
                 "attribute value: :zz")),
    ("pk = :a AND sk BETWEEN :b AND :a", ("Invalid KeyConditionExpression: The BETWEEN operator requires upper bound "
     "to be greater than or equal to lower bound; lower bound operand: AttributeValue: {S:y}, "
     "upper bound operand: AttributeValue: {S:x}")),
])
def test_key_condition_errors(text, message):
    assert key_error(text) == message


def test_key_condition_on_a_hash_only_schema():
    condition = Expressions(None, {":v": {"N": "7"}}).key_condition("id = :v", [{"AttributeName": "id", "KeyType": "HASH"}])
    assert (condition.hash_name, condition.hash_value, condition.range_name, condition.range) == (
        "id", {"N": "7"}, None, None)


def test_legacy_key_conditions():
    condition = legacy_key_condition({
        "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
        "sk": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "y"}]},
    }, SCHEMA, TYPES)
    assert (condition.hash_value, condition.range) == ({"S": "x"}, ("begins_with", [{"S": "y"}]))


@pytest.mark.parametrize("conditions, message", [
    ({"pk": {"ComparisonOperator": "NE", "AttributeValueList": [{"S": "x"}]}},
     "Attempted conditional constraint is not an indexable operation"),
    ({"pk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "x"}]}},
     "The attempted filter operation is not supported for the provided filter argument count"),
    ({"pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]},
      "sk": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"S": "b"}, {"S": "a"}]}},
     "The BETWEEN condition was provided a range where the lower bound is greater than the upper bound"),
    ({"pk": {"ComparisonOperator": "GT", "AttributeValueList": [{"BOOL": True}]}},
     "One or more parameter values were invalid: ComparisonOperator GT is not valid for BOOL AttributeValue type"),
    ({"a": {"ComparisonOperator": "NULL"}, "b": {"ComparisonOperator": "NULL"}, "c": {"ComparisonOperator": "NULL"}},
     "Conditions can be of length 1 or 2 only"),
    ({"sk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "x"}]}},
     "Query condition missed key schema element: pk"),
])
def test_legacy_key_condition_errors(conditions, message):
    assert validation_message(legacy_key_condition, conditions, SCHEMA, TYPES) == message


ITEM = {"id": {"S": "1"}, "a": {"M": {"b": {"L": [{"N": "0"}, {"M": {"c": {"S": "x"}, "d": {"S": "y"}}}, {"N": "2"}]},
                                      "e": {"S": "z"}}},
        "l": {"L": [{"S": "l0"}, {"S": "l1"}, {"S": "l2"}]}, "other": {"S": "o"}}


@pytest.mark.parametrize("text, expected", [
    ("id", {"id": {"S": "1"}}),
    ("id, absent", {"id": {"S": "1"}}),
    ("a.e", {"a": {"M": {"e": {"S": "z"}}}}),
    ("a.b[1].c, a.e", {"a": {"M": {"b": {"L": [{"M": {"c": {"S": "x"}}}]}, "e": {"S": "z"}}}}),
    ("l[2], l[0]", {"l": {"L": [{"S": "l0"}, {"S": "l2"}]}}),
    ("l[7], a.absent, id.x", {}),
    ("#o", {"other": {"S": "o"}}),
])
def test_projections(text, expected):
    projection = Expressions({"#o": "other"} if "#o" in text else None).projection(text)
    assert projection.apply(ITEM) == expected


def test_projection_top_level_names():
    projection = Expressions().projection("a.b[1].c, id, a.e")
    assert projection.top_level_names == ["a", "id"]


@pytest.mark.parametrize("text, message", [
    ("id, id", paths_clash("overlap", "[id]", "[id]")),
    ("a.b, a", paths_clash("overlap", "[a, b]", "[a]")),
    ("l[0], l.x", paths_clash("conflict", "[l, [0]]", "[l, x]")),
])
def test_projection_overlaps(text, message):
    assert validation_message(Expressions().projection, text) == f"Invalid ProjectionExpression: {message}"


def test_legacy_projection():
    assert legacy_projection(["id", "absent"]).apply(ITEM) == {"id": {"S": "1"}}
    assert validation_message(legacy_projection, ["a", "a"]) == (
        "One or more parameter values were invalid: Duplicate value in attribute name: a")


@pytest.mark.parametrize("expected, conditional_operator, results", [
    ({"id": {"Value": {"S": "1"}}}, None, (True, False)),
    ({"id": {"Value": {"S": "1"}, "Exists": True}}, None, (True, False)),
    ({"x": {"Exists": False}}, None, (True, True)),
    ({"id": {"Exists": False}}, None, (False, True)),
    ({"id": {"ComparisonOperator": "NOT_NULL"}}, None, (True, False)),
    ({"n": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "5"}]}}, None, (True, False)),
    ({"n": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "1"}, {"N": "10"}]}}, None, (True, False)),
    ({"n": {"ComparisonOperator": "IN", "AttributeValueList": [{"N": "1"}, {"N": "10"}]}}, None, (True, False)),
    ({"s": {"ComparisonOperator": "BEGINS_WITH", "Value": {"S": "ab"}}}, None, (True, False)),
    ({"s": {"ComparisonOperator": "CONTAINS", "Value": {"S": "bc"}}}, None, (True, False)),
    ({"s": {"ComparisonOperator": "NOT_CONTAINS", "Value": {"S": "zz"}}}, None, (True, False)),
    ({"id": {"ComparisonOperator": "NE", "Value": {"S": "1"}}}, None, (False, True)),
    ({"id": {"Value": {"S": "1"}}, "n": {"ComparisonOperator": "NULL"}}, "OR", (True, True)),
    ({"id": {"Value": {"S": "1"}}, "n": {"ComparisonOperator": "NULL"}}, "AND", (False, False)),
])
def test_legacy_expected(expected, conditional_operator, results):
    """Expected checks one item that matches and one that does not."""
    matching, other = {"id": {"S": "1"}, "n": {"N": "10"}, "s": {"S": "abc"}}, {}
    condition = legacy_condition(expected, conditional_operator)
    assert (condition.evaluate(matching), condition.evaluate(other)) == results


@pytest.mark.parametrize("expected, message", [
    ({"a": {}}, "Value must be provided when Exists is null for Attribute: a"),
    ({"a": {"Exists": True}}, "Value must be provided when Exists is true for Attribute: a"),
    ({"a": {"Exists": False, "Value": {"S": "a"}}}, "Value cannot be used when Exists is false for Attribute: a"),
    ({"a": {"Value": {"S": "a"}, "AttributeValueList": []}},
     "Value and AttributeValueList cannot be used together for Attribute: a"),
    ({"a": {"ComparisonOperator": "EQ", "Exists": True}},
     "Exists and ComparisonOperator cannot be used together for Attribute: a"),
    ({"a": {"ComparisonOperator": "EQ"}},
     "Value or AttributeValueList must be used with ComparisonOperator: EQ for Attribute: a"),
    ({"a": {"AttributeValueList": [{"S": "a"}]}},
     "AttributeValueList can only be used with a ComparisonOperator for Attribute: a"),
    ({"a": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "a"}, {"S": "b"}]}},
     "Invalid number of argument(s) for the EQ ComparisonOperator"),
    ({"a": {"ComparisonOperator": "IN", "AttributeValueList": [{"S": "a"}, {"N": "1"}]}},
     "AttributeValues inside AttributeValueList must be of same type"),
    ({"a": {"Value": {"NULL": False}}}, "Null attribute value types must have the value of true"),
])
def test_legacy_expected_errors(expected, message):
    assert validation_message(legacy_condition, expected) == f"One or more parameter values were invalid: {message}"


def test_legacy_filters():
    condition = legacy_filter({"n": {"ComparisonOperator": "LE", "AttributeValueList": [{"N": "3"}]},
                               "s": {"ComparisonOperator": "NOT_NULL"}})
    assert condition.evaluate({"n": {"N": "3"}, "s": {"S": "x"}})
    assert not condition.evaluate({"n": {"N": "4"}, "s": {"S": "x"}})
    contains_a_set = {"n": {"ComparisonOperator": "CONTAINS", "AttributeValueList": [{"SS": ["a"]}]}}
    assert validation_message(legacy_filter, contains_a_set) == (
        "One or more parameter values were invalid: ComparisonOperator CONTAINS is not valid for SS AttributeValue type")
