"""The request context: global keys from the caller and the request, service keys from parameters."""

from types import SimpleNamespace

import pytest

from headwater.auth import context_keys
from headwater.auth.keys import Principal
from headwater.config import Settings
from headwater.http.message import HttpRequest
from headwater.registry import Service
from headwater.storage.clock import FrozenClock

USER = Principal("123456789012", "arn:aws:iam::123456789012:user/alice", "AIDAALICE", "AKIAALICE", "user", "alice")
ROLE_SESSION = Principal("123456789012", "arn:aws:sts::123456789012:assumed-role/etl/s1", "AROAETL:s1", "ASIAX",
                         "assumed-role", "s1", "token", "arn:aws:iam::123456789012:role/etl")


def request_ctx(tmp_path, **settings):
    request = HttpRequest("POST", "/", headers={"user-agent": "Boto3/1.40"}, client_ip="127.0.0.1")
    return SimpleNamespace(clock=FrozenClock(1_767_225_600), settings=Settings(data_dir=tmp_path, **settings),
                           request=request, region="eu-west-1")


def test_request_keys_from_the_real_connection(tmp_path):
    keys = context_keys.request_keys(request_ctx(tmp_path))
    assert keys == {"aws:currenttime": ["2026-01-01T00:00:00Z"], "aws:epochtime": ["1767225600"],
                    "aws:sourceip": ["127.0.0.1"], "aws:securetransport": ["false"],
                    "aws:requestedregion": ["eu-west-1"], "aws:viaawsservice": ["false"],
                    "aws:useragent": ["Boto3/1.40"]}


def test_source_ip_and_secure_transport_are_configurable(tmp_path):
    keys = context_keys.request_keys(request_ctx(tmp_path, source_ip="203.0.113.7", secure_transport=True))
    assert keys["aws:sourceip"] == ["203.0.113.7"]
    assert keys["aws:securetransport"] == ["true"]


def test_user_keys_without_session():
    keys = context_keys.principal_keys(USER, {"Team": "data"})
    assert keys == {"aws:principaltype": ["User"], "aws:userid": ["AIDAALICE"],
                    "aws:principalarn": [USER.arn], "aws:principalaccount": ["123456789012"],
                    "aws:username": ["alice"], "aws:principaltag/team": ["data"]}
    assert "aws:multifactorauthpresent" not in keys


def test_role_session_keys():
    session = SimpleNamespace(issued_at=1_767_225_600.0, mfa=False, source_identity="alice")
    keys = context_keys.principal_keys(ROLE_SESSION, {}, session)
    assert keys["aws:principalarn"] == ["arn:aws:iam::123456789012:role/etl"]
    assert keys["aws:userid"] == ["AROAETL:s1"]
    assert keys["aws:principaltype"] == ["AssumedRole"]
    assert "aws:username" not in keys
    assert keys["aws:multifactorauthpresent"] == ["false"]
    assert keys["aws:tokenissuetime"] == ["2026-01-01T00:00:00Z"]
    assert keys["aws:sourceidentity"] == ["alice"]


@pytest.mark.parametrize("params, tags", [
    ({"Tags": [{"Key": "Env", "Value": "prod"}]}, {"Env": "prod"}),
    ({"tags": {"Env": "prod"}}, {"Env": "prod"}),
    ({"Tagging": {"TagSet": [{"Key": "Env", "Value": "prod"}]}}, {"Env": "prod"}),
    ({"Tagging": "Env=prod&Owner="}, {"Env": "prod", "Owner": ""}),
    ({"TableName": "T"}, None),
])
def test_request_tags_in_every_spelling(params, tags):
    assert context_keys.request_tags(params) == tags


def test_tag_keys():
    assert context_keys.tag_keys({"Tags": [{"Key": "Env", "Value": "prod"}]}) == {
        "aws:requesttag/env": ["prod"], "aws:tagkeys": ["Env"]}


def test_s3_listing_keys():
    keys = context_keys.parameter_keys("s3", "ListObjectsV2", {"Bucket": "b", "Prefix": "home/", "MaxKeys": 10})
    assert keys == {"s3:prefix": ["home/"], "s3:max-keys": ["10"]}
    assert context_keys.parameter_keys("s3", "ListObjects", {"Bucket": "b"}) == {"s3:prefix": [""]}


