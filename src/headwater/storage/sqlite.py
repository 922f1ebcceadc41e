"""SQLite databases: one file per service, one connection per thread, explicit transactions.

Every database runs in WAL mode with foreign keys on and a busy timeout. ``synchronous``
is the durability knob (the ``--fsync`` setting): "full" puts every commit on disk before
it is answered, "normal" survives a crash of the process but not of the machine, "off"
leaves syncing to the operating system.

Under "full" the connections run SQLite's NORMAL level (a commit appends to the WAL without
syncing it) and the Database syncs the WAL itself, so that concurrent writers share one
fsync (group commit): a transaction syncs before it returns unless told ``defer_sync``,
and ``await db.durable()`` then waits for one flush covering every commit made so far.

    db = Database(path, migrations)
    with db.transaction() as conn:          # BEGIN IMMEDIATE ... COMMIT, then fsync
        conn.execute("INSERT ...")
    with db.transaction(defer_sync=True) as conn:
        conn.execute("INSERT ...")
    await db.durable()                      # on disk, with whatever others committed meanwhile
    with db.transaction(write=False) as conn:   # deferred BEGIN: a consistent snapshot
        rows = conn.execute("SELECT ...").fetchall()
"""

from __future__ import annotations

import asyncio
import os
import re
import sqlite3
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import ContextManager, Iterator, Sequence

from headwater.storage.migrations import Migration, apply_migrations

SYNCHRONOUS_LEVELS = ("full", "normal", "off")
#: How long a connection waits for another writer's lock before failing with "database is locked".
BUSY_TIMEOUT_SECONDS = 30.0
_SERVICE_NAME = re.compile(r"[a-z0-9][a-z0-9_-]*")


def _check_synchronous(level: str) -> None:
    if level not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS_LEVELS}, not {level!r}")


