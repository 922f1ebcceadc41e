"""Crash recovery of DynamoDB: SIGKILL ``headwater serve`` under a BatchWriteItem and
TransactWriteItems load; after a restart every acknowledged item is there and no
transaction is half-applied.

Writers in several threads send batches of 25 puts and transactions of four puts plus an
``ADD tally :4`` on one counter item. A transaction is all or nothing, so after any
number of kills each transaction's items are all present or all absent, and the counter
equals four times the number of transactions present.
"""

from __future__ import annotations

import itertools
import random
import sys
import threading
import urllib.request

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from tests.crashing import KillableServer, write_until_killed

ROUNDS = 3
TABLE = "crash-items"
TRANSACTION_SIZE = 4


class Headwater(KillableServer):
    """``headwater serve`` with durable writes into ``data_dir``."""

    name = "headwater"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--fsync", "full", "--log-level", "warning"]

    def env(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1"}

    def is_ready(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_headwater/health", timeout=1) as answer:
            return answer.status == 200

    def client(self):
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=10)
        return boto3.client("dynamodb", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test", config=config)


@pytest.fixture
def headwater(tmp_path):
    with Headwater(tmp_path) as server:
        yield server


class Load:
    """What the writers sent and what headwater acknowledged."""

    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count()
        self.acknowledged_items: set[str] = set()
        self.transactions: set[int] = set()  # attempted, acknowledged or not
        self.acknowledged_transactions: set[int] = set()

    def next_id(self) -> int:
        with self.lock:
            return next(self.ids)


def transaction_keys(number: int) -> list[str]:
    return [f"tx-{number}-{part}" for part in range(TRANSACTION_SIZE)]


def send_batch(client, load: Load) -> None:
    keys = [f"batch-{load.next_id()}" for _ in range(25)]
    answer = client.batch_write_item(RequestItems={TABLE: [
        {"PutRequest": {"Item": {"pk": {"S": key}, "payload": {"S": key * 20}}}} for key in keys]})
    assert answer["UnprocessedItems"] == {}
    with load.lock:
        load.acknowledged_items.update(keys)


def send_transaction(client, load: Load) -> None:
    number = load.next_id()
    with load.lock:
        load.transactions.add(number)
    puts = [{"Put": {"TableName": TABLE, "Item": {"pk": {"S": key}, "tx": {"N": str(number)}}}}
            for key in transaction_keys(number)]
    counter = {"Update": {"TableName": TABLE, "Key": {"pk": {"S": "counter"}}, "UpdateExpression": "ADD tally :n",
                          "ExpressionAttributeValues": {":n": {"N": str(TRANSACTION_SIZE)}}}}
    client.transact_write_items(TransactItems=puts + [counter])
    with load.lock:
        load.acknowledged_transactions.add(number)
        load.acknowledged_items.update(transaction_keys(number))


def load_until_killed(server: Headwater, load: Load, kill_after: int) -> None:
    """Batches and transactions from several clients until ``kill_after`` more items were acknowledged."""

    def new_writer():
        client = server.client()
        return lambda: random.choice((send_batch, send_transaction))(client, load)

    write_until_killed(server, new_writer, lambda: len(load.acknowledged_items), kill_after,
                       lost=(BotoCoreError, ClientError, OSError))


def stored_items(client) -> dict[str, dict]:
    items, start = {}, None
    while True:
        page = client.scan(TableName=TABLE, ConsistentRead=True, **({"ExclusiveStartKey": start} if start else {}))
        items.update({item["pk"]["S"]: item for item in page["Items"]})
        start = page.get("LastEvaluatedKey")
        if not start:
            return items


def test_acknowledged_writes_survive_sigkill_and_transactions_stay_whole(headwater):
    load = Load()
    headwater.start()
    client = headwater.client()
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}])
    for _ in range(ROUNDS):
        load_until_killed(headwater, load, kill_after=random.randint(100, 300))
        headwater.start()
        items = stored_items(headwater.client())
        lost = load.acknowledged_items - items.keys()
        assert not lost, f"{len(lost)} acknowledged items lost after SIGKILL"
        present = [number for number in load.transactions
                   if any(key in items for key in transaction_keys(number))]
        for number in present:
            assert all(key in items for key in transaction_keys(number)), f"transaction {number} half-applied"
        total = int(items["counter"]["tally"]["N"]) if "counter" in items else 0
        assert total == TRANSACTION_SIZE * len(present)
    assert load.acknowledged_transactions and len(load.acknowledged_items) >= ROUNDS * 100
