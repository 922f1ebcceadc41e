"""Unit tests of update expressions: SET (arithmetic, if_not_exists, list_append), REMOVE
(list indexes highest first), ADD, DELETE, nested paths, AWS's static and runtime errors,
and the paths ReturnValues UPDATED_OLD/UPDATED_NEW project."""

import pytest

from headwater.services.dynamodb.expressions import Expressions, legacy_update
from tests.protocol.wire import validation_message
from tests.services.dynamodb.expression_messages import (
    action_operand_type,
    operand_count,
    operand_type,
    path_required,
    paths_clash,
    undefined_name,
    undefined_value,
)


def apply(text: str, item: dict, values=None, names=None):
    return Expressions(names, values).update(text).apply(item)


def update_error(text: str, values=None, names=None) -> str:
    return validation_message(Expressions(names, values).update, text)


def runtime_error(text: str, item: dict, values=None, names=None) -> str:
    return validation_message(Expressions(names, values).update(text).apply, item)


def test_set_values_arithmetic_and_functions():
    item = {"id": {"S": "k"}, "n": {"N": "5"}, "l": {"L": [{"S": "a"}]}}
    values = {":one": {"N": "1"}, ":x": {"S": "x"}, ":more": {"L": [{"S": "b"}]}, ":zero": {"N": "0"}}
    result = apply("SET n = n + :one, m = :one - n, s = :x, l = list_append(l, :more), "
                   "c = if_not_exists(c, :zero), d = if_not_exists(id, :x), e = list_append(:more, l)",
                   item, values)
    assert result.new_item == {
        "id": {"S": "k"}, "n": {"N": "6"}, "m": {"N": "-4"}, "s": {"S": "x"},
        "l": {"L": [{"S": "a"}, {"S": "b"}]}, "c": {"N": "0"}, "d": {"S": "k"},
        "e": {"L": [{"S": "b"}, {"S": "a"}]},
    }


def test_arithmetic_is_exact_decimal():
    result = apply("SET p = p + :d", {"p": {"N": "0.1"}}, {":d": {"N": "0.2"}})
    assert result.new_item == {"p": {"N": "0.3"}}


def test_values_are_read_from_the_item_before_the_update():
    """Every right-hand side sees the old item (swap works)."""
    result = apply("SET a = b, b = a", {"a": {"S": "1"}, "b": {"S": "2"}})
    assert result.new_item == {"a": {"S": "2"}, "b": {"S": "1"}}


def test_nested_update_matches_dynamodb():
    """The nested case dynalite recorded: list writes past the end append in index order,
    and UPDATED_NEW/UPDATED_OLD project the updated paths."""
    item = {"a": {"S": "K"}, "b": {"M": {"a": {"N": "1"}, "b": {"N": "2"}, "c": {"N": "3"}}},
            "c": {"L": [{"N": "1"}, {"N": "3"}]}}
    before = {key: value for key, value in item.items()}
    result = apply("set b.c=((c[1])+(b.a)),b.a = a,c[1] = a, c[4] = b.a - b.b, c[2] = b.c "
                   "add c[8] :b, c[6] :a", item, {":a": {"N": "2"}, ":b": {"SS": ["a"]}})
    assert result.new_item == {
        "a": {"S": "K"}, "b": {"M": {"a": {"S": "K"}, "b": {"N": "2"}, "c": {"N": "4"}}},
        "c": {"L": [{"N": "1"}, {"S": "K"}, {"N": "3"}, {"N": "-1"}, {"N": "2"}, {"SS": ["a"]}]},
    }
    assert result.updated_new() == {"b": {"M": {"c": {"N": "4"}, "a": {"S": "K"}}},
                                    "c": {"L": [{"S": "K"}, {"N": "3"}, {"N": "2"}]}}
    assert result.updated_old(item) == {"b": {"M": {"c": {"N": "3"}, "a": {"N": "1"}}}, "c": {"L": [{"N": "3"}]}}
    assert item == before and item["c"] == {"L": [{"N": "1"}, {"N": "3"}]}  # the old item is untouched


