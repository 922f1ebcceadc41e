"""BatchExecuteStatement and ExecuteTransaction: per-statement answers, all-or-nothing
transactions, cancellation reasons and idempotency tokens."""

import pytest

from tests.services.dynamodb.conftest import error_of, raised


def balances(ddb, table) -> dict:
    items = ddb.scan(TableName=table, ConsistentRead=True)["Items"]
    return {item["id"]["S"]: item.get("balance", {}).get("N") for item in items}


def statements(*texts):
    return [{"Statement": text} for text in texts]


# --- BatchExecuteStatement ------------------------------------------------------------------


def test_batch_reads_answer_each_statement_in_order(ddb, accounts):
    """Each SELECT names one item by its key; a missing item answers no Item; projection applies."""
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f'SELECT balance FROM "{accounts}" WHERE id = ?', "Parameters": [{"S": "bob"}]},
        {"Statement": f"SELECT * FROM \"{accounts}\" WHERE id = 'nobody'"},
        {"Statement": f"SELECT * FROM \"{accounts}\" WHERE id IN ['alice']", "ConsistentRead": True},
    ], ReturnConsumedCapacity="TOTAL")
    assert answer["Responses"] == [
        {"TableName": accounts, "Item": {"balance": {"N": "20"}}},
        {"TableName": accounts},
        {"TableName": accounts, "Item": {"id": {"S": "alice"}, "balance": {"N": "100"}}},
    ]
    assert answer["ConsumedCapacity"] == [{"TableName": accounts, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}]


def test_batch_statement_errors_are_reported_per_statement(ddb, accounts):
    """A statement that fails gets an Error (Code and Message) in its place; the others run."""
    answer = ddb.batch_execute_statement(Statements=statements(
        f"SELECT * FROM \"{accounts}\" WHERE balance > 10",
        "SELECT * FROM \"no-such-table\" WHERE id = 'a'",
        f"SELECT * FROM \"{accounts}\" WHERE id = 'alice' AND",
        f"SELECT * FROM \"{accounts}\" WHERE id = 'alice'",
    ))
    responses = answer["Responses"]
    assert responses[0]["Error"] == {
        "Code": "ValidationError",
        "Message": "Select statements within BatchExecuteStatement must specify the primary key in the where clause."}
    assert responses[1]["Error"] == {"Code": "ResourceNotFound", "Message": "Requested resource not found"}
    assert responses[2]["Error"]["Code"] == "ValidationError"
    assert responses[2]["Error"]["Message"].startswith("Statement wasn't well formed, can't be processed: ")
    assert responses[3] == {"TableName": accounts, "Item": {"id": {"S": "alice"}, "balance": {"N": "100"}}}


def test_batch_writes_apply_independently(ddb, accounts):
    """Writes of a batch are not a transaction: the ones that fail leave the others applied."""
    answer = ddb.batch_execute_statement(Statements=[
        {"Statement": f"INSERT INTO \"{accounts}\" VALUE {{'id': 'carol', 'balance': 5}}"},
        {"Statement": f"INSERT INTO \"{accounts}\" VALUE {{'id': 'alice', 'balance': 0}}"},
        {"Statement": f"UPDATE \"{accounts}\" SET balance = balance - 50 WHERE id = 'bob' AND balance >= 50",
         "ReturnValuesOnConditionCheckFailure": "ALL_OLD"},
        {"Statement": f"DELETE FROM \"{accounts}\" WHERE id = 'nobody'"},
    ])
    responses = answer["Responses"]
    assert responses[0] == {"TableName": accounts}
    assert responses[1]["Error"] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    assert responses[2]["Error"] == {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed",
                                     "Item": {"id": {"S": "bob"}, "balance": {"N": "20"}}}
    assert responses[3] == {"TableName": accounts}
    assert balances(ddb, accounts) == {"alice": "100", "bob": "20", "carol": "5"}


def test_batch_refuses_two_statements_on_one_item_and_mixed_reads_and_writes(ddb, accounts):
    """These are errors of the whole request, and nothing is written."""
    code, message = error_of(ddb.batch_execute_statement, Statements=statements(
        f"UPDATE \"{accounts}\" SET balance = 1 WHERE id = 'alice'",
        f"DELETE FROM \"{accounts}\" WHERE id = 'alice'"))
    assert (code, message) == ("ValidationException", "Provided list of item keys contains duplicates")
    code, _ = error_of(ddb.batch_execute_statement, Statements=statements(
        f"SELECT * FROM \"{accounts}\" WHERE id = 'alice'", f"DELETE FROM \"{accounts}\" WHERE id = 'bob'"))
    assert code == "ValidationException"
    assert balances(ddb, accounts) == {"alice": "100", "bob": "20"}


# --- ExecuteTransaction ---------------------------------------------------------------------


def transfer(table, source, target, amount):
    return [
        {"Statement": f'UPDATE "{table}" SET balance = balance - ? WHERE id = ? AND balance >= ?',
         "Parameters": [{"N": str(amount)}, {"S": source}, {"N": str(amount)}]},
        {"Statement": f'UPDATE "{table}" SET balance = balance + ? WHERE id = ?',
         "Parameters": [{"N": str(amount)}, {"S": target}]},
    ]


