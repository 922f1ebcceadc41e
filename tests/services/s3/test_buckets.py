"""Buckets: create (names, regions, location constraints), head, list, location, delete."""

from __future__ import annotations

import boto3
import pytest

from tests.services.s3.conftest import code_of, error_of, status_of, unique


@pytest.mark.parametrize("name", ["ab", "a" * 64, "Upper-case", "under_score", "-dash-first", "dash-last-",
                                  "two..dots", "192.168.5.4", "xn--punycode", "name-s3alias", "dot-.dash"])
def test_invalid_names_are_refused(s3, name):
    assert code_of(s3.create_bucket, Bucket=name) == "InvalidBucketName"


def test_create_head_list_delete(s3):
    name = unique()
    created = s3.create_bucket(Bucket=name)
    assert created["Location"] == f"/{name}"
    head = s3.head_bucket(Bucket=name)
    assert head["BucketRegion"] == "us-east-1"
    listed = s3.list_buckets()
    assert name in [bucket["Name"] for bucket in listed["Buckets"]]
    assert listed["Owner"]["ID"]
    assert s3.delete_bucket(Bucket=name)["ResponseMetadata"]["HTTPStatusCode"] == 204
    error = error_of(s3.head_bucket, Bucket=name)
    assert status_of(error) == 404


def test_recreating_own_bucket_in_us_east_1_succeeds(s3, bucket):
    assert s3.create_bucket(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 200


def test_location_constraint_rules(aws, s3, make_bucket):
    assert code_of(s3.create_bucket, Bucket=unique(),
                   CreateBucketConfiguration={"LocationConstraint": "us-east-1"}) == "InvalidLocationConstraint"
    name = make_bucket(CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-west-1"
    assert s3.head_bucket(Bucket=name)["BucketRegion"] == "eu-west-1"
    assert code_of(s3.create_bucket, Bucket=name,
                   CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}) == "BucketAlreadyOwnedByYou"
    home = make_bucket()
    assert s3.get_bucket_location(Bucket=home)["LocationConstraint"] is None


def test_regional_endpoint_needs_matching_constraint(local, s3):
    frankfurt = boto3.client("s3", endpoint_url=local.endpoint, region_name="eu-central-1",
                             aws_access_key_id="test", aws_secret_access_key="test")
    name = unique()
    assert code_of(frankfurt.create_bucket, Bucket=name) == "IllegalLocationConstraintException"
    assert code_of(frankfurt.create_bucket, Bucket=name, CreateBucketConfiguration={
        "LocationConstraint": "eu-west-1"}) == "IllegalLocationConstraintException"
    frankfurt.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-central-1"})
    try:
        assert s3.get_bucket_location(Bucket=name)["LocationConstraint"] == "eu-central-1"
    finally:
        s3.delete_bucket(Bucket=name)


def test_list_buckets_pages_and_prefix(s3, make_bucket):
    names = sorted(make_bucket() for _ in range(3))
    prefix = names[0][:3]
    first = s3.list_buckets(MaxBuckets=1, Prefix=prefix)
    assert len(first["Buckets"]) == 1 and "ContinuationToken" in first
    second = s3.list_buckets(MaxBuckets=100, Prefix=prefix, ContinuationToken=first["ContinuationToken"])
    seen = [b["Name"] for b in first["Buckets"] + second["Buckets"]]
    assert [name for name in seen if name in names] == names


def test_missing_bucket_errors(s3):
    name = unique()
    error = error_of(s3.list_objects_v2, Bucket=name)
    assert error.response["Error"]["Code"] == "NoSuchBucket"
    assert error.response["Error"]["BucketName"] == name
    assert code_of(s3.get_object, Bucket=name, Key="k") == "NoSuchBucket"
    assert code_of(s3.delete_bucket, Bucket=name) == "NoSuchBucket"
    assert code_of(s3.get_bucket_location, Bucket=name) == "NoSuchBucket"


def test_delete_non_empty_bucket_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    error = error_of(s3.delete_bucket, Bucket=bucket)
    assert error.response["Error"]["Code"] == "BucketNotEmpty" and status_of(error) == 409


def test_versioning_states(s3, bucket):
    assert "Status" not in s3.get_bucket_versioning(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
