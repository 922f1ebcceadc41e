"""The DynamoDB Developer Guide's sample tables as the course's DynamoDB lab uses them:
ProductCatalog, Forum, Thread and Reply, with invented items that keep every key and
relationship the lab's calls rely on (products 101 and 201, forum "Amazon DynamoDB" with
4 messages in 2 threads and 1000 views, replies by users A, B and C, ...).

Tables come as CreateTable parameters, items in BatchWriteItem's ``RequestItems`` format
(AttributeValue JSON); :func:`load` creates and fills them through a boto3 client, and
:func:`lab_files` gives the lab's data files (keys prefixed ``de-c2w1-dynamodb-``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator

LAB_PREFIX = "de-c2w1-dynamodb-"
THROUGHPUT = {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5}
BATCH_SIZE = 25

#: name -> [(attribute, type, key type)]
KEYS = {
    "ProductCatalog": [("Id", "N", "HASH")],
    "Forum": [("Name", "S", "HASH")],
    "Thread": [("ForumName", "S", "HASH"), ("Subject", "S", "RANGE")],
    "Reply": [("Id", "S", "HASH"), ("ReplyDateTime", "S", "RANGE")],
}

DYNAMODB_FORUM, S3_FORUM = "Amazon DynamoDB", "Amazon S3"
THREAD_1, THREAD_2 = "DynamoDB Thread 1", "DynamoDB Thread 2"


def _typed(value) -> dict:
    """A plain value as an AttributeValue (bool before int: bool is an int)."""
    if isinstance(value, bool):
        return {"BOOL": value}
    if isinstance(value, (int, float)):
        return {"N": str(value)}
    if isinstance(value, list):
        return {"L": [_typed(element) for element in value]}
    return {"S": value}


def _book(id_: int, title: str, isbn: str, authors: list[str], price: int, pages: int, printed: bool) -> dict:
    return {"Id": id_, "Title": title, "ISBN": isbn, "Authors": authors, "Price": price,
            "Dimensions": "9.0 x 6.0 x 1.2", "PageCount": pages, "InPublication": printed,
            "ProductCategory": "Book"}


def _bicycle(id_: int, title: str, kind: str, brand: str, price: int, colors: list[str], blurb: str) -> dict:
    return {"Id": id_, "Title": title, "Description": blurb, "BicycleType": kind, "Brand": brand,
            "Price": price, "Color": colors, "ProductCategory": "Bicycle"}


def _reply(thread: str, when: str, message: str, user: str) -> dict:
    return {"Id": f"{DYNAMODB_FORUM}#{thread}", "ReplyDateTime": when, "Message": message, "PostedBy": user}


ITEMS = {
    "ProductCatalog": [
        _book(101, "Rivers of Data", "978-1-0000-0101-4", ["Nadia Brook"], 19, 320, True),
        _book(102, "Keys and Partitions", "978-1-0000-0102-1", ["Tomas Reed", "Ines Vale"], 27, 412, True),
        _book(103, "Streams at Night", "978-1-0000-0103-8", ["Priya Stone", "Leo Marsh"], 14, 188, False),
        _bicycle(201, "Ridgeline 201", "Mountain", "Alder Works", 540, ["Green", "Silver"],
                 "Hardtail with wide tyres"),
        _bicycle(202, "Harbor 202", "Road", "Pike & Sons", 820, ["White", "Red", "Black"], "Light carbon frame"),
        _bicycle(203, "Commuter 203", "Hybrid", "Alder Works", 410, ["Blue"], "Upright city bike with rack"),
        _bicycle(204, "Sprout 204", "Kids", "Tinker", 160, ["Yellow", "Green"], "Small frame, stabilisers"),
        _bicycle(205, "Gravel 205", "Gravel", "Pike & Sons", 990, ["Grey"], "Drop bars, fat tyres"),
    ],
    "Forum": [
        {"Name": DYNAMODB_FORUM, "Category": "Amazon Web Services", "Threads": 2, "Messages": 4, "Views": 1000},
        {"Name": S3_FORUM, "Category": "Amazon Web Services"},
    ],
    "Thread": [
        {"ForumName": DYNAMODB_FORUM, "Subject": THREAD_1, "Message": "How should I pick a partition key?",
         "LastPostedBy": "User B", "LastPostedDateTime": "2015-09-23T16:40:47.208Z", "Views": 42,
         "Replies": 2, "Answered": 1, "Tags": ["keys", "design"]},
        {"ForumName": DYNAMODB_FORUM, "Subject": THREAD_2, "Message": "Query or Scan for a small table?",
         "LastPostedBy": "User A", "LastPostedDateTime": "2015-10-02T21:33:58.092Z", "Views": 17,
         "Replies": 2, "Answered": 0, "Tags": ["query", "scan"]},
        {"ForumName": S3_FORUM, "Subject": "S3 Thread 1", "Message": "Listing objects under a prefix",
         "LastPostedBy": "User C", "LastPostedDateTime": "2015-09-30T07:15:00.000Z", "Views": 8,
         "Replies": 0, "Answered": 0, "Tags": ["listing"]},
    ],
    "Reply": [
        _reply(THREAD_1, "2015-09-14T08:12:03.511Z", "Start from the access patterns you need.", "User A"),
        _reply(THREAD_1, "2015-09-23T16:40:47.208Z", "High-cardinality keys spread the load.", "User B"),
        _reply(THREAD_2, "2015-09-27T11:05:19.634Z", "Query reads one partition; Scan reads all.", "User A"),
        _reply(THREAD_2, "2015-10-02T21:33:58.092Z", "Add a filter only after the key condition.", "User A"),
    ],
}


def table_definitions(prefix: str = "") -> list[dict]:
    """CreateTable parameters of the four tables (10 RCU / 5 WCU, no indexes)."""
    return [
        {
            "TableName": prefix + name,
            "KeySchema": [{"AttributeName": attr, "KeyType": key} for attr, _, key in keys],
            "AttributeDefinitions": [{"AttributeName": attr, "AttributeType": kind} for attr, kind, _ in keys],
            "ProvisionedThroughput": dict(THROUGHPUT),
        }
        for name, keys in KEYS.items()
    ]


def request_items(prefix: str = "") -> dict[str, list[dict]]:
    """Every item, as BatchWriteItem ``RequestItems`` keyed by table name."""
    return {
        prefix + name: [{"PutRequest": {"Item": {k: _typed(v) for k, v in item.items()}}} for item in items]
        for name, items in ITEMS.items()
    }


def lab_files(prefix: str = LAB_PREFIX) -> dict[str, str]:
    """The lab's data files, ``{"ProductCatalog.json": text, ...}``: one table's
    ``RequestItems`` each, keyed by the full prefixed table name."""
    items = request_items(prefix)
    return {f"{name}.json": json.dumps({prefix + name: items[prefix + name]}, indent=2) for name in KEYS}


def batches(requests: dict[str, list[dict]]) -> Iterator[dict[str, list[dict]]]:
    """``RequestItems`` of at most 25 requests each, in order."""
    pending = [(table, request) for table, table_requests in requests.items() for request in table_requests]
    for start in range(0, len(pending), BATCH_SIZE):
        batch: dict[str, list[dict]] = {}
        for table, request in pending[start:start + BATCH_SIZE]:
            batch.setdefault(table, []).append(request)
        yield batch


def requests(prefix: str = "") -> Iterator[tuple[str, dict]]:
    """The whole load as DynamoDB ``(operation, parameters)`` pairs: CreateTable for each
    table, then BatchWriteItem batches (for loading without a client)."""
    for definition in table_definitions(prefix):
        yield "CreateTable", definition
    for batch in batches(request_items(prefix)):
        yield "BatchWriteItem", {"RequestItems": batch}


def batch_write(client, requests: dict[str, list[dict]], attempts: int = 8,
                progress: Callable[[int], None] | None = None) -> None:
    """BatchWriteItem in batches of 25, resending UnprocessedItems with a growing pause."""
    for batch in batches(requests):
        size = sum(len(table_requests) for table_requests in batch.values())
        for attempt in range(attempts):
            batch = client.batch_write_item(RequestItems=batch).get("UnprocessedItems") or {}
            if not batch:
                break
            time.sleep(min(0.05 * 2 ** attempt, 2.0))
        else:
            raise RuntimeError(f"items left unprocessed after {attempts} attempts: {list(batch)}")
        if progress is not None:
            progress(size)


def load(client, prefix: str = "", progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Create the four tables (those that exist are kept as they are) and put every item,
    through a boto3 DynamoDB client. ``progress(done, total)`` counts items. Returns the
    items written per table."""
    existing = {name for page in client.get_paginator("list_tables").paginate() for name in page["TableNames"]}
    for definition in table_definitions(prefix):
        if definition["TableName"] not in existing:
            client.create_table(**definition)
    waiter = client.get_waiter("table_exists")
    for definition in table_definitions(prefix):
        waiter.wait(TableName=definition["TableName"], WaiterConfig={"Delay": 1, "MaxAttempts": 120})
    requests = request_items(prefix)
    total, done = sum(len(items) for items in requests.values()), 0

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress is not None:
            progress(done, total)

    batch_write(client, requests, progress=advance)
    return {table: len(items) for table, items in requests.items()}
