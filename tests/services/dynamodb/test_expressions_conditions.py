"""Unit tests of condition and filter expressions: evaluation of every comparator and
function over nested documents, and the errors that depend on the request's names/values."""

import pytest

from headwater.services.dynamodb.expressions import Expressions, check_parameters
from tests.protocol.wire import validation_message
from tests.services.dynamodb.expression_messages import (
    not_distinct,
    operand_count,
    operand_type,
    path_required,
    undefined_name,
    undefined_value,
)

VALUES = {
    ":s": {"S": "abc"}, ":prefix": {"S": "ab"}, ":n": {"N": "10"}, ":small": {"N": "2"}, ":big": {"N": "100"},
    ":b": {"B": b"\x01\x02"}, ":bp": {"B": b"\x01"}, ":true": {"BOOL": True}, ":null": {"NULL": True},
    ":tS": {"S": "S"}, ":tL": {"S": "L"}, ":tNS": {"S": "NS"}, ":tM": {"S": "M"}, ":red": {"S": "red"},
    ":list": {"L": [{"N": "1"}, {"S": "x"}]}, ":map": {"M": {"k": {"S": "v"}}}, ":ss": {"SS": ["b", "a"]},
    ":three": {"N": "3"}, ":ten": {"N": "10.0"},
}
ITEM = {
    "id": {"S": "abc"},
    "count": {"N": "10"},
    "price": {"N": "2.5"},
    "data": {"B": b"\x01\x02\x03"},
    "active": {"BOOL": True},
    "nothing": {"NULL": True},
    "tags": {"SS": ["a", "b"]},
    "scores": {"NS": ["1", "3.0"]},
    "blobs": {"BS": [b"\x01", b"\x02"]},
    "colors": {"L": [{"S": "red"}, {"S": "blue"}, {"M": {"deep": {"N": "10"}}}]},
    "info": {"M": {"title": {"S": "abcdef"}, "rating": {"N": "100"}, "list": {"L": [{"N": "1"}, {"S": "x"}]},
                   "nested": {"M": {"k": {"S": "v"}}}}},
}


def holds(text: str, item=ITEM, names=None) -> bool:
    expressions = Expressions(names, {k: v for k, v in VALUES.items() if k in text} or None)
    return expressions.condition(text).evaluate(item)


@pytest.mark.parametrize("text, expected", [
    ("id = :s", True), ("id <> :s", False), ("#c = :n", True), ("#c = :ten", True), ("#c <> :ten", False),
    ("#c < :big", True), ("#c <= :n", True), ("#c > :small", True), ("#c >= :big", False),
    ("id < :prefix", False), ("id > :prefix", True), ("#d > :b", True), ("#d < :bp", False),
    ("active = :true", True), ("nothing = :null", True), ("info.#l = :list", True), ("info.nested = :map", True),
    ("tags = :ss", True), ("#c BETWEEN :small AND :big", True), ("#c BETWEEN :small AND :three", False),
    ("id IN (:prefix, :s)", True), ("#c IN (:small, :big)", False), ("colors[2].deep = :n", True),
    ("info.rating = :big", True), ("colors[0] = :red", True), ("colors[5] = :red", False),
])
def test_comparisons(text, expected):
    """Numbers compare numerically (10 = 10.0), strings and binaries bytewise, documents deeply."""
    assert holds(text, names={"#c": "count", "#d": "data", "#l": "list"} if "#" in text else None) is expected


@pytest.mark.parametrize("text, expected", [
    ("absent = :s", False), ("absent <> :s", True), ("absent < :s", False), ("absent >= :s", False),
    ("absent BETWEEN :small AND :big", False), ("absent IN (:s)", False),
    ("id = :n", False), ("id <> :n", True), ("id < :n", False), ("active > :true", False),
    ("info.title.deeper = :s", False), ("colors.red = :s", False), ("id[0] = :s", False),
    ("tags < :ss", False),
])
def test_absent_attributes_and_type_mismatches(text, expected):
    """A absent path or a type mismatch makes a comparison false, except <> which is true."""
    assert holds(text) is expected


@pytest.mark.parametrize("text, expected", [
    ("attribute_exists(id)", True), ("attribute_exists(absent)", False), ("attribute_exists(info.nested.k)", True),
    ("attribute_exists(colors[2])", True), ("attribute_exists(colors[3])", False),
    ("attribute_not_exists(absent)", True), ("attribute_not_exists(info.title)", False),
    ("attribute_type(id, :tS)", True), ("attribute_type(colors, :tL)", True), ("attribute_type(scores, :tNS)", True),
    ("attribute_type(info, :tM)", True), ("attribute_type(id, :tL)", False), ("attribute_type(absent, :tS)", False),
    ("begins_with(id, :prefix)", True), ("begins_with(info.title, :s)", True), ("begins_with(:prefix, :s)", False),
    ("begins_with(#d, :bp)", True), ("begins_with(id, :bp)", False), ("begins_with(absent, :prefix)", False),
    ("contains(info.title, :s)", True), ("contains(id, :red)", False), ("contains(tags, :prefix)", False),
    ("contains(colors, :red)", True), ("contains(info.#l, :list)", False), ("contains(#d, :b)", True),
    ("contains(scores, :three)", True), ("contains(blobs, :bp)", True), ("contains(absent, :s)", False),
    ("contains(#c, :n)", False), ("contains(info, :s)", False),
])
def test_functions(text, expected):
    names = {"#d": "data", "#l": "list", "#c": "count"}
    assert holds(text, names={k: v for k, v in names.items() if k in text} or None) is expected


