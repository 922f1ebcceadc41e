"""One session's SQLite side: its connection to the current database, its transaction and
autocommit state, and the execution of one parsed MySQL statement. Runs only on the
session's own worker thread, so a session waiting on a lock never stalls another."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
from sqlglot import exp

from headwater.sql.mysql import catalog, constraints, decimals, schema_changes, storage
from headwater.sql.mysql.errors import (
    ER_DB_CREATE_EXISTS,
    ER_DB_DROP_EXISTS,
    from_sqlite,
    mysql_error,
    no_database_selected,
    no_such_table,
    unknown_database,
    unsupported,
)
from headwater.sql.mysql.literals import Scan
from headwater.sql.mysql.sqlite import mysql_to_sqlite, quote
from headwater.sql.mysql.translations import InsertTarget, Translation, lift_values
from headwater.sql.mysql.values import register_converters

register_converters()

QUERY_TYPES = (exp.Select, exp.Union, exp.Intersect, exp.Except, exp.Subquery, exp.Values)


@dataclass
class Outcome:
    """A statement's result: rows under ``names``, or (``names`` None) an OK packet."""

    names: list[str] | None = None
    rows: list[tuple] = field(default_factory=list)
    affected_rows: int = 0
    last_insert_id: int = 0


class Executor:
    def __init__(self, data_dir: Path, found_rows: bool = False):
        self.data_dir = Path(data_dir)
        self.found_rows = found_rows
        self.database: str | None = None
        self.autocommit = True
        self.last_insert_id = 0
        self.learnt: Translation | None = None
        self._auto_increment: dict[str, tuple[int, str | None]] = {}
        self._column_kinds = decimals.ColumnKinds()
        self.conn = self._connect(None)

    # -- connection and transaction state -------------------------------------------------

    def _connect(self, database: str | None) -> sqlite3.Connection:
        if database is None:
            conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False,
                                   detect_types=sqlite3.PARSE_DECLTYPES)
            return conn
        return storage.connect(storage.database_path(self.data_dir, database), decltypes=True)

    @staticmethod
    def exists_in(data_dir: Path, database: str) -> bool:
        try:
            return storage.database_path(data_dir, database).exists()
        except ValueError:
            return False

    def exists(self, database: str) -> bool:
        return self.exists_in(self.data_dir, database)

    @contextmanager
    def catalog_connection(self, database: str | None) -> Iterator[sqlite3.Connection]:
        """A connection to read ``database``'s catalog: the session's own for the current one."""
        database = database or self.database
        if database is None:
            raise no_database_selected()
        if database == self.database:
            yield self.conn
            return
        if not self.exists(database):
            raise unknown_database(database)
        conn = storage.connect(storage.database_path(self.data_dir, database))
        try:
            yield conn
        finally:
            conn.close()

    def use(self, database: str) -> None:
        if not self.exists(database):
            raise unknown_database(database)
        if database == self.database:
            return
        if self.in_transaction:
            raise unsupported("USE of another database inside a transaction")
        self.conn.close()
        self.conn = self._connect(database)
        self.database = database
        self._auto_increment.clear()
        self._column_kinds = decimals.ColumnKinds()

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def begin(self) -> None:
        self.commit()
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def set_autocommit(self, on: bool) -> None:
        if on:
            self.commit()
        self.autocommit = on

    def set_foreign_key_checks(self, on: bool) -> None:
        self.conn.execute(f"PRAGMA foreign_keys = {'ON' if on else 'OFF'}")

    def savepoint(self, sql: str) -> Outcome:
        self._implicit_begin()
        self._sqlite(lambda: self.conn.execute(sql), None)
        return Outcome()

    def close(self) -> None:
        try:
            self.rollback()
        finally:
            self.conn.close()

    def _implicit_begin(self) -> None:
        if not self.autocommit and not self.conn.in_transaction:
            self.conn.execute("BEGIN")

    # -- statements ------------------------------------------------------------------------

    def run(self, statement: exp.Expression, scan: Scan | None = None) -> Outcome:
        """Run one statement. With its ``scan``, a query or write runs with its values bound
        as parameters and leaves in ``learnt`` the translation later statements of its shape
        may reuse (see ``translations``)."""
        self.learnt = None
        if isinstance(statement, exp.Create) and (statement.args.get("kind") or "").upper() in ("DATABASE", "SCHEMA"):
            return self.create_database(statement)
        if isinstance(statement, exp.Drop) and (statement.args.get("kind") or "").upper() in ("DATABASE", "SCHEMA"):
            return self.drop_database(statement)
        if not self._resolve_tables(statement):
            scan = None  # names another database: attached on this connection only
        if isinstance(statement, QUERY_TYPES):
            return self.query(statement, scan)
        if isinstance(statement, (exp.Insert, exp.Update, exp.Delete)):
            return self.write(statement, scan)
        if isinstance(statement, (exp.Create, exp.Drop, exp.Alter, exp.TruncateTable)):
            return self.schema_change(statement)
        if isinstance(statement, exp.Command):
            raise unsupported(statement.name.upper())
        raise unsupported(type(statement).__name__.upper())

    def _resolve_tables(self, statement: exp.Expression) -> bool:
        """Drop the current database's qualifier; attach other databases named in the query.
        False when the statement names another database."""
        ctes = {cte.alias_or_name.lower() for cte in statement.find_all(exp.CTE)}
        own_only = True
        for table in statement.find_all(exp.Table):
            db = table.args.get("db")
            if db is None:
                if self.database is None and table.name and table.name.lower() not in ctes:
                    raise no_database_selected()
                continue
            if db.name == self.database:
                table.set("db", None)
            elif not self.exists(db.name):
                raise no_such_table(db.name, table.name)
            else:
                self._attach(db.name)
                own_only = False
        return own_only

    def _attach(self, database: str) -> None:
        attached = {row[1] for row in self.conn.execute("PRAGMA database_list")}
        if database in attached:
            return
        if self.conn.in_transaction:
            raise unsupported("a first reference to another database inside a transaction")
        path = storage.database_path(self.data_dir, database)
        self.conn.execute(f"ATTACH DATABASE ? AS {quote(database)}", (str(path),))

    def query(self, statement: exp.Expression, scan: Scan | None = None) -> Outcome:
        if isinstance(statement, exp.Select):
            _name_expressions(statement)
        scales = decimals.result_scales(self.conn, statement, self._column_kinds)
        translation, values = self._translate(statement, scan, returns_rows=True, decimal_scales=scales)
        return self.run_translation(translation, values, statement)

    def write(self, statement: exp.Expression, scan: Scan | None = None) -> Outcome:
        if isinstance(statement, exp.Insert) and statement.args.get("conflict") is not None:
            raise unsupported("INSERT ... ON DUPLICATE KEY UPDATE")
        if isinstance(statement, (exp.Update, exp.Delete)) and (statement.args.get("limit") or statement.args.get("order")):
            _limit_by_rowid(statement)
        if isinstance(statement, exp.Update) and not self.found_rows:
            _skip_unchanged(statement)
        translation, values = self._translate(statement, scan, returns_rows=False)
        explained = statement if scan is None else lambda: sqlglot.parse_one(scan.text, read="mysql")
        return self.run_translation(translation, values, explained)

    def _translate(self, statement: exp.Expression, scan: Scan | None, returns_rows: bool,
                   decimal_scales: tuple[tuple[int, int], ...] = ()) -> tuple[Translation, tuple]:
        """The statement as SQLite SQL: with a scan, values lifted into parameters."""
        parameters, fixed = lift_values(statement, scan) if scan is not None else ((), ())
        version = self._column_kinds.version if decimal_scales else None
        translation = Translation(mysql_to_sqlite(statement), returns_rows, parameters, fixed,
                                  _insert_target(statement), decimal_scales, version)
        if scan is None:
            return translation, ()
        self.learnt = translation
        return translation, tuple(scan.literals[index].value for index in parameters)

    def run_translation(self, translation: Translation, values: tuple,
                        statement: exp.Expression | Callable[[], exp.Expression]) -> Outcome | None:
        """Run translated SQL; ``statement`` (or a function parsing it again) explains errors.
        None, having run nothing, when the catalog it read has changed since."""
        if translation.schema_version is not None and \
                self._column_kinds.current_version(self.conn) != translation.schema_version:
            return None
        self._implicit_begin()
        cursor = self._sqlite(lambda: self.conn.execute(translation.sql, values), statement)
        if translation.returns_rows:
            names = [column[0] for column in cursor.description or ()]
            rows = self._sqlite(cursor.fetchall, statement)
            return Outcome(names, decimals.as_decimals(rows, translation.decimal_scales))
        affected = max(cursor.rowcount, 0)
        if translation.insert is not None and affected:
            self.last_insert_id = self._inserted_id(translation.insert, cursor.lastrowid or 0, affected)
            return Outcome(affected_rows=affected, last_insert_id=self.last_insert_id)
        return Outcome(affected_rows=affected)

    def _inserted_id(self, target: InsertTarget, last_rowid: int, count: int) -> int:
        """MySQL's insert id: the first generated AUTO_INCREMENT value of the statement."""
        key = self._auto_increment_column(target.table)
        if key is None:
            return 0
        if target.columns is not None and key.lower() not in target.columns:
            return last_rowid - count + 1
        return last_rowid

    def _auto_increment_column(self, table: str) -> str | None:
        version = self.conn.execute("PRAGMA schema_version").fetchone()[0]
        known = self._auto_increment.get(table)
        if known is not None and known[0] == version:
            return known[1]
        rows = self.conn.execute(f"PRAGMA table_info({quote(table)})").fetchall()
        keys = [row for row in rows if row[5]]
        column = keys[0][1] if len(keys) == 1 and keys[0][2].upper() == "INTEGER" else None
        self._auto_increment[table] = (version, column)
        return column

    def schema_change(self, statement: exp.Expression) -> Outcome:
        self.commit()  # DDL commits the open transaction, as in MySQL
        database = _target_database(statement) or self.database
        if database is None:
            raise no_database_selected()
        with self.catalog_connection(database) as conn:
            self._sqlite(lambda: _change_schema(conn, statement, database), statement)
        return Outcome()

    def create_database(self, statement: exp.Create) -> Outcome:
        name = statement.this.name
        if self.exists(name):
            if statement.args.get("exists"):
                return Outcome()
            raise mysql_error(ER_DB_CREATE_EXISTS, f"Can't create database '{name}'; database exists")
        try:
            path = storage.database_path(self.data_dir, name)
        except ValueError:
            raise unsupported(f"the database name '{name}'") from None
        storage.connect(path).close()
        return Outcome(affected_rows=1)

    def drop_database(self, statement: exp.Drop) -> Outcome:
        name = statement.args["tables"][0].name
        if not self.exists(name):
            if statement.args.get("exists"):
                return Outcome()
            raise mysql_error(ER_DB_DROP_EXISTS, f"Can't drop database '{name}'; database doesn't exist")
        if name == self.database:
            self.close()
            self.conn = self._connect(None)
            self.database = None
        path = storage.database_path(self.data_dir, name)
        with storage.connect(path) as conn:
            count = len(catalog.tables(conn))
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return Outcome(affected_rows=count)

    def _sqlite(self, call: Any, statement: exp.Expression | Callable[[], exp.Expression] | None) -> Any:
        try:
            return call()
        except sqlite3.Error as error:
            if callable(statement):
                statement = statement()
            raise self._mysql_error(error, statement) from None

    def _mysql_error(self, error: sqlite3.Error, statement: exp.Expression | None):
        message = str(error)
        if statement is not None and message.startswith("UNIQUE constraint failed"):
            return constraints.duplicate_entry(self.conn, statement, message)
        if statement is not None and message.startswith("FOREIGN KEY constraint failed"):
            return constraints.foreign_key_failure(self.conn, statement, self.database or "")
        table = constraints.statement_table(statement) if statement is not None else None
        return from_sqlite(error, self.database, table)


