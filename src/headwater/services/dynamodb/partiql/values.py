"""The reading of tokens, names, document paths and literal values, shared by every part of
a PartiQL statement (``parser`` builds the statements and conditions on top of it).

Literals are checked with ``types.validate_value`` (AWS's messages for duplicate set
members, numbers out of range, ...) and a ``?`` is only taken where DynamoDB takes one.
"""

from __future__ import annotations

from headwater.services.dynamodb import types
from headwater.services.dynamodb.partiql.lexer import (
    Token,
    invalid,
    located,
    malformed,
    tokenize,
)
from headwater.services.dynamodb.partiql.syntax import Literal, Param, Path

RESERVED = frozenset({
    "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "BETWEEN", "SET", "REMOVE", "RETURNING", "ORDER",
    "BY", "VALUE", "VALUES", "INTO", "NULL", "TRUE", "FALSE", "MISSING", "EXISTS", "INSERT", "UPDATE", "DELETE",
    "GROUP", "HAVING", "LIMIT", "OFFSET", "AS", "JOIN", "LIKE",
})
MAX_LIST_INDEX = 2 ** 31 - 1
TOKEN_NAMES = {")": "RIGHT_PAREN", "(": "LEFT_PAREN", "]": "RIGHT_BRACKET", "}": "RIGHT_CURLY", ":": "COLON",
               ">>": "RIGHT_DOUBLE_ANGLE_BRACKET", "=": "EQ", "*": "STAR"}
BAG_TYPES = "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"


class TokenReader:
    """Reads tokens, names, document paths and literal values; counts the ``?`` it meets."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = tokenize(text)
        self.pos = 0
        self.parameters = 0

    # --- tokens ----------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.peek()
        self.pos = min(self.pos + 1, len(self.tokens) - 1)
        return token

    def at(self, op: str) -> bool:
        token = self.peek()
        return token.kind == "op" and token.text == op

    def at_keyword(self, *words: str) -> bool:
        return self.peek().keyword(*words)

    def expect(self, op: str) -> Token:
        if not self.at(op):
            raise malformed(f"Expected {TOKEN_NAMES.get(op, op)}")
        return self.advance()

    def expect_keyword(self, word: str) -> None:
        if not self.at_keyword(word):
            raise malformed(f"Expected {word}")
        self.advance()

    def at_call(self) -> bool:
        return self.peek().kind == "name" and self.peek(1).kind == "op" and self.peek(1).text == "("

    def identifier(self) -> str:
        token = self.peek()
        if token.kind == "quoted":
            if not token.text:
                raise invalid("Path component cannot be an empty string")
            return self.advance().text
        if token.kind != "name" or token.text.upper() in RESERVED:
            raise malformed("Expected identifier")
        return self.advance().text

    # --- paths -------------------------------------------------------------------------
    def path(self) -> Path:
        elements = [self.identifier()]
        while True:
            if self.at("."):
                self.advance()
                if self.at("*"):
                    raise invalid("Unpivot path component like a.*.b are not supported")
                elements.append(self.identifier())
            elif self.at("["):
                self.advance()
                elements.append(self.path_index())
                self.expect("]")
            else:
                return Path(tuple(elements))

    def path_index(self):
        if self.peek().kind == "string":
            return self.advance().text
        if self.at("*"):
            raise invalid("Wildcard path component like a[*].b are not supported")
        negative = False
        while self.at("-") or self.at("+"):
            negative ^= self.advance().text == "-"
        token = self.peek()
        if token.kind != "number" or not token.text.isdigit():
            raise malformed("Unexpected term")
        self.advance()
        index = int(token.text)
        if (negative and index) or index > MAX_LIST_INDEX:
            raise located(f"List index is not within the allowable range; index: [{'-' if negative else ''}{index}]",
                          self.text, token)
        return index

    # --- values ------------------------------------------------------------------------
    def constant(self, where: str):
        """A literal (validated) or a parameter, where an operand or update value is expected."""
        value = self.value(where, parameters=True)
        return value if type(value) is Param else Literal(types.validate_value(value))

    def value(self, where: str, parameters: bool = False):
        """A raw AttributeValue (or a Param where parameters are allowed); ``where`` names
        its place (``root``, ``root[0]``, ``root.k``) in AWS's messages."""
        token = self.peek()
        if self.at("?"):
            if not parameters:
                raise located(f"Unsupported data type: Parameter under key {where}", self.text, token)
            self.advance()
            self.parameters += 1
            return Param(self.parameters - 1)
        if token.kind == "string":
            self.advance()
            return {"S": token.text}
        if token.kind == "number" or self.at("-") or self.at("+"):
            return self.number()
        if token.keyword("TRUE", "FALSE"):
            self.advance()
            return {"BOOL": token.text.upper() == "TRUE"}
        if token.keyword("NULL"):
            self.advance()
            return {"NULL": True}
        if token.keyword("MISSING"):
            raise invalid("MISSING must be compared using IS operator")
        if self.at("["):
            return {"L": self.sequence("[", "]", lambda position: self.value(f"{where}[{position}]"))}
        if self.at("{"):
            return {"M": dict(self.struct_fields(lambda key: self.value(f"{where}.{key}")))}
        if self.at("<<"):
            return self.bag(where)
        if self.at_call():
            raise located(f"Unsupported data type: {token.text.lower()} under key {where}", self.text, token)
        raise malformed("Unexpected term")

    def number(self) -> dict:
        negative = False
        while self.at("-") or self.at("+"):
            negative ^= self.advance().text == "-"
        token = self.peek()
        if token.kind != "number":
            raise malformed("Unexpected term: a sign must be followed by a number")
        self.advance()
        return {"N": ("-" if negative else "") + token.text}

    def sequence(self, opening: str, closing: str, element) -> list:
        self.expect(opening)
        members = []
        if not self.at(closing):
            members.append(element(0))
            while self.at(","):
                self.advance()
                members.append(element(len(members)))
        self.expect(closing)
        return members

    def struct_fields(self, value) -> list[tuple[str, object]]:
        fields, seen = [], set()
        self.expect("{")
        while not self.at("}"):
            if fields:
                self.expect(",")
            token = self.advance()
            if token.kind != "string":
                raise invalid(f"Tuple keys must be of type String. Actual type: {_type_name(token)} under root")
            self.expect(":")
            if token.text in seen:
                raise invalid(f"Duplicate keys in tuple. Key: {token.text} under root")
            seen.add(token.text)
            fields.append((token.text, value(token.text)))
        self.advance()
        return fields

    def bag(self, where: str) -> dict:
        members = self.sequence("<<", ">>", lambda position: self.value(f"{where}[{position}]"))
        if not members:
            raise invalid("Empty bags are not supported")
        kinds = {types.kind_of(member) for member in members}
        if len(kinds) != 1 or kinds - {"S", "N"}:
            raise invalid(BAG_TYPES)
        kind = kinds.pop()
        return {kind + "S": [member[kind] for member in members]}


def _type_name(token: Token) -> str:
    if token.text == "?":
        return "Parameter"
    return "Symbol" if token.kind in ("name", "quoted") else token.kind
