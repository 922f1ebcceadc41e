"""Recursive-descent parsers of condition, update and projection expressions.

``parse(grammar, text)`` is cached by text: it returns a ``Parsed`` holding the syntax tree
and the first error that depends on the text alone (syntax, redundant parentheses, unknown
or misused functions, reserved words, repeated update sections) in DynamoDB's priority.
Errors that depend on ExpressionAttributeNames/Values are found when the tree is bound.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache, partial

from headwater.services.dynamodb.expressions.lexer import (
    ExpressionError,
    SyntaxProblem,
    Token,
    syntax_error,
    tokenize,
)
from headwater.services.dynamodb.expressions.reserved import is_reserved
from headwater.services.dynamodb.expressions.syntax import (
    Action,
    And,
    Arithmetic,
    Between,
    Call,
    Comparison,
    Group,
    In,
    Not,
    Or,
    Path,
    Value,
    unwrap,
)

MAX_EXPRESSION_BYTES = 4096
MAX_OPERATORS = 300
MAX_IN_OPERANDS = 100
COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})
CONDITION_FUNCTIONS = {"attribute_exists": 1, "attribute_not_exists": 1, "attribute_type": 2,
                       "begins_with": 2, "contains": 2, "size": 1}
UPDATE_FUNCTIONS = {"if_not_exists": 2, "list_append": 2}
SECTIONS = ("SET", "REMOVE", "ADD", "DELETE")
_CONDITION_KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN"})

# The text-only problems, most important first, per grammar.
_PRIORITY = {
    "condition": ("parens", "function", "misused", "reserved"),
    "update": ("reserved", "function", "section"),
    "projection": ("reserved",),
}


@dataclass(frozen=True, slots=True)
class Parsed:
    tree: object
    error: str | None
    operators: int


class _Parser:
    def __init__(self, text: str, grammar: str):
        self.text = text
        self.grammar = grammar
        self.tokens = tokenize(text)
        self.pos = 0
        self.problems: dict[str, str] = {}
        self.operators = 0
        self.keywords = _CONDITION_KEYWORDS if grammar == "condition" else frozenset(SECTIONS)

    # --- tokens --------------------------------------------------------------------
    def peek(self, offset: int = 0) -> Token:
        return self.tokens[min(self.pos + offset, len(self.tokens) - 1)]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def fail(self) -> SyntaxProblem:
        return syntax_error(self.text, self.tokens, self.pos)

    def at(self, op: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "op" and token.text == op

    def at_keyword(self, word: str) -> bool:
        token = self.tokens[self.pos]
        return token.kind == "name" and token.text.upper() == word

    def expect(self, op: str) -> None:
        if not self.at(op):
            raise self.fail()
        self.pos += 1

    def expect_keyword(self, word: str) -> None:
        if not self.at_keyword(word):
            raise self.fail()
        self.pos += 1

    def note(self, problem: str, message: str) -> None:
        self.problems.setdefault(problem, message)

    def first_problem(self) -> str | None:
        for problem in _PRIORITY[self.grammar]:
            if problem in self.problems:
                return self.problems[problem]
        return None

    # --- paths -----------------------------------------------------------------------
    def path_name(self) -> str:
        token = self.tokens[self.pos]
        if token.kind == "alias":
            self.pos += 1
            return token.text
        if token.kind != "name" or token.text.upper() in self.keywords:
            raise self.fail()
        self.pos += 1
        if is_reserved(token.text):
            self.note("reserved", f"Attribute name is a reserved keyword; reserved keyword: {token.text}")
        return token.text

    def path(self) -> Path:
        elements = [self.path_name()]
        while True:
            if self.at("."):
                self.pos += 1
                elements.append(self.path_name())
            elif self.at("["):
                self.pos += 1
                token = self.tokens[self.pos]
                if token.kind != "number":
                    raise self.fail()
                self.pos += 1
                self.expect("]")
                elements.append(int(token.text))
            else:
                return Path(tuple(elements))

    def value(self) -> Value:
        token = self.tokens[self.pos]
        if token.kind != "value":
            raise self.fail()
        self.pos += 1
        return Value(token.text)

    def parenthesized(self, inner):
        self.pos += 1  # (
        node = inner()
        self.expect(")")
        return node

    def leaf(self, argument, functions: dict, elsewhere: dict, here: str):
        """A :value, a function call (its arguments read by ``argument``) or a path."""
        token = self.peek()
        if token.kind == "value":
            return self.value()
        if self.is_call():
            self.check_function(token.text, functions, elsewhere, here)
            return self.call(argument)
        return self.path()

    def is_call(self) -> bool:
        return self.peek().kind == "name" and self.peek(1).kind == "op" and self.peek(1).text == "("

    def call(self, argument) -> Call:
        name = self.advance().text
        self.pos += 1  # (
        args = self.values_list(argument)
        self.expect(")")
        self.operators += 1
        return Call(name, tuple(args))

    def check_function(self, name: str, allowed: dict, elsewhere: dict, here: str) -> None:
        if name in elsewhere:
            self.note("function", f"The function is not allowed {here}; function: {name}")
        elif name not in allowed:
            self.note("function", f"Invalid function name; function: {name}")

    def values_list(self, item) -> list:
        items = [item()]
        while self.at(","):
            self.pos += 1
            items.append(item())
        return items

    # --- conditions ------------------------------------------------------------------
    def condition(self):
        tree = self.or_condition()
        if self.peek().kind != "eof":
            raise self.fail()
        if type(unwrap(tree)) is Call and unwrap(tree).name == "size":
            self.note_misused("size")
        return tree

    def or_condition(self):
        return self.junction("OR", Or, self.and_condition)

    def and_condition(self):
        return self.junction("AND", And, self.not_condition)

    def junction(self, keyword: str, node: type, operand):
        """``operand (keyword operand)*``, grouped from the left."""
        left = operand()
        while self.at_keyword(keyword):
            self.pos += 1
            self.operators += 1
            left = node(left, operand())
        return left

    def not_condition(self):
        if self.at_keyword("NOT"):
            self.pos += 1
            self.operators += 1
            return Not(self.not_condition())
        return self.primary_condition()

    def primary_condition(self):
        if not self.at("("):
            return self.comparison()
        start, problems, operators = self.pos, dict(self.problems), self.operators
        try:
            inner = self.parenthesized(self.or_condition)
            if not self.continues_comparison():
                return self.group(inner)
            grouped_error = None
        except SyntaxProblem as error:
            grouped_error = error
        self.pos, self.problems, self.operators = start, problems, operators
        try:
            return self.comparison()
        except SyntaxProblem as error:
            if grouped_error is not None and grouped_error.position > error.position:
                raise grouped_error from None
            raise

    def continues_comparison(self) -> bool:
        token = self.peek()
        if token.kind == "op":
            return token.text in COMPARATORS
        return token.kind == "name" and token.text.upper() in ("BETWEEN", "IN")

    def comparison(self):
        left = self.operand()
        token = self.peek()
        if token.kind == "op" and token.text in COMPARATORS:
            self.pos += 1
            self.operators += 1
            right = self.operand()
            self.check_operands((left, right))
            return Comparison(token.text, left, right)
        if self.at_keyword("BETWEEN"):
            self.pos += 1
            self.operators += 1
            low = self.operand()
            self.expect_keyword("AND")
            high = self.operand()
            self.check_operands((left, low, high))
            return Between(left, low, high)
        if self.at_keyword("IN"):
            self.pos += 1
            self.operators += 1
            self.expect("(")
            candidates = self.values_list(self.operand)
            self.expect(")")
            if len(candidates) > MAX_IN_OPERANDS:
                raise ExpressionError(
                    f"The IN operator is provided with too many operands; number of operands: {len(candidates)}")
            self.check_operands((left, *candidates))
            return In(left, tuple(candidates))
        if type(left) is Call:
            if left.name == "size":
                self.note_misused("size")
            return left
        raise self.fail()

    def check_operands(self, operands) -> None:
        for operand in operands:
            operand = unwrap(operand)
            if type(operand) is Call and operand.name != "size":
                self.note_misused(operand.name)

    def note_misused(self, function: str) -> None:
        self.note("misused", f"The function is not allowed to be used this way in an expression; function: {function}")

    def operand(self):
        if self.at("("):
            return self.group(self.parenthesized(self.operand))
        node = self.leaf(self.operand, CONDITION_FUNCTIONS, UPDATE_FUNCTIONS, "in a condition expression")
        if type(node) is Call:
            self.check_operands(node.args)
        return node

    def group(self, inner) -> Group:
        if type(inner) is Group:
            self.note("parens", "The expression has redundant parentheses;")
        return Group(inner)

    # --- updates ---------------------------------------------------------------------
    def update(self):
        actions = []
        seen = set()
        while True:
            token = self.peek()
            section = token.text.upper() if token.kind == "name" else None
            if section not in SECTIONS:
                raise self.fail()
            self.pos += 1
            if section in seen:
                self.note("section", f'The "{section}" section can only be used once in an update expression;')
            seen.add(section)
            actions.extend(self.values_list(partial(self.action, section)))
            if self.peek().kind == "eof":
                return tuple(actions)

    def action(self, section: str) -> Action:
        path = self.path()
        self.operators += 1
        if section == "SET":
            self.expect("=")
            return Action("SET", path, self.set_value())
        if section == "REMOVE":
            return Action("REMOVE", path)
        return Action(section, path, self.value())

    def set_value(self):
        left = self.set_operand()
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.pos += 1
            self.operators += 1
            return Arithmetic(token.text, left, self.set_operand())
        return left

    def set_operand(self):
        if self.at("("):
            return self.parenthesized(self.set_value)
        return self.leaf(self.set_operand, UPDATE_FUNCTIONS, CONDITION_FUNCTIONS, "in an update expression")

    # --- projections -----------------------------------------------------------------
    def projection(self):
        paths = tuple(self.values_list(self.path))
        if self.peek().kind != "eof":
            raise self.fail()
        return paths


_ENTRY = {"condition": _Parser.condition, "update": _Parser.update, "projection": _Parser.projection}


@lru_cache(maxsize=4096)
def parse(grammar: str, text: str) -> Parsed:
    """The syntax tree of ``text`` in ``grammar`` (condition, update or projection)."""
    if not text.strip():
        return Parsed(None, "The expression can not be empty;", 0)
    size = len(text.encode("utf-8"))
    if size > MAX_EXPRESSION_BYTES:
        return Parsed(None, f"Expression size has exceeded the maximum allowed size; expression size: {size}", 0)
    parser = _Parser(text, grammar)
    try:
        tree = _ENTRY[grammar](parser)
    except ExpressionError as error:
        return Parsed(None, error.message, parser.operators)
    except RecursionError:  # thousands of nested parentheses
        return Parsed(None, "Expression size has exceeded the maximum allowed size;", parser.operators)
    if parser.operators > MAX_OPERATORS:
        return Parsed(None, "Expression size has exceeded the maximum allowed size;", parser.operators)
    return Parsed(tree, parser.first_problem(), parser.operators)
