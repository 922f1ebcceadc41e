"""PartiQL statements ask for dynamodb:PartiQLSelect/Insert/Update/Delete on their table,
not for the API operation's name, as AWS authorizes them."""

import pytest

from tests.iam_e2e.helpers import allow, denied, unique


@pytest.fixture(scope="module")
def table(hw):
    name = unique("Partiql")
    hw.client("dynamodb").create_table(
        TableName=name, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST")
    return name


@pytest.fixture(scope="module")
def selector(principals, table):
    arn = f"arn:aws:dynamodb:us-east-1:{principals.account}:table/{table}"
    return principals.client("dynamodb", principals.user(unique("selector"), allow("dynamodb:PartiQLSelect", arn)))


def test_select_needs_partiql_select(selector, table):
    assert selector.execute_statement(Statement=f'SELECT * FROM "{table}"')["Items"] == []


def test_insert_asks_for_partiql_insert(principals, selector, table):
    error = denied(selector.execute_statement, Statement=f"INSERT INTO \"{table}\" VALUE {{'pk': 'a'}}")
    assert error["Code"] == "AccessDeniedException"
    assert f"dynamodb:PartiQLInsert on resource: arn:aws:dynamodb:us-east-1:{principals.account}:table/{table}" \
        in error["Message"]


def test_a_transaction_asks_each_statement_s_action(selector, table):
    error = denied(selector.execute_transaction, TransactStatements=[
        {"Statement": f'SELECT * FROM "{table}" WHERE pk = \'a\''},
        {"Statement": f"DELETE FROM \"{table}\" WHERE pk = 'a'"},
    ])
    assert "dynamodb:PartiQLDelete" in error["Message"]