def test_remove_list_indexes_refer_to_the_original_positions():
    """The course lab: REMOVE #Color[2], #Color[3] removes the two appended colours, and
    UPDATED_NEW then returns no attributes."""
    item = {"Id": {"N": "201"}, "Color": {"L": [{"S": "Red"}, {"S": "Black"}, {"S": "Blue"}, {"S": "Yellow"}]}}
    result = apply("REMOVE #Color[2], #Color[3]", item, names={"#Color": "Color"})
    assert result.new_item["Color"] == {"L": [{"S": "Red"}, {"S": "Black"}]}
    assert result.updated_new() == {}
    assert result.updated_old(item) == {"Color": {"L": [{"S": "Blue"}, {"S": "Yellow"}]}}
    result = apply("REMOVE c[0], c[2]", {"c": {"L": [{"N": "0"}, {"N": "1"}, {"N": "2"}, {"N": "3"}]}})
    assert result.new_item == {"c": {"L": [{"N": "1"}, {"N": "3"}]}}


def test_remove_of_absent_parts_is_a_no_op():
    item = {"m": {"M": {"k": {"S": "v"}}}, "l": {"L": [{"S": "x"}]}}
    result = apply("REMOVE absent, m.extra, l[5]", item)
    assert result.new_item == item


def test_set_into_maps_and_lists():
    item = {"m": {"M": {}}, "l": {"L": [{"S": "x"}]}}
    result = apply("SET m.k = :v, l[0] = :v, l[9] = :w", item, {":v": {"S": "v"}, ":w": {"S": "w"}})
    assert result.new_item == {"m": {"M": {"k": {"S": "v"}}}, "l": {"L": [{"S": "v"}, {"S": "w"}]}}


def test_add_numbers_and_sets_and_create_missing_attributes():
    item = {"n": {"N": "1"}, "ss": {"SS": ["a", "b"]}, "ns": {"NS": ["1", "2"]}}
    values = {":n": {"N": "2.5"}, ":ss": {"SS": ["b", "c"]}, ":ns": {"NS": ["2.0", "3"]}, ":bs": {"BS": [b"\x01"]}}
    result = apply("ADD n :n, ss :ss, ns :ns, fresh :n, bs :bs", item, values)
    assert result.new_item == {"n": {"N": "3.5"}, "ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2", "3"]},
                               "fresh": {"N": "2.5"}, "bs": {"BS": [b"\x01"]}}


def test_delete_from_sets_and_remove_emptied_sets():
    item = {"ss": {"SS": ["a", "b", "c"]}, "ns": {"NS": ["1", "2"]}}
    values = {":ss": {"SS": ["a", "z"]}, ":ns": {"NS": ["1.0", "2"]}}
    result = apply("DELETE ss :ss, ns :ns, absent :ss", item, values)
    assert result.new_item == {"ss": {"SS": ["b", "c"]}}


