"""Document paths over items: read, project, and check overlapping paths.

A resolved path is a tuple of ``str`` (map keys) and ``int`` (list indexes); an item is a
dict of attribute name → AttributeValue.
"""

from __future__ import annotations

from itertools import pairwise

from headwater.services.dynamodb.expressions.lexer import ExpressionError
from headwater.services.dynamodb.expressions.syntax import show_path


def get_path(item: dict, path: tuple) -> dict | None:
    """The value at ``path``, or None when any step is missing or of the wrong type."""
    value = item.get(path[0])
    for element in path[1:]:
        if value is None:
            return None
        if type(element) is int:
            elements = value.get("L")
            if elements is None or element >= len(elements):
                return None
            value = elements[element]
        else:
            members = value.get("M")
            if members is None:
                return None
            value = members.get(element)
    return value


def project(item: dict, paths) -> dict:
    """The parts of ``item`` the paths select, shaped as DynamoDB projects them: nested maps
    keep the selected keys, selected list elements are gathered in index order."""
    tree: dict = {}
    for path in paths:
        value = get_path(item, path)
        if value is not None:
            _insert(tree, path, value)
    return {name: _materialize(node) for name, node in tree.items()}


def _insert(tree: dict, path: tuple, value: dict) -> None:
    node = tree
    for element, following in pairwise(path):
        child = node.get(element)
        if type(child) is tuple:
            return  # an enclosing value is already selected whole
        if child is None:
            child = node[element] = {"list" if type(following) is int else "map": {}}
        node = next(iter(child.values()))
    node[path[-1]] = (value,)


def _materialize(node) -> dict:
    if type(node) is tuple:
        return node[0]
    (kind, children), = node.items()
    if kind == "map":
        return {"M": {key: _materialize(child) for key, child in children.items()}}
    return {"L": [_materialize(children[index]) for index in sorted(children)]}


def check_overlaps(paths: list[tuple]) -> None:
    """AWS's refusal of paths that overlap (one is a prefix of another) or conflict (one
    indexes a list where the other names a map key), overlaps first."""
    _check_pairs(paths, _overlap, "Two document paths overlap with each other")
    _check_pairs(paths, _conflict, "Two document paths conflict with each other")


def _check_pairs(paths: list[tuple], test, message: str) -> None:
    for later, path in enumerate(paths):
        for earlier in paths[:later]:
            if test(earlier, path):
                raise ExpressionError(
                    f"{message}; must remove or rewrite one of these paths; "
                    f"path one: {show_path(earlier)}, path two: {show_path(path)}")


def _overlap(a: tuple, b: tuple) -> bool:
    shorter = min(len(a), len(b))
    return all(_same(x, y) for x, y in zip(a[:shorter], b[:shorter]))


def _same(x, y) -> bool:
    return type(x) is type(y) and x == y


def _conflict(a: tuple, b: tuple) -> bool:
    for x, y in zip(a, b):
        if type(x) is not type(y):
            return True
        if x != y:
            return False
    return False
