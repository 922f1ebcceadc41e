"""DB instances end to end on real PostgreSQL: describe, connect, modify, reboot, stop and
start, snapshots and restores, tags, deletion."""

import psycopg
import pytest
from botocore.exceptions import ClientError

from tests.server import free_port
from tests.services.rds.conftest import PASSWORD, connect, create_postgres, wait_for_status


def test_describe_shows_what_clients_need(rds, pg):
    found = rds.describe_db_instances(Filters=[{"Name": "engine", "Values": ["postgres"]}])["DBInstances"]
    instance = next(i for i in found if i["DBInstanceIdentifier"] == "shared-pg")
    assert instance["DBInstanceStatus"] == "available"
    assert instance["Engine"] == "postgres" and instance["MasterUsername"] == "master"
    assert instance["DBName"] == "app"
    assert instance["Endpoint"]["Address"] == "127.0.0.1"
    assert instance["DBInstanceArn"] == "arn:aws:rds:us-east-1:000000000000:db:shared-pg"
    assert not [i for i in rds.describe_db_instances(Filters=[{"Name": "engine", "Values": ["mysql"]}])["DBInstances"]
                if i["DBInstanceIdentifier"] == "shared-pg"]


def test_master_password_and_wrong_password(pg):
    with connect(pg) as conn:
        assert conn.execute("SELECT current_user, current_database()").fetchone() == ("master", "app")
    with pytest.raises(psycopg.OperationalError, match='password authentication failed for user "master"'):
        connect(pg, password="wrong-password")


def test_duplicate_identifier_is_refused(rds, pg):
    with pytest.raises(ClientError) as caught:
        rds.create_db_instance(DBInstanceIdentifier="Shared-PG", DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="master", MasterUserPassword=PASSWORD)
    assert caught.value.response["Error"]["Code"] == "DBInstanceAlreadyExists"


def test_modify_password_security_groups_and_public_access(rds, pg):
    answer = rds.modify_db_instance(DBInstanceIdentifier="shared-pg", MasterUserPassword="second-secret2",
                                    VpcSecurityGroupIds=["sg-0123"], PubliclyAccessible=True, ApplyImmediately=True)
    assert answer["DBInstance"]["PendingModifiedValues"]["MasterUserPassword"] == "****"
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="shared-pg", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    described = rds.describe_db_instances(DBInstanceIdentifier="shared-pg")["DBInstances"][0]
    assert described["VpcSecurityGroups"] == [{"VpcSecurityGroupId": "sg-0123", "Status": "active"}]
    assert described["PubliclyAccessible"] is True
    connect(pg, password="second-secret2").close()
    with pytest.raises(psycopg.OperationalError):
        connect(pg)
    rds.modify_db_instance(DBInstanceIdentifier="shared-pg", MasterUserPassword=PASSWORD, ApplyImmediately=True)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="shared-pg", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    connect(pg).close()


def test_tags(rds, pg):
    arn = pg["DBInstanceArn"]
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "team", "Value": "data"}]
    rds.add_tags_to_resource(ResourceName=arn, Tags=[{"Key": "env", "Value": "lab"}, {"Key": "team", "Value": "de"}])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [
        {"Key": "env", "Value": "lab"}, {"Key": "team", "Value": "de"}]
    rds.remove_tags_from_resource(ResourceName=arn, TagKeys=["env"])
    assert rds.list_tags_for_resource(ResourceName=arn)["TagList"] == [{"Key": "team", "Value": "de"}]


