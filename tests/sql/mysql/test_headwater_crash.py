"""SIGKILL of ``headwater serve`` while clients insert through an RDS ``mysql`` instance:
after a restart on the same data directory the instance is back on the same port and every
acknowledged row is there, rounds after rounds."""

from __future__ import annotations

import itertools
import sys
import threading
import urllib.request

import boto3
import pymysql
from botocore.config import Config

from tests.crashing import KillableServer, write_until_killed
from tests.server import free_port

ROUNDS = 2
IDENTIFIER = "crash-mysql"
PASSWORD = "crash-secret1"
LOST = (pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError)


class Headwater(KillableServer):
    """``headwater serve`` with durable writes into ``data_dir``."""

    name = "headwater"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--fsync", "full", "--log-level", "warning"]

    def env(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1"}

    def is_ready(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_headwater/health", timeout=1) as answer:
            return answer.status == 200

    def rds(self):
        return boto3.client("rds", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"total_max_attempts": 1}))

    def instance_endpoint(self) -> dict:
        rds = self.rds()
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=IDENTIFIER,
                                                     WaiterConfig={"Delay": 1, "MaxAttempts": 60})
        return rds.describe_db_instances(DBInstanceIdentifier=IDENTIFIER)["DBInstances"][0]["Endpoint"]


def connect(endpoint: dict) -> pymysql.Connection:
    return pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=PASSWORD,
                           database="app", autocommit=True, connect_timeout=10)


def stored_ids(endpoint: dict) -> set[int]:
    conn = connect(endpoint)
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT id FROM events")
        return {row[0] for row in cursor.fetchall()}
    finally:
        conn.close()


def test_acknowledged_rows_survive_sigkill_of_headwater(tmp_path):
    acknowledged: set[int] = set()
    lock = threading.Lock()
    numbers = itertools.count(1)
    with Headwater(tmp_path) as headwater:
        headwater.start()
        headwater.rds().create_db_instance(
            DBInstanceIdentifier=IDENTIFIER, DBInstanceClass="db.t3.micro", Engine="mysql",
            MasterUsername="admin", MasterUserPassword=PASSWORD, DBName="app", Port=free_port())
        endpoint = headwater.instance_endpoint()
        connect(endpoint).cursor().execute("CREATE TABLE events (id INT PRIMARY KEY, body VARCHAR(40))")

        def new_writer():
            conn = connect(endpoint)

            def write():
                number = next(numbers)
                conn.cursor().execute("INSERT INTO events VALUES (%s, %s)", (number, f"event {number}"))
                with lock:
                    acknowledged.add(number)

            return write

        for _ in range(ROUNDS):
            write_until_killed(headwater, new_writer, lambda: len(acknowledged), kill_after=150, lost=LOST)
            headwater.start()
            assert headwater.instance_endpoint() == endpoint
            missing = acknowledged - stored_ids(endpoint)
            assert not missing, f"{len(missing)} acknowledged rows lost after SIGKILL"
    assert len(acknowledged) >= ROUNDS * 150
