"""Named migrations: order, atomicity, idempotence and refusal of unknown history."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from headwater.storage.migrations import MigrationError, applied_migrations, apply_migrations
from headwater.storage.sqlite import Database

CREATE = ("0001_create_queues", "CREATE TABLE queues (name TEXT PRIMARY KEY)")
ADD_COLUMN = ("0002_add_queue_url", "ALTER TABLE queues ADD COLUMN url TEXT")
TRIGGER = (
    "0003_count_queues",
    """
    -- a trigger body holds semicolons of its own
    CREATE TABLE queue_count (n INTEGER NOT NULL);
    INSERT INTO queue_count VALUES (0);
    CREATE TRIGGER queue_added AFTER INSERT ON queues BEGIN
        UPDATE queue_count SET n = n + 1;
    END;
    """,
)


def connect(path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]


def test_migrations_apply_in_order_and_are_recorded(tmp_path):
    conn = connect(tmp_path / "db")
    assert apply_migrations(conn, [CREATE, ADD_COLUMN, TRIGGER]) == [name for name, _ in (CREATE, ADD_COLUMN, TRIGGER)]
    assert applied_migrations(conn) == ["0001_create_queues", "0002_add_queue_url", "0003_count_queues"]
    assert columns(conn, "queues") == ["name", "url"]
    conn.execute("INSERT INTO queues VALUES ('q', 'http://q')")
    assert conn.execute("SELECT n FROM queue_count").fetchone() == (1,)


def test_reapplying_is_a_no_op(tmp_path):
    conn = connect(tmp_path / "db")
    apply_migrations(conn, [CREATE, TRIGGER])
    conn.execute("INSERT INTO queues (name) VALUES ('kept')")
    assert apply_migrations(conn, [CREATE, TRIGGER]) == []
    assert conn.execute("SELECT name FROM queues").fetchall() == [("kept",)]
    assert conn.execute("SELECT n FROM queue_count").fetchone() == (1,)


def test_appended_migrations_apply_on_reopen(tmp_path):
    Database(tmp_path / "db", [CREATE]).close()
    db = Database(tmp_path / "db", [CREATE, ADD_COLUMN])
    assert applied_migrations(db.connection()) == ["0001_create_queues", "0002_add_queue_url"]
    assert columns(db.connection(), "queues") == ["name", "url"]
    db.close()


def test_failing_migration_leaves_no_trace(tmp_path):
    broken = ("0002_broken", "CREATE TABLE half (x); INSERT INTO no_such_table VALUES (1);")
    conn = connect(tmp_path / "db")
    with pytest.raises(sqlite3.OperationalError, match="no_such_table"):
        apply_migrations(conn, [CREATE, broken])
    assert not conn.in_transaction
    assert applied_migrations(conn) == ["0001_create_queues"]
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None
    fixed = ("0002_broken", "CREATE TABLE half (x);")
    assert apply_migrations(conn, [CREATE, fixed]) == ["0002_broken"]


def test_database_from_a_newer_version_is_refused(tmp_path):
    Database(tmp_path / "db", [CREATE, ADD_COLUMN]).close()
    with pytest.raises(MigrationError, match="0002_add_queue_url.*newer headwater"):
        Database(tmp_path / "db", [CREATE])


def test_migration_inserted_before_applied_ones_is_refused(tmp_path):
    Database(tmp_path / "db", [CREATE, TRIGGER]).close()
    with pytest.raises(MigrationError, match="skipped.*0002_add_queue_url"):
        Database(tmp_path / "db", [CREATE, ADD_COLUMN, TRIGGER])


def test_repeated_names_are_refused(tmp_path):
    with pytest.raises(ValueError, match="0001_create_queues"):
        apply_migrations(connect(tmp_path / "db"), [CREATE, ("0001_create_queues", "SELECT 1")])


def test_concurrent_openers_apply_each_migration_once(tmp_path):
    errors: list[BaseException] = []
    barrier = threading.Barrier(6)

    def open_database():
        barrier.wait()
        try:
            Database(tmp_path / "db", [CREATE, ADD_COLUMN, TRIGGER]).close()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=open_database) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    conn = connect(tmp_path / "db")
    assert applied_migrations(conn) == ["0001_create_queues", "0002_add_queue_url", "0003_count_queues"]
    assert conn.execute("SELECT count(*) FROM queue_count").fetchone() == (1,)
