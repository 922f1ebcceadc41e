"""What a WHERE says about keys: the one item a write (or a transaction's read) names, and
which partitions and sort-key range a SELECT must read.

A SELECT whose WHERE fixes the partition key with ``=`` or ``IN`` (possibly through
``AND`` and ``OR``) reads only those partitions, in sort-key order, narrowed by the
``AND``-ed sort-key conditions; any other SELECT scans. The whole WHERE is still
evaluated on every item read, so narrowing never changes the answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.services.dynamodb import types
from headwater.services.dynamodb.expressions import KeyCondition
from headwater.services.dynamodb.partiql.lexer import invalid
from headwater.services.dynamodb.partiql.parser import INCOMPLETE_KEY
from headwater.services.dynamodb.partiql.syntax import (
    And,
    Between,
    Call,
    Comparison,
    In,
    Literal,
    Or,
    Param,
    Path,
)
from headwater.services.dynamodb.partiql.translate import Translation, all_of
from headwater.services.dynamodb.schema import KeyPart

MAX_PARTITIONS = 50
FLIPPED = {"=": "=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
RANGE_OPERATORS = ("=", "<", "<=", ">", ">=")


def conjuncts(node) -> list:
    """The conditions a WHERE ANDs together at its top level."""
    if type(node) is And:
        return conjuncts(node.left) + conjuncts(node.right)
    return [] if node is None else [node]


def _constant(node) -> bool:
    return type(node) in (Literal, Param)


def _attribute(node) -> str | None:
    return node.elements[0] if type(node) is Path and len(node.elements) == 1 else None


def _equality(node) -> tuple[str, object] | None:
    """(attribute, constant node) of ``attribute = constant`` (either way round)."""
    if type(node) is not Comparison or node.op != "=":
        return None
    for side, other in ((node.left, node.right), (node.right, node.left)):
        if _attribute(side) is not None and _constant(other):
            return _attribute(side), other
    return None


def wrong_type(name: str):
    return invalid(f"Key attribute's data type should match its data type in table's schema: Key {name}")


def _check_type(part: KeyPart, value: dict) -> dict:
    if types.kind_of(value) != part.type:
        raise wrong_type(part.name)
    return value


# --- one item -------------------------------------------------------------------------------


@dataclass
class ItemKey:
    """The key equalities of a WHERE, per key attribute, and its other conditions."""

    values: dict  # attribute name → [AttributeValue, ...] in statement order
    nodes: dict  # attribute name → [equality node, ...]
    rest: list

    def first_key(self, names: tuple) -> dict | None:
        """The key from the first equality on each attribute (None when one is missing)."""
        if any(not self.values.get(name) for name in names):
            return None
        return {name: self.values[name][0] for name in names}

    def conflicting(self, name: str) -> bool:
        values = self.values.get(name, [])
        return any(not types.equal(value, values[0]) for value in values[1:])


def item_key(where, key_names: tuple, translation: Translation, in_lists: bool = False) -> ItemKey:
    """The key equalities (``=``, and one-value ``IN`` when ``in_lists``) ANDed in the WHERE."""
    found = ItemKey({}, {}, [])
    for node in conjuncts(where):
        equality = _equality(node)
        if equality is None and in_lists and type(node) is In and len(node.candidates) == 1 \
                and _attribute(node.operand) is not None and _constant(node.candidates[0]):
            equality = _attribute(node.operand), node.candidates[0]
        if equality is None or equality[0] not in key_names:
            found.rest.append(node)
            continue
        name, constant = equality
        found.values.setdefault(name, []).append(translation.value(constant))
        found.nodes.setdefault(name, []).append(node)
    return found


def write_key(where, parts: tuple[KeyPart, ...], translation: Translation) -> tuple[dict, object]:
    """(Key, remaining condition) of an UPDATE or DELETE, with AWS's errors for a WHERE
    that does not name exactly one item of the table."""
    found = item_key(where, tuple(part.name for part in parts), translation)
    key = {}
    for part in parts:
        values = found.values.get(part.name)
        if not values:
            raise invalid(INCOMPLETE_KEY)
        if found.conflicting(part.name):
            raise invalid(f"Multiple conditions on same key {part.name}. "
                          "Only single item Update/Insert/Delete are supported")
        kind = types.kind_of(values[0])
        if kind not in ("S", "N", "B"):
            raise invalid(f"Key value must be of type S, N, or B. Key name: {part.name}, Key type: {kind}")
        key[part.name] = _check_type(part, values[0])
    return key, all_of(found.rest)


def check_item_keys(item: dict, parts: tuple[KeyPart, ...]) -> None:
    """An INSERT's item must hold the table's key attributes, of the schema's types."""
    for part in parts:
        if part.name not in item:
            raise invalid(f"Key attribute should be present in the item: Key {part.name}")
        _check_type(part, item[part.name])