def _insert_target(statement: exp.Expression) -> InsertTarget | None:
    table = constraints.statement_table(statement) if isinstance(statement, exp.Insert) else None
    if table is None:
        return None
    target = statement.this
    named = tuple(c.name.lower() for c in target.expressions) if isinstance(target, exp.Schema) else None
    return InsertTarget(table, named)


def _target_database(statement: exp.Expression) -> str | None:
    target = statement.this
    if isinstance(target, exp.Schema):
        target = target.this
    if isinstance(statement, exp.Drop) and statement.args.get("tables"):
        target = statement.args["tables"][0]
    return target.text("db") or None if isinstance(target, exp.Table) else None


def _unqualified(statement: exp.Expression) -> exp.Expression:
    for table in statement.find_all(exp.Table):
        table.set("db", None)
    return statement


def _change_schema(conn: sqlite3.Connection, statement: exp.Expression, database: str) -> None:
    statement = _unqualified(statement)
    kind = (statement.args.get("kind") or "").upper()
    if isinstance(statement, exp.Create) and kind == "TABLE":
        schema_changes.create_table(conn, statement)
    elif isinstance(statement, exp.Create) and kind == "INDEX":
        schema_changes.create_index(conn, statement)
    elif isinstance(statement, exp.Create) and kind == "VIEW":
        schema_changes.create_view(conn, statement)
    elif isinstance(statement, exp.Create):
        raise unsupported(f"CREATE {kind}")
    elif isinstance(statement, exp.Drop):
        schema_changes.drop(conn, statement, database)
    elif isinstance(statement, exp.Alter):
        schema_changes.alter_table(conn, statement, database)
    else:
        schema_changes.truncate(conn, statement, database)


