"""Role sessions and session tokens: who they are, what they may do, and when they stop working."""

import pytest

from tests.iam_e2e.helpers import allow, denied, policy, unique


@pytest.fixture(scope="module")
def alice(principals):
    name = unique("alice")
    key = principals.user(name, allow("sts:AssumeRole"))
    return name, key


@pytest.fixture(scope="module")
def etl(principals, alice):
    name = unique("etl")
    arn = principals.role(name, principals.user_arn(alice[0]), allow(["dynamodb:ListTables", "sts:AssumeRole"]),
                          max_session=43200)
    return name, arn


def assume(principals, credentials, role_arn, **params):
    sts = principals.client("sts", credentials)
    return sts.assume_role(RoleArn=role_arn, RoleSessionName=params.pop("RoleSessionName", "s1"), **params)


def test_assumed_role_identity(principals, alice, etl):
    answer = assume(principals, alice[1], etl[1])
    arn = f"arn:aws:sts::{principals.account}:assumed-role/{etl[0]}/s1"
    assert answer["AssumedRoleUser"]["Arn"] == arn
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    identity = principals.client("sts", credentials).get_caller_identity()
    assert identity["Arn"] == arn
    assert identity["UserId"] == answer["AssumedRoleUser"]["AssumedRoleId"]
    assert identity["UserId"].startswith("AROA") and identity["UserId"].endswith(":s1")


def test_session_acts_with_the_role_s_permissions(principals, alice, etl):
    credentials = assume(principals, alice[1], etl[1])["Credentials"]
    dynamodb = principals.client("dynamodb", credentials)
    assert "TableNames" in dynamodb.list_tables()
    error = denied(dynamodb.describe_table, TableName="anything")
    arn = f"arn:aws:sts::{principals.account}:assumed-role/{etl[0]}/s1"
    assert error["Message"].startswith(f"User: {arn} is not authorized to perform: dynamodb:DescribeTable")


def test_credentials_expire_by_the_clock(principals, alice, etl, clock):
    """E2E-07, E2E-08, E2E-09."""
    credentials = assume(principals, alice[1], etl[1], DurationSeconds=900)["Credentials"]
    dynamodb, sts = principals.client("dynamodb", credentials), principals.client("sts", credentials)
    clock.advance(899)
    assert "TableNames" in dynamodb.list_tables()
    clock.advance(2)
    assert denied(dynamodb.list_tables) == {"Code": "ExpiredTokenException", "Status": 400,
                                            "Message": "The security token included in the request is expired"}
    assert denied(sts.get_caller_identity) == {"Code": "ExpiredToken", "Status": 403,
                                               "Message": "The security token included in the request is expired"}


def test_a_wrong_session_token_is_invalid(principals, alice, etl):
    credentials = {**assume(principals, alice[1], etl[1])["Credentials"], "SessionToken": "bogus"}
    error = denied(principals.client("dynamodb", credentials).list_tables)
    assert (error["Code"], error["Status"]) == ("UnrecognizedClientException", 400)


def test_trust_policy_must_name_the_caller(principals):
    """E2E-15."""
    name = unique("outsider")
    key = principals.user(name, allow("sts:AssumeRole"))
    someone_else = unique("someone")
    principals.user(someone_else)
    arn = principals.role(unique("closed"), principals.user_arn(someone_else))
    error = denied(assume, principals, key, arn)
    assert error == {"Code": "AccessDenied", "Status": 403,
                     "Message": f"User: {principals.user_arn(name)} is not authorized to perform: sts:AssumeRole on "
                                f"resource: {arn}"}


def test_account_trust_needs_the_caller_s_own_permission(principals):
    role = principals.role(unique("shared"), principals.account)
    assert assume(principals, principals.user(unique("permitted"), allow("sts:AssumeRole", role)), role)
    assert denied(assume, principals, principals.user(unique("unpermitted")), role)["Code"] == "AccessDenied"


def test_root_may_not_assume_roles(principals, etl):
    error = denied(principals.server.client("sts").assume_role, RoleArn=etl[1], RoleSessionName="root")
    assert error["Message"] == "Roles may not be assumed by root accounts."


