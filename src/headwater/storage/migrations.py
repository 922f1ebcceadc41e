"""Named schema migrations, applied in order, each in its own transaction.

A service lists its migrations as ``(name, sql)`` pairs and only ever appends to the list::

    MIGRATIONS = [
        ("0001_create_queues", "CREATE TABLE queues (...); CREATE INDEX ...;"),
        ("0002_add_queue_tags", "ALTER TABLE queues ADD COLUMN tags TEXT;"),
    ]

Applied names are recorded in the ``_migrations`` table, so applying the same list again
does nothing. The SQL of one migration may hold several statements but no transaction
control (BEGIN/COMMIT): the migration and its record commit together or not at all.
A database that records a migration this code does not know, or that skipped one this
code puts before an applied one, is refused rather than guessed at.
"""

from __future__ import annotations

import sqlite3
from typing import Iterator, Sequence

Migration = tuple[str, str]

_CREATE_LEDGER = """
CREATE TABLE IF NOT EXISTS _migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)
"""


class MigrationError(RuntimeError):
    """The database's schema history does not fit the migrations this code knows."""


def apply_migrations(conn: sqlite3.Connection, migrations: Sequence[Migration]) -> list[str]:
    """Apply the migrations ``conn``'s database lacks; return the names applied now.

    ``conn`` must be in autocommit mode (``isolation_level=None``) and outside a transaction.
    """
    names = _checked_names(migrations)
    conn.execute(_CREATE_LEDGER)
    applied = applied_migrations(conn)
    _check_history(applied, names, conn)
    return [name for name, sql in migrations if name not in applied and _apply_one(conn, name, sql)]


def applied_migrations(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations recorded in the database, in the order they were applied."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = '_migrations'").fetchone():
        return []
    return [row[0] for row in conn.execute("SELECT name FROM _migrations ORDER BY rowid")]


def _apply_one(conn: sqlite3.Connection, name: str, sql: str) -> bool:
    """Run one migration and record it atomically; False if another process got there first."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        if conn.execute("SELECT 1 FROM _migrations WHERE name = ?", (name,)).fetchone():
            conn.rollback()
            return False
        for statement in _statements(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO _migrations (name) VALUES (?)", (name,))
        conn.commit()
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    return True


def _statements(sql: str) -> Iterator[str]:
    """The statements of a script, one at a time (``executescript`` would commit first)."""
    statement = ""
    for piece in sql.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            yield statement
            statement = ""
    if statement.strip(" \t\r\n;"):
        yield statement[:-1]  # let SQLite say what is wrong with the unfinished rest


def _checked_names(migrations: Sequence[Migration]) -> list[str]:
    names = [name for name, _ in migrations]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"migration names must be unique; repeated: {', '.join(duplicates)}")
    return names


def _check_history(applied: list[str], known: list[str], conn: sqlite3.Connection) -> None:
    where = _database_file(conn)
    unknown = [name for name in applied if name not in known]
    if unknown:
        raise MigrationError(
            f"{where} has migrations this version of headwater does not know: "
            f"{', '.join(unknown)}. It was written by a newer headwater; upgrade headwater "
            "or point it at another data directory."
        )
    applied_set = set(applied)
    applied_through = max((known.index(name) + 1 for name in applied), default=0)
    skipped = [name for name in known[:applied_through] if name not in applied_set]
    if skipped:
        raise MigrationError(
            f"{where} skipped migrations that come before ones it has applied: "
            f"{', '.join(skipped)}. Migrations may only be appended, never inserted or reordered."
        )


def _database_file(conn: sqlite3.Connection) -> str:
    row = conn.execute("PRAGMA database_list").fetchone()
    return f"database {row[2] or ':memory:'}"
