"""Access keys: the secret shown once, the two-key limit, status, last use, and signing with them."""

import pytest
from botocore.exceptions import ClientError

from tests.services.iam.conftest import allow


def test_keys_sign_requests_as_their_user(iam, server, name):
    user = iam.create_user(UserName=name)["User"]
    key = iam.create_access_key(UserName=name)["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA") and len(key["AccessKeyId"]) == 20
    assert len(key["SecretAccessKey"]) == 40 and key["Status"] == "Active"
    sts = server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"] == user["Arn"]
    assert sts.get_caller_identity()["UserId"] == user["UserId"]
    listed = iam.list_access_keys(UserName=name)["AccessKeyMetadata"]
    assert [k["AccessKeyId"] for k in listed] == [key["AccessKeyId"]] and "SecretAccessKey" not in listed[0]
    used = iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert used["UserName"] == name and "LastUsedDate" in used["AccessKeyLastUsed"]


def test_a_wrong_secret_is_refused(iam, server, name):
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    with pytest.raises(ClientError) as excinfo:
        server.client("sts", key["AccessKeyId"], "not-the-secret").get_caller_identity()
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_inactive_keys_are_refused_until_reactivated(iam, server, name):
    iam.create_user(UserName=name)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    sts = server.client("sts", key["AccessKeyId"], key["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{name}")
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Inactive")
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] == "InvalidClientTokenId"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    iam.update_access_key(UserName=name, AccessKeyId=key["AccessKeyId"], Status="Active")
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{name}")


def test_two_keys_at_most_and_deleted_keys_stop_working(iam, server, name):
    iam.create_user(UserName=name)
    first = iam.create_access_key(UserName=name)["AccessKey"]
    iam.create_access_key(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.create_access_key(UserName=name)
    assert excinfo.value.response["Error"] == {
        "Type": "Sender", "Code": "LimitExceeded", "Message": "Cannot exceed quota for AccessKeysPerUser: 2"}
    sts = server.client("sts", first["AccessKeyId"], first["SecretAccessKey"])
    assert sts.get_caller_identity()["Arn"].endswith(f":user/{name}")
    iam.delete_access_key(UserName=name, AccessKeyId=first["AccessKeyId"])
    with pytest.raises(ClientError) as excinfo:
        sts.get_caller_identity()
    assert excinfo.value.response["Error"]["Code"] == "InvalidClientTokenId"
    with pytest.raises(ClientError) as excinfo:
        iam.delete_access_key(UserName=name, AccessKeyId=first["AccessKeyId"])
    assert excinfo.value.response["Error"]["Message"] == \
        f"The Access Key with id {first['AccessKeyId']} cannot be found."


def test_without_a_user_name_a_user_manages_its_own_keys(iam, server, name):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="own-keys",
                        PolicyDocument=allow(["iam:ListAccessKeys", "iam:CreateAccessKey"],
                                             f"arn:aws:iam::000000000000:user/{name}"))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    as_user = server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    second = as_user.create_access_key()["AccessKey"]
    assert second["UserName"] == name
    assert {k["AccessKeyId"] for k in as_user.list_access_keys()["AccessKeyMetadata"]} == {
        key["AccessKeyId"], second["AccessKeyId"]}
