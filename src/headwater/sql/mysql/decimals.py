"""DECIMAL results as MySQL returns them.

SQLite keeps ``DECIMAL(p,s)`` values as numbers (``5.00`` becomes the integer 5, a SUM a
float with binary noise); MySQL answers them as DECIMAL with the column's scale, and
answers SUM and AVG of integer columns as DECIMAL too (AVG with 4 more digits,
``div_precision_increment``). ``result_scales`` finds, from a SELECT and the catalog, the
result columns that are DECIMAL in MySQL and their scales; ``as_decimals`` rewrites rows.
"""

from __future__ import annotations

import re
import sqlite3
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlglot import exp

from headwater.sql.mysql.sqlite import quote
from headwater.sql.mysql.storage import recorded_columns

_DECIMAL = re.compile(r"\s*(?:decimal|numeric|dec|fixed)\s*(?:\(\s*\d+\s*(?:,\s*(\d+)\s*)?\))?", re.IGNORECASE)
_INTEGER = re.compile(r"\s*(?:tinyint|smallint|mediumint|int|integer|bigint)\b", re.IGNORECASE)
#: Aggregate → (applies to integer columns too, digits added to the scale).
AGGREGATES = {exp.Sum: (True, 0), exp.Avg: (True, 4), exp.Min: (False, 0), exp.Max: (False, 0)}


def column_kind(declared: str) -> tuple[str, int] | None:
    """``("decimal", scale)``, ``("integer", 0)`` or None for a declared type."""
    if match := _DECIMAL.fullmatch(declared or ""):
        return "decimal", int(match.group(1) or 0)
    if _INTEGER.match(declared or ""):
        return "integer", 0
    return None


class ColumnKinds:
    """Each table's columns with their kinds, read again when the schema changes."""

    def __init__(self) -> None:
        self.version: int | None = None
        self._tables: dict[str, list[tuple[str, tuple[str, int] | None]]] = {}

    def current_version(self, conn: sqlite3.Connection) -> int:
        version = conn.execute("PRAGMA schema_version").fetchone()[0]
        if version != self.version:
            self.version, self._tables = version, {}
        return version

    def of(self, conn: sqlite3.Connection, table: str) -> list[tuple[str, tuple[str, int] | None]]:
        key = table.lower()
        if key not in self._tables:
            rows = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
            recorded = recorded_columns(conn, table)
            self._tables[key] = [(row[1].lower(), column_kind(recorded.get(row[1].lower(), (row[2],))[0]))
                                 for row in rows]
        return self._tables[key]


def result_scales(conn: sqlite3.Connection, select: exp.Expression, kinds: ColumnKinds) -> tuple[tuple[int, int], ...]:
    """``(result column index, scale)`` of the DECIMAL columns of ``select``'s result."""
    if not isinstance(select, exp.Select):
        return ()
    sources = _sources(select)
    if not sources:
        return ()
    kinds.current_version(conn)
    scales: list[tuple[int, int]] = []
    position = 0
    for projection in select.expressions:
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        expanded = _expand(conn, inner, sources, kinds)
        if expanded is None:
            scale = _scale(conn, inner, sources, kinds)
            if scale is not None:
                scales.append((position, scale))
            position += 1
            continue
        for kind in expanded:
            if kind is not None and kind[0] == "decimal":
                scales.append((position, kind[1]))
            position += 1
    return tuple(scales)


def _sources(select: exp.Select) -> dict[str, str] | None:
    """``{alias or name: table}`` in FROM order; None when a source is not a plain table."""
    tables = []
    source = select.args.get("from_")
    if source is not None:
        tables.append(source.this)
    for join in select.args.get("joins") or ():
        if join.args.get("using") or (join.args.get("method") or "").upper() == "NATURAL":
            return None
        tables.append(join.this)
    if not all(isinstance(table, exp.Table) and not table.args.get("db") for table in tables):
        return None
    return {(table.alias_or_name).lower(): table.name for table in tables}


def _expand(conn, node: exp.Expression, sources: dict[str, str], kinds: ColumnKinds):
    """The kinds of the columns ``*`` or ``t.*`` stands for; None for other projections."""
    if isinstance(node, exp.Star):
        return [kind for table in sources.values() for _, kind in kinds.of(conn, table)]
    if isinstance(node, exp.Column) and isinstance(node.this, exp.Star):
        table = sources.get(node.table.lower())
        return [kind for _, kind in kinds.of(conn, table)] if table else [None]
    return None


def _scale(conn, node: exp.Expression, sources: dict[str, str], kinds: ColumnKinds) -> int | None:
    rule = AGGREGATES.get(type(node))
    if rule is not None:
        node = node.this
    if not isinstance(node, exp.Column):
        return None
    kind = _column_kind(conn, node, sources, kinds)
    if kind is None:
        return None
    if rule is None:
        return kind[1] if kind[0] == "decimal" else None
    with_integers, extra = rule
    if kind[0] == "integer" and not with_integers:
        return None
    return kind[1] + extra


def _column_kind(conn, column: exp.Column, sources: dict[str, str], kinds: ColumnKinds):
    name = column.name.lower()
    tables = [sources[column.table.lower()]] if column.table else list(sources.values())
    if column.table and column.table.lower() not in sources:
        return None
    found = [kind for table in tables for column_name, kind in kinds.of(conn, table) if column_name == name]
    return found[0] if len(found) == 1 else None


def as_decimals(rows: list[tuple], scales: tuple[tuple[int, int], ...]) -> list[tuple]:
    """``rows`` with the values at the given result columns as Decimals of that scale."""
    if not scales:
        return rows
    converted = []
    for row in rows:
        values = list(row)
        for index, scale in scales:
            values[index] = _decimal(values[index], scale)
        converted.append(tuple(values))
    return converted


def _decimal(value: Any, scale: int) -> Any:
    if value is None or isinstance(value, (bytes, bool)):
        return value
    try:
        number = value if isinstance(value, Decimal) else Decimal(f"{value:.{scale}f}" if isinstance(value, float) else str(value))
        return number.quantize(Decimal(1).scaleb(-scale))
    except (InvalidOperation, ValueError):
        return value