def test_transaction_applies_every_statement(ddb, accounts):
    """EXISTS checks an item like a ConditionCheck; INSERT, UPDATE and DELETE all apply."""
    ddb.put_item(TableName=accounts, Item={"id": {"S": "erin"}})
    ddb.execute_transaction(TransactStatements=[
        {"Statement": f"EXISTS(SELECT * FROM \"{accounts}\" WHERE id = 'erin' AND closed IS MISSING)"},
        *transfer(accounts, "alice", "bob", 30),
        {"Statement": f"INSERT INTO \"{accounts}\" VALUE {{'id': 'carol', 'balance': 0}}"},
    ])
    assert balances(ddb, accounts) == {"alice": "70", "bob": "50", "carol": "0", "erin": None}


def test_cancelled_transaction_gives_reasons_in_order_and_writes_nothing(ddb, accounts):
    """A failing condition cancels everything, with one reason per statement; an INSERT of
    an existing item is a DuplicateItem reason."""
    ddb.put_item(TableName=accounts, Item={"id": {"S": "erin"}})
    response = raised(ddb.execute_transaction, TransactStatements=[
        *transfer(accounts, "bob", "alice", 50),
        {"Statement": f"INSERT INTO \"{accounts}\" VALUE {{'id': 'erin', 'balance': 1}}"},
        {"Statement": f"EXISTS(SELECT * FROM \"{accounts}\" WHERE id = 'nobody' AND balance > 0)"},
    ])
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["Error"]["Message"] == ("Transaction cancelled, please refer cancellation reasons for specific "
                                            "reasons [ConditionalCheckFailed, None, DuplicateItem, ConditionalCheckFailed]")
    assert response["CancellationReasons"][2] == {"Code": "DuplicateItem", "Message": "Duplicate primary key exists in table"}
    assert balances(ddb, accounts) == {"alice": "100", "bob": "20", "erin": None}


def test_transaction_statements_that_name_no_item_are_cancellation_reasons(ddb, accounts):
    """A missing table or a key that does not match the schema cancels with a reason per statement."""
    response = raised(ddb.execute_transaction, TransactStatements=statements(
        f"UPDATE \"{accounts}\" SET balance = 1 WHERE id = 1",
        "DELETE FROM \"no-such-table\" WHERE id = 'a'",
        f"UPDATE \"{accounts}\" SET balance = 1 WHERE id = 'alice'",
    ))
    assert response["Error"]["Code"] == "TransactionCanceledException"
    assert response["CancellationReasons"] == [
        {"Code": "ValidationError", "Message": "The provided key element does not match the schema"},
        {"Code": "ResourceNotFound", "Message": "Requested resource not found"},
        {"Code": "None"},
    ]
    assert balances(ddb, accounts) == {"alice": "100", "bob": "20"}


@pytest.mark.parametrize("statement, message", [
    ("UPDATE \"{t}\" SET balance = 1 WHERE id = 'alice' RETURNING ALL NEW *",
     "Validation failed in TransactStatements[1]: RETURNING clause is not supported in ExecuteTransaction."),
    ("EXISTS(SELECT * FROM \"{t}\" WHERE id = 'alice')",
     "Validation failed in TransactStatements[1]: EXISTS() must contain a single item read with additional condition"),
    ("SELECT * FROM \"{t}\" WHERE id = 'alice'",
     "Statements in an ExecuteTransaction request must be either all reads or all writes"),
])
def test_transaction_statement_errors_name_the_statement(ddb, accounts, statement, message):
    first = f"UPDATE \"{accounts}\" SET balance = 0 WHERE id = 'bob'"
    code, text = error_of(ddb.execute_transaction, TransactStatements=statements(first, statement.format(t=accounts)))
    assert (code, text) == ("ValidationException", message)
    assert balances(ddb, accounts) == {"alice": "100", "bob": "20"}


def test_read_transaction_answers_each_item(ddb, accounts):
    """A transaction of SELECTs reads each item by its full key, in order."""
    answer = ddb.execute_transaction(TransactStatements=statements(
        f"SELECT balance FROM \"{accounts}\" WHERE id = 'bob'",
        f"SELECT * FROM \"{accounts}\" WHERE id = 'nobody'",
    ), ReturnConsumedCapacity="TOTAL")
    assert answer["Responses"] == [{"Item": {"balance": {"N": "20"}}}, {}]
    assert answer["ConsumedCapacity"] == [{"TableName": accounts, "CapacityUnits": 4.0, "ReadCapacityUnits": 4.0}]
    code, message = error_of(ddb.execute_transaction, TransactStatements=statements(
        f"SELECT * FROM \"{accounts}\" WHERE id = 'bob' AND balance > 1"))
    assert (code, message) == ("ValidationException", (
        "Validation failed in TransactStatements[0]: Select statements within ExecuteTransaction must specify the "
        "primary key in the where clause."))
    code, message = error_of(ddb.execute_transaction, TransactStatements=statements(
        f"SELECT * FROM \"{accounts}\" WHERE id = 'bob'", f"SELECT id FROM \"{accounts}\" WHERE id = 'bob'"))
    assert (code, message) == ("ValidationException", "Transaction request cannot include multiple operations on one item")


def test_client_request_token_makes_the_transaction_idempotent(ddb, accounts):
    """The same token and statements apply once; the token with other statements is refused."""
    request = transfer(accounts, "alice", "bob", 10)
    ddb.execute_transaction(TransactStatements=request, ClientRequestToken="token-1")
    ddb.execute_transaction(TransactStatements=request, ClientRequestToken="token-1")
    assert balances(ddb, accounts) == {"alice": "90", "bob": "30"}
    code, _ = error_of(ddb.execute_transaction, TransactStatements=transfer(accounts, "alice", "bob", 5),
                       ClientRequestToken="token-1")
    assert code == "IdempotentParameterMismatchException"
    assert balances(ddb, accounts) == {"alice": "90", "bob": "30"}
