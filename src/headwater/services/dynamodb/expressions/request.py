"""One request's expressions: the ExpressionAttributeNames/Values maps and every expression
parsed against them, with AWS's checks of the maps and of unused placeholders.

Call the expression methods in the order DynamoDB reports problems (UpdateExpression,
ConditionExpression, KeyConditionExpression, FilterExpression, ProjectionExpression), then
``check_unused()``.
"""

from __future__ import annotations

import re

from headwater.services.dynamodb import types
from headwater.services.dynamodb.errors import validation
from headwater.services.dynamodb.expressions.binding import Binding
from headwater.services.dynamodb.expressions.conditions import Condition, bind_condition
from headwater.services.dynamodb.expressions.keys import (
    KeyCondition,
    build_key_condition,
    key_conditions_of,
)
from headwater.services.dynamodb.expressions.lexer import ExpressionError, invalid
from headwater.services.dynamodb.expressions.parser import parse
from headwater.services.dynamodb.expressions.projections import (
    Projection,
    bind_projection,
)
from headwater.services.dynamodb.expressions.updates import Update, bind_update

_NAME_KEY = re.compile(r"#[0-9A-Za-z_]+", re.ASCII)
_VALUE_KEY = re.compile(r":[0-9A-Za-z_]+", re.ASCII)


def _check_keys(member: str, mapping: dict, pattern: re.Pattern) -> None:
    if not mapping:
        raise validation(f"{member} must not be empty")
    for key in mapping:
        if not pattern.fullmatch(key):
            raise validation(f'{member} contains invalid key: Syntax error; key: "{key}"')


class Expressions:
    """The expressions of one request, sharing its names and values."""

    def __init__(self, names: dict | None = None, values: dict | None = None):
        if names is not None:
            _check_keys("ExpressionAttributeNames", names, _NAME_KEY)
        if values is not None:
            _check_keys("ExpressionAttributeValues", values, _VALUE_KEY)
            values = types.validate_item(values, "ExpressionAttributeValues")
        self.names = names or {}
        self.values = values or {}
        self.binding = Binding(self.names, self.values)

    def _bind(self, grammar: str, text: str, kind: str, bind):
        parsed = parse(grammar, text)
        if parsed.error is not None:
            raise invalid(kind, parsed.error)
        try:
            return bind(parsed.tree, self.binding)
        except ExpressionError as error:
            raise invalid(kind, error.message) from None

    def condition(self, text: str, kind: str = "ConditionExpression") -> Condition:
        """A ConditionExpression or FilterExpression (``kind`` names it in errors)."""
        return self._bind("condition", text, kind, bind_condition)

    def update(self, text: str) -> Update:
        return self._bind("update", text, "UpdateExpression", bind_update)

    def projection(self, text: str) -> Projection:
        return self._bind("projection", text, "ProjectionExpression", bind_projection)

    def key_condition(self, text: str, key_schema: list[dict], attribute_types: dict | None = None) -> KeyCondition:
        """A KeyConditionExpression checked against ``key_schema`` (and, when given, the key
        attributes' types: attribute name → "S" | "N" | "B")."""
        tree = self._bind("condition", text, "KeyConditionExpression", _bound_tree)
        return build_key_condition(key_conditions_of(tree, self.binding), key_schema, attribute_types)

    def check_unused(self) -> None:
        """AWS's error for names, then values, that no expression used."""
        for member, mapping, used in (("ExpressionAttributeNames", self.names, self.binding.used_names),
                                      ("ExpressionAttributeValues", self.values, self.binding.used_values)):
            unused = [key for key in mapping if key not in used]
            if unused:
                raise validation(f"Value provided in {member} unused in expressions: keys: {{{', '.join(unused)}}}")


def _bound_tree(tree, binding: Binding):
    """Bind a key condition like any condition (for its checks), keeping the tree."""
    bind_condition(tree, binding)
    return tree


# Per operation: (expression parameters, non-expression parameters), in AWS's order.
PARAMETERS = {
    "PutItem": (("ConditionExpression",), ("Expected", "ConditionalOperator")),
    "DeleteItem": (("ConditionExpression",), ("Expected", "ConditionalOperator")),
    "UpdateItem": (("UpdateExpression", "ConditionExpression"), ("AttributeUpdates", "Expected", "ConditionalOperator")),
    "GetItem": (("ProjectionExpression",), ("AttributesToGet",)),
    "Query": (("ProjectionExpression", "FilterExpression", "KeyConditionExpression"),
              ("AttributesToGet", "QueryFilter", "ConditionalOperator", "KeyConditions")),
    "Scan": (("ProjectionExpression", "FilterExpression"), ("AttributesToGet", "ScanFilter", "ConditionalOperator")),
}


def check_parameters(request: dict, operation: str) -> None:
    """AWS's refusal to mix expression and legacy parameters, and of names or values
    given without the expressions that use them. ``operation`` is a key of PARAMETERS
    (use "GetItem" for a BatchGetItem table entry)."""
    expressions, legacy = PARAMETERS[operation]
    given = [name for name in expressions if request.get(name) is not None]
    if given:
        if operation == "Query" and request.get("KeyConditionExpression") is None:
            legacy = tuple(name for name in legacy if name != "KeyConditions")
        mixed = [name for name in legacy if request.get(name) is not None]
        if mixed:
            raise validation("Can not use both expression and non-expression parameters in the same request: "
                         f"Non-expression parameters: {{{', '.join(mixed)}}} "
                         f"Expression parameters: {{{', '.join(given)}}}")
    if request.get("ExpressionAttributeNames") is not None and not given:
        raise validation("ExpressionAttributeNames can only be specified when using expressions")
    value_expressions = [name for name in expressions if name != "ProjectionExpression"]
    if value_expressions and request.get("ExpressionAttributeValues") is not None and not any(
            request.get(name) is not None for name in value_expressions):
        verb = "are" if len(value_expressions) > 1 else "is"
        raise validation("ExpressionAttributeValues can only be specified when using expressions: "
                     f"{' and '.join(value_expressions)} {verb} null")
