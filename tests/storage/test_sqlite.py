"""Database and Stores: transactions, per-thread connections, pragmas."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from headwater.storage.sqlite import Database, Stores

SCHEMA = [
    ("0001_create_counters", "CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)"),
    (
        "0002_create_parents_children",
        """CREATE TABLE parents (id INTEGER PRIMARY KEY);
           CREATE TABLE children (id INTEGER PRIMARY KEY,
                                  parent INTEGER NOT NULL REFERENCES parents(id));""",
    ),
]


@pytest.fixture
def db(tmp_path):
    database = Database(tmp_path / "test.sqlite3", SCHEMA)
    yield database
    database.close()


def count(db: Database) -> int:
    with db.transaction(write=False) as conn:
        return conn.execute("SELECT count(*) FROM counters").fetchone()[0]


def test_transaction_commits_on_success(db, tmp_path):
    with db.transaction() as conn:
        conn.execute("INSERT INTO counters VALUES ('a', 1)")
    fresh = sqlite3.connect(tmp_path / "test.sqlite3")
    assert fresh.execute("SELECT value FROM counters WHERE name = 'a'").fetchone() == (1,)
    fresh.close()


@pytest.mark.parametrize("error", [ValueError("boom"), KeyboardInterrupt()])
def test_transaction_rolls_back_and_reraises(db, error):
    with pytest.raises(type(error)):
        with db.transaction() as conn:
            conn.execute("INSERT INTO counters VALUES ('a', 1)")
            raise error
    assert count(db) == 0
    with db.transaction() as conn:  # the connection is usable again
        conn.execute("INSERT INTO counters VALUES ('a', 1)")
    assert count(db) == 1


def test_failed_commit_leaves_no_open_transaction(db):
    with pytest.raises(sqlite3.IntegrityError):
        with db.transaction() as conn:
            conn.execute("PRAGMA defer_foreign_keys = ON")
            conn.execute("INSERT INTO children VALUES (1, 42)")  # checked at COMMIT
    assert not db.connection().in_transaction
    with db.transaction(write=False) as conn:
        assert conn.execute("SELECT count(*) FROM children").fetchone()[0] == 0


def test_nested_transaction_is_refused(db):
    with db.transaction():
        with pytest.raises(RuntimeError, match="already open"):
            with db.transaction(write=False):
                pass


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sqlite3.IntegrityError):
        with db.transaction() as conn:
            conn.execute("INSERT INTO children VALUES (1, 42)")
    with db.transaction() as conn:
        conn.execute("INSERT INTO parents VALUES (42)")
        conn.execute("INSERT INTO children VALUES (1, 42)")


def test_rows_read_by_column_name(db):
    with db.transaction() as conn:
        conn.execute("INSERT INTO counters VALUES ('a', 7)")
        assert conn.execute("SELECT * FROM counters").fetchone()["value"] == 7


def test_read_transaction_sees_one_snapshot(db):
    with db.transaction() as conn:
        conn.execute("INSERT INTO counters VALUES ('a', 1)")
    with db.transaction(write=False) as conn:
        before = conn.execute("SELECT value FROM counters").fetchone()[0]
        writer = threading.Thread(target=lambda: _set(db, "a", 2))
        writer.start()
        writer.join()
        assert conn.execute("SELECT value FROM counters").fetchone()[0] == before == 1
    with db.transaction(write=False) as conn:
        assert conn.execute("SELECT value FROM counters").fetchone()[0] == 2


def _set(db: Database, name: str, value: int) -> None:
    with db.transaction() as conn:
        conn.execute("UPDATE counters SET value = ? WHERE name = ?", (value, name))


def test_each_thread_has_its_own_connection(db):
    seen: dict[str, tuple[sqlite3.Connection, sqlite3.Connection]] = {}
    barrier = threading.Barrier(4)

    def work():
        barrier.wait()
        seen[threading.current_thread().name] = (db.connection(), db.connection())
        barrier.wait()  # every thread is alive while the others open theirs

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(first is second for first, second in seen.values())
    assert len({id(first) for first, _ in seen.values()}) == 4


def test_concurrent_read_modify_write_loses_no_update(db):
    with db.transaction() as conn:
        conn.execute("INSERT INTO counters VALUES ('hits', 0)")
    threads_count, increments = 8, 50
    barrier = threading.Barrier(threads_count)

    def increment():
        barrier.wait()
        for _ in range(increments):
            with db.transaction() as conn:
                (value,) = conn.execute("SELECT value FROM counters WHERE name = 'hits'").fetchone()
                conn.execute("UPDATE counters SET value = ? WHERE name = 'hits'", (value + 1,))

    threads = [threading.Thread(target=increment) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.transaction(write=False) as conn:
        assert conn.execute("SELECT value FROM counters").fetchone()[0] == threads_count * increments


# "full" runs SQLite at NORMAL: the Database syncs the WAL itself, one fsync shared by the
# commits of concurrent requests (tests/storage/test_group_commit.py).
@pytest.mark.parametrize("level, code", [("full", 1), ("normal", 1), ("off", 0)])
def test_synchronous_level_applies_to_every_connection(tmp_path, level, code):
    db = Database(tmp_path / "sync.sqlite3", synchronous=level)
    levels = [db.connection().execute("PRAGMA synchronous").fetchone()[0]]
    other = threading.Thread(target=lambda: levels.append(db.connection().execute("PRAGMA synchronous").fetchone()[0]))
    other.start()
    other.join()
    assert levels == [code, code]
    assert db.connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_unknown_synchronous_level_is_refused(tmp_path):
    with pytest.raises(ValueError, match="synchronous"):
        Database(tmp_path / "x.sqlite3", synchronous="sometimes")
    with pytest.raises(ValueError, match="synchronous"):
        Stores(tmp_path, synchronous="sometimes")


def test_closed_database_refuses_use(db):
    conn = db.connection()
    db.close()
    with pytest.raises(RuntimeError, match="closed"):
        db.connection()
    with pytest.raises(sqlite3.ProgrammingError):
        conn.execute("SELECT 1")


def test_stores_open_one_database_per_service_lazily(tmp_path):
    stores = Stores(tmp_path / "data", synchronous="normal")
    assert not (tmp_path / "data" / "sqs.sqlite3").exists()
    sqs = stores.database("sqs", SCHEMA)
    assert stores.database("sqs", SCHEMA) is sqs
    assert stores.database("dynamodb") is not sqs
    assert sqs.path == tmp_path / "data" / "sqs.sqlite3" and sqs.path.exists()
    assert sqs.connection().execute("PRAGMA synchronous").fetchone()[0] == 1
    stores.close_all()
    with pytest.raises(RuntimeError, match="closed"):
        sqs.connection()
    reopened = stores.database("sqs", SCHEMA)
    assert reopened is not sqs
    reopened.close()


@pytest.mark.parametrize("name", ["../etc", "", "a/b", "S3", ".hidden"])
def test_stores_refuse_names_that_are_not_plain_file_names(tmp_path, name):
    with pytest.raises(ValueError):
        Stores(tmp_path).database(name)