def test_contains_with_a_string_set_member():
    expressions = Expressions(None, {":a": {"S": "a"}})
    assert expressions.condition("contains(tags, :a)").evaluate(ITEM)


@pytest.mark.parametrize("text, expected", [
    ("size(id) = :three", True), ("size(info) = :three", False), ("size(colors) = :three", True),
    ("size(tags) < :three", True), ("size(#d) = :three", True), ("size(info.title) > :small", True),
    ("size(absent) = :three", False), ("size(#c) = :small", False), ("size(active) <> :small", True),
    ("size(:s) = :three", True), ("size(id) BETWEEN :small AND :three", True),
])
def test_size(text, expected):
    """size() counts UTF-8 bytes, binary bytes, set/list/map members; extra types make it absent."""
    names = {"#d": "data", "#c": "count"}
    assert holds(text, names={k: v for k, v in names.items() if k in text} or None) is expected


def test_size_counts_utf8_bytes():
    expressions = Expressions(None, {":n": {"N": "5"}})
    assert expressions.condition("size(s) = :n").evaluate({"s": {"S": "é€"}})  # 2 + 3 bytes
    assert not Expressions(None, {":n": {"N": "2"}}).condition("size(s) = :n").evaluate({"s": {"S": "é€"}})


@pytest.mark.parametrize("text, expected", [
    ("id = :s AND #c = :n", True), ("id = :s AND #c = :small", False), ("id = :n OR #c = :n", True),
    ("NOT id = :s", False), ("NOT id = :n AND #c = :n", True), ("NOT (id = :n OR #c = :n)", False),
    ("id = :n OR #c = :n AND active = :null", False), ("(id = :n OR #c = :n) AND active = :true", True),
    ("id = :s OR absent.x = :n AND attribute_exists(absent)", True),
])
def test_logical_operators_and_precedence(text, expected):
    """NOT binds tighter than AND, which binds tighter than OR."""
    assert holds(text, names={"#c": "count"}) is expected


def test_values_on_either_side_and_paths_on_both():
    expressions = Expressions({"#p": "price"}, {":low": {"N": "2"}})
    condition = expressions.condition(":low < #p AND #p > extra")
    assert condition.evaluate({"price": {"N": "2.5"}, "extra": {"N": "1"}})
    assert not condition.evaluate({"price": {"N": "2.5"}, "extra": {"N": "3"}})
    assert condition.top_level_names == ["price", "extra"]


def condition_error(text, names=None, values=None, kind="ConditionExpression") -> str:
    return validation_message(Expressions(names, values).condition, text, kind)


@pytest.mark.parametrize("text, values, message", [
    ("a = :x", {":v": {"S": "a"}}, undefined_value(":x")),
    ("#x = :v", {":v": {"S": "a"}}, undefined_name("#x")),
    ("a.#x[1] = :v", {":v": {"S": "a"}}, undefined_name("#x")),
    ("a = a", None, not_distinct("=", "[a]")),
    ("contains(#a, #a)", None, not_distinct("contains", "[data]")),
    ("attribute_exists(a, b)", None, operand_count("attribute_exists", 2)),
    ("begins_with(a)", None, operand_count("begins_with", 1)),
    ("attribute_exists(:v)", {":v": {"S": "a"}}, path_required("attribute_exists")),
    ("begins_with(a, :v)", {":v": {"N": "1"}}, operand_type("begins_with", "N")),
    ("size(:v) > a", {":v": {"BOOL": True}}, operand_type("size", "BOOL")),
    ("attribute_type(a, :v)", {":v": {"N": "1"}}, operand_type("attribute_type", "N")),
    ("attribute_type(a, b)", None, operand_type("attribute_type", "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")),
    ("attribute_type(a, :v)", {":v": {"S": "STRING"}},
     "Invalid attribute type name found; type: STRING, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}"),
    ("a BETWEEN :lo AND :hi", {":lo": {"N": "1"}, ":hi": {"S": "a"}},
     ("The BETWEEN operator requires same data type for lower and upper bounds; "
     "lower bound operand: AttributeValue: {N:1}, upper bound operand: AttributeValue: {S:a}")),
    ("a BETWEEN :lo AND :hi", {":lo": {"S": "b"}, ":hi": {"S": "a"}},
     ("The BETWEEN operator requires upper bound to be greater than or equal to lower bound; "
     "lower bound operand: AttributeValue: {S:b}, upper bound operand: AttributeValue: {S:a}")),
])
def test_errors_that_depend_on_names_and_values(text, values, message):
    assert condition_error(text, {"#a": "data"} if "#a" in text else None, values) == (
        f"Invalid ConditionExpression: {message}")


