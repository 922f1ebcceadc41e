"""What a MySQL client sees of a SQLite database: tables, columns with MySQL types and
keys, indexes, and ``SHOW CREATE TABLE`` text."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlglot
from sqlglot import exp

from headwater.sql.mysql.ddl import INDEX_SEPARATOR
from headwater.sql.mysql.sqlite import quote
from headwater.sql.mysql.storage import is_hidden_table, recorded_columns


@dataclass(frozen=True)
class ColumnInfo:
    name: str
    type: str
    nullable: bool
    key: str
    default: str | None
    extra: str


@dataclass(frozen=True)
class IndexInfo:
    name: str
    unique: bool
    columns: tuple[str, ...]


def tables(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    """``(name, "BASE TABLE" | "VIEW")`` of every table a client may see, by name."""
    rows = conn.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name"
    ).fetchall()
    return [(name, "VIEW" if kind == "view" else "BASE TABLE") for name, kind in rows if not is_hidden_table(name)]


def table_kind(conn: sqlite3.Connection, table: str) -> tuple[str, str] | None:
    """``(stored name, "table" | "view")`` of ``table`` (names match case-insensitively)."""
    row = conn.execute(
        "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE",
        (table,),
    ).fetchone()
    if row is None or is_hidden_table(row[0]):
        return None
    return row[0], row[1]


def display_type(declared: str) -> str:
    text = " ".join(declared.lower().replace(", ", ",").split())
    if text in ("integer", ""):
        return "int" if text else "text"
    if text in ("boolean", "bool"):
        return "tinyint(1)"
    return text


def indexes(conn: sqlite3.Connection, table: str) -> list[IndexInfo]:
    found = []
    for row in conn.execute(f"PRAGMA index_list({quote(table)})").fetchall():
        name, unique, origin = row[1], bool(row[2]), row[3]
        if origin == "pk":
            continue
        columns = tuple(r[2] for r in conn.execute(f"PRAGMA index_info({quote(name)})").fetchall())
        shown = name.split(INDEX_SEPARATOR, 1)[1] if INDEX_SEPARATOR in name else name
        if name.startswith("sqlite_autoindex"):
            shown = columns[0]
        found.append(IndexInfo(shown, unique, columns))
    return sorted(found, key=lambda index: (not index.unique, index.name))


def primary_key(conn: sqlite3.Connection, table: str) -> list[str]:
    rows = conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
    return [row[1] for row in sorted(rows, key=lambda r: r[5]) if row[5]]


def foreign_keys(conn: sqlite3.Connection, table: str) -> list[dict]:
    """One entry per foreign key: columns, parent table and columns, actions."""
    keys: dict[int, dict] = {}
    for row in conn.execute(f"PRAGMA foreign_key_list({quote(table)})").fetchall():
        key = keys.setdefault(row[0], {"columns": [], "parent": row[2], "parent_columns": [],
                                       "on_update": row[5], "on_delete": row[6]})
        key["columns"].append(row[3])
        key["parent_columns"].append(row[4])
    return [keys[index] for index in sorted(keys, reverse=True)]


def _enum_checks(sql: str | None) -> dict[str, str]:
    """``{column: "enum('a','b')"}`` for ``CHECK (column IN ('a', 'b'))`` on TEXT columns."""
    if not sql or " IN " not in sql.upper():
        return {}
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        return {}
    found = {}
    for check in tree.find_all(exp.In):
        members = check.expressions
        if isinstance(check.this, exp.Column) and members and all(m.is_string for m in members):
            listed = ",".join("'" + m.name.replace("'", "''") + "'" for m in members)
            found[check.this.name.lower()] = f"enum({listed})"
    return found


BOOLEAN_DEFAULTS = {"TRUE": "1", "FALSE": "0"}


def _default(value: str | None) -> str | None:
    if value is None or value.upper() == "NULL":
        return None
    if value.upper() in BOOLEAN_DEFAULTS:
        return BOOLEAN_DEFAULTS[value.upper()]
    if len(value) >= 2 and value[0] == value[-1] == "'":
        return value[1:-1].replace("''", "'")
    return value.strip("()")


def columns(conn: sqlite3.Connection, table: str) -> list[ColumnInfo]:
    rows = conn.execute(f"PRAGMA table_xinfo({quote(table)})").fetchall()
    recorded = recorded_columns(conn, table)
    sql_row = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()
    enums = _enum_checks(sql_row[0] if sql_row else None)
    pk = [row[1] for row in rows if row[5]]
    rowid_alias = len(pk) == 1 and any(row[1] == pk[0] and row[2].upper() == "INTEGER" for row in rows)
    unique_single, multiple = set(), set()
    for index in indexes(conn, table):
        if index.unique and len(index.columns) == 1:
            unique_single.add(index.columns[0])
        else:
            multiple.add(index.columns[0])
    for key in foreign_keys(conn, table):
        multiple.add(key["columns"][0])
    result = []
    for _cid, name, declared, notnull, default, pk_position, hidden in rows:
        if hidden:
            continue
        type_, extra = recorded.get(name.lower(), (None, ""))
        type_ = type_ or enums.get(name.lower()) or display_type(declared)
        if rowid_alias and name == pk[0] and not extra:
            extra = "auto_increment"
        key = "PRI" if pk_position else "UNI" if name in unique_single else "MUL" if name in multiple else ""
        nullable = not notnull and not pk_position
        result.append(ColumnInfo(name, type_, nullable, key, _default(default), extra))
    return result


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def column_definition(column: ColumnInfo) -> str:
    parts = [quote(column.name), column.type]
    if not column.nullable:
        parts.append("NOT NULL")
    if "auto_increment" in column.extra:
        parts.append("AUTO_INCREMENT")
    elif column.default is not None:
        keyword = column.default.upper() in ("CURRENT_TIMESTAMP", "NULL")
        parts.append("DEFAULT " + (column.default if keyword else _literal(column.default)))
    elif column.nullable:
        parts.append("DEFAULT NULL")
    if "on update" in column.extra:
        parts.append("ON UPDATE CURRENT_TIMESTAMP")
    return " ".join(parts)


def create_table_text(conn: sqlite3.Connection, table: str) -> str:
    """``SHOW CREATE TABLE`` for a base table, in MySQL's layout."""
    lines = [column_definition(column) for column in columns(conn, table)]
    pk = primary_key(conn, table)
    if pk:
        lines.append(f"PRIMARY KEY ({','.join(quote(c) for c in pk)})")
    for index in indexes(conn, table):
        kind = "UNIQUE KEY" if index.unique else "KEY"
        lines.append(f"{kind} {quote(index.name)} ({','.join(quote(c) for c in index.columns)})")
    for number, key in enumerate(reversed(foreign_keys(conn, table)), start=1):
        text = (
            f"CONSTRAINT {quote(f'{table}_ibfk_{number}')} FOREIGN KEY ({','.join(quote(c) for c in key['columns'])})"
            f" REFERENCES {quote(key['parent'])} ({','.join(quote(c) for c in key['parent_columns'] if c)})"
        )
        for action in ("on_delete", "on_update"):
            if key[action] not in ("NO ACTION", "RESTRICT"):
                text += f" {action.replace('_', ' ').upper()} {key[action]}"
        lines.append(text)
    body = ",\n  ".join(lines)
    return (
        f"CREATE TABLE {quote(table)} (\n  {body}\n)"
        " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_0900_ai_ci"
    )


def view_text(conn: sqlite3.Connection, view: str) -> str:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'view' AND name = ?", (view,)).fetchone()
    return row[0] if row else ""