def _name_expressions(select: exp.Select) -> None:
    """Name unnamed computed columns as MySQL does: by the expression's text."""
    for index, projection in enumerate(select.expressions):
        if not isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            projection.replace(exp.alias_(projection.copy(), exp.to_identifier(projection.sql("mysql"), quoted=True)))


def _limit_by_rowid(statement: exp.Expression) -> None:
    """UPDATE/DELETE ... ORDER BY ... LIMIT n as ``WHERE rowid IN (SELECT rowid ... LIMIT n)``."""
    table = statement.this
    select = exp.select("rowid").from_(table.copy())
    if statement.args.get("where"):
        select.set("where", statement.args["where"].copy())
    for arg in ("order", "limit"):
        if statement.args.get(arg):
            select.set(arg, statement.args[arg].copy())
            statement.set(arg, None)
    statement.set("where", exp.Where(this=exp.In(this=exp.column("rowid"), query=select.subquery())))


def _skip_unchanged(update: exp.Update) -> None:
    """Count only rows whose values change, as MySQL does without CLIENT_FOUND_ROWS."""
    same = [
        exp.NullSafeEQ(this=assignment.this.copy(), expression=assignment.expression.copy())
        for assignment in update.expressions
        if isinstance(assignment, exp.EQ)
    ]
    if not same:
        return
    unchanged = exp.and_(*same)
    condition = exp.not_(exp.paren(unchanged))
    where = update.args.get("where")
    update.set("where", exp.Where(this=exp.and_(exp.paren(where.this), condition) if where else condition))

