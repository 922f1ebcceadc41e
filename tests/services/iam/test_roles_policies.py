"""Roles, managed policies (versions, attachments, AWS managed), inline policies, boundaries."""

import json

import pytest
from botocore.exceptions import ClientError

from tests.services.iam.conftest import allow, trust

ACCOUNT = "000000000000"
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


def code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def message(excinfo):
    return excinfo.value.response["Error"]["Message"]


def test_role_lifecycle(iam, name):
    document = trust({"Service": "lambda.amazonaws.com"})
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=document, Description="d",
                           MaxSessionDuration=7200)["Role"]
    assert role["RoleId"].startswith("AROA") and role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/{name}"
    got = iam.get_role(RoleName=name)["Role"]
    assert got["AssumeRolePolicyDocument"] == json.loads(document)
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "d"
    iam.update_role(RoleName=name, MaxSessionDuration=43200)
    new_trust = trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=new_trust)
    got = iam.get_role(RoleName=name)["Role"]
    assert got["MaxSessionDuration"] == 43200 and got["AssumeRolePolicyDocument"] == json.loads(new_trust)
    assert name in [r["RoleName"] for r in iam.list_roles()["Roles"]]
    iam.delete_role(RoleName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_role(RoleName=name)
    assert message(excinfo) == f"The role with name {name} cannot be found."


def test_max_session_duration_is_bounded_by_the_model(aws, name):
    unchecked = aws("iam", parameter_validation=False)
    with pytest.raises(ClientError) as excinfo:
        unchecked.create_role(RoleName=name, AssumeRolePolicyDocument=trust("*"), MaxSessionDuration=100)
    assert code(excinfo) == "ValidationError"


def test_trust_policy_must_name_existing_principals(iam, name):
    ghost = f"arn:aws:iam::{ACCOUNT}:user/{name}-ghost"
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"AWS": ghost}))
    assert code(excinfo) == "MalformedPolicyDocument"
    assert message(excinfo) == f'Invalid principal in policy: "AWS":"{ghost}"'


def test_trust_policy_needs_a_principal(iam, name):
    document = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole"}]})
    with pytest.raises(ClientError) as excinfo:
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=document)
    assert code(excinfo) == "MalformedPolicyDocument"


def test_managed_policy_versions(iam, name):
    policy = iam.create_policy(PolicyName=name, PolicyDocument=allow("s3:GetObject"))["Policy"]
    arn = policy["Arn"]
    assert policy["PolicyId"].startswith("ANPA") and arn == f"arn:aws:iam::{ACCOUNT}:policy/{name}"
    assert policy["DefaultVersionId"] == "v1"
    for n in range(2, 6):
        created = iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow(f"s3:Get{n}"), SetAsDefault=n == 3)
        assert created["PolicyVersion"]["VersionId"] == f"v{n}"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=allow("s3:Get6"))
    assert code(excinfo) == "LimitExceeded"
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert (code(excinfo), message(excinfo)) == ("DeleteConflict", "Cannot delete the default version of a policy.")
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]
    assert version["IsDefaultVersion"] and version["Document"]["Statement"][0]["Action"] == "s3:Get3"
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    listed = [v["VersionId"] for v in iam.list_policy_versions(PolicyArn=arn)["Versions"]]
    assert listed == ["v5", "v4", "v2", "v1"]
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy_version(PolicyArn=arn, VersionId="v3")
    assert code(excinfo) == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=arn)
    assert code(excinfo) == "DeleteConflict"
    for version in ("v4", "v2", "v1"):
        iam.delete_policy_version(PolicyArn=arn, VersionId=version)
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.get_policy(PolicyArn=arn)
    assert message(excinfo) == f"Policy {arn} does not exist or is not attachable."


def test_duplicate_policy_name(iam, name):
    iam.create_policy(PolicyName=name, PolicyDocument=allow("s3:GetObject"))
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=name, PolicyDocument=allow("s3:GetObject"))
    assert code(excinfo) == "EntityAlreadyExists"


