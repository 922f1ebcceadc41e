"""A restart of headwater brings instances back on the same ports with their data; the
creation delay follows the clock."""

import shutil

from headwater.storage.clock import FrozenClock
from tests.server import free_port, start_server
from tests.services.rds.conftest import connect, create_postgres, data_dir, wait_for_status


def test_instances_survive_a_restart_on_the_same_port():
    directory = data_dir("restart")
    try:
        running = start_server(directory)
        rds = running.client("rds")
        instance = create_postgres(rds, "durable", free_port())
        with connect(instance) as conn:
            conn.execute("CREATE TABLE t AS SELECT 7 AS n")
        rds.create_db_instance(DBInstanceIdentifier="resting", DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="master", MasterUserPassword="first-secret1", Port=free_port())
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="resting", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
        rds.stop_db_instance(DBInstanceIdentifier="resting")
        wait_for_status(rds, "resting", "stopped")
        running.stop()

        running = start_server(directory)
        rds = running.client("rds")
        again = rds.describe_db_instances(DBInstanceIdentifier="durable")["DBInstances"][0]
        assert again["DBInstanceStatus"] == "available"
        assert again["Endpoint"]["Port"] == instance["Endpoint"]["Port"]
        with connect(again) as conn:
            assert conn.execute("SELECT n FROM t").fetchall() == [(7,)]
        assert rds.describe_db_instances(DBInstanceIdentifier="resting")["DBInstances"][0]["DBInstanceStatus"] == "stopped"
        running.stop()
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def test_creating_until_the_delay_has_passed_on_the_clock():
    directory = data_dir("delay")
    clock = FrozenClock()
    running = start_server(directory, clock=clock, create_delay_seconds=300)
    try:
        rds = running.client("rds")
        created = rds.create_db_instance(DBInstanceIdentifier="slow", DBInstanceClass="db.t3.micro", Engine="postgres",
                                         MasterUsername="master", MasterUserPassword="first-secret1", Port=free_port())
        assert created["DBInstance"]["DBInstanceStatus"] == "creating" and "Endpoint" not in created["DBInstance"]
        from headwater.sql.runtime import runtime_of

        runtime = runtime_of(directory)
        runtime.submit("000000000000/us-east-1/slow", "creating", lambda: None).result(timeout=120)
        assert runtime.is_up("000000000000/us-east-1/slow")
        described = rds.describe_db_instances(DBInstanceIdentifier="slow")["DBInstances"][0]
        assert described["DBInstanceStatus"] == "creating" and "Endpoint" not in described
        clock.advance(301)
        assert rds.describe_db_instances(DBInstanceIdentifier="slow")["DBInstances"][0]["DBInstanceStatus"] == "available"
    finally:
        running.stop()
        shutil.rmtree(directory, ignore_errors=True)
