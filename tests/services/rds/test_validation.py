"""Requests RDS rejects before anything is created, with AWS's codes and wording."""

import pytest
from botocore.exceptions import ClientError


def create(rds, **changes):
    request = {
        "DBInstanceIdentifier": "never", "DBInstanceClass": "db.t3.micro", "Engine": "postgres",
        "MasterUsername": "master", "MasterUserPassword": "long-enough1",
    }
    request.update(changes)
    return rds.create_db_instance(**{key: value for key, value in request.items() if value is not None})


def error_of(call, **kwargs):
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"], caught.value.response["ResponseMetadata"]["HTTPStatusCode"]


@pytest.mark.parametrize("changes, message", [
    ({"Engine": "foodb"}, "Invalid DB engine"),
    ({"Engine": "oracle-ee"}, "Invalid DB engine: oracle-ee is not offered by headwater"),
    ({"MasterUserPassword": None}, "The parameter MasterUserPassword must be provided and must not be blank."),
    ({"MasterUserPassword": "short"}, "shorter than 8 characters"),
    ({"MasterUserPassword": "has/slash1"}, "Only printable ASCII characters besides '/', '@', '\"', ' ' may be used."),
    ({"MasterUsername": None}, "The parameter MasterUsername must be provided and must not be blank."),
    ({"MasterUsername": "1bad"}, "MasterUsername is not a valid identifier"),
    ({"DBInstanceIdentifier": "bad--name"}, "The parameter DBInstanceIdentifier is not a valid identifier."),
    ({"DBInstanceIdentifier": "9lives"}, "Identifiers must begin with a letter"),
    ({"DBInstanceClass": "t3.micro"}, "Invalid DB Instance class: t3.micro"),
    ({"Port": 80}, "Invalid port 80"),
])
def test_create_rejects_bad_parameters(rds, changes, message):
    error, status = error_of(lambda: create(rds, **changes))
    assert (error["Code"], status) == ("InvalidParameterValue", 400)
    assert message in error["Message"]


def test_unknown_subnet_group_is_not_found(rds):
    error, status = error_of(lambda: create(rds, DBSubnetGroupName="nowhere"))
    assert (error["Code"], status) == ("DBSubnetGroupNotFoundFault", 404)


def test_rejected_creates_leave_nothing_behind(rds):
    with pytest.raises(ClientError):
        create(rds, Engine="foodb")
    error, status = error_of(rds.describe_db_instances, DBInstanceIdentifier="never")
    assert (error["Code"], status) == ("DBInstanceNotFound", 404)
    assert error["Message"] == "DBInstance never not found."


@pytest.mark.parametrize("operation, kwargs", [
    ("modify_db_instance", {"MasterUserPassword": "another-one1"}),
    ("reboot_db_instance", {}),
    ("stop_db_instance", {}),
    ("start_db_instance", {}),
    ("delete_db_instance", {"SkipFinalSnapshot": True}),
    ("create_db_snapshot", {"DBSnapshotIdentifier": "s1"}),
])
def test_operations_on_a_missing_instance(rds, operation, kwargs):
    error, status = error_of(getattr(rds, operation), DBInstanceIdentifier="ghost", **kwargs)
    assert (error["Code"], status) == ("DBInstanceNotFound", 404)


def test_max_records_out_of_range(rds):
    error, _ = error_of(rds.describe_db_instances, MaxRecords=5)
    assert error["Code"] == "InvalidParameterValue"
    assert "Must be between 20 and 100" in error["Message"]


def test_missing_snapshot(rds):
    error, status = error_of(rds.describe_db_snapshots, DBSnapshotIdentifier="nope")
    assert (error["Code"], status) == ("DBSnapshotNotFound", 404)
    error, _ = error_of(rds.restore_db_instance_from_db_snapshot, DBInstanceIdentifier="x", DBSnapshotIdentifier="nope")
    assert error["Code"] == "DBSnapshotNotFound"
    error, _ = error_of(rds.delete_db_snapshot, DBSnapshotIdentifier="nope")
    assert error["Code"] == "DBSnapshotNotFound"


def test_tags_on_unknown_or_foreign_resources(rds):
    error, _ = error_of(rds.list_tags_for_resource, ResourceName="arn:aws:rds:us-east-1:000000000000:db:ghost")
    assert error["Code"] == "DBInstanceNotFound"
    error, _ = error_of(rds.list_tags_for_resource, ResourceName="arn:aws:rds:eu-west-1:000000000000:db:ghost")
    assert error["Code"] == "InvalidParameterValue"
