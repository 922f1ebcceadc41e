"""Lifecycle configuration: round trip, S3's validation errors, and the rules the expiration task reads."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tests.services.s3.test_config import failure


def rule(**members) -> dict:
    base = {"ID": "expire-logs", "Status": "Enabled", "Filter": {"Prefix": "logs/"}, "Expiration": {"Days": 30}}
    return {key: value for key, value in {**base, **members}.items() if value is not None}


def put(s3, bucket, *rules, **extra):
    return s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": list(rules)}, **extra)


def test_round_trip_and_delete(s3, bucket):
    assert failure(s3.get_bucket_lifecycle_configuration, Bucket=bucket) == (
        404, "NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist")
    rules = [
        rule(),
        rule(ID="tmp", Filter={"And": {"Prefix": "tmp/", "Tags": [{"Key": "kind", "Value": "scratch"}],
                                       "ObjectSizeGreaterThan": 10}},
             Expiration=None, NoncurrentVersionExpiration={"NoncurrentDays": 7},
             Transitions=[{"Days": 30, "StorageClass": "STANDARD_IA"}]),
        rule(ID="uploads", Filter={}, Expiration=None, AbortIncompleteMultipartUpload={"DaysAfterInitiation": 2}),
    ]
    response = put(s3, bucket, *rules)
    assert response["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"] == rules
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"
    assert s3.delete_bucket_lifecycle(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert failure(s3.get_bucket_lifecycle_configuration, Bucket=bucket)[1] == "NoSuchLifecycleConfiguration"


def test_expiration_date_and_minimum_size_setting(s3, bucket):
    midnight = datetime(2030, 1, 1, tzinfo=timezone.utc)
    put(s3, bucket, rule(Expiration={"Date": midnight}), TransitionDefaultMinimumObjectSize="varies_by_storage_class")
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    assert got["Rules"][0]["Expiration"] == {"Date": midnight}
    assert got["TransitionDefaultMinimumObjectSize"] == "varies_by_storage_class"


@pytest.mark.parametrize("rules, expected", [
    ([rule(Expiration={"Days": 0})], ("InvalidArgument", "'Days' for Expiration action must be a positive integer")),
    ([rule(ID="x" * 256)], ("InvalidArgument", "ID length should not exceed allowed limit of 255")),
    ([rule(), rule()], ("InvalidArgument", "RuleId must be unique. Found same ID for more than one rule")),
    ([rule(Expiration=None)], ("InvalidRequest", "At least one action needs to be specified in a rule")),
    ([rule(Expiration={"Date": datetime(2030, 1, 1, 12, tzinfo=timezone.utc)})],
     ("InvalidArgument", "'Date' must be at midnight GMT")),
    ([rule(NoncurrentVersionExpiration={"NoncurrentDays": 0})],
     ("InvalidArgument", "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer")),
    ([rule(Transitions=[{"Days": 5, "StorageClass": "STANDARD_IA"}])],
     ("InvalidArgument",
      "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'")),
    ([rule(Filter={"Tag": {"Key": "k", "Value": "v"}}, Expiration={"ExpiredObjectDeleteMarker": True})],
     ("InvalidRequest", "ExpiredObjectDeleteMarker cannot be specified with tags")),
    ([rule(Filter={"Tag": {"Key": "k", "Value": "v"}}, AbortIncompleteMultipartUpload={"DaysAfterInitiation": 1})],
     ("InvalidRequest", "AbortIncompleteMultipartUpload cannot be specified with Tags.")),
    ([rule(Prefix="logs/")], ("MalformedXML", None)),
    ([rule(Filter=None)], ("MalformedXML", None)),
    ([rule(Filter={"Prefix": "a", "ObjectSizeLessThan": 5})], ("MalformedXML", None)),
    ([rule(Status="On")], ("MalformedXML", None)),
])
def test_invalid_configurations(s3, bucket, rules, expected):
    status, code, message = failure(s3.put_bucket_lifecycle_configuration, Bucket=bucket,
                                     LifecycleConfiguration={"Rules": rules})
    assert status == 400 and code == expected[0]
    assert expected[1] is None or message == expected[1]


@pytest.fixture
def lifecycle_rules(local):
    """``configs.lifecycle_rules`` over the test server's S3 database."""
    from headwater.services.s3 import configs

    def read(bucket: str) -> list[dict]:
        with local.app.database("s3").transaction(write=False) as conn:
            return configs.lifecycle_rules(conn, bucket)

    return read


def test_rules_for_the_expiration_task(s3, bucket, lifecycle_rules):
    assert lifecycle_rules(bucket) == []
    midnight = datetime(2030, 1, 1, tzinfo=timezone.utc)
    put(s3, bucket, rule(), rule(ID="dated", Expiration={"Date": midnight}))
    rules = lifecycle_rules(bucket)
    assert [r["ID"] for r in rules] == ["expire-logs", "dated"]
    assert rules[0]["Filter"] == {"Prefix": "logs/"} and rules[0]["Expiration"] == {"Days": 30}
    assert rules[1]["Expiration"]["Date"] == midnight
