"""The `mysql` command-line client (MariaDB's or MySQL's) works against the embedded
MySQL-protocol endpoint. Runs where the client is installed (`apt-get install mariadb-client`)."""

import shutil
import subprocess

import pytest

from headwater.sql.mysql import MysqlEndpoint
from tests.sql.mysql.conftest import PASSWORD, USER, spec_for

pytestmark = pytest.mark.skipif(shutil.which("mysql") is None, reason="no mysql client installed")


@pytest.fixture
def endpoint(tmp_path):
    running = MysqlEndpoint(spec_for(tmp_path / "instance", db_name="shop"))
    running.start()
    yield running
    running.stop()


def mysql(endpoint, sql: str, password: str = PASSWORD) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["mysql", "-h", "127.0.0.1", "-P", str(endpoint.spec.port), "-u", USER, f"-p{password}", "--batch", "shop",
         "-e", sql],
        capture_output=True, text=True, timeout=30,
    )


def test_the_cli_creates_inserts_and_reads(endpoint):
    done = mysql(endpoint, "CREATE TABLE t (id INT PRIMARY KEY, name VARCHAR(20)); "
                           "INSERT INTO t VALUES (1, 'a'), (2, 'b'); SELECT name FROM t ORDER BY id DESC;")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["name", "b", "a"]


def test_the_cli_describes_a_table(endpoint):
    mysql(endpoint, "CREATE TABLE t (id INT PRIMARY KEY, price DECIMAL(5,2) NOT NULL)")
    rows = [line.split("\t") for line in mysql(endpoint, "DESCRIBE t").stdout.splitlines()]
    assert rows[0][:2] == ["Field", "Type"]
    assert [row[:3] for row in rows[1:]] == [["id", "int", "NO"], ["price", "decimal(5,2)", "NO"]]


def test_a_wrong_password_is_refused_as_mysql_does(endpoint):
    done = mysql(endpoint, "SELECT 1", password="wrong")
    assert done.returncode != 0
    assert "ERROR 1045 (28000): Access denied for user 'root'@" in done.stderr