@pytest.mark.parametrize("text, values, message", [
    ("set b = list_append(:a, a), c = if_not_exists(a, :a) add a.b :a", {":a": {"S": "a"}},
     action_operand_type("ADD", "STRING")),
    ("delete a.b :a", {":a": {"S": "a"}}, action_operand_type("DELETE", "STRING")),
    ("add a.b :a", {":a": {"NULL": True}}, action_operand_type("ADD", "NULL")),
    ("add a.b :a", {":a": {"BOOL": False}}, action_operand_type("ADD", "BOOLEAN")),
    ("add a.b :a", {":a": {"B": b"a"}}, action_operand_type("ADD", "BINARY")),
    ("add a.b :a", {":a": {"M": {}}}, action_operand_type("ADD", "MAP")),
    ("add a.b :a", {":a": {"L": []}}, action_operand_type("ADD", "LIST")),
    ("delete a.b :a", {":a": {"N": "1"}}, action_operand_type("DELETE", "NUMBER")),
    ("set a = list_append(:a, a)", {":a": {"S": "a"}}, operand_type("list_append", "S")),
    ("set a = list_append(a, :a)", {":a": {"M": {}}}, operand_type("list_append", "M")),
    ("set a = a + :a", {":a": {"SS": ["x"]}}, operand_type("+", "SS")),
    ("set a = :a - a", {":a": {"BOOL": True}}, operand_type("-", "BOOL")),
    ("set a = a + list_append(a, b)", None, operand_type("+", "L")),
    ("set a = if_not_exists(c)", None, operand_count("if_not_exists", 1)),
    ("set a = list_append(c)", None, operand_count("list_append", 1)),
    ("set a = if_not_exists(:a, c)", {":a": {"S": "a"}}, path_required("if_not_exists")),
    ("SET #c = if_not_exists(:c)", {":a": {"S": "a"}}, undefined_name("#c")),
    ("SET #a = if_not_exists(:c)", {":a": {"S": "a"}}, undefined_value(":c")),
    ("set d[1] = a, d.b = a, c[1].a = a, #a = if_not_exists(a, b)", None, paths_clash("overlap", "[c, [1], a]", "[c]")),
    ("set #c[3].#d = a, #c[3] = a", None, paths_clash("overlap", "[c, [3], [3]]", "[c, [3]]")),
    ("set a = b remove a", None, paths_clash("overlap", "[a]", "[a]")),
    ("set #c[3].#d = a, #c.#d[3] = if_not_exists(a, b)", None, paths_clash("conflict", "[c, [3], [3]]", "[c, [3], [3]]")),
    ("remove a.#c set a[1] = #d", None, paths_clash("conflict", "[a, c]", "[a, [1]]")),
])
def test_static_errors(text, values, message):
    names = {k: v for k, v in {"#a": "c", "#c": "c", "#d": "[3]"}.items() if k in text} or None
    if text.startswith("SET #"):
        names = {"#a": "a", "#b": "b"}
    assert update_error(text, values, names) == f"Invalid UpdateExpression: {message}"


ITEM = {"a": {"S": "key"}, "b": {"S": "text"}, "c": {"M": {"1": {"S": "a"}}}, "d": {"L": [{"S": "a"}, {"S": "b"}]},
        "n": {"N": "1"}, "ns": {"NS": ["1"]}, "m": {"M": {"ss": {"SS": ["1"]}}}}


@pytest.mark.parametrize("text", [
    "set b.a = :a", "set b[1] = :a", "set y.a = :a", "set y[1] = :a", "set c[1] = :a", "set d.#1 = :a",
    "remove b.a", "remove b[1]", "remove y.a", "remove y[1]", "remove c[1]", "remove d.#1",
    "delete b.a :a", "delete y.a :a", "delete c[1] :a", "delete d.#1 :a",
    "add b.a :a", "add y[1] :a", "add c[1] :a", "add d.#1 :a",
])
def test_paths_through_wrong_types_are_invalid_for_update(text):
    names = {"#1": "1"} if "#1" in text else None
    assert runtime_error(text, ITEM, {":a": {"SS": ["a"]}}, names) == (
        "The document path provided in the update expression is invalid for update")


@pytest.mark.parametrize("text, values", [
    ("delete ns :a", {":a": {"SS": ["1"]}}), ("delete m :a", {":a": {"NS": ["1"]}}),
    ("delete m.ss :a", {":a": {"NS": ["1"]}}), ("delete n :a", {":a": {"NS": ["1"]}}),
    ("add m :a", {":a": {"NS": ["1"]}}), ("add ns :a", {":a": {"N": "1"}}), ("set e = a + :a", {":a": {"N": "1"}}),
    ("set e = b - :a", {":a": {"N": "1"}}), ("set e = list_append(ns, if_not_exists(f, :a))", {":a": {"L": []}}),
    ("set e = list_append(b, :a)", {":a": {"L": []}}),
])
def test_wrong_data_types_at_run_time(text, values):
    assert runtime_error(text, ITEM, values) == "An operand in the update expression has an incorrect data type"


@pytest.mark.parametrize("text", ["set e = absent", "set e = list_append(absent, d)", "set e = n + absent"])
def test_references_to_absent_attributes(text):
    assert runtime_error(text, ITEM) == "The provided expression refers to an attribute that does not exist in the item"


