"""S3 under IAM: bucket policies (aws:SourceIp, Principal "*", explicit denies), anonymous
callers, and a second account reaching in only where a bucket policy and its own policies allow."""

import json

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config

from tests.iam_e2e.helpers import allow, denied, policy, unique

SECOND_ACCOUNT = "111111111111"
SECOND_ROOT = {"AccessKeyId": "AKIASECONDACCOUNT001", "SecretAccessKey": "second-account-secret"}


@pytest.fixture(scope="module")
def bucket(hw):
    name = unique("data")
    s3 = hw.client("s3")
    s3.create_bucket(Bucket=name)
    s3.delete_public_access_block(Bucket=name)  # new buckets block public policies, as on AWS
    s3.put_object(Bucket=name, Key="csv/ratings.csv", Body=b"id,rating\n1,5\n")
    return name


def test_no_policy_no_access(principals, bucket):
    """E2E-12."""
    s3 = principals.client("s3", principals.user(unique("alice")))
    assert denied(s3.put_object, Bucket=bucket, Key="k", Body=b"x") == {
        "Code": "AccessDenied", "Message": "Access Denied", "Status": 403}


def test_source_ip_condition_follows_the_setting(hw, principals, bucket):
    """E2E-19: a bucket policy allowing everyone from one address, no identity policy."""
    hw.client("s3").put_bucket_policy(Bucket=bucket, Policy=policy({
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/csv/*",
        "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.7"}}}))
    s3 = principals.client("s3", principals.user(unique("student")))
    try:
        assert s3.get_object(Bucket=bucket, Key="csv/ratings.csv")["Body"].read() == b"id,rating\n1,5\n"
        hw.app.settings.source_ip = "198.51.100.1"
        assert denied(s3.get_object, Bucket=bucket, Key="csv/ratings.csv")["Code"] == "AccessDenied"
    finally:
        hw.app.settings.source_ip = "203.0.113.7"
        hw.client("s3").delete_bucket_policy(Bucket=bucket)


def test_bucket_policy_deny_beats_identity_allow(hw, principals, bucket):
    """E2E-18: HeadObject (s3:GetObject) fails with a bare 403."""
    hw.client("s3").put_bucket_policy(Bucket=bucket, Policy=policy({
        "Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
    s3 = principals.client("s3", principals.user(unique("engineer"), allow("s3:*")))
    try:
        assert denied(s3.head_object, Bucket=bucket, Key="csv/ratings.csv") == {
            "Code": "403", "Message": "Forbidden", "Status": 403}
        assert s3.list_objects_v2(Bucket=bucket)["KeyCount"] >= 1
    finally:
        hw.client("s3").delete_bucket_policy(Bucket=bucket)


def test_anonymous_callers_need_a_public_grant(hw, bucket):
    anonymous = boto3.client("s3", endpoint_url=hw.endpoint, region_name="us-east-1",
                             config=Config(signature_version=UNSIGNED, retries={"total_max_attempts": 1}))
    assert denied(anonymous.get_object, Bucket=bucket, Key="csv/ratings.csv")["Code"] == "AccessDenied"
    hw.client("s3").put_bucket_policy(Bucket=bucket, Policy=policy({
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}))
    try:
        assert anonymous.get_object(Bucket=bucket, Key="csv/ratings.csv")["Body"].read().startswith(b"id,")
        assert denied(anonymous.put_object, Bucket=bucket, Key="k", Body=b"x")["Code"] == "AccessDenied"
    finally:
        hw.client("s3").delete_bucket_policy(Bucket=bucket)


def test_missing_keys_are_403_without_list_bucket(principals, bucket):
    """E2E-01, E2E-02, E2E-03."""
    reader = principals.client("s3", principals.user(unique("reader"), allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*")))
    assert denied(reader.get_object, Bucket=bucket, Key="missing")["Code"] == "AccessDenied"
    assert denied(reader.head_object, Bucket=bucket, Key="missing") == {"Code": "403", "Message": "Forbidden",
                                                                        "Status": 403}
    lister = principals.client("s3", principals.user(
        unique("lister"), allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*"),
        allow("s3:ListBucket", f"arn:aws:s3:::{bucket}")))
    assert denied(lister.get_object, Bucket=bucket, Key="missing")["Code"] == "NoSuchKey"


# --- a second account ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def second(hw, principals):
    """Account 111111111111 (its root key), with a user bob allowed s3:GetObject everywhere
    and a user carol with no policy."""
    from headwater.services.iam import store

    with hw.app.database("iam").transaction() as conn:
        store.put_account_key(conn, SECOND_ACCOUNT, SECOND_ROOT["AccessKeyId"], SECOND_ROOT["SecretAccessKey"], 0.0)
    iam = principals.client("iam", SECOND_ROOT)
    bob = principals.user("bob", allow(["s3:GetObject", "sts:AssumeRole"]), iam=iam)
    carol = principals.user("carol", iam=iam)
    return {"root": SECOND_ROOT, "bob": bob, "carol": carol}


def test_second_account_principals_are_separate(hw, principals, second):
    identity = principals.client("sts", second["bob"]).get_caller_identity()
    assert identity["Arn"] == f"arn:aws:iam::{SECOND_ACCOUNT}:user/bob"
    assert principals.client("sts", second["root"]).get_caller_identity()["Account"] == SECOND_ACCOUNT
    own_users = [user["UserName"] for user in principals.client("iam", second["root"]).list_users()["Users"]]
    assert sorted(own_users) == ["bob", "carol"]
    assert "bob" not in [user["UserName"] for user in hw.client("iam").list_users()["Users"]]


def test_cross_account_needs_a_grant_and_the_caller_s_own_allow(hw, principals, second, bucket):
    bob, carol = (principals.client("s3", second[name]) for name in ("bob", "carol"))
    other_root = principals.client("s3", second["root"])
    for client in (bob, carol, other_root):
        assert denied(client.get_object, Bucket=bucket, Key="csv/ratings.csv")["Code"] == "AccessDenied"
    hw.client("s3").put_bucket_policy(Bucket=bucket, Policy=policy({
        "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{SECOND_ACCOUNT}:root"}, "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*"}))
    try:
        assert bob.get_object(Bucket=bucket, Key="csv/ratings.csv")["Body"].read().startswith(b"id,")
        assert other_root.get_object(Bucket=bucket, Key="csv/ratings.csv")["ContentLength"] > 0
        assert denied(carol.get_object, Bucket=bucket, Key="csv/ratings.csv")["Code"] == "AccessDenied"
        assert denied(bob.put_object, Bucket=bucket, Key="k", Body=b"x")["Code"] == "AccessDenied"
    finally:
        hw.client("s3").delete_bucket_policy(Bucket=bucket)


def test_cross_account_role(hw, principals, second):
    """A role trusting the second account: its users with their own sts:AssumeRole allow may assume it."""
    role = principals.role(unique("partner"), SECOND_ACCOUNT, allow("dynamodb:ListTables"))
    credentials = principals.client("sts", second["bob"]).assume_role(RoleArn=role, RoleSessionName="bob")
    session = principals.client("sts", credentials["Credentials"]).get_caller_identity()
    assert session["Account"] == principals.account
    assert "TableNames" in principals.client("dynamodb", credentials["Credentials"]).list_tables()
    error = denied(principals.client("sts", second["carol"]).assume_role, RoleArn=role, RoleSessionName="carol")
    assert error["Code"] == "AccessDenied"


def test_bucket_policy_is_json(hw, bucket):
    """The stored policy round-trips (what the authorizer reads is what was put)."""
    document = policy({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": f"arn:aws:s3:::{bucket}/*"})
    hw.client("s3").put_bucket_policy(Bucket=bucket, Policy=document)
    try:
        assert json.loads(hw.client("s3").get_bucket_policy(Bucket=bucket)["Policy"]) == json.loads(document)
    finally:
        hw.client("s3").delete_bucket_policy(Bucket=bucket)


def test_authorizer_conceals_missing_keys_from_callers_who_may_not_list(hw, principals, bucket):
    """The check behind E2E-01/02, asked of the authorizer directly."""
    from headwater.context import RequestContext
    from headwater.errors import ServiceError
    from headwater.http.message import HttpRequest

    missing = ServiceError("NoSuchKey", "The specified key does not exist.", 404)
    reader = principals.user(unique("reader"), allow("s3:GetObject", f"arn:aws:s3:::{bucket}/*"))
    lister = principals.user(unique("lister"), allow("s3:ListBucket", f"arn:aws:s3:::{bucket}"))

    def concealed(key):
        _, principal = hw.app.keys.resolve(key["AccessKeyId"])
        ctx = RequestContext(service="s3", operation="GetObject", region="us-east-1", principal=principal,
                             clock=hw.app.clock, request_id="r", settings=hw.app.settings,
                             request=HttpRequest("GET", f"/{bucket}/missing"))
        return hw.app.authorizer.conceal_missing(ctx, {"Bucket": bucket, "Key": "missing"}, missing)

    assert (concealed(reader).code, concealed(reader).status) == ("AccessDenied", 403)
    assert concealed(lister) is missing
