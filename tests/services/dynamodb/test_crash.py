"""Crash recovery of DynamoDB: SIGKILL ``headwater serve`` under a BatchWriteItem and
TransactWriteItems load; after a restart every acknowledged item is there and no
transaction is half-applied.

Writers in several threads send batches of 25 puts and transactions of four puts plus an
``ADD tally :4`` on one counter item. A transaction is all or nothing, so after any
number of kills each transaction's items are all present or all absent, and the counter
equals four times the number of transactions present.
"""

from __future__ import annotations

import random

from botocore.exceptions import BotoCoreError, ClientError

from tests.crashing import Acknowledged, HeadwaterProcess, write_until_killed

ROUNDS = 3
TABLE = "crash-items"
TRANSACTION_SIZE = 4


class Load(Acknowledged):
    """What the writers sent and what headwater acknowledged: items, and transactions."""

    def __init__(self):
        super().__init__()
        self.transactions: set[int] = set()  # attempted, acknowledged or not
        self.acknowledged_transactions: set[int] = set()


def dynamodb(server: HeadwaterProcess):
    return server.client("dynamodb", connect_timeout=5, read_timeout=10)


def transaction_keys(number: int) -> list[str]:
    return [f"tx-{number}-{part}" for part in range(TRANSACTION_SIZE)]


def send_batch(client, load: Load) -> None:
    keys = [f"batch-{load.next_number()}" for _ in range(25)]
    answer = client.batch_write_item(RequestItems={TABLE: [
        {"PutRequest": {"Item": {"pk": {"S": key}, "payload": {"S": key * 20}}}} for key in keys]})
    assert answer["UnprocessedItems"] == {}
    load.add(*keys)


def send_transaction(client, load: Load) -> None:
    number = load.next_number()
    with load.lock:
        load.transactions.add(number)
    puts = [{"Put": {"TableName": TABLE, "Item": {"pk": {"S": key}, "tx": {"N": str(number)}}}}
            for key in transaction_keys(number)]
    counter = {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "counter"}}, "UpdateExpression": "ADD tally :n",
                          "ExpressionAttributeValues": {":n": {"N": str(TRANSACTION_SIZE)}}}}
    client.transact_write_items(TransactItems=puts + [counter])
    with load.lock:
        load.acknowledged_transactions.add(number)
        load.items.update(transaction_keys(number))


def load_until_killed(server: HeadwaterProcess, load: Load, kill_after: int) -> None:
    """Batches and transactions from several clients until ``kill_after`` more items were acknowledged."""

    def new_writer():
        client = dynamodb(server)
        return lambda: random.choice((send_batch, send_transaction))(client, load)

    write_until_killed(server, new_writer, load.count, kill_after,
                       lost=(BotoCoreError, ClientError, OSError))


def stored_items(client) -> dict[str, dict]:
    items, start = {}, None
    while True:
        page = client.scan(TableName=TABLE, ConsistentRead=True, **({"ExclusiveStartKey": start} if start else {}))
        items.update({item["pk"]["S"]: item for item in page["Items"]})
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def test_acknowledged_writes_survive_sigkill_and_transactions_stay_whole(headwater_process):
    headwater = headwater_process
    load = Load()
    headwater.start()
    dynamodb(headwater).create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                                     AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                                     KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    for _ in range(ROUNDS):
        load_until_killed(headwater, load, kill_after=random.randint(100, 300))
        headwater.start()
        items = stored_items(dynamodb(headwater))
        lost = load.items - items.keys()
        assert not lost, f"{len(lost)} acknowledged items lost after SIGKILL"
        present = [number for number in load.transactions
                   if any(key in items for key in transaction_keys(number))]
        for number in present:
            assert all(key in items for key in transaction_keys(number)), f"transaction {number} half-applied"
        total = int(items["counter"]["tally"]["N"]) if "counter" in items else 0
        assert total == TRANSACTION_SIZE * len(present)
    assert load.acknowledged_transactions and load.count() >= ROUNDS * 100