def test_malformed_and_oversized_documents(iam, name):
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=name, PolicyDocument='{"Version": "2012-10-17", "Statement": [{"Effect": '
                                                            '"allow", "Action": "s3:*", "Resource": "*"}]}')
    assert code(excinfo) == "MalformedPolicyDocument"
    big = allow([f"s3:GetObject{n:05}" for n in range(400)])
    with pytest.raises(ClientError) as excinfo:
        iam.create_policy(PolicyName=name, PolicyDocument=big)
    assert (code(excinfo), message(excinfo)) == ("LimitExceeded", "Cannot exceed quota for PolicySize: 6144")
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=big)
    assert message(excinfo) == f"Maximum policy size of 2048 bytes exceeded for user {name}"


def test_aws_managed_policies_are_listed_and_attachable(iam, name):
    aws = {p["PolicyName"]: p for p in iam.list_policies(Scope="AWS", MaxItems=1000)["Policies"]}
    expected = {"AdministratorAccess", "ReadOnlyAccess", "AmazonS3ReadOnlyAccess", "AmazonS3FullAccess",
                "AmazonDynamoDBFullAccess", "AmazonDynamoDBReadOnlyAccess", "AmazonKinesisFullAccess",
                "AmazonSQSFullAccess", "CloudWatchLogsFullAccess", "AmazonRDSFullAccess", "AmazonVPCFullAccess"}
    assert expected <= set(aws)
    assert aws["AdministratorAccess"]["Arn"] == "arn:aws:iam::aws:policy/AdministratorAccess"
    policy = iam.get_policy(PolicyArn=READ_ONLY)["Policy"]
    document = iam.get_policy_version(PolicyArn=READ_ONLY, VersionId=policy["DefaultVersionId"])
    assert "s3:Get*" in document["PolicyVersion"]["Document"]["Statement"][0]["Action"]
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    iam.attach_role_policy(RoleName=name, PolicyArn=READ_ONLY)
    assert iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}]
    entities = iam.list_entities_for_policy(PolicyArn=READ_ONLY)
    assert name in [r["RoleName"] for r in entities["PolicyRoles"]]
    assert iam.get_policy(PolicyArn=READ_ONLY)["Policy"]["AttachmentCount"] >= 1
    local = iam.list_policies(Scope="Local")["Policies"]
    assert all(not p["Arn"].startswith("arn:aws:iam::aws:") for p in local)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_policy(PolicyArn=READ_ONLY)
    assert code(excinfo) in ("InvalidInput", "DeleteConflict")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName=name)
    assert message(excinfo) == "Cannot delete entity, must detach all policies first."
    iam.detach_role_policy(RoleName=name, PolicyArn=READ_ONLY)
    with pytest.raises(ClientError) as excinfo:
        iam.detach_role_policy(RoleName=name, PolicyArn=READ_ONLY)
    assert code(excinfo) == "NoSuchEntity"


