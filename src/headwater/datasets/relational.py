"""Relational datasets described once and written into SQLite or PostgreSQL.

A :class:`Dataset` is a list of :class:`Table` (columns declared with MySQL-style types, as
the embedded MySQL-protocol engine shows them to clients), a function generating its rows,
and the views and triggers of each dialect. :func:`load_dataset` creates the schema, inserts
the rows in big batches and adds views and triggers, all in one transaction.

Dialects: ``"sqlite"`` (also ``"mysql"``: the embedded MySQL engine stores each database as
a SQLite file) with a :mod:`sqlite3` connection, and ``"postgres"`` with a psycopg 3 one.
For ``"mysql"`` text columns compare case-insensitively (``COLLATE NOCASE``, as MySQL's
default collation) and every column's MySQL type is recorded for the engine to show.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from headwater.sql.mysql.storage import record_column_types

Progress = Callable[[int, int], None]
Rows = dict[str, list[tuple]]

BATCH_ROWS = 5000
DIALECTS = {"sqlite": "sqlite", "mysql": "sqlite", "postgres": "postgres", "postgresql": "postgres"}


def dialect_of(name: str) -> str:
    try:
        return DIALECTS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown SQL dialect {name!r}; expected one of {sorted(DIALECTS)}") from None


@dataclass(frozen=True)
class Column:
    name: str
    #: MySQL type as declared in SQLite, e.g. ``SMALLINT UNSIGNED``, ``VARCHAR(45)``,
    #: ``DECIMAL(4,2)``, ``TINYINT(1)`` (boolean), ``ENUM('a','b')``, ``SET('a','b')``.
    type: str
    nullable: bool = False
    #: An SQL default valid in both dialects (``CURRENT_TIMESTAMP``, ``TRUE``, ``'G'``, ``3``).
    default: str | None = None
    auto_increment: bool = False


@dataclass(frozen=True)
class ForeignKey:
    column: str
    table: str
    on_delete: str = "RESTRICT"
    on_update: str = "CASCADE"
    #: The referenced column, by default ``<table>_id``.
    references: str = ""

    def constraint(self, table: str) -> str:
        return (f"CONSTRAINT fk_{table}_{self.column.removesuffix('_id')} FOREIGN KEY ({self.column}) "
                f"REFERENCES {self.table} ({self.referenced}) ON DELETE {self.on_delete} ON UPDATE {self.on_update}")

    @property
    def referenced(self) -> str:
        return self.references or f"{self.table}_id"


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()
    #: ``(constraint name, columns)`` of UNIQUE constraints.
    unique: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``(index name, columns)``; names are unique in the whole database.
    indexes: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: ``(constraint name, expression)`` valid in both dialects.
    checks: tuple[tuple[str, str], ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


@dataclass(frozen=True)
class Dataset:
    tables: tuple[Table, ...]
    rows: Callable[[], Rows]
    #: ``dialect -> statements`` run after the rows are in (views, triggers, functions).
    extras: Callable[[str], list[str]] = field(default=lambda dialect: [])
    #: ``{view: {column: MySQL type}}`` of view columns SQLite cannot type (aggregates).
    view_types: dict[str, dict[str, str]] = field(default_factory=dict)


# --- types ---------------------------------------------------------------------------------

_PG_TYPES = {
    "TINYINT UNSIGNED": "smallint", "SMALLINT UNSIGNED": "integer", "MEDIUMINT UNSIGNED": "integer",
    "INT": "integer", "INTEGER": "integer", "INT UNSIGNED": "bigint", "TEXT": "text",
    "TIMESTAMP": "timestamp(0)", "DATETIME": "timestamp(0)", "YEAR": "integer", "BLOB": "bytea",
    "TINYINT(1)": "boolean", "DATE": "date",
}


def _members(column_type: str) -> list[str]:
    return re.findall(r"'((?:[^']|'')*)'", column_type)


def _kind(column_type: str) -> str:
    return column_type.split("(", 1)[0].strip().upper()


def pg_type(column_type: str) -> str:
    upper = column_type.upper()
    if upper in _PG_TYPES:
        return _PG_TYPES[upper]
    kind = _kind(column_type)
    if kind in ("ENUM", "SET"):
        return "text"
    size = column_type[column_type.index("("):]
    return {"VARCHAR": "varchar", "CHAR": "char", "DECIMAL": "numeric"}[kind] + size


def _quoted(values: Sequence[str]) -> str:
    return ", ".join("'" + value.replace("'", "''") + "'" for value in values)


def value_checks(table: Table) -> list[tuple[str, str]]:
    """CHECK constraints standing for ENUM and SET columns (declared as TEXT)."""
    checks = []
    for column in table.columns:
        kind, members = _kind(column.type), _members(column.type)
        if kind == "ENUM":
            expression = f"{column.name} IN ({_quoted(members)})"
        elif kind == "SET":
            stripped = column.name
            for member in members:
                stripped = f"replace({stripped}, '{member}', '')"
            expression = f"trim({stripped}, ',') = ''"
        else:
            continue
        checks.append((f"chk_{table.name}_{column.name}", expression))
    return checks


# --- DDL -----------------------------------------------------------------------------------


TEXT_KINDS = ("CHAR", "VARCHAR", "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET")


def _column_sql(column: Column, dialect: str, nocase: bool = False) -> str:
    if column.auto_increment and dialect == "sqlite":
        return f"{column.name} INTEGER PRIMARY KEY AUTOINCREMENT"
    if dialect == "sqlite":
        declared = "TEXT" if _kind(column.type) in ("ENUM", "SET") else column.type
    else:
        declared = pg_type(column.type)
    parts = [column.name, declared]
    if nocase and _kind(column.type) in TEXT_KINDS:
        parts.append("COLLATE NOCASE")
    if column.auto_increment:
        parts.append("GENERATED BY DEFAULT AS IDENTITY")
    if not column.nullable:
        parts.append("NOT NULL")
    if column.default is not None:
        parts.append(f"DEFAULT {column.default}")
    return " ".join(parts)


def create_table_sql(table: Table, dialect: str, nocase: bool = False) -> str:
    """``CREATE TABLE``; SQLite gets its foreign keys inline, PostgreSQL after the load.
    ``nocase``: text columns compare case-insensitively (SQLite)."""
    sqlite_rowid_key = dialect == "sqlite" and any(c.auto_increment for c in table.columns)
    lines = [_column_sql(column, dialect, nocase) for column in table.columns]
    if not sqlite_rowid_key:
        lines.append(f"PRIMARY KEY ({', '.join(table.primary_key)})")
    lines += [f"CONSTRAINT {name} UNIQUE ({', '.join(columns)})" for name, columns in table.unique]
    lines += [f"CONSTRAINT {name} CHECK ({expr})" for name, expr in value_checks(table) + list(table.checks)]
    if dialect == "sqlite":
        lines += [fk.constraint(table.name) for fk in table.foreign_keys]
    body = ",\n  ".join(lines)
    return f"CREATE TABLE {table.name} (\n  {body}\n)"


def after_rows_sql(table: Table, dialect: str) -> list[str]:
    """Statements that follow a table's rows: PostgreSQL's foreign keys and identity
    sequences, and both dialects' indexes."""
    statements = []
    if dialect == "postgres":
        statements += [f"ALTER TABLE {table.name} ADD {fk.constraint(table.name)}" for fk in table.foreign_keys]
        statements += [
            f"SELECT setval(pg_get_serial_sequence('{table.name}', '{c.name}'), "
            f"COALESCE(max({c.name}), 0) + 1, false) FROM {table.name}"
            for c in table.columns if c.auto_increment
        ]
    statements += [f"CREATE INDEX {name} ON {table.name} ({', '.join(columns)})" for name, columns in table.indexes]
    return statements


