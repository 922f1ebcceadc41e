"""Versions: the ``null`` version, delete markers, version reads and deletes, DeleteObjects,
object lock retention and legal hold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.services.s3.conftest import code_of, error_of, status_of


def enable(s3, bucket, status="Enabled"):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": status})


def test_null_version_survives_enabling(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"v1")
    enable(s3, bucket)
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"v2")["VersionId"]
    assert v2 and v2 != "null"
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [(v["VersionId"], v["IsLatest"]) for v in versions] == [(v2, True), ("null", False)]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"v1"
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v2


def test_delete_marker_hides_and_reveals(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    error = error_of(s3.get_object, Bucket=bucket, Key="k")
    assert error.response["Error"]["Code"] == "NoSuchKey"
    assert error.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    error = error_of(s3.get_object, Bucket=bucket, Key="k", VersionId=marker)
    assert status_of(error) == 405
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount") == 0
    listing = s3.list_object_versions(Bucket=bucket)
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == [marker]
    assert listing["DeleteMarkers"][0]["IsLatest"] is True
    removed = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker)
    assert removed["DeleteMarker"] is True and removed["VersionId"] == marker
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v1


def test_delete_version_permanently(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"v2")["VersionId"]
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v2)
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v1"
    assert code_of(s3.get_object, Bucket=bucket, Key="k", VersionId=v2) == "NoSuchVersion"
    assert code_of(s3.get_object, Bucket=bucket, Key="k", VersionId="not-a-version") == "InvalidArgument"
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["ContentLength"] == 2


def test_suspended_versioning_replaces_null(s3, bucket):
    enable(s3, bucket)
    kept = s3.put_object(Bucket=bucket, Key="k", Body=b"kept")["VersionId"]
    enable(s3, bucket, "Suspended")
    assert s3.put_object(Bucket=bucket, Key="k", Body=b"n1")["VersionId"] == "null"
    s3.put_object(Bucket=bucket, Key="k", Body=b"n2")
    versions = s3.list_object_versions(Bucket=bucket)["Versions"]
    assert [v["VersionId"] for v in versions] == ["null", kept]
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"n2"
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert deleted["DeleteMarker"] is True and deleted["VersionId"] == "null"
    listing = s3.list_object_versions(Bucket=bucket)
    assert [v["VersionId"] for v in listing["Versions"]] == [kept]
    assert [m["VersionId"] for m in listing["DeleteMarkers"]] == ["null"]


def test_unversioned_delete(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert s3.delete_object(Bucket=bucket, Key="k")["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert code_of(s3.get_object, Bucket=bucket, Key="k") == "NoSuchKey"
    assert s3.delete_object(Bucket=bucket, Key="never")["ResponseMetadata"]["HTTPStatusCode"] == 204


def test_delete_objects_reports_and_quiet_mode(s3, bucket):
    for key in ("a", "b", "c"):
        s3.put_object(Bucket=bucket, Key=key, Body=b"x")
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "b"}, {"Key": "zz"}]})
    assert sorted(d["Key"] for d in result["Deleted"]) == ["a", "b", "zz"]
    quiet = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "c"}], "Quiet": True})
    assert "Deleted" not in quiet and "Errors" not in quiet
    assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] == 0


def test_delete_objects_in_versioned_bucket(s3, bucket):
    enable(s3, bucket)
    v1 = s3.put_object(Bucket=bucket, Key="a", Body=b"x")["VersionId"]
    result = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "a"}, {"Key": "a", "VersionId": v1}]})
    by_version = {entry.get("VersionId"): entry for entry in result["Deleted"]}
    assert by_version[v1]["Key"] == "a"
    marker = next(entry for entry in result["Deleted"] if entry.get("DeleteMarker"))
    assert marker["DeleteMarkerVersionId"]


def test_object_lock_retention_and_legal_hold(s3, make_bucket):
    bucket = make_bucket(ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"]["ObjectLockEnabled"] == "Enabled"
    until = datetime.now(UTC) + timedelta(days=1)
    version = s3.put_object(Bucket=bucket, Key="locked", Body=b"x", ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=until)["VersionId"]
    assert s3.get_object_retention(Bucket=bucket, Key="locked")["Retention"]["Mode"] == "GOVERNANCE"
    assert code_of(s3.delete_object, Bucket=bucket, Key="locked", VersionId=version) == "AccessDenied"
    s3.delete_object(Bucket=bucket, Key="locked", VersionId=version, BypassGovernanceRetention=True)
    held = s3.put_object(Bucket=bucket, Key="held", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=bucket, Key="held")["LegalHold"]["Status"] == "ON"
    assert code_of(s3.delete_object, Bucket=bucket, Key="held", VersionId=held,
                   BypassGovernanceRetention=True) == "AccessDenied"
    s3.put_object_legal_hold(Bucket=bucket, Key="held", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket=bucket, Key="held", VersionId=held)
    assert code_of(s3.put_bucket_versioning, Bucket=bucket,
                   VersioningConfiguration={"Status": "Suspended"}) == "InvalidBucketState"


def test_object_lock_default_retention(s3, make_bucket):
    bucket = make_bucket(ObjectLockEnabledForBucket=True)
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}})
    version = s3.put_object(Bucket=bucket, Key="k", Body=b"x")["VersionId"]
    assert s3.head_object(Bucket=bucket, Key="k")["ObjectLockMode"] == "GOVERNANCE"
    assert code_of(s3.delete_object, Bucket=bucket, Key="k", VersionId=version) == "AccessDenied"


def test_lock_needs_lock_enabled_bucket(s3, bucket):
    until = datetime.now(UTC) + timedelta(days=1)
    assert code_of(s3.put_object, Bucket=bucket, Key="k", Body=b"x", ObjectLockMode="GOVERNANCE",
                   ObjectLockRetainUntilDate=until) == "InvalidRequest"
    assert code_of(s3.get_object_lock_configuration, Bucket=bucket) == "ObjectLockConfigurationNotFoundError"
