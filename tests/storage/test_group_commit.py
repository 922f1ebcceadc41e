"""Group commit under synchronous "full": commits share fsyncs of the WAL, none is answered unsynced.

fsyncs are counted by replacing ``os.fsync`` and ``os.fdatasync`` (the WAL's) as the storage
module sees them; every recorded call names the inode it synced, so a test can tell the WAL
from the directory or the database. Only files under the test's own directory are recorded:
a server another test left running in this process syncs its own files meanwhile.
"""

from __future__ import annotations

import asyncio
import errno
import os
import threading
from pathlib import Path

import pytest

from headwater.storage import sqlite
from headwater.storage.sqlite import Database, GroupCommit, Stores

SCHEMA = [("0001_create_rows", "CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT)")]
COMMITTERS = 8


class FsyncLog:
    """Stands in for os.fsync: records each call's inode (and where it fell in ``events``)."""

    def __init__(self, real, directory: Path):
        self.real = real
        self.directory = str(directory)
        self.inodes: list[int] = []
        self.events: list[tuple] = []
        self.failure: OSError | None = None
        self.before_sync = lambda: None

    def __call__(self, descriptor: int) -> None:
        if not os.readlink(f"/proc/self/fd/{descriptor}").startswith(self.directory):
            return self.real(descriptor)
        self.events.append(("fsync-start", len(self.inodes)))
        self.before_sync()
        if self.failure is not None:
            raise self.failure
        self.inodes.append(os.fstat(descriptor).st_ino)
        self.real(descriptor)
        self.events.append(("fsync-end", len(self.inodes) - 1))


@pytest.fixture
def fsyncs(monkeypatch, tmp_path):
    log = FsyncLog(os.fsync, tmp_path)
    monkeypatch.setattr(sqlite.os, "fsync", log)
    monkeypatch.setattr(sqlite.os, "fdatasync", log, raising=False)
    return log


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "rows.sqlite3", SCHEMA, synchronous="full")
    with database.transaction() as conn:  # the WAL (and its directory entry) synced once
        conn.execute("INSERT INTO rows VALUES (0, 'warm-up')")
    yield database
    database.close()


def wal_inode(database: Database) -> int:
    return os.stat(f"{database.path}-wal").st_ino


def insert(database: Database, row: int, defer_sync: bool = True) -> None:
    with database.transaction(defer_sync=defer_sync) as conn:
        conn.execute("INSERT INTO rows VALUES (?, 'x')", (row,))


def test_full_runs_sqlite_at_normal_since_the_database_syncs_the_wal(db):
    # Why: the point of group commit is that SQLite itself no longer fsyncs each commit.
    assert db.connection().execute("PRAGMA synchronous").fetchone()[0] == 1


def test_committers_awaiting_together_share_one_fsync_of_the_wal(db, fsyncs):
    # Why: batching is the whole gain; N concurrent writers must cost one fsync, not N.
    async def main():
        all_committed = asyncio.Barrier(COMMITTERS)

        async def committer(row: int):
            insert(db, row)
            await all_committed.wait()
            await db.durable()

        await asyncio.gather(*(committer(row) for row in range(1, COMMITTERS + 1)))

    asyncio.run(main())
    assert fsyncs.inodes == [wal_inode(db)]


def test_waiters_on_the_loop_share_one_future_per_flush_and_it_is_let_go(db, fsyncs):
    # Why: the thread ending a flush should wake the loop once, not once per waiter; and
    # what it shares must not pile up flush after flush.
    async def main():
        group = db._group
        for round_ in range(3):
            for row in range(COMMITTERS):
                insert(db, round_ * COMMITTERS + row + 1)
            waiters = [asyncio.ensure_future(db.durable()) for _ in range(COMMITTERS)]
            await asyncio.sleep(0)
            assert len(group._awaitables) == 1
            await asyncio.gather(*waiters)
        await asyncio.sleep(0)
        assert group._awaitables == {}

    asyncio.run(main())
    assert len(fsyncs.inodes) == 3


def test_commits_during_a_running_flush_wait_for_the_next_one(db, fsyncs):
    # Why: a commit made after a flush started is not covered by it; its writer must not be
    # answered until a flush that started after its commit has ended.
    flush_entered, release = threading.Event(), threading.Event()

    def hold_first_flush():
        if not flush_entered.is_set():
            flush_entered.set()
            release.wait(timeout=30)

    fsyncs.before_sync = hold_first_flush
    events = fsyncs.events

    async def writer(row: int):
        insert(db, row)
        events.append(("commit", row))
        await db.durable()
        events.append(("returned", row))

    async def main():
        first = asyncio.create_task(writer(1))
        await asyncio.to_thread(flush_entered.wait, 30)
        later = [asyncio.create_task(writer(row)) for row in (2, 3)]
        await asyncio.sleep(0)  # both later writers committed and wait
        release.set()
        await asyncio.gather(first, *later)

    asyncio.run(main())
    for row in (1, 2, 3):
        committed, returned = events.index(("commit", row)), events.index(("returned", row))
        assert any(
            events.index(("fsync-start", n)) > committed and events.index(("fsync-end", n)) < returned
            for n in range(len(fsyncs.inodes))
        ), f"writer {row} returned before a flush covering its commit: {events}"
    assert len(fsyncs.inodes) == 2  # writers 2 and 3 shared the second flush


