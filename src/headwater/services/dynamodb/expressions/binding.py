"""Substitution of one request's ExpressionAttributeNames and ExpressionAttributeValues."""

from __future__ import annotations

from headwater.services.dynamodb.expressions.lexer import ExpressionError
from headwater.services.dynamodb.expressions.syntax import Path, Value

TYPE_NAMES = {"S": "STRING", "N": "NUMBER", "B": "BINARY", "BOOL": "BOOLEAN", "NULL": "NULL",
              "M": "MAP", "L": "LIST", "SS": "STRING SET", "NS": "NUMBER SET", "BS": "BINARY SET"}


class Binding:
    """Resolves ``#name`` and ``:value`` placeholders, remembering which were used."""

    def __init__(self, names: dict, values: dict):
        self.names = names
        self.values = values
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def path(self, raw: Path) -> tuple:
        if not any(type(e) is str and e[0] == "#" for e in raw.elements):
            return raw.elements
        return tuple(self.name(e) if type(e) is str and e[0] == "#" else e for e in raw.elements)

    def name(self, alias: str) -> str:
        name = self.names.get(alias)
        if name is None:
            raise ExpressionError(
                f"An expression attribute name used in the document path is not defined; attribute name: {alias}")
        self.used_names.add(alias)
        return name

    def value(self, raw: Value) -> dict:
        value = self.values.get(raw.name)
        if value is None:
            raise ExpressionError(
                f"An expression attribute value used in expression is not defined; attribute value: {raw.name}")
        self.used_values.add(raw.name)
        return value


def show_value(av: dict) -> str:
    """An AttributeValue as AWS prints it in BETWEEN messages: ``{N:1}``."""
    (kind, content), = av.items()
    return "{" + f"{kind}:{content}" + "}"
