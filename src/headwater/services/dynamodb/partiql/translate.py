"""PartiQL conditions and updates in the expression language, which does the evaluating.

A :class:`Translation` is made per statement with its parameters. It turns a WHERE or an
update into the expression language's trees, with every attribute name behind a ``#n``
placeholder and every literal or parameter behind a ``:v`` one, so that DynamoDB's own
comparison, function and update rules (``expressions``) apply unchanged. The trees are
either bound here (reads) or rendered as expression text for the item operations
(writes and transactions), which parse and bind them again with their usual checks.
"""

from __future__ import annotations

from headwater.services.dynamodb.expressions.binding import Binding
from headwater.services.dynamodb.expressions.conditions import Condition, bind_condition
from headwater.services.dynamodb.expressions.lexer import ExpressionError
from headwater.services.dynamodb.expressions.syntax import Action, Value
from headwater.services.dynamodb.expressions.updates import Update, bind_update
from headwater.services.dynamodb.partiql.lexer import invalid
from headwater.services.dynamodb.partiql.parser import IS_TYPES
from headwater.services.dynamodb.partiql.syntax import (
    And,
    Arithmetic,
    Assignment,
    Between,
    Call,
    Comparison,
    In,
    Is,
    Literal,
    Not,
    Or,
    Param,
    Path,
)

SET_KINDS = ("SS", "NS", "BS")
SECTIONS = ("SET", "REMOVE", "ADD", "DELETE")


class Translation:
    """One statement's expression placeholders: ``names`` (#n → attribute name) and
    ``values`` (:v → AttributeValue), shaped as ExpressionAttributeNames/Values."""

    def __init__(self, parameters: list[dict]):
        self.parameters = parameters
        self.names: dict[str, str] = {}
        self.values: dict[str, dict] = {}
        self._aliases: dict[str, str] = {}

    # --- leaves --------------------------------------------------------------------------
    def value(self, node: Literal | Param) -> dict:
        """The AttributeValue a literal or parameter stands for."""
        return node.value if type(node) is Literal else self.parameters[node.index]

    def alias(self, name: str) -> str:
        alias = self._aliases.get(name)
        if alias is None:
            alias = self._aliases[name] = f"#n{len(self._aliases)}"
            self.names[alias] = name
        return alias

    def placeholder(self, value: dict) -> Value:
        name = f":v{len(self.values)}"
        self.values[name] = value
        return Value(name)

    def path(self, path: Path) -> Path:
        return Path(tuple(self.alias(e) if type(e) is str else e for e in path.elements))

    # --- trees ---------------------------------------------------------------------------
    def node(self, node):
        """The expression-language tree of a PartiQL condition or operand."""
        kind = type(node)
        if kind is Path:
            return self.path(node)
        if kind in (Literal, Param):
            return self.placeholder(self.value(node))
        if kind in (And, Or):
            return kind(self.node(node.left), self.node(node.right))
        if kind is Not:
            return Not(self.node(node.operand))
        if kind in (Comparison, Arithmetic):
            return kind(node.op, self.node(node.left), self.node(node.right))
        if kind is Between:
            return Between(self.node(node.operand), self.node(node.low), self.node(node.high))
        if kind is In:
            return In(self.node(node.operand), tuple(self.node(c) for c in node.candidates))
        if kind is Call:
            return Call(node.name, tuple(self.node(argument) for argument in node.args))
        return self.is_type(node)

    def is_type(self, node: Is):
        path = self.path(node.operand)
        if node.type == "MISSING":
            return Call("attribute_exists" if node.negated else "attribute_not_exists", (path,))
        check = Call("attribute_type", (path, self.placeholder({"S": IS_TYPES[node.type]})))
        return Not(check) if node.negated else check

    def actions(self, assignments: tuple) -> tuple:
        """The expression-language actions of an UPDATE's SET/REMOVE (and set_add/set_delete)."""
        actions = []
        for assignment in assignments:
            value = None
            if assignment.kind in ("ADD", "DELETE"):
                value = self.set_operand(assignment)
            elif assignment.value is not None:
                value = self.node(assignment.value)
            actions.append(Action(assignment.kind, self.path(assignment.path), value))
        return tuple(actions)

    def set_operand(self, assignment: Assignment) -> Value:
        value = self.value(assignment.value)
        if next(iter(value)) not in SET_KINDS:
            function = "SET_ADD" if assignment.kind == "ADD" else "SET_DELETE"
            raise invalid(f"The second argument to {function} must be a value with type SET")
        return self.placeholder(value)

    # --- binding (checks and evaluation, with the expression language's messages) --------
    def condition(self, tree) -> Condition:
        try:
            return bind_condition(tree, Binding(self.names, self.values))
        except ExpressionError as error:
            raise invalid(error.message) from None

    def update(self, actions: tuple) -> Update:
        try:
            return bind_update(actions, Binding(self.names, self.values))
        except ExpressionError as error:
            raise invalid(error.message) from None


# --- expression text ---------------------------------------------------------------------

_PRECEDENCE = {Or: 1, And: 2, Not: 3}


def text(node) -> str:
    """The expression text of an expression-language tree (parenthesized only where needed)."""
    kind = type(node)
    if kind in (Or, And):
        level = _PRECEDENCE[kind]
        return f"{_wrapped(node.left, level)} {'OR' if kind is Or else 'AND'} {_wrapped(node.right, level)}"
    if kind is Not:
        return f"NOT {_wrapped(node.operand, 3)}"
    if kind in (Comparison, Arithmetic):
        return f"{text(node.left)} {node.op} {text(node.right)}"
    if kind is Between:
        return f"{text(node.operand)} BETWEEN {text(node.low)} AND {text(node.high)}"
    if kind is In:
        return f"{text(node.operand)} IN ({', '.join(map(text, node.candidates))})"
    if kind is Call:
        return f"{node.name}({', '.join(map(text, node.args))})"
    if kind is Value:
        return node.name
    return node.elements[0] + "".join(f"[{e}]" if type(e) is int else f".{e}" for e in node.elements[1:])


def _wrapped(node, level: int) -> str:
    inner = text(node)
    return f"({inner})" if _PRECEDENCE.get(type(node), 4) < level else inner


def update_text(actions: tuple) -> str:
    """An UpdateExpression doing the actions, one section per kind of action."""
    sections = []
    for section in SECTIONS:
        parts = []
        for action in actions:
            if action.kind != section:
                continue
            if section == "SET":
                parts.append(f"{text(action.path)} = {text(action.value)}")
            elif section == "REMOVE":
                parts.append(text(action.path))
            else:
                parts.append(f"{text(action.path)} {text(action.value)}")
        if parts:
            sections.append(f"{section} {', '.join(parts)}")
    return " ".join(sections)


def all_of(conditions: list):
    """The AND of PartiQL conditions (None for none)."""
    result = None
    for condition in conditions:
        result = condition if result is None else And(result, condition)
    return result
