"""MySQL's wording for constraint failures SQLite reports tersely: the duplicated value
and key name of a 1062, the foreign key behind a 1451/1452."""

from __future__ import annotations

import sqlite3

from mysql_mimic.errors import MysqlError
from sqlglot import exp

from headwater.sql.mysql import catalog
from headwater.sql.mysql.errors import (
    ER_DUP_ENTRY,
    ER_NO_REFERENCED_ROW,
    ER_ROW_IS_REFERENCED,
    mysql_error,
)
from headwater.sql.mysql.sqlite import quote


def statement_table(statement: exp.Expression) -> str | None:
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    return target.name if isinstance(target, exp.Table) else None


def duplicate_entry(conn: sqlite3.Connection, statement: exp.Expression, message: str) -> MysqlError:
    """1062 for ``UNIQUE constraint failed: t.a, t.b``."""
    failed = [part.strip() for part in message.split(":", 1)[1].split(",")]
    table = failed[0].split(".")[0]
    key_columns = [part.split(".", 1)[1] for part in failed]
    value = _duplicated_value(conn, statement, table, key_columns)
    return mysql_error(ER_DUP_ENTRY, f"Duplicate entry '{value}' for key '{table}.{_key_name(conn, table, key_columns)}'")


def _key_name(conn: sqlite3.Connection, table: str, key_columns: list[str]) -> str:
    if [c.lower() for c in catalog.primary_key(conn, table)] == [c.lower() for c in key_columns]:
        return "PRIMARY"
    for index in catalog.indexes(conn, table):
        if index.unique and [c.lower() for c in index.columns] == [c.lower() for c in key_columns]:
            return index.name
    return key_columns[0]


def _literal_value(node: exp.Expression) -> object:
    if isinstance(node, exp.Literal):
        return node.this if node.is_string else _number(node.this)
    if isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal):
        return -_number(node.this.this)
    if isinstance(node, exp.Null):
        return None
    raise ValueError("not a literal")


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _inserted_rows(conn: sqlite3.Connection, statement: exp.Expression, table: str) -> list[dict]:
    values = statement.expression
    if not isinstance(statement, exp.Insert) or not isinstance(values, exp.Values):
        return []
    if isinstance(statement.this, exp.Schema):
        names = [c.name.lower() for c in statement.this.expressions]
    else:
        names = [c.name.lower() for c in catalog.columns(conn, table)]
    rows = []
    for row in values.expressions:
        try:
            rows.append(dict(zip(names, [_literal_value(v) for v in row.expressions])))
        except ValueError:
            return []
    return rows


def _duplicated_value(conn: sqlite3.Connection, statement: exp.Expression, table: str, key_columns: list[str]) -> str:
    keys = [c.lower() for c in key_columns]
    seen = set()
    for row in _inserted_rows(conn, statement, table):
        key = tuple(row.get(c) for c in keys)
        condition = " AND ".join(f"{quote(c)} = ?" for c in keys)
        exists = conn.execute(f"SELECT 1 FROM {quote(table)} WHERE {condition}", key).fetchone()
        if key in seen or exists:
            return "-".join("NULL" if v is None else str(v) for v in key)
        seen.add(key)
    if isinstance(statement, exp.Update):
        for assignment in statement.expressions:
            if isinstance(assignment, exp.EQ) and assignment.this.name.lower() in keys:
                try:
                    return str(_literal_value(assignment.expression))
                except ValueError:
                    break
    return "?"


def _describe_key(database: str, child: str, number: int, key: dict) -> str:
    columns = ", ".join(f"`{c}`" for c in key["columns"])
    parents = ", ".join(f"`{c}`" for c in key["parent_columns"] if c)
    return (
        f"(`{database}`.`{child}`, CONSTRAINT `{child}_ibfk_{number}` FOREIGN KEY ({columns})"
        f" REFERENCES `{key['parent']}` ({parents}))"
    )


def _child_keys(conn: sqlite3.Connection, parent: str) -> list[tuple[str, int, dict]]:
    found = []
    for name, _kind in catalog.tables(conn):
        for number, key in enumerate(reversed(catalog.foreign_keys(conn, name)), start=1):
            if key["parent"].lower() == parent.lower():
                found.append((name, number, key))
    return found


def foreign_key_failure(conn: sqlite3.Connection, statement: exp.Expression, database: str) -> MysqlError:
    table = statement_table(statement) or ""
    own_keys = list(enumerate(reversed(catalog.foreign_keys(conn, table)), start=1)) if table else []
    as_child = isinstance(statement, exp.Insert)
    if isinstance(statement, exp.Update):
        changed = {a.this.name.lower() for a in statement.expressions if isinstance(a, exp.EQ)}
        own_keys = [(n, k) for n, k in own_keys if changed & {c.lower() for c in k["columns"]}]
        as_child = bool(own_keys)
    if as_child:
        detail = _describe_key(database, table, *own_keys[0]) if own_keys else ""
        return mysql_error(
            ER_NO_REFERENCED_ROW, f"Cannot add or update a child row: a foreign key constraint fails {detail}".strip()
        )
    children = _child_keys(conn, table)
    detail = _describe_key(database, *children[0]) if children else ""
    return mysql_error(
        ER_ROW_IS_REFERENCED, f"Cannot delete or update a parent row: a foreign key constraint fails {detail}".strip()
    )
