"""TransactWriteItems and TransactGetItems: all or nothing, cancellation reasons, tokens, conflicts."""

from headwater.services.dynamodb.locks import IN_FLIGHT
from tests.services.dynamodb.conftest import error_of, raised


def transfer(table, source, target, amount):
    values = {":amount": {"N": str(amount)}}
    return [
        {"Update": {"TableName": table, "Key": {"id": {"S": source}}, "UpdateExpression": "SET balance = balance - :amount",
                    "ConditionExpression": "balance >= :amount", "ExpressionAttributeValues": values,
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD"}},
        {"Update": {"TableName": table, "Key": {"id": {"S": target}}, "UpdateExpression": "SET balance = balance + :amount",
                    "ExpressionAttributeValues": values}},
    ]


def balances(ddb, table):
    items = ddb.scan(TableName=table, ConsistentRead=True)["Items"]
    return {item["id"]["S"]: next(iter(item["balance"].values())) for item in items if "balance" in item}


def test_transaction_applies_every_action(ddb, accounts):
    ddb.transact_write_items(TransactItems=transfer(accounts, "alice", "bob", 30) + [
        {"Put": {"TableName": accounts, "Item": {"id": {"S": "carol"}, "balance": {"N": "0"}},
                 "ConditionExpression": "attribute_not_exists(id)"}}])
    assert balances(ddb, accounts) == {"alice": "70", "bob": "50", "carol": "0"}


def test_cancelled_transaction_reports_reasons_in_order_and_writes_nothing(ddb, accounts):
    """A failed condition cancels everything; reasons come per action, with the old item when asked."""
    items = [{"ConditionCheck": {"TableName": accounts, "Key": {"id": {"S": "nobody"}},
                                 "ConditionExpression": "attribute_not_exists(id)"}}] + transfer(accounts, "bob", "alice", 50)
    response = raised(ddb.transact_write_items, TransactItems=items)
    assert response["Error"]["Code"] == "TransactionCanceledException", response["Error"]
    assert response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                            "reasons [None, ConditionalCheckFailed, None]")
    reasons = response["CancellationReasons"]
    assert [reason["Code"] for reason in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Message"] == "The conditional request failed"
    assert reasons[1]["Item"] == {"id": {"S": "bob"}, "balance": {"N": "20"}}
    assert balances(ddb, accounts) == {"alice": "100", "bob": "20"}


def test_state_dependent_errors_cancel_with_a_validation_reason(ddb, accounts):
    """An update that fails on the stored item (a string balance) cancels with ValidationError."""
    ddb.put_item(TableName=accounts, Item={"id": {"S": "erin"}, "balance": {"S": "text"}})
    items = [{"Update": {"TableName": accounts, "Key": {"id": {"S": "erin"}}, "UpdateExpression": "SET balance = balance + :n",
                         "ExpressionAttributeValues": {":n": {"N": "1"}}}},
             {"Put": {"TableName": accounts, "Item": {"id": {"S": "dave"}}}}]
    response = raised(ddb.transact_write_items, TransactItems=items)
    assert [reason["Code"] for reason in response["CancellationReasons"]] == ["ValidationError", "None"]
    assert ddb.scan(TableName=accounts)["Count"] == 3  # alice, bob, erin: no dave


def test_one_item_at_most_once(ddb, accounts):
    items = [{"Put": {"TableName": accounts, "Item": {"id": {"S": "alice"}}}},
             {"Delete": {"TableName": accounts, "Key": {"id": {"S": "alice"}}}}]
    assert error_of(ddb.transact_write_items, TransactItems=items) == (
        "ValidationException", "Transaction request cannot include multiple operations on one item")


def test_client_request_token_is_idempotent_and_checked(ddb, accounts):
    """The same token and request apply once; the same token with another request is refused."""
    token = "transfer-0001"
    for _ in range(3):
        ddb.transact_write_items(TransactItems=transfer(accounts, "alice", "bob", 10), ClientRequestToken=token)
    assert balances(ddb, accounts) == {"alice": "90", "bob": "30"}
    replay = ddb.transact_write_items(TransactItems=transfer(accounts, "alice", "bob", 10), ClientRequestToken=token,
                                      ReturnConsumedCapacity="TOTAL")
    assert "ReadCapacityUnits" in replay["ConsumedCapacity"][0]  # a replay only reads
    assert balances(ddb, accounts) == {"alice": "90", "bob": "30"}
    assert error_of(ddb.transact_write_items, TransactItems=transfer(accounts, "alice", "bob", 11),
                    ClientRequestToken=token)[0] == "IdempotentParameterMismatchException"


def test_token_is_remembered_across_a_restart(tmp_path):
    """Tokens are stored in the database, not in memory."""
    from tests.server import start_server

    for attempt in range(2):
        running = start_server(tmp_path)
        try:
            client = running.client("dynamodb")
            if attempt == 0:
                client.create_table(TableName="tokens", BillingMode="PAY_PER_REQUEST",
                                    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                                    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}])
            client.transact_write_items(ClientRequestToken="once", TransactItems=[{"Update": {
                "TableName": "tokens", "Key": {"id": {"S": "n"}}, "UpdateExpression": "ADD hits :one",
                "ExpressionAttributeValues": {":one": {"N": "1"}}}}])
            item = client.get_item(TableName="tokens", Key={"id": {"S": "n"}})["Item"]
        finally:
            running.stop()
    assert item["hits"] == {"N": "1"}


def test_transact_get_items(ddb, accounts):
    answer = ddb.transact_get_items(TransactItems=[
        {"Get": {"TableName": accounts, "Key": {"id": {"S": "bob"}}, "ProjectionExpression": "balance"}},
        {"Get": {"TableName": accounts, "Key": {"id": {"S": "nobody"}}}},
    ])
    assert answer["Responses"] == [{"Item": {"balance": {"N": "20"}}}, {}]


def test_items_held_by_an_in_flight_transaction_conflict(ddb, accounts, local):
    """While a write transaction holds an item, a TransactGetItems on it is cancelled with
    TransactionConflict (the hold is taken here as the transaction would take it)."""
    table_id = local.app.stores.database("dynamodb").connection().execute(
        "SELECT id FROM tables WHERE name = ?", (accounts,)).fetchone()[0]
    held = (table_id, b"alice", b"")  # (table, encoded hash key, empty range key)
    gets = [{"Get": {"TableName": accounts, "Key": {"id": {"S": "bob"}}}},
            {"Get": {"TableName": accounts, "Key": {"id": {"S": "alice"}}}}]
    with IN_FLIGHT.hold([held]):
        response = raised(ddb.transact_get_items, TransactItems=gets)
        assert [reason["Code"] for reason in response["CancellationReasons"]] == ["None", "TransactionConflict"]
        write = raised(ddb.transact_write_items, TransactItems=transfer(accounts, "alice", "bob", 1))
        assert [reason["Code"] for reason in write["CancellationReasons"]] == ["TransactionConflict", "None"]
    assert ddb.transact_get_items(TransactItems=gets)["Responses"][1]["Item"]["id"] == {"S": "alice"}
