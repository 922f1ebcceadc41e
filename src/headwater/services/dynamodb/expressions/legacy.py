"""The legacy (pre-expression) parameters, converted into the objects expressions make.

Expected, QueryFilter/ScanFilter and ConditionalOperator become a ``Condition``;
AttributeUpdates an ``Update``; AttributesToGet a ``Projection``; KeyConditions a
``KeyCondition``. Validation texts are DynamoDB's.
"""

from __future__ import annotations

from headwater.services.dynamodb import types
from headwater.services.dynamodb.errors import INVALID
from headwater.services.dynamodb.errors import validation as invalid
from headwater.services.dynamodb.expressions import conditions as ops
from headwater.services.dynamodb.expressions.conditions import Condition
from headwater.services.dynamodb.expressions.keys import (
    KeyCondition,
    build_key_condition,
)
from headwater.services.dynamodb.expressions.projections import Projection
from headwater.services.dynamodb.expressions.updates import (
    Step,
    Update,
    add_value,
    delete_value,
)
from headwater.services.dynamodb.types import kind_of

TYPE_MISMATCH = "Type mismatch for attribute to update"
_ARGUMENTS = {"EQ": 1, "NE": 1, "LE": 1, "LT": 1, "GE": 1, "GT": 1, "CONTAINS": 1, "NOT_CONTAINS": 1,
              "BEGINS_WITH": 1, "NULL": 0, "NOT_NULL": 0, "BETWEEN": 2}
_ALLOWED_TYPES = {"LE": "SNB", "LT": "SNB", "GE": "SNB", "GT": "SNB", "IN": "SNB", "BETWEEN": "SNB",
                  "CONTAINS": "SNB", "NOT_CONTAINS": "SNB", "BEGINS_WITH": "SB"}
_KEY_OPERATORS = {"EQ": "=", "LE": "<=", "LT": "<", "GE": ">=", "GT": ">", "BEGINS_WITH": "begins_with",
                  "BETWEEN": "BETWEEN"}


# --- conditions --------------------------------------------------------------------------

def _predicate(name: str, operator: str, values: list):
    read = ops.path_reader((name,))
    first = values[0] if values else None
    if operator == "EQ":
        return lambda item: ops.equals(read(item), first)
    if operator == "NE":
        return lambda item: not ops.equals(read(item), first)
    if operator in ("LE", "LT", "GE", "GT"):
        symbol = {"LE": "<=", "LT": "<", "GE": ">=", "GT": ">"}[operator]
        return lambda item: ops.ordered(symbol, read(item), first)
    if operator == "NULL":
        return lambda item: read(item) is None
    if operator == "NOT_NULL":
        return lambda item: read(item) is not None
    if operator == "CONTAINS":
        return lambda item: ops.contains(read(item), first)
    if operator == "NOT_CONTAINS":
        def lacks(item: dict) -> bool:
            value = read(item)
            return value is not None and not ops.contains(value, first)
        return lacks
    if operator == "BEGINS_WITH":
        return lambda item: ops.begins_with(read(item), first)
    if operator == "IN":
        return lambda item: any(ops.equals(read(item), candidate) for candidate in values)
    return lambda item: ops.between(read(item), values[0], values[1])


def _check_arguments(operator: str, values: list, count_message: str | None = None) -> list:
    values = [types.validate_value(value) for value in values]
    expected = _ARGUMENTS.get(operator)
    if (expected is not None and len(values) != expected) or (operator == "IN" and not values):
        raise invalid(count_message or f"{INVALID}Invalid number of argument(s) for the {operator} ComparisonOperator")
    if values and any(kind_of(value) != kind_of(values[0]) for value in values):
        raise invalid(INVALID + "AttributeValues inside AttributeValueList must be of same type")
    allowed = _ALLOWED_TYPES.get(operator)
    for value in values:
        if allowed is not None and kind_of(value) not in allowed:
            raise invalid(f"{INVALID}ComparisonOperator {operator} is not valid for {kind_of(value)} AttributeValue type")
    if operator == "BETWEEN" and types.compare(values[0], values[1]) == 1:
        raise invalid("The BETWEEN condition was provided a range where the lower bound is greater than the upper bound")
    return values


def _compared(entry: dict, count_message: str | None = None) -> tuple[str, list]:
    """A QueryFilter, ScanFilter or KeyConditions entry: its operator and checked values."""
    operator = entry["ComparisonOperator"]
    return operator, _check_arguments(operator, entry.get("AttributeValueList", []), count_message)