def test_stop_start_and_reboot_really_stop_and_start_the_server(rds):
    instance = create_postgres(rds, "cycle-pg", free_port())
    with connect(instance) as conn:
        conn.execute("CREATE TABLE kept (n int)")
        conn.execute("INSERT INTO kept VALUES (42)")
    assert rds.stop_db_instance(DBInstanceIdentifier="cycle-pg")["DBInstance"]["DBInstanceStatus"] == "stopping"
    wait_for_status(rds, "cycle-pg", "stopped")
    with pytest.raises(psycopg.OperationalError):
        connect(instance)
    with pytest.raises(ClientError) as caught:
        rds.reboot_db_instance(DBInstanceIdentifier="cycle-pg")
    assert caught.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    rds.start_db_instance(DBInstanceIdentifier="cycle-pg")
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="cycle-pg", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    with pytest.raises(ClientError) as caught:
        rds.start_db_instance(DBInstanceIdentifier="cycle-pg")
    assert caught.value.response["Error"]["Code"] == "InvalidDBInstanceState"
    assert rds.reboot_db_instance(DBInstanceIdentifier="cycle-pg")["DBInstance"]["DBInstanceStatus"] == "rebooting"
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="cycle-pg", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    with connect(instance) as conn:
        assert conn.execute("SELECT n FROM kept").fetchall() == [(42,)]

    with pytest.raises(ClientError) as caught:
        rds.delete_db_instance(DBInstanceIdentifier="cycle-pg")
    assert caught.value.response["Error"]["Code"] == "InvalidParameterCombination"
    assert "FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified." in str(caught.value)

    deleted = rds.delete_db_instance(DBInstanceIdentifier="cycle-pg", FinalDBSnapshotIdentifier="cycle-final")
    assert deleted["DBInstance"]["DBInstanceStatus"] == "deleting"
    rds.get_waiter("db_instance_deleted").wait(DBInstanceIdentifier="cycle-pg", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    rds.get_waiter("db_snapshot_available").wait(DBSnapshotIdentifier="cycle-final", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    with pytest.raises(psycopg.OperationalError):
        connect(instance)

    port = free_port()
    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="cycle-back", DBSnapshotIdentifier="cycle-final",
                                             Port=port)
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="cycle-back", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    restored = rds.describe_db_instances(DBInstanceIdentifier="cycle-back")["DBInstances"][0]
    assert restored["Endpoint"]["Port"] == port and restored["MasterUsername"] == "master"
    with connect(restored) as conn:
        assert conn.execute("SELECT n FROM kept").fetchall() == [(42,)]
    rds.delete_db_instance(DBInstanceIdentifier="cycle-back", SkipFinalSnapshot=True)
    rds.delete_db_snapshot(DBSnapshotIdentifier="cycle-final")


def test_snapshot_is_a_copy_taken_at_that_moment(rds, pg):
    with connect(pg) as conn:
        conn.execute("CREATE TABLE moment (n int)")
        conn.execute("INSERT INTO moment VALUES (1)")
    snapshot = rds.create_db_snapshot(DBSnapshotIdentifier="moment-snap", DBInstanceIdentifier="shared-pg",
                                      Tags=[{"Key": "why", "Value": "test"}])["DBSnapshot"]
    assert snapshot["Status"] == "creating"
    assert snapshot["DBSnapshotArn"] == "arn:aws:rds:us-east-1:000000000000:snapshot:moment-snap"
    rds.get_waiter("db_snapshot_available").wait(DBSnapshotIdentifier="moment-snap", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    # The instance restarts after the copy; until then a new snapshot is refused for its state.
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="shared-pg", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    with pytest.raises(ClientError) as caught:
        rds.create_db_snapshot(DBSnapshotIdentifier="moment-snap", DBInstanceIdentifier="shared-pg")
    assert caught.value.response["Error"]["Code"] == "DBSnapshotAlreadyExists"
    with connect(pg) as conn:
        conn.execute("INSERT INTO moment VALUES (2)")

    listed = rds.describe_db_snapshots(DBInstanceIdentifier="shared-pg")["DBSnapshots"]
    assert [s["DBSnapshotIdentifier"] for s in listed] == ["moment-snap"]
    assert listed[0]["Engine"] == "postgres" and listed[0]["TagList"] == [{"Key": "why", "Value": "test"}]

    rds.restore_db_instance_from_db_snapshot(DBInstanceIdentifier="moment-copy", DBSnapshotIdentifier="moment-snap",
                                             Port=free_port())
    rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier="moment-copy", WaiterConfig={"Delay": 1, "MaxAttempts": 180})
    copy = rds.describe_db_instances(DBInstanceIdentifier="moment-copy")["DBInstances"][0]
    with connect(copy) as conn:
        assert conn.execute("SELECT n FROM moment").fetchall() == [(1,)]
    with connect(pg) as conn:
        assert conn.execute("SELECT n FROM moment ORDER BY n").fetchall() == [(1,), (2,)]
    rds.delete_db_instance(DBInstanceIdentifier="moment-copy", SkipFinalSnapshot=True)
    assert rds.delete_db_snapshot(DBSnapshotIdentifier="moment-snap")["DBSnapshot"]["Status"] == "deleted"
    assert not rds.describe_db_snapshots(DBInstanceIdentifier="shared-pg")["DBSnapshots"]
