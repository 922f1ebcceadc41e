"""Tokens of DynamoDB's expression language, and the wording of its errors.

DynamoDB reports a syntax error as ``Syntax error; token: "<tok>", near: "<text>"`` where
``near`` spans from the token before the offending one to the token after it (or to the
end of the expression when the offending token is the end).
"""

from __future__ import annotations

import re
from typing import NamedTuple

from headwater.errors import ServiceError
from headwater.services.dynamodb.errors import validation


class Token(NamedTuple):
    kind: str  # name, alias, value, number, op, unknown, eof
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""(?P<space>[ \t\r\n]+)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<alias>\#[A-Za-z0-9_]+)
      | (?P<value>:[A-Za-z0-9_]+)
      | (?P<number>[0-9]+)
      | (?P<op><>|<=|>=|[=<>()\[\],.+-])
      | (?P<unknown>.)""",
    re.VERBOSE | re.DOTALL | re.ASCII,
)


def tokenize(text: str) -> list[Token]:
    """Every token of ``text``, ending with an ``eof`` token."""
    tokens = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind != "space":
            tokens.append(Token(kind, match.group(), match.start(), match.end()))
    tokens.append(Token("eof", "<EOF>", len(text), len(text)))
    return tokens


class ExpressionError(Exception):
    """A problem in one expression; the caller prefixes ``Invalid <Kind>: ``."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SyntaxProblem(ExpressionError):
    """A syntax error, remembering where it happened so the furthest one can win."""

    def __init__(self, message: str, position: int):
        super().__init__(message)
        self.position = position


def syntax_error(text: str, tokens: list[Token], index: int) -> SyntaxProblem:
    token = tokens[index]
    start = tokens[index - 1].start if index > 0 else token.start
    if token.kind == "eof":
        end = len(text)
    else:
        end = tokens[index + 1].end if tokens[index + 1].kind != "eof" else token.end
    return SyntaxProblem(f'Syntax error; token: "{token.text}", near: "{text[start:end]}"', index)


def operand_type_error(name: str, kind: str, label: str = "operator or function") -> ExpressionError:
    return ExpressionError(f"Incorrect operand type for operator or function; {label}: {name}, operand type: {kind}")


def operand_count_error(name: str, count: int) -> ExpressionError:
    return ExpressionError("Incorrect number of operands for operator or function; "
                           f"operator or function: {name}, number of operands: {count}")


def path_required_error(name: str) -> ExpressionError:
    return ExpressionError(f"Operator or function requires a document path; operator or function: {name}")


def invalid(kind: str, message: str) -> ServiceError:
    """AWS's ValidationException for a problem in the ``kind`` expression."""
    return validation(f"Invalid {kind}: {message}")
