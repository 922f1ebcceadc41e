"""Update expressions bound to one request, and their application to an item.

Every value is computed from the item as it was before the update (as DynamoDB does),
then the writes are applied: SET, ADD and DELETE in ascending path order (so list indexes
past the end append in index order), REMOVE in descending order (so removing ``a[1], a[2]``
removes the elements the item had at those indexes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from headwater.services.dynamodb import types
from headwater.services.dynamodb.errors import validation
from headwater.services.dynamodb.expressions.binding import TYPE_NAMES, Binding
from headwater.services.dynamodb.expressions.lexer import (
    operand_count_error,
    operand_type_error,
    path_required_error,
)
from headwater.services.dynamodb.expressions.parser import UPDATE_FUNCTIONS
from headwater.services.dynamodb.expressions.paths import (
    check_overlaps,
    get_path,
    project,
)
from headwater.services.dynamodb.expressions.syntax import (
    Action,
    Arithmetic,
    Call,
    Path,
    Value,
)

MISSING_ATTRIBUTE = "The provided expression refers to an attribute that does not exist in the item"
WRONG_DATA_TYPE = "An operand in the update expression has an incorrect data type"
INVALID_PATH = "The document path provided in the update expression is invalid for update"
SET_KINDS = ("SS", "NS", "BS")


@dataclass(frozen=True, slots=True)
class UpdateResult:
    new_item: dict
    changed_paths: tuple

    def updated_new(self) -> dict:
        """ReturnValues=UPDATED_NEW: the updated paths as they are after the update."""
        return project(self.new_item, self.changed_paths)

    def updated_old(self, old_item: dict) -> dict:
        """ReturnValues=UPDATED_OLD: the updated paths as they were before the update."""
        return project(old_item, self.changed_paths)


@dataclass(frozen=True, slots=True)
class Step:
    kind: str  # SET, REMOVE, ADD, DELETE
    path: tuple
    compute: Callable | None


class Update:
    """A bound update expression: ``apply(item) -> UpdateResult``."""

    def __init__(self, steps: list[Step]):
        self.steps = steps
        self.paths = tuple(step.path for step in steps)
        self.top_level_names = frozenset(path[0] for path in self.paths)

    def apply(self, item: dict) -> UpdateResult:
        writes, removals = [], []
        for step in self.steps:
            if step.kind == "REMOVE":
                removals.append(step.path)
                continue
            value = step.compute(item)
            if value is None:
                removals.append(step.path)
            else:
                writes.append((step.path, value))
        new_item = dict(item)
        cloned: set[str] = set()
        for path, value in sorted(writes, key=lambda write: _order(write[0])):
            _write(new_item, path, value, cloned)
        for path in sorted(removals, key=_order, reverse=True):
            _remove(new_item, path, cloned)
        return UpdateResult(new_item, self.paths)


def _order(path: tuple) -> tuple:
    return tuple((1, e, "") if type(e) is int else (0, 0, e) for e in path)


# --- writing into a copy of the item -----------------------------------------------------

def _clone(av: dict) -> dict:
    (kind, content), = av.items()
    if kind == "M":
        return {"M": {key: _clone(value) for key, value in content.items()}}
    if kind == "L":
        return {"L": [_clone(value) for value in content]}
    return av


def _slot(item: dict, path: tuple, cloned: set) -> tuple[list | dict, str | int]:
    """The (copied, mutable) list or dict holding the last element of ``path``, and that element."""
    name, last = path[0], path[-1]
    if len(path) == 1:
        return item, name
    if name not in cloned and name in item:
        item[name] = _clone(item[name])
        cloned.add(name)
    container = item.get(name)
    for element in path[1:-1]:
        container = _child(container, element)
    kind = "L" if type(last) is int else "M"
    if container is None or kind not in container:
        raise validation(INVALID_PATH)
    return container[kind], last


def _child(container: dict | None, element) -> dict | None:
    if container is None:
        return None
    if type(element) is int:
        elements = container.get("L")
        return elements[element] if elements is not None and element < len(elements) else None
    members = container.get("M")
    return members.get(element) if members is not None else None


def _write(item: dict, path: tuple, value: dict, cloned: set) -> None:
    members, last = _slot(item, path, cloned)
    if type(members) is list and last >= len(members):
        members.append(value)
    else:
        members[last] = value


def _remove(item: dict, path: tuple, cloned: set) -> None:
    members, last = _slot(item, path, cloned)
    if type(members) is dict:
        members.pop(last, None)
    elif last < len(members):
        del members[last]


# --- computing values --------------------------------------------------------------------

def add_value(existing: dict | None, value: dict, mismatch: str = WRONG_DATA_TYPE) -> dict:
    """ADD: a number is added, a set gains members, a list (AttributeUpdates only) is
    extended; nothing there means the value itself. ``mismatch`` words a type mismatch."""
    if existing is None:
        return value
    kind = types.kind_of(value)
    if kind not in existing:
        raise validation(mismatch)
    if kind == "N":
        return {"N": types.add(existing["N"], value["N"])}
    if kind == "L":
        return {"L": existing["L"] + value["L"]}
    return {kind: _union(kind, existing[kind], value[kind])}


def delete_value(existing: dict | None, value: dict, mismatch: str = WRONG_DATA_TYPE) -> dict | None:
    """DELETE: the set without the given members; None when nothing is left."""
    if existing is None:
        return None
    kind = types.kind_of(value)
    if kind not in existing:
        raise validation(mismatch)
    removed = set(map(_member_key(kind), value[kind]))
    left = [member for member in existing[kind] if _member_key(kind)(member) not in removed]
    return {kind: left} if left else None


def _member_key(kind: str):
    return types.number if kind == "NS" else (lambda member: member)


def _union(kind: str, current: list, extra: list) -> list:
    key = _member_key(kind)
    present = set(map(key, current))
    merged = list(current)
    for member in extra:
        if key(member) not in present:
            present.add(key(member))
            merged.append(member)
    return merged


def _read_path(path: tuple):
    def read(item: dict) -> dict:
        value = get_path(item, path)
        if value is None:
            raise validation(MISSING_ATTRIBUTE)
        return value
    return read


def _if_not_exists(path: tuple, fallback):
    return lambda item: get_path(item, path) or fallback(item)


def _list_append(first, second):
    def append(item: dict) -> dict:
        a, b = first(item), second(item)
        if "L" not in a or "L" not in b:
            raise validation(WRONG_DATA_TYPE)
        return {"L": a["L"] + b["L"]}
    return append


def _arithmetic(op: str, left, right):
    combine = types.add if op == "+" else types.subtract

    def compute(item: dict) -> dict:
        a, b = left(item), right(item)
        if "N" not in a or "N" not in b:
            raise validation(WRONG_DATA_TYPE)
        return {"N": combine(a["N"], b["N"])}
    return compute


# --- binding -----------------------------------------------------------------------------

def bind_update(actions: tuple, binding: Binding) -> Update:
    """Resolve names, then values, then check paths and operand types in DynamoDB's order."""
    paths = [binding.path(action.path) for action in actions]
    for placeholder, resolve in ((Path, binding.path), (Value, binding.value)):
        for action in actions:
            for part in _walk(action.value):
                if type(part) is placeholder:
                    resolve(part)
    check_overlaps(paths)
    for action in actions:
        if action.kind in ("ADD", "DELETE"):
            _check_add_delete(action, binding)
    compiler = _Compiler(binding)
    steps = [Step(action.kind, path, compiler.step(action, path)) for action, path in zip(actions, paths)]
    compiler.check_functions()
    return Update(steps)


