"""A recursive-descent parser of DynamoDB's PartiQL: SELECT, INSERT, UPDATE, DELETE and a
transaction's EXISTS, into the trees of ``syntax``.

Everything that depends on the text alone is checked here, with AWS's wording: syntax
(``Statement wasn't well formed, can't be processed: ...``), constructs DynamoDB does not
support (named, never silently ignored), literal values (through ``types.validate_value``),
list indexes and the shape of ``set_add``/``set_delete``. What depends on the table (keys,
indexes) is checked by ``keys``; what depends on the parameters by ``translate``.
"""

from __future__ import annotations

from headwater.services.dynamodb import lookup, types
from headwater.services.dynamodb.partiql.lexer import invalid, located, malformed
from headwater.services.dynamodb.partiql.syntax import (
    And,
    Arithmetic,
    Assignment,
    Between,
    Call,
    Comparison,
    Delete,
    Exists,
    In,
    Insert,
    Is,
    Literal,
    Not,
    Or,
    Param,
    Path,
    Select,
    Source,
    Statement,
    Update,
)
from headwater.services.dynamodb.partiql.values import RESERVED, TokenReader

CONDITION_FUNCTIONS = ("attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains")
COMPARATORS = ("=", "<>", "<", "<=", ">", ">=")
IS_TYPES = {"MISSING": None, "NULL": "NULL", "BOOLEAN": "BOOL", "BLOB": "B", "STRING": "S", "NUMERIC": "N",
            "STRUCT": "M", "TUPLE": "M", "LIST": "L"}
UNSUPPORTED_CLAUSES = {"GROUP": "GROUP BY", "HAVING": "HAVING", "LIMIT": "LIMIT", "OFFSET": "OFFSET"}
RETURNING = {("ALL", "OLD"): "ALL_OLD", ("MODIFIED", "OLD"): "UPDATED_OLD",
             ("ALL", "NEW"): "ALL_NEW", ("MODIFIED", "NEW"): "UPDATED_NEW"}
MAX_IN_OPERANDS = 100

INCOMPLETE_KEY = "Where clause does not contain a mandatory equality on all key attributes"
STAR_AND_OTHERS = "Other attributes should not be present in the projection when '*' is used."
NOT_A_CONDITION = "WHERE clause must contain an expression that resolves to a boolean"
CONDITION_COMPARED = "Unsupported operation: comparing the result of a condition with a value"
INVALID_IN = ("IN operator must have a left hand argument of type Variable Reference and right hand argument "
              "of type Seq with at least one member")
ONLY_SET_AND_REMOVE = "Only SET and REMOVE are supported in update expressions at this time"


def parse(text: str) -> Statement:
    """The statement's tree, or AWS's ValidationException for what is wrong with its text."""
    parser = _Parser(text)
    try:
        body = parser.statement()
    except RecursionError:
        raise malformed("Statement is nested too deeply") from None
    return Statement(body, parser.parameters)