def test_arithmetic_overflow_is_aws_error():
    assert runtime_error("set n = n + :big", {"n": {"N": "9.9e125"}}, {":big": {"N": "9.9e125"}}) == (
        "Number overflow. Attempting to store a number with magnitude larger than supported range")


def test_update_exposes_paths_and_top_level_names():
    """CORE refuses updates of key attributes and index keys from these."""
    update = Expressions({"#k": "pk"}, {":v": {"N": "1"}}).update("SET #k.x = :v, y[1] = :v REMOVE z ADD w :v")
    assert update.top_level_names == {"pk", "y", "z", "w"}
    assert update.paths == (("pk", "x"), ("y", 1), ("z",), ("w",))


def test_updated_new_skips_removed_attributes():
    result = apply("SET b = :v REMOVE c", {"b": {"S": "a"}, "c": {"S": "a"}}, {":v": {"S": "b"}})
    assert result.updated_new() == {"b": {"S": "b"}}
    assert result.updated_old({"b": {"S": "a"}, "c": {"S": "a"}}) == {"b": {"S": "a"}, "c": {"S": "a"}}


def test_legacy_attribute_updates():
    """AttributeUpdates: PUT (default), ADD of numbers, sets and lists, DELETE with and without a value."""
    update = legacy_update({
        "put": {"Value": {"S": "x"}}, "n": {"Action": "ADD", "Value": {"N": "3"}},
        "ss": {"Action": "ADD", "Value": {"SS": ["b", "c"]}}, "l": {"Action": "ADD", "Value": {"L": [{"N": "2"}]}},
        "ns": {"Action": "DELETE", "Value": {"NS": ["1", "2"]}}, "gone": {"Action": "DELETE"},
        "new": {"Action": "ADD", "Value": {"N": "5"}},
    })
    item = {"n": {"N": "1"}, "ss": {"SS": ["a", "b"]}, "l": {"L": [{"N": "1"}]}, "ns": {"NS": ["1", "2"]},
            "gone": {"S": "x"}}
    result = update.apply(item)
    assert result.new_item == {"n": {"N": "4"}, "ss": {"SS": ["a", "b", "c"]}, "l": {"L": [{"N": "1"}, {"N": "2"}]},
                               "put": {"S": "x"}, "new": {"N": "5"}}
    assert result.updated_new() == {"put": {"S": "x"}, "n": {"N": "4"}, "ss": {"SS": ["a", "b", "c"]},
                                    "l": {"L": [{"N": "1"}, {"N": "2"}]}, "new": {"N": "5"}}


@pytest.mark.parametrize("updates, message", [
    ({"a": {"Action": "PUT"}}, ("One or more parameter values were invalid: "
                               "Only DELETE action is allowed when no attribute value is specified")),
    ({"a": {"Action": "DELETE", "Value": {"S": "1"}}}, ("One or more parameter values were invalid: "
                                                      "DELETE action with value is not supported for the type S")),
    ({"a": {"Action": "ADD", "Value": {"M": {}}}}, ("One or more parameter values were invalid: "
                                                  "ADD action is not supported for the type M")),
    ({"a": {"Action": "ADD", "Value": {"B": b"b"}}}, ("One or more parameter values were invalid: "
                                                    "ADD action is not supported for the type B")),
])
def test_legacy_update_validation(updates, message):
    assert validation_message(legacy_update, updates) == message


@pytest.mark.parametrize("updates", [
    {"b": {"Action": "DELETE", "Value": {"NS": ["1"]}}}, {"c": {"Action": "DELETE", "Value": {"NS": ["1"]}}},
    {"b": {"Action": "ADD", "Value": {"NS": ["1"]}}}, {"d": {"Action": "ADD", "Value": {"N": "1"}}},
])
def test_legacy_update_type_mismatch(updates):
    item = {"b": {"SS": ["1"]}, "c": {"N": "1"}, "d": {"NS": ["1"]}}
    assert validation_message(legacy_update(updates).apply, item) == "Type mismatch for attribute to update"
