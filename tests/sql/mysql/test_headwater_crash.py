"""SIGKILL of ``headwater serve`` while clients insert through an RDS ``mysql`` instance:
after a restart on the same data directory the instance is back on the same port and every
acknowledged row is there, rounds after rounds."""

from __future__ import annotations

from functools import partial

import pymysql

from tests.crashing import (
    EVENTS_TABLE,
    Acknowledged,
    HeadwaterProcess,
    insert_events_until_killed,
    stored_event_ids,
)
from tests.server import free_port

ROUNDS = 2
IDENTIFIER = "crash-mysql"
PASSWORD = "crash-secret1"
LOST = (pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError)


def instance_endpoint(headwater: HeadwaterProcess) -> dict:
    rds = headwater.client("rds")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=IDENTIFIER,
                                                 WaiterConfig={"Delay": 1, "MaxAttempts": 60})
    return rds.describe_db_instances(DBInstanceIdentifier=IDENTIFIER)["DBInstances"][0]["Endpoint"]


def connect(endpoint: dict) -> pymysql.Connection:
    return pymysql.connect(host=endpoint["Address"], port=endpoint["Port"], user="admin", password=PASSWORD,
                           database="app", autocommit=True, connect_timeout=10)


def test_acknowledged_rows_survive_sigkill_of_headwater(tmp_path):
    acknowledged = Acknowledged()
    with HeadwaterProcess(tmp_path) as headwater:
        headwater.start()
        headwater.client("rds").create_db_instance(
            DBInstanceIdentifier=IDENTIFIER, DBInstanceClass="db.t3.micro", Engine="mysql",
            MasterUsername="admin", MasterUserPassword=PASSWORD, DBName="app", Port=free_port())
        endpoint = instance_endpoint(headwater)
        connect(endpoint).cursor().execute(EVENTS_TABLE)
        for _ in range(ROUNDS):
            insert_events_until_killed(headwater, partial(connect, endpoint), acknowledged, kill_after=150, lost=LOST)
            headwater.start()
            assert instance_endpoint(headwater) == endpoint
            missing = acknowledged.items - stored_event_ids(partial(connect, endpoint))
            assert not missing, f"{len(missing)} acknowledged rows lost after SIGKILL"
    assert acknowledged.count() >= ROUNDS * 150
