"""Policy sets: the policies of one kind a caller carries, indexed by action.

A set is built once (the authorizer keeps one per caller and IAM generation) and remembers,
per action, the statements whose Action/NotAction covers it and the context keys those
statements read, so that a request evaluates only candidate statements and its context
needs only the keys they read.
"""

from __future__ import annotations

from typing import NamedTuple

_ACTIONS_REMEMBERED = 1024
#: Policy kinds whose statements name principals.
_NAMING_KINDS = ("resource", "trust")


class Candidates(NamedTuple):
    """What a policy set holds for one action."""

    #: ``(source, names_principals, statement)`` in the policies' order.
    statements: tuple
    #: Condition keys the statements read (conditions and policy variables).
    keys: frozenset


def gather(named, action: str) -> Candidates:
    """The candidates of ``(source, Policy)`` pairs for ``action``."""
    statements = tuple((source, policy.kind in _NAMING_KINDS, statement)
                       for source, policy in named for statement in policy.statements_for(action))
    return Candidates(statements, frozenset().union(*(statement.keys for _, _, statement in statements)))


class PolicySet:
    """``(source, Policy)`` pairs (iterable as such) with their candidates remembered per action."""

    __slots__ = ("_by_action", "named")

    def __init__(self, named=()):
        self.named = tuple(named)
        self._by_action: dict[str, Candidates] = {}

    def __iter__(self):
        return iter(self.named)

    def __len__(self) -> int:
        return len(self.named)

    def __repr__(self) -> str:
        return f"PolicySet({[source for source, _ in self.named]})"

    def candidates(self, action: str) -> Candidates:
        found = self._by_action.get(action)
        if found is None:
            if len(self._by_action) >= _ACTIONS_REMEMBERED:
                self._by_action.clear()
            found = self._by_action[action] = gather(self.named, action)
        return found


def candidates(named, action: str) -> Candidates:
    """The candidates of a :class:`PolicySet` or of a plain sequence of ``(source, Policy)``."""
    if isinstance(named, PolicySet):
        return named.candidates(action)
    return gather(named, action)
