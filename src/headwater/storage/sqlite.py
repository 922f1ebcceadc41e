"""SQLite databases: one file per service, one connection per thread, explicit transactions.

Every database runs in WAL mode with foreign keys on and a busy timeout. ``synchronous``
is the durability knob (the ``--fsync`` setting): "full" puts every commit on disk before
it returns, "normal" survives a crash of the process but not of the machine, "off" leaves
syncing to the operating system.

    db = Database(path, migrations)
    with db.transaction() as conn:          # BEGIN IMMEDIATE ... COMMIT
        conn.execute("INSERT ...")
    with db.transaction(write=False) as conn:   # deferred BEGIN: a consistent snapshot
        rows = conn.execute("SELECT ...").fetchall()
"""

from __future__ import annotations

import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from headwater.storage.migrations import Migration, apply_migrations

SYNCHRONOUS_LEVELS = ("full", "normal", "off")
#: How long a connection waits for another writer's lock before failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 30.0
_SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _check_synchronous(level: str) -> None:
    if level not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS_LEVELS}, not {level!r}")


class Database:
    """One SQLite file, migrated on open; each thread gets its own connection."""

    def __init__(
        self,
        path: str | Path,
        migrations: Sequence[Migration] = (),
        synchronous: str = "full",
        busy_timeout: float = BUSY_TIMEOUT_SECONDS,
    ):
        _check_synchronous(synchronous)
        self.path = Path(path)
        self.synchronous = synchronous
        self.busy_timeout = busy_timeout
        self._connections: dict[threading.Thread, sqlite3.Connection] = {}
        self._lock = threading.Lock()
        self._closed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            apply_migrations(self.connection(), migrations)
        except BaseException:
            self.close()
            raise

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection, opened on first use."""
        thread = threading.current_thread()
        with self._lock:
            if self._closed:
                raise RuntimeError(f"database {self.path} is closed")
            conn = self._connections.get(thread)
            if conn is None:
                self._close_connections_of_finished_threads()
                conn = self._connections[thread] = self._connect()
            return conn

    @contextmanager
    def transaction(self, write: bool = True) -> Iterator[sqlite3.Connection]:
        """A transaction on this thread's connection: commit on success, roll back on any exception.

        Writes take the write lock up front (BEGIN IMMEDIATE), so they queue on the busy
        timeout instead of failing when a read would upgrade; reads start deferred.
        """
        conn = self.connection()
        if conn.in_transaction:
            raise RuntimeError(f"a transaction is already open on {self.path} in this thread")
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
            conn.commit()
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise

    def close(self) -> None:
        """Close every thread's connection; the database refuses further use."""
        with self._lock:
            self._closed = True
            connections, self._connections = list(self._connections.values()), {}
        for conn in connections:
            conn.close()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout,
            isolation_level=None,  # transactions are explicit: see transaction()
            check_same_thread=False,  # only close() touches another thread's connection
        )
        conn.row_factory = sqlite3.Row
        mode = self._enable_wal(conn)
        if mode != "wal":
            conn.close()
            raise RuntimeError(f"{self.path}: SQLite cannot use WAL here (journal mode {mode!r})")
        conn.execute(f"PRAGMA synchronous = {self.synchronous.upper()}")
        conn.execute("PRAGMA foreign_keys = ON")
        return conn

    def _enable_wal(self, conn: sqlite3.Connection) -> str:
        """Switch a connection to WAL. Switching a new database needs a moment with no other
        connection in it, and SQLite does not wait for that moment: retry until the busy
        timeout instead of failing when several openers race."""
        deadline = time.monotonic() + self.busy_timeout
        while True:
            try:
                (mode,) = conn.execute("PRAGMA journal_mode = WAL").fetchone()
            except sqlite3.OperationalError:
                mode = None
            if mode == "wal" or time.monotonic() > deadline:
                return mode
            time.sleep(0.01)

    def _close_connections_of_finished_threads(self) -> None:
        for thread in [t for t in self._connections if not t.is_alive()]:
            self._connections.pop(thread).close()

    def __repr__(self) -> str:
        return f"Database({str(self.path)!r}, synchronous={self.synchronous!r})"


class Stores:
    """The databases of one data directory: ``<data_dir>/<service>.sqlite3``, opened on first use."""

    def __init__(self, data_dir: str | Path, synchronous: str = "full"):
        _check_synchronous(synchronous)
        self.data_dir = Path(data_dir)
        self.synchronous = synchronous
        self._databases: dict[str, Database] = {}
        self._lock = threading.Lock()

    def database(self, service: str, migrations: Sequence[Migration] = ()) -> Database:
        """The service's database, created and migrated the first time it is asked for."""
        if not _SERVICE_NAME.fullmatch(service):
            raise ValueError(f"not a valid service name for a database file: {service!r}")
        with self._lock:
            db = self._databases.get(service)
            if db is None:
                path = self.data_dir / f"{service}.sqlite3"
                db = self._databases[service] = Database(path, migrations, self.synchronous)
            return db

    def close_all(self) -> None:
        with self._lock:
            databases, self._databases = list(self._databases.values()), {}
        for db in databases:
            db.close()
