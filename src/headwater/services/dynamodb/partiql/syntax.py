"""The trees of parsed PartiQL statements.

Conditions and update values reuse the expression language's nodes (``And``, ``Or``,
``Not``, ``Comparison``, ``Between``, ``In``, ``Call``, ``Arithmetic``, ``Path``, where a
path element is an attribute name ``str`` or a list index ``int``); PartiQL adds literal
values, ``?`` parameters and ``IS [NOT] <type>``. Trees are immutable.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.services.dynamodb.expressions.syntax import (  # noqa: F401  (re-exported)
    And,
    Arithmetic,
    Between,
    Call,
    Comparison,
    In,
    Not,
    Or,
    Path,
)


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant written in the statement, as its (validated) AttributeValue."""

    value: dict


@dataclass(frozen=True, slots=True)
class Param:
    """The ``index``-th ``?`` of the statement (from 0)."""

    index: int


@dataclass(frozen=True, slots=True)
class Is:
    """``operand IS [NOT] type`` with type one of MISSING, NULL, BOOLEAN, ..."""

    operand: Path
    type: str
    negated: bool


@dataclass(frozen=True, slots=True)
class Source:
    """``FROM "table"`` or ``FROM "table"."index"``."""

    table: str
    index: str | None = None


@dataclass(frozen=True, slots=True)
class Select:
    source: Source
    projection: tuple | None  # paths; None for *
    where: object | None
    order_by: tuple = ()  # (attribute name, descending)


@dataclass(frozen=True, slots=True)
class Insert:
    table: str
    item: tuple  # (attribute name, Literal | Param) pairs


@dataclass(frozen=True, slots=True)
class Assignment:
    """One update action: ``SET path = value`` (value None for ``REMOVE path``); ``set_add``
    and ``set_delete`` become ``ADD`` and ``DELETE`` actions."""

    kind: str  # SET, REMOVE, ADD, DELETE
    path: Path
    value: object = None


@dataclass(frozen=True, slots=True)
class Update:
    table: str
    actions: tuple
    where: object
    returning: str | None  # ALL_OLD, UPDATED_OLD, ALL_NEW, UPDATED_NEW


@dataclass(frozen=True, slots=True)
class Delete:
    table: str
    where: object
    returning: str | None


@dataclass(frozen=True, slots=True)
class Exists:
    """``EXISTS(SELECT ...)``: a transaction's condition check."""

    select: Select


@dataclass(frozen=True, slots=True)
class Statement:
    """A parsed statement and how many ``?`` it uses."""

    body: Select | Insert | Update | Delete | Exists
    parameters: int

    @property
    def table(self) -> str:
        body = self.body.select if type(self.body) is Exists else self.body
        return body.source.table if type(body) is Select else body.table

    @property
    def is_read(self) -> bool:
        return type(self.body) is Select
