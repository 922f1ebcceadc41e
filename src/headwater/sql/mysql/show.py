"""``SHOW`` statements, answered from the SQLite catalog in MySQL's column layout."""

from __future__ import annotations

import re

from sqlglot import exp

from headwater.sql.mysql import catalog, storage
from headwater.sql.mysql.errors import no_such_table, unsupported
from headwater.sql.mysql.executor import Executor, Outcome

COLLATIONS = [("utf8mb4_0900_ai_ci", "utf8mb4", 255, "Yes", "Yes", 0, "NO PAD"),
              ("utf8mb4_bin", "utf8mb4", 46, "", "Yes", 1, "PAD SPACE"),
              ("utf8mb4_general_ci", "utf8mb4", 45, "", "Yes", 1, "PAD SPACE")]
COLLATION_COLUMNS = ["Collation", "Charset", "Id", "Default", "Compiled", "Sortlen", "Pad_attribute"]


def like(pattern: str | None):
    """A predicate for MySQL's LIKE (case-insensitive, % and _)."""
    if not pattern:
        return lambda value: True
    regex = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    compiled = re.compile(regex, re.IGNORECASE | re.DOTALL)
    return lambda value: compiled.fullmatch(value) is not None


def answer(executor: Executor, statement: exp.Show) -> Outcome:
    kind = statement.name.upper()
    handler = HANDLERS.get(kind)
    if handler is None:
        raise unsupported(f"SHOW {kind}")
    if statement.args.get("where") is not None:
        raise unsupported(f"SHOW {kind} ... WHERE")
    return handler(executor, statement)


def databases(executor: Executor, statement: exp.Show) -> Outcome:
    matches = like(statement.text("like"))
    names = [*storage.SYSTEM_DATABASES, *storage.database_names(executor.data_dir)]
    return Outcome(["Database"], [(name,) for name in names if matches(name)])


def tables(executor: Executor, statement: exp.Show) -> Outcome:
    database = statement.text("db") or executor.database
    matches = like(statement.text("like"))
    with executor.catalog_connection(database) as conn:
        found = [row for row in catalog.tables(conn) if matches(row[0])]
    names = [f"Tables_in_{database}"]
    if statement.args.get("full"):
        return Outcome(names + ["Table_type"], found)
    return Outcome(names, [(name,) for name, _kind in found])


def _table(conn, database: str | None, statement: exp.Show) -> str:
    found = catalog.table_kind(conn, statement.text("target"))
    if found is None:
        raise no_such_table(database, statement.text("target"))
    return found[0]


def columns(executor: Executor, statement: exp.Show) -> Outcome:
    database = statement.text("db") or executor.database
    matches = like(statement.text("like"))
    full = bool(statement.args.get("full"))
    with executor.catalog_connection(database) as conn:
        infos = catalog.columns(conn, _table(conn, database, statement))
    rows = []
    for column in infos:
        if not matches(column.name):
            continue
        null = "YES" if column.nullable else "NO"
        if full:
            collation = "utf8mb4_0900_ai_ci" if _is_text(column.type) else None
            rows.append((column.name, column.type, collation, null, column.key, column.default,
                         column.extra, "select,insert,update,references", ""))
        else:
            rows.append((column.name, column.type, null, column.key, column.default, column.extra))
    names = ["Field", "Type", "Null", "Key", "Default", "Extra"]
    if full:
        names = ["Field", "Type", "Collation", "Null", "Key", "Default", "Extra", "Privileges", "Comment"]
    return Outcome(names, rows)


def _is_text(type_: str) -> bool:
    return type_.split("(")[0] in ("char", "varchar", "text", "tinytext", "mediumtext", "longtext", "enum", "set")


def create_table(executor: Executor, statement: exp.Show) -> Outcome:
    database = statement.text("db") or executor.database
    with executor.catalog_connection(database) as conn:
        table = _table(conn, database, statement)
        if catalog.table_kind(conn, table)[1] == "view":
            return Outcome(["View", "Create View", "character_set_client", "collation_connection"],
                           [(table, catalog.view_text(conn, table), "utf8mb4", "utf8mb4_0900_ai_ci")])
        return Outcome(["Table", "Create Table"], [(table, catalog.create_table_text(conn, table))])


def index(executor: Executor, statement: exp.Show) -> Outcome:
    database = statement.text("db") or executor.database
    rows = []
    with executor.catalog_connection(database) as conn:
        table = _table(conn, database, statement)
        nullable = {c.name: c.nullable for c in catalog.columns(conn, table)}
        keys = [catalog.IndexInfo("PRIMARY", True, tuple(catalog.primary_key(conn, table)))]
        for info in [k for k in keys if k.columns] + catalog.indexes(conn, table):
            for position, column in enumerate(info.columns, start=1):
                rows.append((table, 0 if info.unique else 1, info.name, position, column, "A", None, None,
                             None, "YES" if nullable.get(column) else "", "BTREE", "", "", "YES", None))
    names = ["Table", "Non_unique", "Key_name", "Seq_in_index", "Column_name", "Collation", "Cardinality",
             "Sub_part", "Packed", "Null", "Index_type", "Comment", "Index_comment", "Visible", "Expression"]
    return Outcome(names, rows)


def collation(executor: Executor, statement: exp.Show) -> Outcome:
    matches = like(statement.text("like"))
    return Outcome(COLLATION_COLUMNS, [row for row in COLLATIONS if matches(row[0])])


def character_set(executor: Executor, statement: exp.Show) -> Outcome:
    return Outcome(["Charset", "Description", "Default collation", "Maxlen"],
                   [("utf8mb4", "UTF-8 Unicode", "utf8mb4_0900_ai_ci", 4)])


def engines(executor: Executor, statement: exp.Show) -> Outcome:
    return Outcome(["Engine", "Support", "Comment", "Transactions", "XA", "Savepoints"],
                   [("InnoDB", "DEFAULT", "Stored in SQLite by headwater", "YES", "NO", "YES")])


HANDLERS = {
    "DATABASES": databases,
    "SCHEMAS": databases,
    "TABLES": tables,
    "COLUMNS": columns,
    "FIELDS": columns,
    "CREATE TABLE": create_table,
    "CREATE VIEW": create_table,
    "INDEX": index,
    "INDEXES": index,
    "KEYS": index,
    "COLLATION": collation,
    "CHARACTER SET": character_set,
    "CHARSET": character_set,
    "ENGINES": engines,
}