def test_attach_limits_and_unknown_policies(iam, name):
    iam.create_group(GroupName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.attach_group_policy(GroupName=name, PolicyArn=f"arn:aws:iam::{ACCOUNT}:policy/{name}-none")
    assert code(excinfo) == "NoSuchEntity"
    arns = [iam.create_policy(PolicyName=f"{name}{n}", PolicyDocument=allow("s3:GetObject"))["Policy"]["Arn"]
            for n in range(11)]
    for arn in arns[:10]:
        iam.attach_group_policy(GroupName=name, PolicyArn=arn)
    with pytest.raises(ClientError) as excinfo:
        iam.attach_group_policy(GroupName=name, PolicyArn=arns[10])
    assert (code(excinfo), message(excinfo)) == ("LimitExceeded", "Cannot exceed quota for PoliciesPerGroup: 10")


def test_inline_policies_for_each_kind(iam, name):
    iam.create_user(UserName=name)
    iam.create_group(GroupName=name)
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    document = allow("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:000000000000:table/Orders")
    for kind, put, get, listed, delete in (
        ("UserName", iam.put_user_policy, iam.get_user_policy, iam.list_user_policies, iam.delete_user_policy),
        ("GroupName", iam.put_group_policy, iam.get_group_policy, iam.list_group_policies, iam.delete_group_policy),
        ("RoleName", iam.put_role_policy, iam.get_role_policy, iam.list_role_policies, iam.delete_role_policy),
    ):
        put(**{kind: name}, PolicyName="ReadOrders", PolicyDocument=document)
        got = get(**{kind: name}, PolicyName="ReadOrders")
        assert got[kind] == name and got["PolicyDocument"] == json.loads(document)
        assert listed(**{kind: name})["PolicyNames"] == ["ReadOrders"]
        delete(**{kind: name}, PolicyName="ReadOrders")
        with pytest.raises(ClientError) as excinfo:
            get(**{kind: name}, PolicyName="ReadOrders")
        assert code(excinfo) == "NoSuchEntity"
    assert message(excinfo) == "The role policy with name ReadOrders cannot be found."


def test_permissions_boundaries(iam, name):
    iam.create_user(UserName=name, PermissionsBoundary=READ_ONLY)
    assert iam.get_user(UserName=name)["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": READ_ONLY}
    iam.delete_user_permissions_boundary(UserName=name)
    assert "PermissionsBoundary" not in iam.get_user(UserName=name)["User"]
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=READ_ONLY)
    assert iam.get_role(RoleName=name)["Role"]["PermissionsBoundary"]["PermissionsBoundaryArn"] == READ_ONLY
    with pytest.raises(ClientError) as excinfo:
        iam.put_role_permissions_boundary(RoleName=name, PermissionsBoundary=f"arn:aws:iam::{ACCOUNT}:policy/none")
    assert code(excinfo) == "NoSuchEntity"


def test_policy_and_role_tags(iam, name):
    arn = iam.create_policy(PolicyName=name, PolicyDocument=allow("s3:GetObject"),
                            Tags=[{"Key": "a", "Value": "1"}])["Policy"]["Arn"]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "b", "Value": "2"}])
    iam.untag_policy(PolicyArn=arn, TagKeys=["a"])
    assert iam.list_policy_tags(PolicyArn=arn)["Tags"] == [{"Key": "b", "Value": "2"}]
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}),
                    Tags=[{"Key": "env", "Value": "dev"}])
    assert iam.list_role_tags(RoleName=name)["Tags"] == [{"Key": "env", "Value": "dev"}]


def test_instance_profiles(iam, name):
    profile = iam.create_instance_profile(InstanceProfileName=name)["InstanceProfile"]
    assert profile["InstanceProfileId"].startswith("AIPA")
    iam.create_role(RoleName=name, AssumeRolePolicyDocument=trust({"Service": "ec2.amazonaws.com"}))
    iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=name)
    assert [r["RoleName"] for r in iam.get_instance_profile(InstanceProfileName=name)["InstanceProfile"]["Roles"]] \
        == [name]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_role(RoleName=name)
    assert message(excinfo) == "Cannot delete entity, must remove roles from instance profile first."
    iam.remove_role_from_instance_profile(InstanceProfileName=name, RoleName=name)
    iam.delete_instance_profile(InstanceProfileName=name)
    iam.delete_role(RoleName=name)


def test_account_authorization_details(iam, name):
    iam.create_user(UserName=name)
    iam.create_group(GroupName=name)
    iam.add_user_to_group(GroupName=name, UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=allow("s3:GetObject"))
    iam.attach_user_policy(UserName=name, PolicyArn=READ_ONLY)
    details = iam.get_account_authorization_details(Filter=["User", "AWSManagedPolicy"])
    user = next(u for u in details["UserDetailList"] if u["UserName"] == name)
    assert user["GroupList"] == [name]
    assert user["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "s3:GetObject"
    assert user["AttachedManagedPolicies"] == [{"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}]
    assert "GroupDetailList" not in details
    assert READ_ONLY in [p["Arn"] for p in details["Policies"]]