def _walk(node):
    """``node`` and every node under it (SET values: arithmetic and function calls)."""
    yield node
    if type(node) is Call:
        for arg in node.args:
            yield from _walk(arg)
    elif type(node) is Arithmetic:
        yield from _walk(node.left)
        yield from _walk(node.right)


def _check_add_delete(action: Action, binding: Binding) -> None:
    kind = types.kind_of(binding.values[action.value.name])
    allowed = ("N",) + SET_KINDS if action.kind == "ADD" else SET_KINDS
    if kind not in allowed:
        raise operand_type_error(action.kind, TYPE_NAMES[kind], "operator")


class _Compiler:
    def __init__(self, binding: Binding):
        self.binding = binding
        self.calls: list[Call] = []

    def step(self, action: Action, path: tuple):
        if action.kind == "REMOVE":
            return None
        if action.kind == "SET":
            return self.value(action.value)
        value = self.binding.values[action.value.name]
        merge = add_value if action.kind == "ADD" else delete_value
        return lambda item: merge(get_path(item, path), value)

    def value(self, node):
        kind = type(node)
        if kind is Value:
            av = self.binding.values[node.name]
            return lambda item: av
        if kind is Path:
            return _read_path(self.binding.path(node))
        if kind is Arithmetic:
            for operand in (node.left, node.right):
                self.require(node.op, operand, "N")
            return _arithmetic(node.op, self.value(node.left), self.value(node.right))
        self.calls.append(node)  # its operand count and kinds are checked last
        if len(node.args) != 2:
            return None
        first, second = node.args
        if node.name == "list_append":
            for arg in node.args:
                self.require("list_append", arg, "L")
            return _list_append(self.value(first), self.value(second))
        if type(first) is not Path:
            return None
        return _if_not_exists(self.binding.path(first), self.value(second))

    def static_type(self, node) -> str | None:
        kind = type(node)
        if kind is Value:
            return types.kind_of(self.binding.values[node.name])
        if kind is Arithmetic:
            return "N"
        if kind is Call:
            return "L" if node.name == "list_append" else (
                self.static_type(node.args[1]) if len(node.args) == 2 else None)
        return None

    def require(self, name: str, node, wanted: str) -> None:
        kind = self.static_type(node)
        if kind is not None and kind != wanted:
            raise operand_type_error(name, kind)

    def check_functions(self) -> None:
        for call in self.calls:
            if len(call.args) != UPDATE_FUNCTIONS[call.name]:
                raise operand_count_error(call.name, len(call.args))
            if call.name == "if_not_exists" and type(call.args[0]) is not Path:
                raise path_required_error(call.name)
