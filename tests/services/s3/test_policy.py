"""Bucket policies: validation as S3 does it, the public-policy block, status, and the policy the
enforcement layer reads (black-box boto3, plus the ``resource_policy`` hook)."""

from __future__ import annotations

import json

import pytest

from tests.services.s3.test_config import OWNER_ONLY, failure


def lab_policy(bucket: str, **statement) -> str:
    """The course lab's policy: anyone may read ``images/*``."""
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/images/*",
        **statement,
    }]})


def private_policy(bucket: str, **statement) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [{
        "Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::000000000000:user/reader"},
        "Action": ["s3:GetObject", "s3:ListBucket"],
        "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"], **statement,
    }]})


def test_the_lab_sequence_puts_a_public_policy_with_204(s3, bucket):
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OWNER_ONLY)
    response = s3.put_bucket_policy(Bucket=bucket, Policy=lab_policy(bucket))
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == lab_policy(bucket)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": True}


def test_public_policies_are_blocked_by_default(s3, bucket):
    status, code, message = failure(s3.put_bucket_policy, Bucket=bucket, Policy=lab_policy(bucket))
    assert (status, code) == (403, "AccessDenied")
    assert message.endswith("because public policies are blocked by the BlockPublicPolicy block public access "
                            "setting.")
    assert failure(s3.get_bucket_policy, Bucket=bucket)[:2] == (404, "NoSuchBucketPolicy")


def test_a_policy_for_named_principals_is_not_public(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=private_policy(bucket))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}


def test_an_ip_conditioned_allow_is_not_public(s3, bucket):
    condition = {"IpAddress": {"aws:SourceIp": "203.0.113.7"}}
    s3.put_bucket_policy(Bucket=bucket, Policy=lab_policy(bucket, Condition=condition))
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}


def test_delete_policy(s3, bucket):
    assert failure(s3.get_bucket_policy, Bucket=bucket) == (404, "NoSuchBucketPolicy",
                                                             "The bucket policy does not exist")
    assert failure(s3.get_bucket_policy_status, Bucket=bucket)[1] == "NoSuchBucketPolicy"
    s3.put_bucket_policy(Bucket=bucket, Policy=private_policy(bucket))
    assert s3.delete_bucket_policy(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert failure(s3.get_bucket_policy, Bucket=bucket)[1] == "NoSuchBucketPolicy"


def test_policy_of_a_missing_bucket(s3):
    assert failure(s3.put_bucket_policy, Bucket="hw-no-such-bucket-for-policy",
                    Policy=private_policy("hw-no-such-bucket-for-policy"))[:2] == (404, "NoSuchBucket")


def _statement(bucket: str, **changes) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": "000000000000"}, "Action": "s3:GetObject",
                 "Resource": f"arn:aws:s3:::{bucket}/*", **changes}
    return json.dumps({"Version": "2012-10-17", "Statement": [{k: v for k, v in statement.items() if v is not None}]})


@pytest.mark.parametrize("make, message", [
    (lambda b: "{not json", "This policy contains invalid Json"),
    (lambda b: json.dumps({"Version": "2012-10-17"}), "Missing required field Statement"),
    (lambda b: json.dumps({"Version": "2013-01-01", "Statement": []}),
     "The policy must contain a valid version string"),
    (lambda b: _statement(b, Principal=None), "Missing required field Principal"),
    (lambda b: _statement(b, Effect=None), "Missing required field Effect"),
    (lambda b: _statement(b, Effect="Permit"), "Invalid effect: Permit"),
    (lambda b: _statement(b, Principal={"AWS": "someone"}), "Invalid principal in policy"),
    (lambda b: _statement(b, Action="sqs:SendMessage"), "Policy has invalid action"),
    (lambda b: _statement(b, Resource="arn:aws:s3:::another-bucket/*"), "Policy has invalid resource"),
    (lambda b: _statement(b, Resource="*"), "Policy has invalid resource"),
    (lambda b: _statement(b, Resource=f"arn:aws:s3:::{b}"), "Action does not apply to any resource(s) in statement"),
    (lambda b: _statement(b, Action="s3:ListBucket"), "Action does not apply to any resource(s) in statement"),
])
def test_malformed_policies(s3, bucket, make, message):
    assert failure(s3.put_bucket_policy, Bucket=bucket, Policy=make(bucket)) == (400, "MalformedPolicy", message)


def test_wildcard_actions_apply_to_the_bucket_and_its_objects(s3, bucket):
    s3.put_bucket_policy(Bucket=bucket, Policy=_statement(bucket, Action="s3:*", Resource=f"arn:aws:s3:::{bucket}"))
    s3.put_bucket_policy(Bucket=bucket, Policy=_statement(bucket, Action="s3:Get*"))


def test_a_bucket_policy_lets_an_iam_user_read(s3, bucket, local):
    iam = local.client("iam")
    user = f"reader-{bucket[-8:]}"
    iam.create_user(UserName=user)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    reader = local.client("s3", key["AccessKeyId"], key["SecretAccessKey"])
    s3.put_object(Bucket=bucket, Key="csv/ratings.csv", Body=b"a,b")
    assert failure(reader.get_object, Bucket=bucket, Key="csv/ratings.csv")[:2] == (403, "AccessDenied")
    policy = json.dumps({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::000000000000:user/{user}"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/csv/*"}]})
    s3.put_bucket_policy(Bucket=bucket, Policy=policy)
    assert reader.get_object(Bucket=bucket, Key="csv/ratings.csv")["Body"].read() == b"a,b"
    s3.delete_bucket_policy(Bucket=bucket)
    assert failure(reader.get_object, Bucket=bucket, Key="csv/ratings.csv")[:2] == (403, "AccessDenied")


@pytest.fixture
def resource_policy(local):
    """The service hook enforcement calls, over the test server's S3 database."""
    from headwater import registry

    hook = registry.services()["s3"].hooks["resource_policy"]

    def call(arn: str):
        with local.app.database("s3").transaction(write=False) as conn:
            return hook(conn, arn)

    return call


def test_the_resource_tags_hook(s3, bucket, local):
    from headwater import registry

    hook = registry.services()["s3"].hooks["resource_tags"]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": "data"}]})
    with local.app.database("s3").transaction(write=False) as conn:
        assert hook(conn, f"arn:aws:s3:::{bucket}") == {"team": "data"}
        assert hook(conn, f"arn:aws:s3:::{bucket}/key") is None


def test_the_resource_policy_hook(s3, bucket, resource_policy):
    assert resource_policy(f"arn:aws:s3:::{bucket}") == ("000000000000", None)
    s3.put_bucket_policy(Bucket=bucket, Policy=private_policy(bucket))
    assert resource_policy(f"arn:aws:s3:::{bucket}/some/key") == ("000000000000", private_policy(bucket))
    assert resource_policy("arn:aws:s3:::hw-no-such-bucket-anywhere/key") is None
