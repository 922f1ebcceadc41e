"""``information_schema`` queries: SCHEMATA, TABLES, COLUMNS, STATISTICS and
KEY_COLUMN_USAGE built for the moment in an in-memory SQLite database from every
database's catalog, then queried with the client's own (translated) SQL."""

from __future__ import annotations

import sqlite3

from sqlglot import exp

from headwater.sql.mysql import catalog, storage
from headwater.sql.mysql.errors import from_sqlite, unsupported
from headwater.sql.mysql.executor import Executor, Outcome
from headwater.sql.mysql.sqlite import mysql_to_sqlite

INFORMATION_SCHEMA = "information_schema"
TABLES = {
    "SCHEMATA": "CATALOG_NAME, SCHEMA_NAME, DEFAULT_CHARACTER_SET_NAME, DEFAULT_COLLATION_NAME, SQL_PATH",
    "TABLES": "TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE, ENGINE, TABLE_ROWS, TABLE_COLLATION,"
              " TABLE_COMMENT",
    "COLUMNS": "TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT,"
               " IS_NULLABLE, DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE,"
               " COLUMN_TYPE, COLUMN_KEY, EXTRA, COLUMN_COMMENT",
    "STATISTICS": "TABLE_CATALOG, TABLE_SCHEMA, TABLE_NAME, NON_UNIQUE, INDEX_SCHEMA, INDEX_NAME,"
                  " SEQ_IN_INDEX, COLUMN_NAME, INDEX_TYPE",
    "KEY_COLUMN_USAGE": "CONSTRAINT_CATALOG, CONSTRAINT_SCHEMA, CONSTRAINT_NAME, TABLE_CATALOG, TABLE_SCHEMA,"
                        " TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, REFERENCED_TABLE_SCHEMA,"
                        " REFERENCED_TABLE_NAME, REFERENCED_COLUMN_NAME",
}


def _type_parts(column_type: str) -> tuple[str, int | None, int | None, int | None]:
    """DATA_TYPE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE."""
    name, _, rest = column_type.partition("(")
    data_type = name.split()[0] if name else "text"
    numbers = [int(n) for n in rest.rstrip(")").split(",") if n.strip().isdigit()] if rest else []
    if data_type in ("char", "varchar") and numbers:
        return data_type, numbers[0], None, None
    if data_type in ("decimal", "numeric") and numbers:
        return data_type, None, numbers[0], numbers[1] if len(numbers) > 1 else 0
    return data_type, None, None, None


def _database_rows(conn: sqlite3.Connection, database: str) -> dict[str, list[tuple]]:
    rows: dict[str, list[tuple]] = {name: [] for name in TABLES}
    for table, kind in catalog.tables(conn):
        rows["TABLES"].append(("def", database, table, kind, "InnoDB" if kind == "BASE TABLE" else None,
                               None, "utf8mb4_0900_ai_ci", ""))
        for position, column in enumerate(catalog.columns(conn, table), start=1):
            data_type, length, precision, scale = _type_parts(column.type)
            rows["COLUMNS"].append(("def", database, table, column.name, position, column.default,
                                    "YES" if column.nullable else "NO", data_type, length, precision, scale,
                                    column.type, column.key, column.extra, ""))
        if kind != "BASE TABLE":
            continue
        pk = catalog.primary_key(conn, table)
        keys = [catalog.IndexInfo("PRIMARY", True, tuple(pk))] if pk else []
        for index in keys + catalog.indexes(conn, table):
            for seq, column_name in enumerate(index.columns, start=1):
                rows["STATISTICS"].append(("def", database, table, int(not index.unique), database, index.name,
                                           seq, column_name, "BTREE"))
        for position, column_name in enumerate(pk, start=1):
            rows["KEY_COLUMN_USAGE"].append(("def", database, "PRIMARY", "def", database, table, column_name,
                                             position, None, None, None))
        for number, key in enumerate(reversed(catalog.foreign_keys(conn, table)), start=1):
            for position, (child, parent) in enumerate(zip(key["columns"], key["parent_columns"]), start=1):
                rows["KEY_COLUMN_USAGE"].append(("def", database, f"{table}_ibfk_{number}", "def", database, table,
                                                 child, position, database, key["parent"], parent))
    return rows


def build(executor: Executor) -> sqlite3.Connection:
    memory = sqlite3.connect(":memory:", isolation_level=None)
    for name, columns in TABLES.items():
        memory.execute(f"CREATE TABLE {name} ({columns})")
    databases = storage.database_names(executor.data_dir)
    memory.execute("INSERT INTO SCHEMATA VALUES ('def', ?, 'utf8mb4', 'utf8mb4_0900_ai_ci', NULL)",
                   (INFORMATION_SCHEMA,))
    for database in databases:
        memory.execute("INSERT INTO SCHEMATA VALUES ('def', ?, 'utf8mb4', 'utf8mb4_0900_ai_ci', NULL)", (database,))
        with executor.catalog_connection(database) as conn:
            for table, rows in _database_rows(conn, database).items():
                if rows:
                    marks = ", ".join("?" * len(rows[0]))
                    memory.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
    return memory


def query_information_schema(executor: Executor, statement: exp.Expression) -> Outcome:
    if not isinstance(statement, (exp.Select, exp.Union)):
        raise unsupported("changing information_schema")
    for table in statement.find_all(exp.Table):
        if table.text("db").lower() != INFORMATION_SCHEMA:
            raise unsupported("joining information_schema with other databases")
        if table.name.upper() not in TABLES:
            raise unsupported(f"information_schema.{table.name}")
        table.set("db", None)
        table.set("this", exp.to_identifier(table.name.upper()))
    memory = build(executor)
    try:
        cursor = memory.execute(mysql_to_sqlite(statement))
        return Outcome([c[0] for c in cursor.description], cursor.fetchall())
    except sqlite3.Error as error:
        raise from_sqlite(error, INFORMATION_SCHEMA) from None
    finally:
        memory.close()
