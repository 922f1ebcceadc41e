"""Bucket subresources kept as documents: tagging, public access block, ownership controls,
encryption, website, notifications, request payment, acceleration and ACLs (black-box boto3).

``failure`` and ``OWNER_ONLY`` serve the other ``test_config*``, ``test_cors*`` and
``test_policy*`` modules too.
"""

from __future__ import annotations

import pytest

from tests.services.s3.conftest import error_of, status_of, unique

OWNER_ONLY = {"BlockPublicAcls": False, "IgnorePublicAcls": False, "BlockPublicPolicy": False,
              "RestrictPublicBuckets": False}
ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def failure(call, **kwargs) -> tuple[int, str, str]:
    """``(HTTP status, error code, message)`` of a call expected to fail."""
    error = error_of(call, **kwargs)
    return status_of(error), error.response["Error"]["Code"], error.response["Error"]["Message"]


# --- tagging -------------------------------------------------------------------------------------


def test_tagging_round_trip_and_delete(s3, bucket):
    assert failure(s3.get_bucket_tagging, Bucket=bucket) == (404, "NoSuchTagSet", "The TagSet does not exist")
    tags = [{"Key": "team", "Value": "data"}, {"Key": "cost center", "Value": "a+b=c/d@e:f_g.h-i"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    assert s3.delete_bucket_tagging(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert failure(s3.get_bucket_tagging, Bucket=bucket)[1] == "NoSuchTagSet"


@pytest.mark.parametrize("tags, message", [
    ([{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}], "Cannot provide multiple Tags with the same key"),
    ([{"Key": "k" * 129, "Value": "v"}], "The TagKey you have provided is invalid"),
    ([{"Key": "k", "Value": "v" * 257}], "The TagValue you have provided is invalid"),
    ([{"Key": "bad#key", "Value": "v"}], "The TagKey you have provided is invalid"),
    ([{"Key": "aws:owner", "Value": "v"}], "Your TagKey cannot be prefixed with aws:"),
    ([{"Key": f"k{i}", "Value": "v"} for i in range(51)], "Bucket tag count cannot be greater than 50"),
])
def test_invalid_tags(s3, bucket, tags, message):
    assert failure(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": tags}) == (400, "InvalidTag", message)


def test_subresources_of_a_missing_bucket(s3):
    name = unique("hw-missing")
    for call in (s3.get_bucket_tagging, s3.get_public_access_block, s3.get_bucket_encryption,
                 s3.get_bucket_acl, s3.get_bucket_website):
        assert failure(call, Bucket=name)[:2] == (404, "NoSuchBucket")


def test_deleting_a_bucket_forgets_its_subresources(s3):
    name = unique()
    s3.create_bucket(Bucket=name)
    s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    s3.delete_public_access_block(Bucket=name)
    s3.delete_bucket(Bucket=name)
    s3.create_bucket(Bucket=name)
    try:
        assert failure(s3.get_bucket_tagging, Bucket=name)[1] == "NoSuchTagSet"
        assert all(s3.get_public_access_block(Bucket=name)["PublicAccessBlockConfiguration"].values())
    finally:
        s3.delete_bucket(Bucket=name)


def test_subresources_survive_a_restart(local, tmp_path):
    from tests.server import start_server

    first = start_server(tmp_path)
    try:
        s3 = first.client("s3")
        s3.create_bucket(Bucket="durable-configs")
        s3.put_bucket_tagging(Bucket="durable-configs", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        s3.delete_bucket_ownership_controls(Bucket="durable-configs")
    finally:
        first.stop()
    second = start_server(tmp_path)
    try:
        s3 = second.client("s3")
        assert s3.get_bucket_tagging(Bucket="durable-configs")["TagSet"] == [{"Key": "k", "Value": "v"}]
        assert failure(s3.get_bucket_ownership_controls, Bucket="durable-configs")[1] == (
            "OwnershipControlsNotFoundError")
    finally:
        second.stop()


def test_expected_bucket_owner_must_match(s3, bucket):
    assert failure(s3.get_bucket_tagging, Bucket=bucket, ExpectedBucketOwner="111111111111")[:2] == (
        403, "AccessDenied")


# --- public access block, ownership, encryption ---------------------------------------------------


def test_public_access_block_defaults_put_and_delete(s3, bucket):
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
                     "RestrictPublicBuckets": True}
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicPolicy": True})
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert block == {**OWNER_ONLY, "BlockPublicPolicy": True}
    s3.delete_public_access_block(Bucket=bucket)
    assert failure(s3.get_public_access_block, Bucket=bucket) == (
        404, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")


def test_ownership_controls(s3, bucket):
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    assert failure(s3.get_bucket_ownership_controls, Bucket=bucket) == (
        404, "OwnershipControlsNotFoundError", "The bucket ownership controls were not found")


def test_unknown_ownership_is_malformed(s3, bucket):
    status, code, _ = failure(s3.put_bucket_ownership_controls, Bucket=bucket,
                               OwnershipControls={"Rules": [{"ObjectOwnership": "Nobody"}]})
    assert (status, code) == (400, "MalformedXML")


def test_default_encryption(s3, bucket):
    default = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == default
    kms = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/k"},
                      "BucketKeyEnabled": True}]}
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == kms
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == default


def test_kms_key_needs_kms_encryption(s3, bucket):
    config = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]}
    status, code, message = failure(s3.put_bucket_encryption, Bucket=bucket, ServerSideEncryptionConfiguration=config)
    assert (status, code) == (400, "InvalidArgument") and "KMSMasterKeyID is not applicable" in message