def test_a_cancelled_waiter_leaves_the_shared_flush_to_the_others(db, fsyncs):
    # Why: a request dropped mid-wait must not fail everyone sharing its flush.
    async def writer(row: int):
        insert(db, row)
        await db.durable()

    async def main():
        dropped, kept = asyncio.create_task(writer(1)), asyncio.create_task(writer(2))
        await asyncio.sleep(0)  # both committed and wait for the same flush
        dropped.cancel()
        await kept

    asyncio.run(main())
    assert fsyncs.inodes == [wal_inode(db)]


def test_default_transaction_syncs_before_it_returns(db, fsyncs):
    # Why: periodic tasks, startup and the CLI rely on today's guarantee without asking.
    for row in range(1, 4):
        insert(db, row, defer_sync=False)
        assert fsyncs.inodes == [wal_inode(db)] * row


def test_durable_with_nothing_pending_makes_no_fsync(db, fsyncs):
    # Why: every answer, reads included, awaits durable(); it must be free when nothing waits.
    insert(db, 1, defer_sync=False)
    with db.transaction(write=False) as conn:
        conn.execute("SELECT count(*) FROM rows").fetchone()
    asyncio.run(db.durable())
    db.sync()
    assert len(fsyncs.inodes) == 1


@pytest.mark.parametrize("level", ["normal", "off"])
def test_lower_levels_never_fsync(tmp_path, fsyncs, level):
    # Why: "normal" and "off" keep their meaning; durable() and sync() are no-ops there.
    database = Database(tmp_path / "rows.sqlite3", SCHEMA, synchronous=level)
    insert(database, 1, defer_sync=False)
    insert(database, 2)
    asyncio.run(database.durable())
    database.sync()
    database.close()
    assert fsyncs.inodes == []


def test_fsync_error_reaches_every_waiter_and_the_commits_stay_pending(db, fsyncs):
    # Why: a failed flush must not let anyone believe their commit is on disk.
    fsyncs.failure = OSError(errno.EIO, "injected")

    async def committer(row: int):
        insert(db, row)
        await db.durable()

    async def main():
        return await asyncio.gather(*(committer(row) for row in range(1, 4)), return_exceptions=True)

    results = asyncio.run(main())
    assert [type(result) for result in results] == [OSError] * 3
    fsyncs.failure = None
    asyncio.run(db.durable())
    assert fsyncs.inodes == [wal_inode(db)]


def test_a_recreated_wal_file_is_the_one_synced(tmp_path, fsyncs):
    # Why: when the last connection closes SQLite deletes the WAL; syncing the old, deleted
    # file would leave the new commits unsynced.
    path = tmp_path / "rows.sqlite3"
    opened: list[Database] = []

    def open_and_commit_in_a_thread():
        opened.append(Database(path, SCHEMA, synchronous="full"))
        insert(opened[0], 1, defer_sync=False)

    worker = threading.Thread(target=open_and_commit_in_a_thread)
    worker.start()
    worker.join()
    database = opened[0]
    first_wal = fsyncs.inodes[-1]
    insert(database, 2)  # this thread's connection replaces the finished thread's: WAL recreated
    assert wal_inode(database) != first_wal
    database.sync()
    assert fsyncs.inodes[-1] == wal_inode(database)
    database.close()


def test_without_a_wal_the_database_file_is_synced(tmp_path, fsyncs):
    # Why: with no WAL every commit is in the database file, which must then be the one synced.
    path = tmp_path / "plain.sqlite3"
    path.write_bytes(b"")
    group = GroupCommit(Path(path))
    with group.committing():
        pass
    group.sync()
    group.close()
    assert fsyncs.inodes == [os.stat(path).st_ino]


def test_a_flush_waits_for_commits_in_flight_when_it_started(tmp_path, fsyncs):
    # Why: a reader may see a commit while its COMMIT still runs in another thread; the flush
    # the reader awaits must not end before that commit is in the file.
    path = tmp_path / "plain.sqlite3"
    path.write_bytes(b"")
    group = GroupCommit(Path(path))
    commit_finished, fsync_called = threading.Event(), threading.Event()
    seen_at_fsync: list[bool] = []

    def record():
        seen_at_fsync.append(commit_finished.is_set())
        fsync_called.set()

    fsyncs.before_sync = record
    inside, flush_requested = threading.Event(), threading.Event()

    def slow_commit():
        with group.committing():
            inside.set()
            flush_requested.wait(timeout=30)
            fsync_called.wait(timeout=0.5)  # room for a flush that does not wait to sync too early
            commit_finished.set()

    committer = threading.Thread(target=slow_commit)
    committer.start()
    inside.wait(timeout=30)
    syncer = threading.Thread(target=group.sync)
    syncer.start()
    flush_requested.set()
    syncer.join()
    committer.join()
    group.close()
    assert seen_at_fsync == [True]


def test_an_answer_waits_for_every_database_not_only_its_own(tmp_path, fsyncs):
    # Why: a request may rest on another service's commit (an IAM policy read while
    # authorizing); Stores.durable() must cover every open database, and only those pending.
    stores = Stores(tmp_path, "full")
    first, second, idle = (stores.database(name, SCHEMA) for name in ("first", "second", "idle"))
    for database in (first, second, idle):
        insert(database, 1, defer_sync=False)
    fsyncs.inodes.clear()
    insert(first, 2)
    insert(second, 2)
    asyncio.run(stores.durable())
    assert sorted(fsyncs.inodes) == sorted([wal_inode(first), wal_inode(second)])
    stores.close_all()
