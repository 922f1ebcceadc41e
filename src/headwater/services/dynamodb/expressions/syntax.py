"""The syntax trees of parsed expressions, before names and values are substituted.

A raw path is a tuple of elements: a ``str`` is an attribute name (``#alias`` when it
starts with ``#``, which a plain name never does), an ``int`` is a list index.
Trees are immutable so that a parsed expression can be shared by every request.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Path:
    elements: tuple


@dataclass(frozen=True, slots=True)
class Value:
    name: str


@dataclass(frozen=True, slots=True)
class Call:
    name: str
    args: tuple


@dataclass(frozen=True, slots=True)
class Group:
    """Parentheses; kept so that redundant ones can be refused."""

    inner: object


@dataclass(frozen=True, slots=True)
class Arithmetic:
    op: str
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Comparison:
    op: str
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Between:
    operand: object
    low: object
    high: object


@dataclass(frozen=True, slots=True)
class In:
    operand: object
    candidates: tuple


@dataclass(frozen=True, slots=True)
class And:
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Or:
    left: object
    right: object


@dataclass(frozen=True, slots=True)
class Not:
    operand: object


@dataclass(frozen=True, slots=True)
class Action:
    """One update action: ``SET path = value``, ``REMOVE path``, ``ADD path :v``, ``DELETE path :v``."""

    kind: str
    path: Path
    value: object = None


def unwrap(node):
    while type(node) is Group:
        node = node.inner
    return node


def show_path(elements) -> str:
    """A path as AWS prints it in messages: ``[a, [1], b]``."""
    return "[" + ", ".join(f"[{e}]" if type(e) is int else e for e in elements) + "]"