# --- loading -------------------------------------------------------------------------------


class _Counter:
    def __init__(self, callback: Progress | None, total: int):
        self.callback, self.total, self.done = callback, total, 0

    def advance(self, count: int) -> None:
        self.done += count
        if self.callback is not None:
            self.callback(self.done, self.total)


def transaction(connection, dialect: str):
    """A context manager giving a cursor inside one transaction on ``connection``, committed
    on success and rolled back on error. SQLite checks foreign keys only at commit."""
    return _postgres_transaction(connection) if dialect_of(dialect) == "postgres" else _sqlite_transaction(connection)


def placeholder(dialect: str) -> str:
    """The DB-API parameter marker of the dialect's driver."""
    return "%s" if dialect_of(dialect) == "postgres" else "?"


@contextmanager
def _sqlite_transaction(connection) -> Iterator[Any]:
    if not connection.in_transaction:
        connection.execute("BEGIN")
    try:
        # The circular store <-> staff keys: checked once, at commit.
        connection.execute("PRAGMA defer_foreign_keys = ON")
        yield connection.cursor()
        connection.commit()
    except BaseException:
        connection.rollback()
        raise


@contextmanager
def _postgres_transaction(connection) -> Iterator[Any]:
    with connection.transaction(), connection.cursor() as cursor:
        yield cursor
    if not connection.autocommit:
        connection.commit()