class GroupCommit:
    """Makes the commits of one WAL database durable, many commits to one fsync.

    A commit is numbered before its COMMIT (readers may see it from then on) and is in
    flight until COMMIT returns. A flush covers every number given out before it starts:
    it waits for those still in flight, then fsyncs the WAL. One flush runs at a time; the
    next one is shared by everyone needing a commit the running one does not cover. From
    the event loop a flush starts only once the loop has run what was ready, so that the
    requests it was serving commit first and share it.
    """

    def __init__(self, database_path: Path):
        self.database_path = database_path
        self.wal_path = Path(f"{database_path}-wal")
        self._state = threading.Condition()
        self._numbered = 0  # the last number given to a commit
        self._synced = 0  # every commit numbered up to here is durable
        self._in_flight: set[int] = set()
        self._running: Future | None = None
        self._running_covers = 0
        self._next: Future | None = None  # not started: covers all numbered when it starts
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"fsync-{database_path.name}")
        self._wal: tuple[int, int, int] | None = None  # descriptor, st_dev, st_ino
        self._awaitables: dict[Future, asyncio.Future] = {}

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Wrap one COMMIT: numbered before it, out of flight after it (committed or not)."""
        with self._state:
            self._numbered += 1
            number = self._numbered
            self._in_flight.add(number)
        try:
            yield
        finally:
            with self._state:
                self._in_flight.discard(number)
                self._state.notify_all()

    async def durable(self) -> None:
        """Return once every commit numbered so far is on disk; the fsync runs in a thread."""
        if self._synced >= self._numbered:
            return
        flush, created = self._flush_covering(self._numbered)
        if created:
            asyncio.get_running_loop().call_soon(self._start_in_thread)
        if flush is not None:
            await asyncio.shield(self._awaitable(flush))

    def _awaitable(self, flush: Future) -> asyncio.Future:
        """One asyncio future per flush, shared by its waiters on the loop: the thread that ends
        the flush wakes the loop once, not once per waiter."""
        shared = self._awaitables.get(flush)
        if shared is None:
            shared = self._awaitables[flush] = asyncio.wrap_future(flush)
            shared.add_done_callback(lambda _: self._awaitables.pop(flush, None))
        return shared

    def sync(self) -> None:
        """Block until every commit numbered so far is on disk, running the flush if none runs."""
        flush, _ = self._flush_covering(self._numbered)
        if flush is None:
            return
        started = self._start_next()
        if started is not None:
            self._run(started)
        flush.result()

    def close(self) -> None:
        self._executor.shutdown(wait=True)
        if self._wal is not None:
            os.close(self._wal[0])
            self._wal = None

    def _flush_covering(self, number: int) -> tuple[Future | None, bool]:
        """The flush to wait for (None: already durable) and whether it was created just now."""
        with self._state:
            if self._synced >= number:
                return None, False
            if self._running is not None and self._running_covers >= number:
                return self._running, False
            if self._next is not None:
                return self._next, False
            self._next = Future()
            self._next.set_running_or_notify_cancel()  # a cancelled waiter must not cancel it for all
            return self._next, True

    def _start_next(self) -> Future | None:
        """Make the waiting flush the running one; None if there is none or one still runs
        (whose end starts the next)."""
        with self._state:
            if self._running is not None or self._next is None:
                return None
            self._running, self._next = self._next, None
            self._running_covers = self._numbered
            return self._running

    def _start_in_thread(self) -> None:
        flush = self._start_next()
        if flush is not None:
            self._executor.submit(self._run, flush)

    def _run(self, flush: Future) -> None:
        covers = self._running_covers
        try:
            with self._state:
                self._state.wait_for(lambda: all(n > covers for n in self._in_flight))
            self._fsync_wal()
        except BaseException as error:
            self._finish(flush, covers, error)
        else:
            self._finish(flush, covers, None)

    def _finish(self, flush: Future, covers: int, error: BaseException | None) -> None:
        """Record what the flush made durable, start the next one if anyone waits, wake waiters."""
        with self._state:
            if error is None:
                self._synced = max(self._synced, covers)
            self._running = None
        self._start_in_thread()
        if error is None:
            flush.set_result(None)
        else:
            flush.set_exception(error)

    def _fsync_wal(self) -> None:
        """fsync the WAL (the database file when there is no WAL: its commits were checkpointed)."""
        try:
            descriptor = self._wal_descriptor()
        except FileNotFoundError:
            _fsync_path(self.database_path)
        else:
            _sync_data(descriptor)

    def _wal_descriptor(self) -> int:
        """The open WAL file, reopened when SQLite has deleted and recreated it."""
        current = os.stat(self.wal_path)
        if self._wal is not None:
            if self._wal[1:] == (current.st_dev, current.st_ino):
                return self._wal[0]
            os.close(self._wal[0])
            self._wal = None
        descriptor = os.open(self.wal_path, os.O_RDONLY)
        opened = os.fstat(descriptor)
        self._wal = (descriptor, opened.st_dev, opened.st_ino)
        _fsync_path(self.wal_path.parent)  # a new WAL's directory entry must survive too
        return descriptor


def _sync_data(descriptor: int) -> None:
    """fdatasync where there is one, as SQLite syncs its WAL: the data and the size, not the times."""
    (os.fdatasync if hasattr(os, "fdatasync") else os.fsync)(descriptor)


def _fsync_path(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


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
        self._group = GroupCommit(self.path) if synchronous == "full" else None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if apply_migrations(self.connection(), migrations) and self._group:
                self._group.sync()  # the migrations committed on their own
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
    def transaction(self, write: bool = True, defer_sync: bool = False) -> Iterator[sqlite3.Connection]:
        """A transaction on this thread's connection: commit on success, roll back on any exception.

        Writes take the write lock up front (BEGIN IMMEDIATE), so they queue on the busy
        timeout instead of failing when a read would upgrade; reads start deferred (and must
        not write). Under "full" a write is on disk when this returns, unless ``defer_sync``:
        then ``durable()`` or ``sync()`` makes it so.
        """
        conn = self.connection()
        if conn.in_transaction:
            raise RuntimeError(f"a transaction is already open on {self.path} in this thread")
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
            with self._committing(write):
                conn.commit()
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
        if write and not defer_sync:
            self.sync()

    async def durable(self) -> None:
        """Return once every commit this database made so far, and so all a read could see, is
        on disk: at once if nothing waits for a sync, else with one shared fsync in a thread."""
        if self._group:
            await self._group.durable()

    def sync(self) -> None:
        """``durable()`` for threads: block until every commit made so far is on disk."""
        if self._group:
            self._group.sync()

    def close(self) -> None:
        """Sync what waits for it, close every thread's connection; the database refuses further use."""
        try:
            self.sync()
        finally:
            with self._lock:
                self._closed = True
                connections, self._connections = list(self._connections.values()), {}
            for conn in connections:
                conn.close()
            if self._group:
                self._group.close()

    def _committing(self, write: bool) -> ContextManager:
        return self._group.committing() if write and self._group else nullcontext()

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
        level = "normal" if self._group else self.synchronous  # "full": the group commit syncs
        conn.execute(f"PRAGMA synchronous = {level.upper()}")
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

    async def durable(self) -> None:
        """``Database.durable`` of every open database: an answer may rest on what any holds
        (a policy in IAM's, a session in STS's), not only on its own service's commits."""
        for db in list(self._databases.values()):
            await db.durable()

    def close_all(self) -> None:
        with self._lock:
            databases, self._databases = list(self._databases.values()), {}
        for db in databases:
            db.close()