class _Parser(TokenReader):
    """Statements, update actions and conditions, on top of the token and value reading."""

    # --- statements ------------------------------------------------------------------
    def statement(self):
        if self.at_keyword("SELECT"):
            body = self.select()
        elif self.at_keyword("INSERT"):
            body = self.insert()
        elif self.at_keyword("UPDATE"):
            body = self.update()
        elif self.at_keyword("DELETE"):
            body = self.delete()
        elif self.at_keyword("EXISTS"):
            body = self.exists()
        else:
            raise malformed("Expected data manipulation")
        if self.at(";"):
            self.advance()
        if self.peek().kind != "eof":
            raise malformed("Unexpected token after expression")
        return body

    def select(self) -> Select:
        self.advance()
        if self.at_keyword("DISTINCT"):
            raise invalid("Unsupported token in expression: DISTINCT")
        if self.at_keyword("VALUE", "PIVOT"):
            raise invalid("Select projection doesn't support value or pivot keywords")
        projection = self.projection()
        self.expect_keyword("FROM")
        source = self.source()
        if self.at(",") or self.at_keyword("JOIN", "INNER", "LEFT", "RIGHT", "CROSS", "OUTER", "FULL"):
            raise invalid("Only select from a single table or index is supported.")
        if self.at_keyword("AS") or (self.peek().kind in ("name", "quoted") and not self.at_keyword(*RESERVED)):
            raise invalid("Aliasing is not supported")
        where = self.where() if self.at_keyword("WHERE") else None
        order_by = self.order_by() if self.at_keyword("ORDER") else ()
        if self.at_keyword(*UNSUPPORTED_CLAUSES):
            raise invalid(f"Unsupported clause: {UNSUPPORTED_CLAUSES[self.peek().text.upper()]}")
        return Select(source, projection, where, order_by)

    def projection(self) -> tuple | None:
        if self.at("*"):
            self.advance()
            if self.at(","):
                raise invalid(STAR_AND_OTHERS)
            return None
        paths = [self.projected()]
        while self.at(","):
            self.advance()
            if self.at("*"):
                raise invalid(STAR_AND_OTHERS)
            paths.append(self.projected())
        return tuple(paths)

    def projected(self) -> Path:
        if self.at_call():
            raise located("Unexpected path component", self.text, self.peek())
        if self.peek().kind not in ("name", "quoted"):
            raise malformed("Expected identifier")
        path = self.path()
        if self.at_keyword("AS"):
            raise invalid("Aliasing is not supported")
        return path

    def source(self) -> Source:
        table = self.table_name()
        index = None
        if self.at("."):
            self.advance()
            index = self.identifier()
            if self.at("."):
                raise invalid("A path may contain at most 2 components in the FROM clause")
        return Source(table, index)

    def table_name(self) -> str:
        name = self.identifier()
        if not lookup.NAME.fullmatch(name):
            raise invalid("Table name should be within the length [3, 255] and only contain "
                          "'a-z', 'A-Z', '0-9', '-', '_', '.'.")
        return name

    def where(self):
        self.advance()
        return self.condition()

    def order_by(self) -> tuple:
        self.advance()
        self.expect_keyword("BY")
        terms = [self.order_term()]
        while self.at(","):
            self.advance()
            terms.append(self.order_term())
        return tuple(terms)

    def order_term(self) -> tuple[str, bool]:
        token = self.peek()
        path = self.path() if token.kind in ("name", "quoted") else None
        if path is None or len(path.elements) != 1:
            kind = "Path" if path is not None else "Literal"
            raise invalid(f"Argument to ORDER BY must be of type VariableReference. Type: {kind}")
        descending = False
        if self.at_keyword("ASC", "DESC"):
            descending = self.advance().text.upper() == "DESC"
        return path.elements[0], descending

    def insert(self) -> Insert:
        self.advance()
        self.expect_keyword("INTO")
        table = self.table_name()
        if self.at_keyword("VALUES"):
            raise invalid('Unsupported operation: Inserting multiple items in a single statement is not supported, '
                          'use "INSERT INTO tableName VALUE item" instead')
        self.expect_keyword("VALUE")
        if not self.at("{"):
            raise invalid("Unsupported format in item expression. Please use struct format {...} to express "
                          "item values for insert statement.")
        item = self.item()
        if self.at_keyword("RETURNING"):
            raise invalid("RETURNING is not supported in INSERT")
        if self.at_keyword("ON"):
            raise invalid("Unsupported clause: ON CONFLICT")
        if self.at_keyword("FROM", "WHERE"):
            raise invalid("Unsupported FROM ... WHERE ... clause in INSERT statement.")
        return Insert(table, item)

    def item(self) -> tuple:
        fields = self.struct_fields(lambda key: self.value("root", parameters=True))
        return tuple((name, value if type(value) is Param else Literal(types.validate_value(value)))
                     for name, value in fields)

    def update(self) -> Update:
        self.advance()
        table = self.table_name()
        actions = []
        while self.at_keyword("SET", "REMOVE"):
            section = self.advance().text.upper()
            action = self.assignment if section == "SET" else self.removal
            actions.append(action())
            while self.at(","):
                self.advance()
                actions.append(action())
        if self.at_keyword("ADD", "DELETE", "INSERT", "REPLACE", "UPSERT"):
            raise invalid(ONLY_SET_AND_REMOVE)
        if not actions:
            raise malformed("Expected SET or REMOVE")
        if not self.at_keyword("WHERE"):
            raise invalid(INCOMPLETE_KEY)
        where = self.where()
        return Update(table, tuple(actions), where, self.returning())

    def delete(self) -> Delete:
        self.advance()
        self.expect_keyword("FROM")
        table = self.table_name()
        if not self.at_keyword("WHERE"):
            raise invalid(INCOMPLETE_KEY)
        where = self.where()
        returning = self.returning()
        if returning not in (None, "ALL_OLD"):
            shown = next(" ".join(words) for words, mode in RETURNING.items() if mode == returning)
            raise invalid(f"Invalid returning clause: RETURNING {shown} *. "
                          "Only RETURNING ALL OLD * is allowed in DELETE statements.")
        return Delete(table, where, returning)

    def returning(self) -> str | None:
        if not self.at_keyword("RETURNING"):
            return None
        self.advance()
        words = (self.advance().text.upper(), self.advance().text.upper())
        if words not in RETURNING:
            raise malformed("Expected ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause")
        if not self.at("*"):
            raise invalid("Expected '*' after ( MODIFIED | ALL ) ( NEW | OLD ) in RETURNING clause")
        self.advance()
        if self.at(","):
            raise invalid("Invalid syntax with multiple returning elements in RETURNING clause")
        return RETURNING[words]

    def exists(self) -> Exists:
        self.advance()
        self.expect("(")
        if not self.at_keyword("SELECT"):
            raise malformed("Expected SELECT")
        select = self.select()
        self.expect(")")
        return Exists(select)

    # --- update actions ----------------------------------------------------------------
    def removal(self) -> Assignment:
        return Assignment("REMOVE", self.path())

    def assignment(self) -> Assignment:
        target = self.path()
        self.expect("=")
        if self.at_call():
            name = self.peek().text.lower()
            if name in ("set_add", "set_delete"):
                return self.set_function(target)
            if name != "list_append":
                raise located(f"Unrecognized function: {name}", self.text, self.peek())
            self.advance()
            return Assignment("SET", target, Call("list_append", tuple(self.arguments(self.update_operand))))
        value = self.update_operand()
        if self.at("+") or self.at("-"):
            op = self.advance().text
            value = Arithmetic(op, value, self.update_operand())
            if self.at("+") or self.at("-"):
                raise invalid("Unsupported operation: only one arithmetic operator is allowed in a SET value")
        return Assignment("SET", target, value)

    def set_function(self, target: Path) -> Assignment:
        name_token = self.advance()
        upper = name_token.text.upper()
        first_token = self.peek(1)
        arguments = self.arguments(self.update_operand)
        if len(arguments) != 2:
            raise located(f"{upper} must have exactly two arguments", self.text, name_token)
        if arguments[0] != target:
            raise located(f"The first argument to {upper} must equal the assignment value", self.text, name_token)
        second = arguments[1]
        is_set = type(second) is Literal and types.kind_of(second.value) in ("SS", "NS", "BS")
        if type(second) is not Param and not is_set:
            raise located(f"The second argument to {upper} must be a value with type SET", self.text, first_token)
        return Assignment("ADD" if upper == "SET_ADD" else "DELETE", target, second)

    def arguments(self, operand) -> list:
        self.expect("(")
        arguments = []
        if not self.at(")"):
            arguments.append(operand())
            while self.at(","):
                self.advance()
                arguments.append(operand())
        self.expect(")")
        return arguments

    def update_operand(self):
        token = self.peek()
        if token.kind in ("name", "quoted") and not token.keyword("TRUE", "FALSE", "NULL", "MISSING"):
            if self.at_call():
                raise located(f"Unrecognized function: {token.text.lower()}", self.text, token)
            return self.path()
        return self.constant("root")

    # --- conditions --------------------------------------------------------------------
    def condition(self):
        left = self.and_condition()
        while self.at_keyword("OR"):
            self.advance()
            left = Or(left, self.and_condition())
        return left

    def and_condition(self):
        left = self.not_condition()
        while self.at_keyword("AND"):
            self.advance()
            left = And(left, self.not_condition())
        return left

    def not_condition(self):
        if self.at_keyword("NOT"):
            self.advance()
            return Not(self.not_condition())
        return self.predicate()

    def predicate(self):
        if self.at("("):
            self.advance()
            inner = self.condition()
            self.expect(")")
            return self.not_compared(inner)
        if self.at_call():
            token = self.peek()
            name = token.text.lower()
            if name in CONDITION_FUNCTIONS:
                self.advance()
                return self.not_compared(Call(name, tuple(self.arguments(self.operand))))
            if name != "size":
                raise located(f"Unrecognized function: {name}", self.text, token)
        left = self.operand()
        negated = False
        if self.at_keyword("NOT") and self.peek(1).keyword("BETWEEN", "IN", "LIKE"):
            self.advance()
            negated = True
        predicate = self.comparison(left)
        return Not(predicate) if negated else predicate

    def not_compared(self, condition):
        token = self.peek()
        if (token.kind == "op" and token.text in COMPARATORS) or token.keyword("IN", "BETWEEN", "IS"):
            raise invalid(CONDITION_COMPARED)
        return condition

    def comparison(self, left):
        token = self.peek()
        if token.kind == "op" and token.text in COMPARATORS:
            self.advance()
            return Comparison(token.text, left, self.operand())
        if token.keyword("BETWEEN"):
            self.advance()
            low = self.operand()
            self.expect_keyword("AND")
            return Between(left, low, self.operand())
        if token.keyword("IN"):
            self.advance()
            return self.membership(left)
        if token.keyword("IS"):
            self.advance()
            return self.is_type(left)
        if token.kind == "op" and token.text in ("+", "-"):
            raise invalid(f"Unsupported operator in Condition Expression. Operator: {token.text}")
        if token.keyword("LIKE"):
            raise invalid("Unsupported operator in Condition Expression. Operator: LIKE")
        if type(left) is Call:
            raise invalid("The function is not allowed to be used this way in an expression; function: size")
        raise invalid(NOT_A_CONDITION)

    def membership(self, left) -> In:
        if type(left) is not Path or not (self.at("[") or self.at("(")):
            raise invalid(INVALID_IN)
        closing = "]" if self.advance().text == "[" else ")"
        candidates = [self.operand()]
        while self.at(","):
            self.advance()
            candidates.append(self.operand())
        self.expect(closing)
        if len(candidates) > MAX_IN_OPERANDS:
            raise invalid(f"The IN operator is provided with too many operands; number of operands: {len(candidates)}")
        return In(left, tuple(candidates))

    def is_type(self, left) -> Is:
        negated = False
        if self.at_keyword("NOT"):
            self.advance()
            negated = True
        if type(left) is not Path:
            raise invalid("The left hand side argument to IS must be a Variable Reference, Literal, or Path")
        token = self.advance()
        name = token.text.upper()
        if token.kind != "name" or name not in IS_TYPES:
            raise invalid(f"Unsupported data type for IS operator: {token.text}. Supported data types are "
                          f"[{', '.join(IS_TYPES)}]")
        return Is(left, name, negated)

    def operand(self):
        token = self.peek()
        if token.keyword("MISSING"):
            raise invalid("MISSING must be compared using IS operator")
        if self.at_call():
            name = token.text.lower()
            if name != "size":
                raise located(f"Unrecognized function: {name}", self.text, token)
            self.advance()
            return Call("size", tuple(self.arguments(self.operand)))
        if token.kind in ("name", "quoted") and not token.keyword("TRUE", "FALSE", "NULL"):
            return self.path()
        if self.at("("):
            self.advance()
            inner = self.operand()
            self.expect(")")
            return inner
        return self.constant("root")
