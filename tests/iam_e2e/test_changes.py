"""What the authorizer and the key resolver remember is never stale: a change to a user's
keys or policies, through the IAM API or straight into the IAM database by another
connection (as ``headwater iam load`` writes it), governs the very next request."""

import json
import sqlite3
from contextlib import closing

import pytest

from headwater.auth import denials
from headwater.services.iam import store
from tests.iam_e2e.helpers import allow, denied, policy, unique

KEY = {"pk": {"S": "1"}}


@pytest.fixture(scope="module")
def table(hw):
    name = unique("Orders")
    dynamodb = hw.client("dynamodb")
    dynamodb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                          AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                          BillingMode="PAY_PER_REQUEST")
    dynamodb.put_item(TableName=name, Item=KEY)
    return name


def table_arn(principals, name):
    return f"arn:aws:dynamodb:us-east-1:{principals.account}:table/{name}"


def reads(dynamodb, table) -> bool:
    return dynamodb.get_item(TableName=table, Key=KEY)["Item"] == KEY


def another_connection(hw):
    """A connection of the test's own to the IAM database, as another process would open."""
    return closing(sqlite3.connect(hw.app.database("iam").path, isolation_level=None))


def test_detaching_and_attaching_a_managed_policy(principals, table):
    name = unique("reader")
    key = principals.user(name)
    iam = principals.root_iam
    arn = iam.create_policy(PolicyName=unique("read"), PolicyDocument=policy(
        allow("dynamodb:GetItem", table_arn(principals, table))))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    dynamodb = principals.client("dynamodb", key)
    assert reads(dynamodb, table) and reads(dynamodb, table)
    iam.detach_user_policy(UserName=name, PolicyArn=arn)
    assert denied(dynamodb.get_item, TableName=table, Key=KEY)["Code"] == "AccessDeniedException"
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    assert reads(dynamodb, table)
    iam.create_policy_version(PolicyArn=arn, SetAsDefault=True, PolicyDocument=policy(
        allow("dynamodb:PutItem", table_arn(principals, table))))
    assert denied(dynamodb.get_item, TableName=table, Key=KEY)["Code"] == "AccessDeniedException"


def test_a_role_session_follows_its_role_s_policies(principals, table):
    name, role_name = unique("assumer"), unique("reader-role")
    assumer = principals.user(name, allow("sts:AssumeRole"))
    role = principals.role(role_name, principals.user_arn(name), allow("dynamodb:GetItem", table_arn(principals, table)))
    session = principals.client("sts", assumer).assume_role(RoleArn=role, RoleSessionName="s1")["Credentials"]
    dynamodb = principals.client("dynamodb", session)
    assert reads(dynamodb, table) and reads(dynamodb, table)
    principals.root_iam.delete_role_policy(RoleName=role_name, PolicyName="inline")
    assert denied(dynamodb.get_item, TableName=table, Key=KEY)["Code"] == "AccessDeniedException"


def test_a_key_deactivated_by_another_connection(hw, principals, table):
    key = principals.user(unique("reader"), allow("dynamodb:GetItem", table_arn(principals, table)))
    dynamodb = principals.client("dynamodb", key)
    assert reads(dynamodb, table)
    with another_connection(hw) as conn:
        store.set_access_key_status(conn, key["AccessKeyId"], "Inactive")
    assert denied(dynamodb.get_item, TableName=table, Key=KEY)["Code"] == "UnrecognizedClientException"
    with another_connection(hw) as conn:
        store.set_access_key_status(conn, key["AccessKeyId"], "Active")
    assert reads(dynamodb, table)


def test_a_policy_removed_by_another_connection(hw, principals, table):
    name = unique("reader")
    dynamodb = principals.client("dynamodb", principals.user(name, allow("dynamodb:GetItem",
                                                                           table_arn(principals, table))))
    assert reads(dynamodb, table)
    with another_connection(hw) as conn:
        conn.execute("DELETE FROM inline_policies WHERE entity_id = "
                     "(SELECT id FROM entities WHERE kind = 'user' AND name = ?)", (name,))
    assert denied(dynamodb.get_item, TableName=table, Key=KEY)["Code"] == "AccessDeniedException"


def test_conditions_are_weighed_on_every_request(hw, clock, principals, table):
    deadline = clock.now().timestamp() + 3600
    dynamodb = principals.client("dynamodb", principals.user(unique("reader"), allow(
        "dynamodb:GetItem", table_arn(principals, table),
        Condition={"NumericLessThan": {"aws:EpochTime": str(int(deadline))}})))
    assert reads(dynamodb, table) and reads(dynamodb, table)
    clock.advance(7200)
    assert denied(dynamodb.get_item, TableName=table, Key=KEY)["Code"] == "AccessDeniedException"


def test_a_denial_is_explained_with_statements_for_other_actions(hw, principals, table):
    """PutItem reads no key, but the reason names what the user may do on the table, which
    takes the region its GetItem statement names through a policy variable."""
    name = unique("reader")
    region_arn = table_arn(principals, table).replace(":us-east-1:", ":${aws:RequestedRegion}:")
    dynamodb = principals.client("dynamodb", principals.user(name, allow("dynamodb:GetItem", region_arn)))
    assert reads(dynamodb, table)
    denied(dynamodb.put_item, TableName=table, Item=KEY)
    with hw.app.stores.database(denials.DATABASE, denials.MIGRATIONS).transaction(write=False) as conn:
        (last,) = denials.recent(conn, 1)
    assert (last.principal, last.action) == (principals.user_arn(name), "dynamodb:PutItem")
    assert "allows only dynamodb:GetItem there" in last.reason, json.dumps(last.reason)
