"""Policy variables: split policy text into literal text, wildcards and ``${key}`` variables.

``${aws:username}``, ``${aws:PrincipalTag/team, 'default'}`` and the escapes ``${*}``,
``${?}``, ``${$}``. Variables are only recognised in policies of Version 2012-10-17;
older documents keep them as literal text. A value substituted for a variable is literal:
a ``*`` inside it is not a wildcard.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")
_BODY = re.compile(r"^\s*([^,\s]+)\s*(?:,\s*'([^']*)'\s*)?$")
_ESCAPES = {"*": "*", "?": "?", "$": "$"}

ANY = "*"  # wildcard token: any run of characters
ONE = "?"  # wildcard token: exactly one character


@dataclass(frozen=True)
class Literal:
    text: str


@dataclass(frozen=True)
class Variable:
    key: str  # lower-cased condition key name
    default: str | None = None


def tokenize(text: str, *, variables: bool, wildcards: bool) -> tuple:
    """``text`` as a tuple of Literal, Variable and the wildcard tokens ANY / ONE."""
    tokens: list = []
    position = 0
    if variables:
        for found in _PLACEHOLDER.finditer(text):
            tokens += _plain(text[position:found.start()], wildcards)
            tokens.append(_placeholder(found))
            position = found.end()
    tokens += _plain(text[position:], wildcards)
    return tuple(tokens)


def _plain(text: str, wildcards: bool) -> list:
    if not wildcards:
        return [Literal(text)] if text else []
    return [piece if piece in (ANY, ONE) else Literal(piece)
            for piece in re.split(r"([*?])", text) if piece]


def _placeholder(found: re.Match):
    body = found.group(1)
    if body in _ESCAPES:
        return Literal(_ESCAPES[body])
    parsed = _BODY.match(body)
    if not parsed:
        return Literal(found.group(0))
    return Variable(parsed.group(1).lower(), parsed.group(2))


def value_of(variable: Variable, context: dict[str, list[str]]) -> str | None:
    """The variable's value in ``context`` (its default when absent), or None."""
    values = context.get(variable.key)
    if values:
        return values[0]
    return variable.default
