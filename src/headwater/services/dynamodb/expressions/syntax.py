"""The syntax trees of parsed expressions, before names and values are substituted.

A raw path is a tuple of elements: a ``str`` is an attribute name (``#alias`` when it
starts with ``#``, which a plain name never does), an ``int`` is a list index.
Trees are immutable so that a parsed expression can be shared by every request.
"""

from __future__ import annotations

from dataclasses import dataclass, make_dataclass


def node_type(name: str, fields: str, doc: str | None = None) -> type:
    """An immutable (frozen, slotted) dataclass with the space-separated ``fields``."""
    made = make_dataclass(name, fields.split(), frozen=True, slots=True)
    made.__module__ = __name__
    made.__doc__ = doc or made.__doc__
    return made


Path = node_type("Path", "elements")
Value = node_type("Value", "name")
Call = node_type("Call", "name args")
Group = node_type("Group", "inner", "Parentheses; kept so that redundant ones can be refused.")
Arithmetic = node_type("Arithmetic", "op left right", "``+`` or ``-`` between SET operands.")
Comparison = node_type("Comparison", "op left right", "``=``, ``<>``, ``<``, ``<=``, ``>`` or ``>=``.")
Between = node_type("Between", "operand low high")
In = node_type("In", "operand candidates")
And = node_type("And", "left right")
Or = node_type("Or", "left right")
Not = node_type("Not", "operand")


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
