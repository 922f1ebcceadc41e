"""DDL on one SQLite database: CREATE/DROP/ALTER TABLE, indexes, views, TRUNCATE. Each
runs under a savepoint so the SQLite statements and the side-table rows land together."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlglot import exp

from headwater.sql.mysql import catalog, storage
from headwater.sql.mysql.ddl import (
    TablePlan,
    column_sql,
    index_name,
    index_sql,
    plan_create_table,
)
from headwater.sql.mysql.errors import (
    ER_BAD_TABLE,
    mysql_error,
    no_such_table,
    unsupported,
)
from headwater.sql.mysql.sqlite import mysql_to_sqlite, quote


@contextmanager
def savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("SAVEPOINT headwater_ddl")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO headwater_ddl")
        conn.execute("RELEASE headwater_ddl")
        raise
    conn.execute("RELEASE headwater_ddl")


def create_table(conn: sqlite3.Connection, create: exp.Create) -> None:
    temporary = any(isinstance(p, exp.TemporaryProperty) for p in _properties(create))
    if any(isinstance(p, exp.LikeProperty) for p in _properties(create)):
        raise unsupported("CREATE TABLE ... LIKE")
    if create.expression is not None:  # CREATE TABLE ... AS SELECT
        with savepoint(conn):
            conn.execute(mysql_to_sqlite(create))
        return
    plan = plan_create_table(create)
    if create.args.get("exists") and catalog.table_kind(conn, plan.name):
        return
    with savepoint(conn):
        for statement in plan.statements(bool(create.args.get("exists")), temporary):
            conn.execute(statement)
        _record(conn, plan)


def _properties(create: exp.Create) -> list[exp.Expression]:
    properties = create.args.get("properties")
    return list(properties.expressions) if properties else []


def _record(conn: sqlite3.Connection, plan: TablePlan) -> None:
    if plan.types or plan.extras:
        types = {column: plan.types.get(column, _declared(conn, plan.name, column)) for column in {**plan.types, **plan.extras}}
        storage.record_column_types(conn, plan.name, types, plan.extras)


def _declared(conn: sqlite3.Connection, table: str, column: str) -> str:
    for info in catalog.columns(conn, table):
        if info.name == column:
            return info.type
    return "text"


def drop(conn: sqlite3.Connection, drop_: exp.Drop, database: str | None) -> None:
    kind = drop_.args.get("kind", "").upper()
    if kind == "INDEX":
        return drop_index(conn, drop_)
    if kind not in ("TABLE", "VIEW"):
        raise unsupported(f"DROP {kind}")
    missing = []
    with savepoint(conn):
        for table in drop_.args.get("tables") or []:
            found = catalog.table_kind(conn, table.name)
            if found is None or (found[1] == "view") != (kind == "VIEW"):
                missing.append(table.name)
                continue
            conn.execute(f"DROP {found[1].upper()} {quote(found[0])}")
            storage.forget_columns(conn, found[0])
        if missing and not drop_.args.get("exists"):
            names = ",".join(f"{database}.{name}" for name in missing)
            raise mysql_error(ER_BAD_TABLE, f"Unknown table '{names}'")


def drop_index(conn: sqlite3.Connection, drop_: exp.Drop) -> None:
    cluster = drop_.args.get("cluster")
    table = cluster.this.name if cluster is not None else None
    if table is None:
        raise unsupported("DROP INDEX without ON table")
    conn.execute(f"DROP INDEX {quote(index_name(table, drop_.args['tables'][0].name))}")


def create_index(conn: sqlite3.Connection, create: exp.Create) -> None:
    index = create.this
    table = index.args["table"].name
    columns = [column.this.name if isinstance(column, exp.Ordered) else column.name
               for column in index.args["params"].args.get("columns", [])]
    if not catalog.table_kind(conn, table):
        raise no_such_table(None, table)
    conn.execute(index_sql(table, index.name, columns, bool(create.args.get("unique"))))


def create_view(conn: sqlite3.Connection, create: exp.Create) -> None:
    if create.args.get("replace"):
        name = create.this.name
        with savepoint(conn):
            conn.execute(f"DROP VIEW IF EXISTS {quote(name)}")
            create.set("replace", False)
            conn.execute(mysql_to_sqlite(create))
        return
    conn.execute(mysql_to_sqlite(create))


def alter_table(conn: sqlite3.Connection, alter: exp.Alter, database: str | None) -> None:
    table = alter.this.name
    found = catalog.table_kind(conn, table)
    if found is None:
        raise no_such_table(database, table)
    table = found[0]
    with savepoint(conn):
        for action in alter.args.get("actions", []):
            table = _alter_action(conn, table, action)


def _alter_action(conn: sqlite3.Connection, table: str, action: exp.Expression) -> str:
    if isinstance(action, exp.ColumnDef):
        plan = TablePlan(table)
        conn.execute(f"ALTER TABLE {quote(table)} ADD COLUMN {column_sql(plan, action, adding=True)}")
        for statement in plan.after:
            conn.execute(statement)
        _record(conn, plan)
        return table
    if isinstance(action, exp.Drop) and (action.args.get("kind") or "").upper() == "COLUMN":
        for column in action.expressions:
            conn.execute(f"ALTER TABLE {quote(table)} DROP COLUMN {quote(column.name)}")
            storage.forget_columns(conn, table, column.name)
        return table
    if isinstance(action, exp.AlterRename):
        new = action.this.name
        conn.execute(f"ALTER TABLE {quote(table)} RENAME TO {quote(new)}")
        storage.rename_table(conn, table, new)
        return new
    if isinstance(action, exp.RenameColumn):
        old, new = action.this.name, action.args["to"].name
        conn.execute(f"ALTER TABLE {quote(table)} RENAME COLUMN {quote(old)} TO {quote(new)}")
        if storage.recorded_columns(conn, table):
            conn.execute(
                f"UPDATE {storage.SIDE_TABLE} SET column_name = ? WHERE table_name = ? AND column_name = ?",
                (new, table, old),
            )
        return table
    raise unsupported(f"ALTER TABLE {action.sql('mysql')}")


def truncate(conn: sqlite3.Connection, statement: exp.TruncateTable, database: str | None) -> None:
    with savepoint(conn):
        for table in statement.expressions or statement.args.get("tables") or []:
            found = catalog.table_kind(conn, table.name)
            if found is None or found[1] != "table":
                raise no_such_table(database, table.name)
            conn.execute(f"DELETE FROM {quote(found[0])}")
            try:
                conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (found[0],))
            except sqlite3.OperationalError:  # no AUTOINCREMENT table yet
                pass