def test_filter_expression_errors_name_the_filter():
    assert condition_error("a = :x", None, {":v": {"S": "a"}}, "FilterExpression").startswith(
        "Invalid FilterExpression: An expression attribute value used in expression is not defined")


@pytest.mark.parametrize("names, values, message", [
    ({}, None, "ExpressionAttributeNames must not be empty"),
    ({"a": "a"}, None, 'ExpressionAttributeNames contains invalid key: Syntax error; key: "a"'),
    (None, {}, "ExpressionAttributeValues must not be empty"),
    (None, {":a": {"S": "x"}, "b": {"S": "a"}}, 'ExpressionAttributeValues contains invalid key: Syntax error; key: "b"'),
    (None, {":b": {}}, ("ExpressionAttributeValues contains invalid value: Supplied AttributeValue is empty, "
                       "must contain exactly one of the supported datatypes for key :b")),
    (None, {":b": {"NS": ["1", "1"]}}, ("ExpressionAttributeValues contains invalid value: "
                                       "Input collection contains duplicates for key :b")),
])
def test_placeholder_maps_are_validated(names, values, message):
    assert validation_message(Expressions, names, values) == message


def test_unused_names_then_values_are_refused():
    expressions = Expressions({"#a": "a", "#b": "b", "#c": "c"}, {":a": {"S": "a"}, ":b": {"S": "a"}, ":c": {"N": "1"}})
    expressions.condition("#b = :b")
    assert validation_message(expressions.check_unused) == (
        "Value provided in ExpressionAttributeNames unused in expressions: keys: {#a, #c}")
    expressions.update("SET #a = :a, #c = :c")
    expressions.check_unused()


def test_unused_values_are_refused():
    expressions = Expressions(None, {":a": {"S": "a"}, ":b": {"S": "a"}, ":c": {"S": "a"}})
    expressions.update("remove a")
    expressions.condition("a = :b")
    assert validation_message(expressions.check_unused) == (
        "Value provided in ExpressionAttributeValues unused in expressions: keys: {:a, :c}")


def test_numbers_in_values_are_normalized():
    condition = Expressions(None, {":v": {"N": "1.500"}}).condition("a = :v")
    assert condition.evaluate({"a": {"N": "1.5"}})


@pytest.mark.parametrize("operation, request_, message", [
    ("UpdateItem", {"Expected": {}, "AttributeUpdates": {}, "ConditionExpression": "", "UpdateExpression": ""},
     ("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
     "{AttributeUpdates, Expected} Expression parameters: {UpdateExpression, ConditionExpression}")),
    ("Query", {"AttributesToGet": ["a"], "QueryFilter": {}, "ConditionalOperator": "OR", "KeyConditions": {},
               "ProjectionExpression": "", "FilterExpression": "", "KeyConditionExpression": ""},
     ("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
     "{AttributesToGet, QueryFilter, ConditionalOperator, KeyConditions} "
     "Expression parameters: {ProjectionExpression, FilterExpression, KeyConditionExpression}")),
    ("Scan", {"AttributesToGet": ["a"], "FilterExpression": "a = :v"},
     ("Can not use both expression and non-expression parameters in the same request: Non-expression parameters: "
     "{AttributesToGet} Expression parameters: {FilterExpression}")),
    ("UpdateItem", {"Expected": {}, "ExpressionAttributeNames": {}, "ExpressionAttributeValues": {}},
     "ExpressionAttributeNames can only be specified when using expressions"),
    ("UpdateItem", {"Expected": {}, "ExpressionAttributeValues": {}},
     ("ExpressionAttributeValues can only be specified when using expressions: "
     "UpdateExpression and ConditionExpression are null")),
    ("PutItem", {"ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeValues can only be specified when using expressions: ConditionExpression is null"),
    ("Scan", {"ProjectionExpression": "a", "ExpressionAttributeValues": {":a": {"S": "a"}}},
     "ExpressionAttributeValues can only be specified when using expressions: FilterExpression is null"),
])
def test_mixing_parameters_is_refused_as_aws_words_it(operation, request_, message):
    assert validation_message(check_parameters, request_, operation) == message


def test_key_conditions_may_go_with_filter_expressions():
    """KeyConditions with FilterExpression is allowed (only KeyConditionExpression excludes it)."""
    check_parameters({"KeyConditions": {}, "FilterExpression": "a = :v", "ExpressionAttributeValues": {}}, "Query")
    check_parameters({"ProjectionExpression": "a", "ExpressionAttributeNames": {"#a": "a"}}, "GetItem")
