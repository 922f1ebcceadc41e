"""Shared fixtures: a headwater whose data lives outside pytest's private temporary tree, and
one PostgreSQL instance for the tests that only read or tweak it.

As root, PostgreSQL runs as an unprivileged account that must traverse the data directory's
parents; pytest keeps resetting ``/tmp/pytest-of-root`` to 0700, so these tests keep their
data in a directory of their own.
"""

import shutil
import tempfile
from pathlib import Path

import psycopg
import pytest

PASSWORD = "first-secret1"


def create_postgres(rds, identifier, port, **extra):
    rds.create_db_instance(
        DBInstanceIdentifier=identifier, DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="master", MasterUserPassword=PASSWORD, DBName="app", Port=port, **extra,
    )
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=identifier, WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    return rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]


def connect(instance, password=PASSWORD, dbname="app"):
    endpoint = instance["Endpoint"]
    return psycopg.connect(host=endpoint["Address"], port=endpoint["Port"], user=instance["MasterUsername"],
                           password=password, dbname=dbname, connect_timeout=10)


def data_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"headwater-{prefix}-"))


@pytest.fixture(scope="session")
def server():
    from tests.server import start_server

    directory = data_dir("rds")
    running = start_server(directory)
    yield running
    running.stop()
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def rds(server):
    return server.client("rds")


@pytest.fixture(scope="module")
def pg(rds):
    from tests.server import free_port

    instance = create_postgres(rds, "shared-pg", free_port(), Tags=[{"Key": "team", "Value": "data"}])
    yield instance
    rds.delete_db_instance(DBInstanceIdentifier="shared-pg", SkipFinalSnapshot=True)


def wait_for_status(rds, identifier, status, attempts=600):
    """Poll DescribeDBInstances until the instance shows ``status`` (botocore has no stopped waiter)."""
    import time

    for _ in range(attempts):
        current = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"][0]["DBInstanceStatus"]
        if current == status:
            return
        time.sleep(0.1)
    raise AssertionError(f"{identifier} is still {current}, not {status}")
