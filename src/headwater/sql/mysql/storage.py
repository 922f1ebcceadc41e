"""Where the MySQL-protocol engine keeps its data: one SQLite file per MySQL database.

Every connection runs in WAL mode with ``synchronous=FULL`` and foreign keys on. The
MySQL column types SQLite cannot carry in a declared type (``ENUM(...)``, the real type
of an ``AUTO_INCREMENT`` key that must be declared ``INTEGER``) live in the side table
``_headwater_columns``; :func:`record_column_types` lets loaders that write SQLite DDL
directly fill it too.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

SUFFIX = ".sqlite3"
BUSY_TIMEOUT_SECONDS = 30.0
#: Database names this engine accepts (MySQL allows more; these are safe as file names).
DATABASE_NAME = re.compile(r"[A-Za-z0-9_$][A-Za-z0-9_$-]{0,63}")
SIDE_TABLE = "_headwater_columns"
#: Tables of the engine's own, never shown to clients.
HIDDEN_PREFIXES = ("_headwater_", "sqlite_")
SYSTEM_DATABASES = ("information_schema",)


def database_path(data_dir: Path, name: str) -> Path:
    if not DATABASE_NAME.fullmatch(name):
        raise ValueError(f"invalid database name {name!r}")
    return Path(data_dir) / f"{name}{SUFFIX}"


def database_names(data_dir: Path) -> list[str]:
    return sorted(path.name[: -len(SUFFIX)] for path in Path(data_dir).glob(f"*{SUFFIX}"))


def connect(path: Path, *, decltypes: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, synchronous=FULL."""
    conn = sqlite3.connect(
        path,
        timeout=BUSY_TIMEOUT_SECONDS,
        isolation_level=None,
        check_same_thread=False,
        detect_types=sqlite3.PARSE_DECLTYPES if decltypes else 0,
    )
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def is_hidden_table(name: str) -> bool:
    return name.lower().startswith(HIDDEN_PREFIXES)


def ensure_side_table(conn: sqlite3.Connection) -> None:
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {SIDE_TABLE} (table_name TEXT NOT NULL, column_name TEXT"
        " NOT NULL, column_type TEXT NOT NULL, extra TEXT NOT NULL DEFAULT '',"
        " PRIMARY KEY (table_name, column_name)) WITHOUT ROWID"
    )


def record_column_types(
    conn: sqlite3.Connection, table: str, types: dict[str, str], extras: dict[str, str] | None = None
) -> None:
    """Show ``table``'s columns to MySQL clients with these types (e.g. ``{"rating":
    "enum('G','PG')"}``) and extras (e.g. ``{"last_update": "on update CURRENT_TIMESTAMP"}``)."""
    ensure_side_table(conn)
    extras = extras or {}
    conn.executemany(
        f"INSERT OR REPLACE INTO {SIDE_TABLE} VALUES (?, ?, ?, ?)",
        [(table, column, types[column], extras.get(column, "")) for column in types],
    )


def recorded_columns(conn: sqlite3.Connection, table: str) -> dict[str, tuple[str, str]]:
    """``{column: (type, extra)}`` recorded for ``table``."""
    try:
        rows = conn.execute(
            f"SELECT column_name, column_type, extra FROM {SIDE_TABLE} WHERE table_name = ?"
            " COLLATE NOCASE",
            (table,),
        ).fetchall()
    except sqlite3.OperationalError:  # no side table yet
        return {}
    return {name.lower(): (type_, extra) for name, type_, extra in rows}


def forget_columns(conn: sqlite3.Connection, table: str, column: str | None = None) -> None:
    if column is None:
        _side_write(conn, "DELETE FROM {} WHERE table_name = ? COLLATE NOCASE", (table,))
    else:
        _side_write(
            conn,
            "DELETE FROM {} WHERE table_name = ? COLLATE NOCASE AND column_name = ? COLLATE NOCASE",
            (table, column),
        )


def rename_table(conn: sqlite3.Connection, old: str, new: str) -> None:
    _side_write(conn, "UPDATE {} SET table_name = ? WHERE table_name = ? COLLATE NOCASE", (new, old))


def _side_write(conn: sqlite3.Connection, sql: str, params: tuple) -> None:
    try:
        conn.execute(sql.format(SIDE_TABLE), params)
    except sqlite3.OperationalError:  # no side table: nothing recorded
        pass
