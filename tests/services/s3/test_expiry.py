"""Lifecycle rules applied by the clock (moved, never slept): expiration by days and date,
prefix and tag filters, noncurrent versions, delete markers, incomplete uploads; released
blobs deleted once nothing holds them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from headwater import registry
from headwater.storage.clock import FrozenClock
from tests.server import start_server

START = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(tmp_path):
    clock = FrozenClock(START)
    running = start_server(tmp_path / "data", clock=clock, max_clock_skew_seconds=10**9)
    yield running, clock, running.client("s3")
    running.stop()


def run_task(running, name: str) -> None:
    service = registry.services()["s3"]
    running.app.run_periodic(service, next(task for task in service.periodic if task.name == name))


def keys(s3, bucket):
    return [obj["Key"] for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_expiration_days_with_prefix_and_tag_filters(frozen):
    running, clock, s3 = frozen
    s3.create_bucket(Bucket="life")
    s3.put_object(Bucket="life", Key="logs/a", Body=b"x")
    s3.put_object(Bucket="life", Key="logs/b", Body=b"x", Tagging="keep=yes")
    s3.put_object(Bucket="life", Key="data/c", Body=b"x")
    s3.put_bucket_lifecycle_configuration(Bucket="life", LifecycleConfiguration={"Rules": [
        {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 1}},
        {"ID": "kept", "Status": "Enabled", "Filter": {"Tag": {"Key": "keep", "Value": "no"}},
         "Expiration": {"Days": 1}},
    ]})
    clock.advance(timedelta(days=1, hours=11, minutes=59))  # due at the first midnight after one day
    run_task(running, "lifecycle")
    assert keys(s3, "life") == ["data/c", "logs/a", "logs/b"]
    clock.advance(timedelta(minutes=1))
    run_task(running, "lifecycle")
    assert keys(s3, "life") == ["data/c"]


def test_versioned_expiration_and_noncurrent_versions(frozen):
    running, clock, s3 = frozen
    s3.create_bucket(Bucket="vlife")
    s3.put_bucket_versioning(Bucket="vlife", VersioningConfiguration={"Status": "Enabled"})
    old = s3.put_object(Bucket="vlife", Key="k", Body=b"1")["VersionId"]
    s3.put_object(Bucket="vlife", Key="k", Body=b"2")
    s3.put_bucket_lifecycle_configuration(Bucket="vlife", LifecycleConfiguration={"Rules": [
        {"ID": "all", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 5},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 2}},
    ]})
    clock.advance(timedelta(days=3))
    run_task(running, "lifecycle")
    versions = s3.list_object_versions(Bucket="vlife")
    assert old not in [v["VersionId"] for v in versions["Versions"]] and len(versions["Versions"]) == 1
    clock.advance(timedelta(days=3))
    run_task(running, "lifecycle")
    listing = s3.list_object_versions(Bucket="vlife")
    assert listing["DeleteMarkers"][0]["IsLatest"] is True and keys(s3, "vlife") == []


def test_incomplete_uploads_are_aborted(frozen):
    running, clock, s3 = frozen
    s3.create_bucket(Bucket="uplife")
    upload_id = s3.create_multipart_upload(Bucket="uplife", Key="k")["UploadId"]
    s3.put_bucket_lifecycle_configuration(Bucket="uplife", LifecycleConfiguration={"Rules": [
        {"ID": "abort", "Status": "Enabled", "Filter": {"Prefix": ""},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
    clock.advance(timedelta(days=2))
    run_task(running, "lifecycle")
    assert "Uploads" not in s3.list_multipart_uploads(Bucket="uplife")
    assert upload_id


def test_incomplete_uploads_are_aborted_only_under_the_rules_prefix_even_inside_and(frozen):
    """A rule's prefix may sit under Filter.And (with a size bound): uploads outside it stay."""
    running, clock, s3 = frozen
    s3.create_bucket(Bucket="uplife2")
    s3.create_multipart_upload(Bucket="uplife2", Key="logs/a")
    kept = s3.create_multipart_upload(Bucket="uplife2", Key="data/b")["UploadId"]
    s3.put_bucket_lifecycle_configuration(Bucket="uplife2", LifecycleConfiguration={"Rules": [
        {"ID": "abort-logs", "Status": "Enabled",
         "Filter": {"And": {"Prefix": "logs/", "ObjectSizeGreaterThan": 0}},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]})
    clock.advance(timedelta(days=2))
    run_task(running, "lifecycle")
    uploads = s3.list_multipart_uploads(Bucket="uplife2")["Uploads"]
    assert [(u["Key"], u["UploadId"]) for u in uploads] == [("data/b", kept)]


def test_released_blobs_are_deleted(frozen):
    running, _clock, s3 = frozen
    s3.create_bucket(Bucket="blobs")
    s3.put_object(Bucket="blobs", Key="a", Body=b"first")
    s3.copy_object(Bucket="blobs", Key="b", CopySource="blobs/a")
    blob_dir = running.app.blobs.root
    count = lambda: len(list(blob_dir.glob("??/*")))
    before = count()
    s3.delete_object(Bucket="blobs", Key="a")
    run_task(running, "released-blobs")
    assert count() == before  # still held by the copy
    s3.put_object(Bucket="blobs", Key="b", Body=b"second")
    run_task(running, "released-blobs")
    assert count() == before
    assert s3.get_object(Bucket="blobs", Key="b")["Body"].read() == b"second"