def test_dynamodb_attributes_and_leading_keys():
    params = {"TableName": "Thread", "Key": {"ID": {"S": "7"}}, "ProjectionExpression": "#m, Tags[0], PostedBy.name",
              "ExpressionAttributeNames": {"#m": "Message"}, "Select": "SPECIFIC_ATTRIBUTES"}
    keys = context_keys.parameter_keys("dynamodb", "GetItem", params)
    assert keys == {"dynamodb:attributes": ["ID", "Message", "PostedBy", "Tags"],
                    "dynamodb:select": ["SPECIFIC_ATTRIBUTES"]}
    assert context_keys.leading_keys(params, "ID") == ["7"]


def test_sts_keys():
    keys = context_keys.parameter_keys("sts", "AssumeRole", {"RoleArn": "r", "RoleSessionName": "s",
                                                             "ExternalId": "x1"})
    assert keys == {"sts:rolesessionname": ["s"], "sts:externalid": ["x1"]}


def test_transactions_ask_each_item_s_action():
    service = Service("dynamodb")
    service.operation("TransactWriteItems", resources="*")(lambda ctx, req: {})
    operation = service.operations["TransactWriteItems"]
    arns = ["arn:aws:dynamodb:us-east-1:1:table/A", "arn:aws:dynamodb:us-east-1:1:table/B"]
    params = {"TransactItems": [{"Put": {"TableName": "A", "Item": {}}},
                                {"ConditionCheck": {"TableName": "B", "Key": {}}}]}
    asked = context_keys.authorization_requests("dynamodb", operation, params, arns)
    assert [(action, arn) for action, arn, _ in asked] == [("dynamodb:PutItem", arns[0]),
                                                          ("dynamodb:ConditionCheckItem", arns[1])]
    assert asked[0][2]["dynamodb:enclosingoperation"] == ["TransactWriteItems"]


def test_builders_may_name_several_actions():
    service = Service("s3")
    service.operation("CopyObject", resources="*")(lambda ctx, req: {})
    pairs = [("s3:GetObject", "arn:aws:s3:::src/k"), ("s3:PutObject", "arn:aws:s3:::dst/k")]
    asked = context_keys.authorization_requests("s3", service.operations["CopyObject"], {}, pairs)
    assert [(action, arn) for action, arn, _ in asked] == pairs


# --- only the layers the policies read ----------------------------------------------------


def tagging_ctx(tmp_path):
    return SimpleNamespace(**vars(request_ctx(tmp_path)), service="dynamodb")


TAGGED = {"TableName": "T", "Tags": [{"Key": "Env", "Value": "prod"}]}


def test_a_context_without_wanted_keys_is_the_principal_s_own():
    principal = context_keys.principal_keys(USER, {})
    assert context_keys.request_context(None, "CreateTable", TAGGED, principal, frozenset()) is principal
    assert context_keys.request_context(None, "CreateTable", TAGGED, principal,
                                        frozenset({"aws:principaltag/team"})) is principal


def test_only_the_request_keys_read(tmp_path):
    context = context_keys.request_context(tagging_ctx(tmp_path), "CreateTable", TAGGED,
                                           context_keys.principal_keys(USER, {}), frozenset({"aws:sourceip"}))
    assert context["aws:sourceip"] == ["127.0.0.1"] and context["aws:username"] == ["alice"]
    assert "aws:requesttag/env" not in context and "aws:currenttime" not in context


@pytest.mark.parametrize("key", ["aws:requesttag/env", "aws:tagkeys", "dynamodb:attributes"])
def test_parameter_keys_only_when_one_is_read(tmp_path, key):
    context = context_keys.request_context(tagging_ctx(tmp_path), "CreateTable", TAGGED,
                                           context_keys.principal_keys(USER, {}), frozenset({key}))
    assert context["aws:requesttag/env"] == ["prod"]
    assert "aws:sourceip" not in context


def test_every_layer_without_a_wanted_set(tmp_path):
    context = context_keys.request_context(tagging_ctx(tmp_path), "CreateTable", TAGGED,
                                           context_keys.principal_keys(USER, {}))
    assert {"aws:username", "aws:sourceip", "aws:requesttag/env"} <= set(context)