def test_duration_is_limited_by_the_role(principals, alice):
    role = principals.role(unique("short"), principals.user_arn(alice[0]), max_session=3600)
    error = denied(assume, principals, alice[1], role, DurationSeconds=7200)
    assert error["Code"] == "ValidationError"
    assert "MaxSessionDuration" in error["Message"]


def test_role_chaining_is_limited_to_an_hour(principals, alice, etl):
    """E2E-10."""
    session = assume(principals, alice[1], etl[1])["Credentials"]
    loader = principals.role(unique("loader"), etl[1], max_session=43200)
    error = denied(assume, principals, session, loader, DurationSeconds=7200)
    assert error["Message"].startswith("The requested DurationSeconds exceeds the 1 hour session limit for roles "
                                       "assumed by role chaining")
    assert assume(principals, session, loader, DurationSeconds=3600)["Credentials"]


def test_session_policy_narrows_the_role(principals, alice, etl):
    credentials = assume(principals, alice[1], etl[1], RoleSessionName="narrow",
                         Policy=policy(allow("dynamodb:DescribeTable")))["Credentials"]
    error = denied(principals.client("dynamodb", credentials).list_tables)
    assert error["Message"].endswith("because no session policy allows the dynamodb:ListTables action")


def test_malformed_session_policy(principals, alice, etl):
    error = denied(assume, principals, alice[1], etl[1], Policy='{"Statement": "nope"}')
    assert (error["Code"], error["Status"]) == ("MalformedPolicyDocument", 400)


def test_external_id_condition(principals, alice):
    role = unique("vendor")
    trust = policy({"Effect": "Allow", "Principal": {"AWS": principals.user_arn(alice[0])}, "Action": "sts:AssumeRole",
                    "Condition": {"StringEquals": {"sts:ExternalId": "secret-handshake"}}})
    arn = principals.root_iam.create_role(RoleName=role, AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    assert denied(assume, principals, alice[1], arn)["Code"] == "AccessDenied"
    assert assume(principals, alice[1], arn, ExternalId="secret-handshake")["Credentials"]


def test_session_tags_become_principal_tags(principals, alice):
    role = principals.role(unique("tagged"), principals.user_arn(alice[0]),
                           allow("dynamodb:ListTables", Condition={"StringEquals": {"aws:PrincipalTag/team": "data"}}))
    tagged = assume(principals, alice[1], role, Tags=[{"Key": "team", "Value": "data"}])
    assert tagged["PackedPolicySize"] >= 1
    assert "TableNames" in principals.client("dynamodb", tagged["Credentials"]).list_tables()
    untagged = assume(principals, alice[1], role, Tags=[{"Key": "team", "Value": "web"}])["Credentials"]
    assert denied(principals.client("dynamodb", untagged).list_tables)["Code"] == "AccessDeniedException"


def test_get_session_token(principals, clock):
    name = unique("gst")
    key = principals.user(name, allow("dynamodb:ListTables"))
    credentials = principals.client("sts", key).get_session_token(DurationSeconds=900)["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    assert principals.client("sts", credentials).get_caller_identity()["Arn"] == principals.user_arn(name)
    assert "TableNames" in principals.client("dynamodb", credentials).list_tables()
    error = denied(principals.client("sts", credentials).get_session_token)
    assert error["Message"] == "Cannot call GetSessionToken with session credentials"
    clock.advance(900)
    assert denied(principals.client("dynamodb", credentials).list_tables)["Code"] == "ExpiredTokenException"


def test_mfa_absent_for_long_term_keys_present_for_sessions(principals):
    """IAM-49/50: the BoolIfExists MFA deny stops long-term keys; an MFA session passes."""
    statements = (allow("dynamodb:ListTables"),
                  {"Effect": "Deny", "Action": "dynamodb:ListTables", "Resource": "*",
                   "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}})
    key = principals.user(unique("mfa"), *statements)
    assert denied(principals.client("dynamodb", key).list_tables)["Code"] == "AccessDeniedException"
    credentials = principals.client("sts", key).get_session_token(
        SerialNumber="arn:aws:iam::000000000000:mfa/device", TokenCode="123456")["Credentials"]
    assert "TableNames" in principals.client("dynamodb", credentials).list_tables()
