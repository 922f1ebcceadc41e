"""A user allowed only dynamodb:GetItem on one table (issue 6), and AWS's denial wording."""

import pytest

from tests.iam_e2e.helpers import allow, denied, deny, unique

KEY = {"pk": {"S": "1"}}


@pytest.fixture(scope="module")
def tables(hw):
    dynamodb = hw.client("dynamodb")
    names = unique("Orders"), unique("Other")
    for name in names:
        dynamodb.create_table(TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
                              AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                              BillingMode="PAY_PER_REQUEST")
        dynamodb.put_item(TableName=name, Item={**KEY, "total": {"N": "42"}})
    return names


def table_arn(principals, name):
    return f"arn:aws:dynamodb:us-east-1:{principals.account}:table/{name}"


@pytest.fixture(scope="module")
def reader(principals, tables):
    name = unique("reader")
    key = principals.user(name, allow("dynamodb:GetItem", table_arn(principals, tables[0])))
    return name, principals.client("dynamodb", key)


def test_reads_the_table_it_may_read(reader, tables):
    _, dynamodb = reader
    assert dynamodb.get_item(TableName=tables[0], Key=KEY)["Item"]["total"] == {"N": "42"}


def test_put_item_is_denied_with_aws_message(principals, reader, tables):
    name, dynamodb = reader
    error = denied(dynamodb.put_item, TableName=tables[0], Item={**KEY, "total": {"N": "0"}})
    assert error == {
        "Code": "AccessDeniedException", "Status": 400,
        "Message": f"User: {principals.user_arn(name)} is not authorized to perform: dynamodb:PutItem on resource: "
                   f"{table_arn(principals, tables[0])} because no identity-based policy allows the dynamodb:PutItem "
                   "action",
    }
    assert principals.server.client("dynamodb").get_item(TableName=tables[0], Key=KEY)["Item"]["total"] == {"N": "42"}


def test_other_tables_are_denied(principals, reader, tables):
    name, dynamodb = reader
    error = denied(dynamodb.get_item, TableName=tables[1], Key=KEY)
    assert error["Code"] == "AccessDeniedException"
    assert f"dynamodb:GetItem on resource: {table_arn(principals, tables[1])} because" in error["Message"]


def test_query_without_policy_is_denied_as_e2e_11(principals, tables):
    name = unique("nobody")
    dynamodb = principals.client("dynamodb", principals.user(name))
    error = denied(dynamodb.query, TableName=tables[0], KeyConditionExpression="pk = :v",
                   ExpressionAttributeValues={":v": {"S": "1"}})
    assert error["Message"] == (
        f"User: {principals.user_arn(name)} is not authorized to perform: dynamodb:Query on resource: "
        f"{table_arn(principals, tables[0])} because no identity-based policy allows the dynamodb:Query action")


def test_explicit_deny_is_worded_as_such(principals, tables):
    name = unique("denied")
    key = principals.user(name, allow("dynamodb:*"), deny("dynamodb:PutItem", table_arn(principals, tables[0])))
    dynamodb = principals.client("dynamodb", key)
    assert dynamodb.get_item(TableName=tables[0], Key=KEY)["Item"]
    error = denied(dynamodb.put_item, TableName=tables[0], Item=KEY)
    assert error["Message"].endswith("dynamodb:PutItem on resource: "
                                     f"{table_arn(principals, tables[0])} with an explicit deny in a(n) identity-based "
                                     "policy")


def test_a_policy_change_applies_to_the_next_request(principals, tables):
    name = unique("grown")
    dynamodb = principals.client("dynamodb", principals.user(name))
    assert denied(dynamodb.describe_table, TableName=tables[0])["Code"] == "AccessDeniedException"
    principals.root_iam.put_user_policy(UserName=name, PolicyName="more",
                                        PolicyDocument='{"Version": "2012-10-17", "Statement": '
                                        '{"Effect": "Allow", "Action": "dynamodb:Describe*", "Resource": "*"}}')
    assert dynamodb.describe_table(TableName=tables[0])["Table"]["TableName"] == tables[0]


def test_transactions_ask_each_item_s_own_action(principals, tables):
    """E2E-05: TransactWriteItems is authorized as PutItem / UpdateItem per table."""
    name = unique("tx")
    key = principals.user(name, allow("dynamodb:PutItem", table_arn(principals, tables[0])),
                          allow("dynamodb:UpdateItem", table_arn(principals, tables[1])))
    dynamodb = principals.client("dynamodb", key)
    dynamodb.transact_write_items(TransactItems=[
        {"Put": {"TableName": tables[0], "Item": {"pk": {"S": "tx"}}}},
        {"Update": {"TableName": tables[1], "Key": KEY, "UpdateExpression": "SET n = :n",
                    "ExpressionAttributeValues": {":n": {"N": "1"}}}},
    ])
    error = denied(dynamodb.transact_write_items, TransactItems=[
        {"Delete": {"TableName": tables[0], "Key": {"pk": {"S": "tx"}}}}])
    assert "dynamodb:DeleteItem on resource" in error["Message"]


def test_transactional_writes_can_be_denied_by_enclosing_operation(principals, tables):
    """E2E-06: the DynamoDB guide's "allow non-transactional, block transactional" policy."""
    actions = ["dynamodb:ConditionCheckItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
               "dynamodb:GetItem"]
    arn = table_arn(principals, tables[0])
    key = principals.user(unique("notx"), deny(actions, arn, Condition={"ForAnyValue:StringEquals": {
        "dynamodb:EnclosingOperation": ["TransactWriteItems", "TransactGetItems"]}}), allow(actions, arn))
    dynamodb = principals.client("dynamodb", key)
    dynamodb.put_item(TableName=tables[0], Item={"pk": {"S": "plain"}})
    error = denied(dynamodb.transact_write_items, TransactItems=[{"Put": {"TableName": tables[0],
                                                                           "Item": {"pk": {"S": "tx2"}}}}])
    assert error["Code"] == "AccessDeniedException"
    assert "explicit deny" in error["Message"]


def test_get_caller_identity_cannot_be_denied(principals):
    name = unique("nothing")
    sts = principals.client("sts", principals.user(name, deny("*")))
    assert sts.get_caller_identity()["Arn"] == principals.user_arn(name)


def test_leading_keys_limit_a_user_to_its_own_items(principals, tables):
    arn = table_arn(principals, tables[0])
    key = principals.user(unique("own"), allow("dynamodb:GetItem", arn, Condition={
        "ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["1"]}}))
    dynamodb = principals.client("dynamodb", key)
    assert dynamodb.get_item(TableName=tables[0], Key=KEY)["Item"]
    assert denied(dynamodb.get_item, TableName=tables[0], Key={"pk": {"S": "2"}})["Code"] == "AccessDeniedException"
