"""Users and groups through boto3: lifecycle, errors, membership, pagination, tags."""

import pytest
from botocore.exceptions import ClientError

from tests.services.iam.conftest import allow


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"], \
        excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def test_user_lifecycle(iam, name):
    created = iam.create_user(UserName=name, Path="/team/", Tags=[{"Key": "k", "Value": "v"}])["User"]
    assert created["UserId"].startswith("AIDA") and len(created["UserId"]) == 21
    assert created["Arn"] == f"arn:aws:iam::000000000000:user/team/{name}"
    user = iam.get_user(UserName=name)["User"]
    assert user["Tags"] == [{"Key": "k", "Value": "v"}] and user["Path"] == "/team/"
    assert name in [u["UserName"] for u in iam.list_users(PathPrefix="/team/")["Users"]]
    assert name not in [u["UserName"] for u in iam.list_users(PathPrefix="/other/")["Users"]]
    iam.update_user(UserName=name, NewUserName=name + "x")
    assert iam.get_user(UserName=name + "x")["User"]["Arn"].endswith(f"/team/{name}x")
    iam.delete_user(UserName=name + "x")
    with pytest.raises(ClientError) as excinfo:
        iam.get_user(UserName=name + "x")
    assert error(excinfo) == ("NoSuchEntity", f"The user with name {name}x cannot be found.", 404)


def test_user_names_are_unique_regardless_of_case(iam, name):
    iam.create_user(UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName=name.upper())
    assert error(excinfo) == ("EntityAlreadyExists", f"User with name {name.upper()} already exists.", 409)


def test_model_constraints_are_validation_errors(iam):
    with pytest.raises(ClientError) as excinfo:
        iam.create_user(UserName="bad name!")
    assert excinfo.value.response["Error"]["Code"] == "ValidationError"


def test_delete_user_refuses_while_it_has_policies_keys_or_groups(iam, name):
    iam.create_user(UserName=name)
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error(excinfo) == ("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409)
    iam.detach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    key = iam.create_access_key(UserName=name)["AccessKey"]["AccessKeyId"]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error(excinfo)[1] == "Cannot delete entity, must delete access keys first."
    iam.delete_access_key(UserName=name, AccessKeyId=key)
    iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=allow("s3:GetObject"))
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error(excinfo)[1] == "Cannot delete entity, must delete policies first."
    iam.delete_user_policy(UserName=name, PolicyName="p")
    iam.create_group(GroupName=name)
    iam.add_user_to_group(GroupName=name, UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.delete_user(UserName=name)
    assert error(excinfo)[1] == "Cannot delete entity, must remove users from group first."
    iam.remove_user_from_group(GroupName=name, UserName=name)
    iam.delete_user(UserName=name)


def test_pagination_walks_every_user(iam, name):
    for n in range(5):
        iam.create_user(UserName=f"{name}{n}", Path=f"/{name}/")
    first = iam.list_users(PathPrefix=f"/{name}/", MaxItems=2)
    assert first["IsTruncated"] and len(first["Users"]) == 2
    pages = iam.get_paginator("list_users").paginate(PathPrefix=f"/{name}/", PaginationConfig={"PageSize": 2})
    assert [u["UserName"] for page in pages for u in page["Users"]] == [f"{name}{n}" for n in range(5)]


def test_groups_and_membership(iam, name):
    group = iam.create_group(GroupName=name)["Group"]
    assert group["GroupId"].startswith("AGPA")
    iam.create_user(UserName=name)
    iam.add_user_to_group(GroupName=name, UserName=name)
    got = iam.get_group(GroupName=name)
    assert [u["UserName"] for u in got["Users"]] == [name]
    assert [g["GroupName"] for g in iam.list_groups_for_user(UserName=name)["Groups"]] == [name]
    with pytest.raises(ClientError) as excinfo:
        iam.delete_group(GroupName=name)
    assert error(excinfo)[0] == "DeleteConflict"
    iam.remove_user_from_group(GroupName=name, UserName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.remove_user_from_group(GroupName=name, UserName=name)
    assert error(excinfo)[0] == "NoSuchEntity"
    iam.update_group(GroupName=name, NewPath="/g/")
    assert iam.get_group(GroupName=name)["Group"]["Arn"].endswith(f":group/g/{name}")
    iam.delete_group(GroupName=name)
    with pytest.raises(ClientError) as excinfo:
        iam.get_group(GroupName=name)
    assert error(excinfo) == ("NoSuchEntity", f"The group with name {name} cannot be found.", 404)


def test_user_tags(iam, name):
    iam.create_user(UserName=name)
    iam.tag_user(UserName=name, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_user(UserName=name, Tags=[{"Key": "a", "Value": "3"}])
    iam.untag_user(UserName=name, TagKeys=["b"])
    assert iam.list_user_tags(UserName=name)["Tags"] == [{"Key": "a", "Value": "3"}]
    with pytest.raises(ClientError) as excinfo:
        iam.tag_user(UserName=name, Tags=[{"Key": f"k{n}", "Value": "v"} for n in range(50)])
    assert error(excinfo)[0] == "LimitExceeded"


def test_get_user_without_a_name_is_the_caller(iam, aws, server, name):
    assert iam.get_user()["User"]["Arn"] == "arn:aws:iam::000000000000:root"
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="self", PolicyDocument=allow("iam:GetUser"))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    as_user = server.client("iam", key["AccessKeyId"], key["SecretAccessKey"])
    assert as_user.get_user()["User"]["UserName"] == name
