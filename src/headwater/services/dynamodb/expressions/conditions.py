"""Condition and filter expressions bound to one request, compiled into closures.

Binding checks what depends on the request's names and values (undefined placeholders,
operand counts, distinct operands, operand types) in DynamoDB's order; the result is a
``Condition`` whose ``evaluate(item)`` runs plain Python closures: no string is walked
per item. A missing attribute makes every comparison false except ``<>``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable

from headwater.services.dynamodb import types
from headwater.services.dynamodb.expressions import syntax
from headwater.services.dynamodb.expressions.binding import Binding, show_value
from headwater.services.dynamodb.expressions.lexer import (
    ExpressionError,
    operand_count_error,
    operand_type_error,
    path_required_error,
)
from headwater.services.dynamodb.expressions.parser import CONDITION_FUNCTIONS
from headwater.services.dynamodb.expressions.paths import get_path
from headwater.services.dynamodb.expressions.syntax import show_path, unwrap

Operand = Callable[[dict], "dict | None"]
Predicate = Callable[[dict], bool]

ORDERINGS = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}
ATTRIBUTE_TYPES = ("S", "N", "B", "NULL", "SS", "BOOL", "L", "BS", "NS", "M")


class Condition:
    """A bound condition: ``evaluate(item) -> bool``."""

    __slots__ = ("evaluate", "paths")

    def __init__(self, evaluate: Predicate, paths: list[tuple]):
        self.evaluate = evaluate
        self.paths = paths  # every document path the condition reads

    @property
    def top_level_names(self) -> list[str]:
        return list(dict.fromkeys(path[0] for path in self.paths))


def bind_condition(tree, binding: Binding) -> Condition:
    paths: list[tuple] = []
    return Condition(_Compiler(binding, paths).condition(tree), paths)


# --- runtime helpers (shared with the legacy conditions) ---------------------------------

def path_reader(path: tuple) -> Operand:
    if len(path) == 1:
        name = path[0]
        return lambda item: item.get(name)
    return lambda item: get_path(item, path)


def constant(av: dict) -> Operand:
    return lambda item: av


def size_of(av: dict | None) -> dict | None:
    """DynamoDB's size(): UTF-8 bytes of S, bytes of B, members of sets, L and M."""
    if av is None:
        return None
    (kind, content), = av.items()
    if kind in ("N", "BOOL", "NULL"):
        return None
    if kind == "S":
        return {"N": str(len(content.encode("utf-8", "surrogatepass")))}
    return {"N": str(len(content))}


def equals(a: dict | None, b: dict | None) -> bool:
    return a is not None and b is not None and types.equal(a, b)


def ordered(op: str, a: dict | None, b: dict | None) -> bool:
    if a is None or b is None:
        return False
    order = types.compare(a, b)
    return order is not None and ORDERINGS[op](order, 0)


def between(value: dict | None, low: dict | None, high: dict | None) -> bool:
    if value is None or low is None or high is None:
        return False
    above, below = types.compare(value, low), types.compare(value, high)
    return above is not None and below is not None and above >= 0 and below <= 0


def begins_with(value: dict | None, prefix: dict | None) -> bool:
    if value is None or prefix is None:
        return False
    (kind, content), = value.items()
    start = prefix.get(kind)
    return kind in ("S", "B") and start is not None and content.startswith(start)


_MEMBER_KIND = {"SS": "S", "NS": "N", "BS": "B"}


def contains(container: dict | None, member: dict | None) -> bool:
    if container is None or member is None:
        return False
    (kind, content), = container.items()
    if kind in ("S", "B"):
        part = member.get(kind)
        return part is not None and part in content
    if kind in _MEMBER_KIND:
        wanted = _MEMBER_KIND[kind]
        return wanted in member and any(types.equal({wanted: m}, member) for m in content)
    if kind == "L":
        return any(types.equal(element, member) for element in content)
    return False


def comparison(op: str, left: Operand, right: Operand) -> Predicate:
    if op == "=":
        return lambda item: equals(left(item), right(item))
    if op == "<>":
        return lambda item: not equals(left(item), right(item))
    return lambda item: ordered(op, left(item), right(item))


# --- compilation -------------------------------------------------------------------------

