"""PostgresServer on its own: initdb with the master user, password auth, restarts, a
postmaster left running by a killed headwater, and copies of the data."""

import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from headwater.sql import postgres
from headwater.sql.endpoint import EndpointSpec
from tests.server import free_port


@pytest.fixture
def workdir():
    directory = Path(tempfile.mkdtemp(prefix="headwater-pg-"))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def spec_in(directory: Path, name: str) -> EndpointSpec:
    return EndpointSpec(name, directory / name, "127.0.0.1", free_port(), "owner", "owner-secret1", "lab")


def connect(spec, password=None):
    return psycopg.connect(host=spec.host, port=spec.port, user=spec.master_username,
                           password=password or spec.master_password, dbname=spec.db_name, autocommit=True)


def test_binaries_are_found():
    assert (postgres.bindir() / "initdb").is_file()
    assert postgres.server_version()[0].isdigit()


def test_serves_keeps_data_and_changes_password(workdir):
    spec = spec_in(workdir, "one")
    server = postgres.PostgresServer(spec)
    server.start()
    try:
        with connect(spec) as conn:
            assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = 'owner'").fetchone() == (True,)
            conn.execute("CREATE TABLE t AS SELECT 1 AS n")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            connect(spec, "not-the-password")
        server.set_master_password("owner-secret2")
        connect(spec, "owner-secret2").close()
        server.stop()
        with pytest.raises(psycopg.OperationalError):
            connect(spec, "owner-secret2")
        server.start()
        with connect(spec, "owner-secret2") as conn:
            assert conn.execute("SELECT n FROM t").fetchall() == [(1,)]
    finally:
        server.stop()


def test_a_leftover_postmaster_is_replaced_on_the_same_port(workdir):
    spec = spec_in(workdir, "orphan")
    first = postgres.PostgresServer(spec)
    first.start()
    first.stop()
    # A postmaster nobody owns any more, as a SIGKILLed headwater leaves it.
    account = postgres.server_account()
    extra = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    orphan = subprocess.Popen([
        str(postgres.bindir() / "postgres"), "-D", str(first.pgdata), "-p", str(spec.port),
        "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={first.socket_dir}",
    ], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, **extra)
    try:
        for _ in range(600):
            try:
                connect(spec).close()
                break
            except psycopg.OperationalError:
                time.sleep(0.1)
        second = postgres.PostgresServer(spec)
        second.start()
        assert orphan.wait(timeout=60) is not None
        with connect(spec) as conn:
            assert conn.execute("SELECT pg_backend_pid()").fetchone()[0] > 0
        second.stop()
    finally:
        if orphan.poll() is None:
            orphan.kill()


def test_copy_data_gives_an_independent_cluster(workdir):
    source = spec_in(workdir, "source")
    server = postgres.PostgresServer(source)
    server.start()
    with connect(source) as conn:
        conn.execute("CREATE TABLE t AS SELECT 5 AS n")
    server.stop()
    target = EndpointSpec("target", workdir / "target", "127.0.0.1", free_port(), "owner", "owner-secret1", "lab")
    postgres.PostgresServer.copy_data(source.data_dir, target.data_dir)
    copy = postgres.PostgresServer(target)
    copy.start()
    try:
        with connect(target) as conn:
            assert conn.execute("SELECT n FROM t").fetchall() == [(5,)]
    finally:
        copy.stop()
