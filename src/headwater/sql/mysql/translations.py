"""Translations learnt once per statement shape and reused with new values.

A statement parsed and translated in full has its literals in *value positions*
(compared, listed in ``IN``, inserted as ``VALUES``, assigned by ``UPDATE``, ``LIMIT``)
replaced by numbered SQLite parameters before it is written as SQLite SQL, and runs with
its values bound. The SQL it ran with is the translation of every statement of the same
shape (``literals.scan``): a later one binds its own values and skips sqlglot entirely.
Literals elsewhere (a projection, whose text names the result column; ``ORDER BY 1``;
function arguments a translation may rewrite) stay in the SQL, and a later statement reuses
the translation only when those literals are the same text.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sqlglot import exp

from headwater.sql.mysql.literals import Scan

#: Parents under which a literal is a plain value, whatever value it has.
VALUE_PARENTS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE, exp.NullSafeEQ, exp.In,
                 exp.Between, exp.Like, exp.Add, exp.Sub, exp.Mul)
LIMITS = (exp.Limit, exp.Offset)
CAPACITY = 1024


@dataclass(frozen=True)
class InsertTarget:
    """What MySQL's insert id needs: the table and the columns the statement names."""

    table: str
    columns: tuple[str, ...] | None


@dataclass(frozen=True)
class Translation:
    """SQLite SQL with parameters ``?1..?n``; ``parameters[k]`` is the index of the scanned
    literal bound to ``?k+1``; ``fixed`` literals must keep their text."""

    sql: str
    returns_rows: bool
    parameters: tuple[int, ...] = ()
    fixed: tuple[tuple[int, str], ...] = ()
    insert: InsertTarget | None = None
    #: ``(result column, scale)`` answered as DECIMAL, read from the catalog of this version.
    decimal_scales: tuple[tuple[int, int], ...] = ()
    schema_version: int | None = None

    def bind(self, scan: Scan) -> tuple | None:
        """The values to run this translation with for ``scan``, None if it does not apply."""
        literals = scan.literals
        if any(literals[index].text != text for index, text in self.fixed):
            return None
        return tuple(literals[index].value for index in self.parameters)


def lift_values(statement: exp.Expression, scan: Scan) -> tuple[tuple[int, ...], tuple[tuple[int, str], ...]]:
    """Replace the literals of ``statement`` in value positions by ``?1..?n`` placeholders.

    Returns the scanned literal behind each parameter and the scanned literals left in place.
    """
    parameters: list[int] = []
    for literal in list(statement.find_all(exp.Literal)):
        index = scan.at(literal.meta["start"]) if literal.meta and "start" in literal.meta else None
        if index is None or not _is_value(literal) or (scan.literals[index].kind == "s") != literal.is_string:
            continue
        parameters.append(index)
        literal.replace(exp.Placeholder(this=str(len(parameters))))
    lifted = set(parameters)
    fixed = tuple((index, literal.text) for index, literal in enumerate(scan.literals) if index not in lifted)
    return tuple(parameters), fixed


def _is_value(literal: exp.Literal) -> bool:
    node = literal.parent if isinstance(literal.parent, exp.Neg) else literal
    parent = node.parent
    if isinstance(parent, exp.Tuple):
        plain = isinstance(parent.parent, exp.Values)
    elif isinstance(parent, LIMITS):
        plain = node.arg_key == "expression"
    else:
        plain = isinstance(parent, VALUE_PARENTS)
    return plain and not _in_projection(node)


def _in_projection(node: exp.Expression) -> bool:
    """True inside a SELECT's column list, whose text names a result column."""
    while node.parent is not None:
        if isinstance(node.parent, exp.Select) and node.arg_key == "expressions":
            return True
        node = node.parent
    return False


class Translations:
    """A bounded LRU of translations by (database, found-rows mode, shape); the endpoint's
    sessions share it, on the endpoint's event loop."""

    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self._entries: OrderedDict[tuple, Translation] = OrderedDict()

    def get(self, key: tuple) -> Translation | None:
        translation = self._entries.get(key)
        if translation is not None:
            self._entries.move_to_end(key)
        return translation

    def put(self, key: tuple, translation: Translation) -> None:
        self._entries[key] = translation
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