def _insert(cursor, dialect: str, table: Table, rows: list[tuple], counter: _Counter) -> None:
    columns = ", ".join(table.column_names)
    if dialect == "postgres":
        with cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for start in range(0, len(rows), BATCH_ROWS):
                batch = rows[start:start + BATCH_ROWS]
                for row in batch:
                    copy.write_row(row)
                counter.advance(len(batch))
        return
    marks = ", ".join("?" * len(table.columns))
    statement = f"INSERT INTO {table.name} ({columns}) VALUES ({marks})"
    for start in range(0, len(rows), BATCH_ROWS):
        batch = rows[start:start + BATCH_ROWS]
        cursor.executemany(statement, batch)
        counter.advance(len(batch))


_QUOTED_OR_NOT = re.compile(r"'(?:[^']|'')*'|[^']+")


def mysql_type(declared: str) -> str:
    """A declared type as MySQL shows it: lower case but for ENUM/SET members."""
    return _QUOTED_OR_NOT.sub(lambda m: m.group() if m.group().startswith("'") else m.group().lower(), declared)


def mysql_types(table: Table) -> tuple[dict[str, str], dict[str, str]]:
    """The column types and extras a MySQL client sees of ``table``."""
    types = {column.name: mysql_type(column.type) for column in table.columns}
    extras = {column.name: "auto_increment" for column in table.columns if column.auto_increment}
    extras.update({column.name: "on update CURRENT_TIMESTAMP" for column in table.columns
                   if column.name == "last_update" and column.default == "CURRENT_TIMESTAMP"})
    return types, extras


def load_dataset(connection, dialect: str, dataset: Dataset, progress: Progress | None = None) -> dict[str, int]:
    """Create ``dataset`` through ``connection`` in one transaction, committed on success and
    rolled back on error; ``progress(done, total)`` follows the rows. Returns rows per table."""
    for_mysql = dialect.lower() == "mysql"
    dialect = dialect_of(dialect)
    rows = dataset.rows()
    counter = _Counter(progress, sum(len(table_rows) for table_rows in rows.values()))
    with transaction(connection, dialect) as cursor:
        for table in dataset.tables:
            cursor.execute(create_table_sql(table, dialect, nocase=for_mysql))
            if for_mysql:
                record_column_types(connection, table.name, *mysql_types(table))
        for table in dataset.tables:
            _insert(cursor, dialect, table, rows[table.name], counter)
        for table in dataset.tables:
            for statement in after_rows_sql(table, dialect):
                cursor.execute(statement)
        for statement in dataset.extras(dialect):
            cursor.execute(statement)
        if for_mysql:
            for view, types in dataset.view_types.items():
                record_column_types(connection, view, types)
    return {table.name: len(rows[table.name]) for table in dataset.tables}
