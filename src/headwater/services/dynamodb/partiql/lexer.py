"""Tokens of DynamoDB's PartiQL, and the ValidationExceptions a statement's text can raise.

Keywords are case-insensitive; identifiers (attribute and table names) are case-sensitive,
``"double-quoted"`` when they hold other characters; strings are ``'single-quoted'`` with
``''`` for a quote. ``--`` and ``/* */`` comments are skipped.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from headwater.errors import ServiceError
from headwater.services.dynamodb.errors import validation as invalid

MALFORMED = "Statement wasn't well formed, can't be processed: "


class Token(NamedTuple):
    kind: str  # name, quoted, string, number, op, eof
    text: str  # the name, string or number itself (unquoted); the operator
    start: int
    end: int

    def keyword(self, *words: str) -> bool:
        return self.kind == "name" and self.text.upper() in words


def malformed(detail: str) -> ServiceError:
    """AWS's syntax error: ``Statement wasn't well formed, can't be processed: <detail>``."""
    return invalid(MALFORMED + detail)


def located(message: str, text: str, token: Token) -> ServiceError:
    """A ValidationException naming where the token is, as AWS does: ``<message> at line:column:length``."""
    line = text.count("\n", 0, token.start) + 1
    column = token.start - (text.rfind("\n", 0, token.start) + 1) + 1
    return invalid(f"{message} at {line}:{column}:{token.end - token.start}")


_TOKEN = re.compile(
    r"""(?P<space>\s+|--[^\n\r]*|/\*.*?\*/)
      | (?P<name>[A-Za-z_][A-Za-z0-9_$]*)
      | (?P<quoted>"(?:[^"]|"")*")
      | (?P<string>'(?:[^']|'')*')
      | (?P<number>(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)
      | (?P<op><<|>>|<>|!=|<=|>=|[=<>()\[\]{},.:;+\-*?])""",
    re.VERBOSE | re.DOTALL,
)


def tokenize(text: str) -> list[Token]:
    """Every token of the statement, ending with an ``eof`` token."""
    tokens, position = [], 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            if text.startswith("/*", position):
                raise malformed("Unterminated block comment")
            if text[position] in "'\"":
                raise malformed("Unterminated quoted text")
            raise malformed(f"Unexpected character: {text[position]}")
        kind, value = match.lastgroup, match.group()
        if kind == "quoted":
            value = value[1:-1].replace('""', '"')
        elif kind == "string":
            value = value[1:-1].replace("''", "'")
        elif kind == "op" and value == "!=":
            value = "<>"
        if kind != "space":
            tokens.append(Token(kind, value, match.start(), match.end()))
        position = match.end()
    tokens.append(Token("eof", "<EOF>", len(text), len(text)))
    return tokens
