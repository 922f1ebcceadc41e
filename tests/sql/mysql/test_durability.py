"""Data survives a stop and start of the endpoint, and a SIGKILL in the middle of inserts:
every acknowledged row is there afterwards."""

from __future__ import annotations

import sys

import pymysql

from headwater.sql.mysql import MysqlEndpoint
from tests.crashing import (
    EVENTS_TABLE,
    Acknowledged,
    KillableServer,
    insert_events_until_killed,
    stored_event_ids,
)
from tests.sql.mysql.conftest import PASSWORD, USER, connect, spec_for


def test_restart_keeps_data_on_the_same_port(tmp_path):
    first = MysqlEndpoint(spec_for(tmp_path))
    first.start()
    conn = connect(first)
    conn.cursor().execute("CREATE TABLE kept (id INT PRIMARY KEY, name VARCHAR(10))")
    conn.cursor().execute("INSERT INTO kept VALUES (1, 'one'), (2, 'two')")
    conn.close()
    first.stop()
    assert not (tmp_path / "sakila.sqlite3-wal").exists() or (tmp_path / "sakila.sqlite3-wal").stat().st_size == 0

    second = MysqlEndpoint(spec_for(tmp_path, port=first.spec.port))
    second.start()
    cursor = connect(second).cursor()
    cursor.execute("SELECT name FROM kept ORDER BY id")
    assert cursor.fetchall() == (("one",), ("two",))
    second.stop()


def test_snapshot_copies_every_database(tmp_path):
    source = MysqlEndpoint(spec_for(tmp_path / "source"))
    source.start()
    connect(source).cursor().execute("CREATE TABLE t (a INT)")
    connect(source).cursor().execute("INSERT INTO t VALUES (7)")
    source.stop()
    MysqlEndpoint.copy_data(tmp_path / "source", tmp_path / "copy")
    copy = MysqlEndpoint(spec_for(tmp_path / "copy"))
    copy.start()
    cursor = connect(copy).cursor()
    cursor.execute("SELECT a FROM t")
    assert cursor.fetchall() == ((7,),)
    copy.stop()


class EndpointProcess(KillableServer):
    name = "the MySQL endpoint"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "tests.sql.mysql.crash_endpoint", str(self.data_dir), str(self.port)]

    def is_ready(self) -> bool:
        try:
            pymysql.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD).close()
        except pymysql.err.OperationalError as error:
            raise OSError(str(error)) from None
        return True

    def connect(self):
        return pymysql.connect(host="127.0.0.1", port=self.port, user=USER, password=PASSWORD,
                               database="sakila", autocommit=True)


def test_every_acknowledged_insert_survives_sigkill(tmp_path):
    acknowledged = Acknowledged()
    with EndpointProcess(tmp_path) as server:
        server.start()
        server.connect().cursor().execute(EVENTS_TABLE)
        insert_events_until_killed(server, server.connect, acknowledged, kill_after=100,
                                   lost=(pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError))
        server.start()
        stored = stored_event_ids(server.connect)
    assert acknowledged.items and acknowledged.items <= stored