# --- website, notifications, request payment, acceleration ---------------------------------------


def test_website(s3, bucket):
    assert failure(s3.get_bucket_website, Bucket=bucket) == (
        404, "NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration")
    config = {"IndexDocument": {"Suffix": "index.html"}, "ErrorDocument": {"Key": "error.html"}}
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    got = s3.get_bucket_website(Bucket=bucket)
    assert (got["IndexDocument"], got["ErrorDocument"]) == (config["IndexDocument"], config["ErrorDocument"])
    assert s3.delete_bucket_website(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert failure(s3.get_bucket_website, Bucket=bucket)[1] == "NoSuchWebsiteConfiguration"


def test_website_index_suffix_must_be_well_formed(s3, bucket):
    status, code, message = failure(s3.put_bucket_website, Bucket=bucket,
                                     WebsiteConfiguration={"IndexDocument": {"Suffix": "a/index.html"}})
    assert (status, code, message) == (400, "InvalidArgument", "The IndexDocument Suffix is not well formed")


def test_notification_configuration_is_stored(s3, bucket):
    empty = s3.get_bucket_notification_configuration(Bucket=bucket)
    assert not {"QueueConfigurations", "TopicConfigurations"} & set(empty)
    queue = {"Id": "q", "QueueArn": "arn:aws:sqs:us-east-1:000000000000:events", "Events": ["s3:ObjectCreated:*"]}
    s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [queue]})
    assert s3.get_bucket_notification_configuration(Bucket=bucket)["QueueConfigurations"] == [queue]


def test_request_payment(s3, bucket):
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


def test_accelerate(s3, bucket):
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"


def test_accelerate_refuses_dotted_buckets(s3):
    name = unique("hw.dotted")
    s3.create_bucket(Bucket=name)
    try:
        status, code, _ = failure(s3.put_bucket_accelerate_configuration, Bucket=name,
                                   AccelerateConfiguration={"Status": "Enabled"})
        assert (status, code) == (400, "InvalidRequest")
    finally:
        s3.delete_bucket(Bucket=name)


# --- ACLs ----------------------------------------------------------------------------------------


def _open_to_acls(s3, bucket):
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    s3.put_public_access_block(Bucket=bucket, PublicAccessBlockConfiguration=OWNER_ONLY)


def test_default_bucket_acl_is_the_owner_full_control(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    assert acl["Grants"] == [{"Grantee": {**acl["Owner"], "Type": "CanonicalUser"}, "Permission": "FULL_CONTROL"}]
    assert len(acl["Owner"]["ID"]) == 64


def test_acls_are_refused_while_the_owner_enforces_ownership(s3, bucket):
    assert failure(s3.put_bucket_acl, Bucket=bucket, ACL="public-read") == (
        400, "AccessControlListNotSupported", "The bucket does not allow ACLs")
    s3.put_bucket_acl(Bucket=bucket, ACL="private")


def test_public_acls_are_refused_while_blocked(s3, bucket):
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    status, code, message = failure(s3.put_bucket_acl, Bucket=bucket, ACL="public-read")
    assert (status, code) == (403, "AccessDenied") and "BlockPublicAcls" in message


def test_canned_bucket_acl(s3, bucket):
    _open_to_acls(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL", "READ"]
    assert grants[1]["Grantee"] == {"Type": "Group", "URI": ALL_USERS}
    assert failure(s3.put_bucket_ownership_controls, Bucket=bucket,
                    OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})[:2] == (
        400, "InvalidBucketAclWithObjectOwnership")


def test_acl_from_grant_headers_and_from_a_document(s3, bucket):
    _open_to_acls(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, GrantRead=f'uri="{ALL_USERS}"')
    assert s3.get_bucket_acl(Bucket=bucket)["Grants"] == [{"Grantee": {"Type": "Group", "URI": ALL_USERS},
                                                            "Permission": "READ"}]
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    policy = {"Owner": owner, "Grants": [{"Grantee": {"ID": owner["ID"], "Type": "CanonicalUser"},
                                          "Permission": "WRITE_ACP"}]}
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=policy)
    assert [grant["Permission"] for grant in s3.get_bucket_acl(Bucket=bucket)["Grants"]] == ["WRITE_ACP"]


def test_object_acl(s3, bucket):
    assert failure(s3.get_object_acl, Bucket=bucket, Key="missing")[:2] == (404, "NoSuchKey")
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    owner = s3.get_bucket_acl(Bucket=bucket)["Owner"]
    assert s3.get_object_acl(Bucket=bucket, Key="k")["Grants"][0]["Grantee"]["ID"] == owner["ID"]
    _open_to_acls(s3, bucket)
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    assert grants[1] == {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"}
    s3.put_object(Bucket=bucket, Key="k", Body=b"y")
    assert len(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]) == 1