class _Compiler:
    def __init__(self, binding: Binding, paths: list[tuple]):
        self.binding = binding
        self.paths = paths

    def condition(self, node) -> Predicate:
        node = unwrap(node)
        kind = type(node)
        if kind is syntax.And:
            left, right = self.condition(node.left), self.condition(node.right)
            return lambda item: left(item) and right(item)
        if kind is syntax.Or:
            left, right = self.condition(node.left), self.condition(node.right)
            return lambda item: left(item) or right(item)
        if kind is syntax.Not:
            inner = self.condition(node.operand)
            return lambda item: not inner(item)
        if kind is syntax.Comparison:
            left, right = self.operand(node.left), self.operand(node.right)
            self.check_distinct(node.op, node.left, node.right)
            return comparison(node.op, left, right)
        if kind is syntax.Between:
            return self.between(node)
        if kind is syntax.In:
            return self.membership(node)
        return self.function(node)

    def membership(self, node: syntax.In) -> Predicate:
        value = self.operand(node.operand)
        candidates = [self.operand(candidate) for candidate in node.candidates]

        def is_in(item: dict) -> bool:
            found = value(item)
            return found is not None and any(equals(found, candidate(item)) for candidate in candidates)
        return is_in

    def between(self, node: syntax.Between) -> Predicate:
        value, low, high = self.operand(node.operand), self.operand(node.low), self.operand(node.high)
        bounds = unwrap(node.low), unwrap(node.high)
        if all(type(bound) is syntax.Value for bound in bounds):
            lower, upper = (self.binding.values[bound.name] for bound in bounds)
            shown = f"lower bound operand: AttributeValue: {show_value(lower)}, " \
                    f"upper bound operand: AttributeValue: {show_value(upper)}"
            if types.kind_of(lower) != types.kind_of(upper):
                raise ExpressionError(
                    f"The BETWEEN operator requires same data type for lower and upper bounds; {shown}")
            order = types.compare(lower, upper)
            if order is not None and order > 0:
                raise ExpressionError(
                    f"The BETWEEN operator requires upper bound to be greater than or equal to lower bound; {shown}")
        return lambda item: between(value(item), low(item), high(item))

    def operand(self, node) -> Operand:
        node = unwrap(node)
        kind = type(node)
        if kind is syntax.Path:
            path = self.binding.path(node)
            self.paths.append(path)
            return path_reader(path)
        if kind is syntax.Value:
            return constant(self.binding.value(node))
        inner = self.call_operands(node)[0]  # size(), the only function usable as an operand
        return lambda item: size_of(inner(item))

    def call_operands(self, node: syntax.Call) -> list[Operand]:
        operands = [self.operand(arg) for arg in node.args]
        expected = CONDITION_FUNCTIONS[node.name]
        if len(node.args) != expected:
            raise operand_count_error(node.name, len(node.args))
        if expected == 2:
            self.check_distinct(node.name, *node.args)
        self.check_types(node)
        return operands

    def function(self, node: syntax.Call) -> Predicate:
        operands = self.call_operands(node)
        first = operands[0]
        if node.name == "attribute_exists":
            return lambda item: first(item) is not None
        if node.name == "attribute_not_exists":
            return lambda item: first(item) is None
        second = operands[1]
        if node.name == "attribute_type":
            wanted = self.binding.values[unwrap(node.args[1]).name]["S"]
            return lambda item: wanted in (first(item) or {})
        if node.name == "begins_with":
            return lambda item: begins_with(first(item), second(item))
        return lambda item: contains(first(item), second(item))

    def static_type(self, node) -> str | None:
        node = unwrap(node)
        if type(node) is syntax.Value:
            return types.kind_of(self.binding.values[node.name])
        if type(node) is syntax.Call:
            return "N"
        return None

    def check_types(self, node: syntax.Call) -> None:
        name, args = node.name, node.args
        if name in ("attribute_exists", "attribute_not_exists") and type(unwrap(args[0])) is not syntax.Path:
            raise path_required_error(name)
        if name == "begins_with":
            for arg in args:
                self.require_type(name, arg, ("S", "B"))
        elif name == "size":
            kind = self.static_type(args[0])
            if kind in ("N", "BOOL", "NULL"):
                raise operand_type_error(name, kind)
        elif name == "attribute_type":
            kind = self.static_type(args[1])
            if kind != "S":
                raise operand_type_error(name, kind or "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}")
            wanted = self.binding.values[unwrap(args[1]).name]["S"]
            if wanted not in ATTRIBUTE_TYPES:
                raise ExpressionError(
                    f"Invalid attribute type name found; type: {wanted}, valid types: {{B,NULL,SS,BOOL,L,BS,N,NS,S,M}}")

    def require_type(self, name: str, node, allowed: tuple) -> None:
        kind = self.static_type(node)
        if kind is not None and kind not in allowed:
            raise operand_type_error(name, kind)

    def check_distinct(self, name: str, first, second) -> None:
        first, second = unwrap(first), unwrap(second)
        if type(first) is syntax.Path and type(second) is syntax.Path:
            path = self.binding.path(first)
            if path == self.binding.path(second):
                raise ExpressionError(
                    "The first operand must be distinct from the remaining operands for this operator or function; "
                    f"operator: {name}, first operand: {show_path(path)}")
