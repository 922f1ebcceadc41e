"""Key conditions of Query: which partition, and which range of sort keys.

A KeyConditionExpression is first bound as an ordinary condition (so undefined names or
values and BETWEEN bounds get the usual "Invalid KeyConditionExpression: ..." errors),
then its shape is checked against the key schema with DynamoDB's own wording.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.services.dynamodb.errors import validation as key_error
from headwater.services.dynamodb.expressions import syntax
from headwater.services.dynamodb.expressions.binding import Binding
from headwater.services.dynamodb.types import kind_of

RANGE_OPERATORS = ("=", "<", "<=", ">", ">=", "BETWEEN", "begins_with")
_FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NOT_KEY_OPERATORS = {syntax.Or: "OR", syntax.Not: "NOT", syntax.In: "IN"}


@dataclass(frozen=True, slots=True)
class KeyCondition:
    hash_name: str
    hash_value: dict
    range_name: str | None
    range: tuple | None  # (operator, [values]) with operator in RANGE_OPERATORS

    @property
    def names(self) -> list[str]:
        return [self.hash_name] + ([self.range_name] if self.range else [])


def key_names(key_schema: list[dict]) -> tuple[str, str | None]:
    hash_name = next(k["AttributeName"] for k in key_schema if k["KeyType"] == "HASH")
    range_name = next((k["AttributeName"] for k in key_schema if k["KeyType"] == "RANGE"), None)
    return hash_name, range_name


def build_key_condition(conditions: dict, key_schema: list[dict], attribute_types: dict | None) -> KeyCondition:
    """``conditions``: attribute name → (operator, values), checked against the key schema."""
    if len(conditions) > 2:
        raise key_error("Conditions can be of length 1 or 2 only")
    hash_name, range_name = key_names(key_schema)
    if hash_name not in conditions:
        raise key_error(f"Query condition missed key schema element: {hash_name}")
    if any(name not in (hash_name, range_name) for name in conditions) or conditions[hash_name][0] != "=":
        raise key_error("Query key condition not supported")
    if attribute_types:
        for name, (_, values) in conditions.items():
            if any(kind_of(value) != attribute_types.get(name) for value in values):
                raise key_error("One or more parameter values were invalid: "
                                "Condition parameter type does not match schema type")
    return KeyCondition(hash_name, conditions[hash_name][1][0], range_name, conditions.get(range_name))


def key_conditions_of(tree, binding: Binding) -> dict:
    """The expression's conditions per attribute, or DynamoDB's error for a wrong shape."""
    conditions: dict = {}
    _collect(syntax.unwrap(tree), binding, conditions)
    return conditions


def _collect(node, binding: Binding, conditions: dict) -> None:
    kind = type(node)
    if kind in _NOT_KEY_OPERATORS or (kind is syntax.Comparison and node.op == "<>"):
        name = _NOT_KEY_OPERATORS.get(kind, "<>")
        raise key_error(f"Invalid operator used in KeyConditionExpression: {name}")
    if kind is syntax.And:
        _collect(syntax.unwrap(node.left), binding, conditions)
        _collect(syntax.unwrap(node.right), binding, conditions)
        return
    if kind is syntax.Call and node.name == "size":
        raise key_error("KeyConditionExpressions cannot contain nested operations")
    if kind is syntax.Call and node.name != "begins_with":
        raise key_error(f"Invalid operator used in KeyConditionExpression: {node.name}")
    if kind is syntax.Comparison:
        operator, args = node.op, (node.left, node.right)
    elif kind is syntax.Between:
        operator, args = "BETWEEN", (node.operand, node.low, node.high)
    else:
        operator, args = "begins_with", node.args
    args = [syntax.unwrap(arg) for arg in args]
    if operator in ("BETWEEN", "begins_with") and type(args[0]) is not syntax.Path:
        raise key_error(f"Invalid condition in KeyConditionExpression: {operator} operator must have the "
                        "key attribute as its first operand")
    name, position = _key_attribute(args, binding)
    if name in conditions:
        raise key_error("KeyConditionExpressions must only contain one condition per key")
    if position:
        operator = _FLIPPED[operator]
    conditions[name] = (operator, [binding.values[arg.name] for arg in args if type(arg) is syntax.Value])


def _key_attribute(args: list, binding: Binding) -> tuple[str, int]:
    name, position = None, 0
    for index, arg in enumerate(args):
        if type(arg) is syntax.Path:
            if name is not None:
                raise key_error("Invalid condition in KeyConditionExpression: Multiple attribute names used in one condition")
            if len(arg.elements) > 1:
                raise key_error("KeyConditionExpressions cannot have conditions on nested attributes")
            name, position = binding.path(arg)[0], index
        elif type(arg) is syntax.Call:
            raise key_error("KeyConditionExpressions cannot contain nested operations")
    if name is None:
        raise key_error("Invalid condition in KeyConditionExpression: No key attribute specified")
    return name, position