# --- partitions and sort-key ranges of a SELECT ------------------------------------------


def partitions(where, part: KeyPart, translation: Translation) -> list[dict] | None:
    """The partition-key values the WHERE restricts the read to, or None (a scan)."""
    values = _partition_values(where, part.name, translation)
    if values is None:
        return None
    distinct = []
    for value in values:
        _check_type(part, value)
        if not any(types.equal(value, seen) for seen in distinct):
            distinct.append(value)
    if len(distinct) > MAX_PARTITIONS:
        raise invalid("Too many decomposed read operations for a given query.")
    return distinct


def _partition_values(node, name: str, translation: Translation) -> list | None:
    kind = type(node)
    if kind is And:
        left = _partition_values(node.left, name, translation)
        right = _partition_values(node.right, name, translation)
        if left is None or right is None:
            return left if right is None else right
        return left if len(left) <= len(right) else right
    if kind is Or:
        left = _partition_values(node.left, name, translation)
        right = _partition_values(node.right, name, translation)
        return None if left is None or right is None else left + right
    equality = _equality(node)
    if equality is not None and equality[0] == name:
        return [translation.value(equality[1])]
    if kind is In and _attribute(node.operand) == name and all(map(_constant, node.candidates)):
        return [translation.value(candidate) for candidate in node.candidates]
    return None


def sort_ranges(where, hash_name: str, part: KeyPart, translation: Translation) -> list[KeyCondition]:
    """The sort-key conditions ANDed at the WHERE's top level, as key conditions."""
    ranges = []
    for node in conjuncts(where):
        found = _sort_condition(node, part, translation)
        if found is not None:
            operator, values = found
            for value in values:
                _check_type(part, value)
            if operator is not None:
                ranges.append(KeyCondition(hash_name, {}, part.name, (operator, values)))
    return ranges


def _sort_condition(node, part: KeyPart, translation: Translation) -> tuple | None:
    """(operator or None when it cannot narrow the read, values) of a condition on the sort key."""
    kind = type(node)
    if kind is Comparison and node.op in RANGE_OPERATORS:
        for side, other, flipped in ((node.left, node.right, False), (node.right, node.left, True)):
            if _attribute(side) == part.name and _constant(other):
                return FLIPPED[node.op] if flipped else node.op, [translation.value(other)]
    if kind is Between and _attribute(node.operand) == part.name and _constant(node.low) and _constant(node.high):
        low, high = translation.value(node.low), translation.value(node.high)
        ordered = types.kind_of(low) == types.kind_of(high) and (types.compare(low, high) or 0) <= 0
        return ("BETWEEN" if ordered else None), [low, high]
    if kind is Call and node.name == "begins_with" and len(node.args) == 2 and _attribute(node.args[0]) == part.name \
            and _constant(node.args[1]):
        return ("begins_with" if part.type != "N" else None), [translation.value(node.args[1])]
    if kind is In and _attribute(node.operand) == part.name and all(map(_constant, node.candidates)):
        return None, [translation.value(candidate) for candidate in node.candidates]
    return None