def _combine(predicates: list, conditional_operator: str | None):
    if conditional_operator == "OR":
        return lambda item: any(predicate(item) for predicate in predicates)
    return lambda item: all(predicate(item) for predicate in predicates)


def _expected_predicate(name: str, expected: dict):
    has_value, has_list = "Value" in expected, "AttributeValueList" in expected
    if has_value and has_list:
        raise invalid(f"{INVALID}Value and AttributeValueList cannot be used together for Attribute: {name}")
    operator = expected.get("ComparisonOperator")
    if operator is not None:
        if "Exists" in expected:
            raise invalid(f"{INVALID}Exists and ComparisonOperator cannot be used together for Attribute: {name}")
        if operator not in ("NULL", "NOT_NULL") and not (has_value or has_list):
            raise invalid(f"{INVALID}Value or AttributeValueList must be used with ComparisonOperator: "
                          f"{operator} for Attribute: {name}")
        values = expected["AttributeValueList"] if has_list else [expected["Value"]] if has_value else []
        return _predicate(name, operator, _check_arguments(operator, values))
    if has_list:
        raise invalid(f"{INVALID}AttributeValueList can only be used with a ComparisonOperator for Attribute: {name}")
    exists = expected.get("Exists")
    if exists is False:
        if has_value:
            raise invalid(f"{INVALID}Value cannot be used when Exists is false for Attribute: {name}")
        return _predicate(name, "NULL", [])
    if not has_value:
        shown = "null" if exists is None else "true"
        raise invalid(f"{INVALID}Value must be provided when Exists is {shown} for Attribute: {name}")
    return _predicate(name, "EQ", [types.validate_value(expected["Value"])])


def legacy_condition(expected: dict, conditional_operator: str | None = None) -> Condition:
    """``Expected`` (with ``ConditionalOperator``) as a condition."""
    predicates = [_expected_predicate(name, entry) for name, entry in expected.items()]
    return Condition(_combine(predicates, conditional_operator), [(name,) for name in expected])


def legacy_filter(filters: dict, conditional_operator: str | None = None) -> Condition:
    """``QueryFilter`` or ``ScanFilter`` (with ``ConditionalOperator``) as a condition."""
    predicates = [_predicate(name, *_compared(entry)) for name, entry in filters.items()]
    return Condition(_combine(predicates, conditional_operator), [(name,) for name in filters])


# --- updates -----------------------------------------------------------------------------

def _legacy_step(name: str, update: dict) -> Step:
    action = update.get("Action", "PUT")
    value = update.get("Value")
    if value is None:
        if action != "DELETE":
            raise invalid(INVALID + "Only DELETE action is allowed when no attribute value is specified")
        return Step("REMOVE", (name,), None)
    value = types.validate_value(value)
    kind = kind_of(value)
    if action == "PUT":
        return Step("SET", (name,), lambda item: value)
    if action == "DELETE":
        if kind not in ("SS", "NS", "BS"):
            raise invalid(f"{INVALID}DELETE action with value is not supported for the type {kind}")
        merge = delete_value
    else:
        if kind not in ("N", "SS", "NS", "BS", "L"):
            raise invalid(f"{INVALID}ADD action is not supported for the type {kind}")
        merge = add_value
    return Step(action, (name,), lambda item: merge(item.get(name), value, TYPE_MISMATCH))


def legacy_update(attribute_updates: dict) -> Update:
    """``AttributeUpdates`` as an update (PUT, ADD of numbers, sets and lists, DELETE)."""
    return Update([_legacy_step(name, update) for name, update in attribute_updates.items()])


# --- projections and key conditions ------------------------------------------------------

def legacy_projection(attributes_to_get: list[str]) -> Projection:
    seen = set()
    for name in attributes_to_get:
        if name in seen:
            raise invalid(f"{INVALID}Duplicate value in attribute name: {name}")
        seen.add(name)
    return Projection([(name,) for name in attributes_to_get])


def legacy_key_condition(key_conditions: dict, key_schema: list[dict],
                         attribute_types: dict | None = None) -> KeyCondition:
    """``KeyConditions`` as a key condition."""
    if len(key_conditions) > 2:
        raise invalid("Conditions can be of length 1 or 2 only")
    conditions = {}
    for name, entry in key_conditions.items():
        operator, values = _compared(entry, "The attempted filter operation is not supported for the provided "
                                            "filter argument count")
        if operator not in _KEY_OPERATORS:
            raise invalid("Attempted conditional constraint is not an indexable operation")
        conditions[name] = (_KEY_OPERATORS[operator], values)
    return build_key_condition(conditions, key_schema, attribute_types)
