"""ReturnConsumedCapacity (TOTAL and INDEXES) with AWS's unit arithmetic, and ReturnItemCollectionMetrics.

Reads: one unit per 4 KB (at least one), halved when eventually consistent; a Query adds
the sizes of the items it read before rounding. Writes: one unit per 1 KB of the larger of
the old and new item; each index the write changes pays for its own entry (two writes when
the index key changes). Transactions pay double.
"""

import pytest

ATTRIBUTES = [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"},
              {"AttributeName": "g", "AttributeType": "S"}, {"AttributeName": "l", "AttributeType": "N"}]


@pytest.fixture
def indexed(make_table):
    """pk/sk with a KEYS_ONLY global index on g and a local index on l."""
    return make_table(
        ("pk", "S"), ("sk", "N"), AttributeDefinitions=ATTRIBUTES,
        GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        LocalSecondaryIndexes=[{"IndexName": "by-l", "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"},
                                                                   {"AttributeName": "l", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "ALL"}}],
    )


def padded(kilobytes: float, **attributes) -> dict:
    """An item of about ``kilobytes`` KB (key attributes included)."""
    return {"pk": {"S": "a"}, "sk": {"N": "1"}, "filler": {"S": "x" * int(kilobytes * 1024 - 10)}, **attributes}


def units(answer) -> float:
    return answer["ConsumedCapacity"]["CapacityUnits"]


def test_read_units_round_up_per_4kb_and_halve_when_eventual(ddb, make_table):
    name = make_table(("pk", "S"), ("sk", "N"))
    ddb.put_item(TableName=name, Item=padded(5))
    get = dict(TableName=name, Key={"pk": {"S": "a"}, "sk": {"N": "1"}}, ReturnConsumedCapacity="TOTAL")
    strong = ddb.get_item(ConsistentRead=True, **get)["ConsumedCapacity"]
    assert strong == {"TableName": name, "CapacityUnits": 2.0, "ReadCapacityUnits": 2.0}
    assert units(ddb.get_item(**get)) == 1.0
    missing = dict(get, Key={"pk": {"S": "zz"}, "sk": {"N": "1"}})
    assert units(ddb.get_item(**missing)) == 0.5
    for n in range(2, 5):
        ddb.put_item(TableName=name, Item=padded(1.5, sk={"N": str(n)}))
    query = ddb.query(TableName=name, KeyConditionExpression="pk = :a", ExpressionAttributeValues={":a": {"S": "a"}},
                      ConsistentRead=True, ReturnConsumedCapacity="TOTAL")
    assert units(query) == 3.0  # 5 KB + 3 x 1.5 KB = 9.5 KB -> three 4 KB units, summed before rounding


def test_write_units_use_the_larger_of_old_and_new(ddb, make_table):
    name = make_table(("pk", "S"), ("sk", "N"))
    put = dict(TableName=name, ReturnConsumedCapacity="TOTAL")
    assert ddb.put_item(Item=padded(2.5), **put)["ConsumedCapacity"] == {
        "TableName": name, "CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}
    assert units(ddb.put_item(Item=padded(0.5), **put)) == 3.0  # replaces a 2.5 KB item
    assert units(ddb.put_item(Item=padded(0.5), **put)) == 1.0
    key = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    assert units(ddb.update_item(TableName=name, Key=key, UpdateExpression="REMOVE filler", ReturnConsumedCapacity="TOTAL")) == 1.0
    assert units(ddb.delete_item(TableName=name, Key={"pk": {"S": "none"}, "sk": {"N": "1"}}, ReturnConsumedCapacity="TOTAL")) == 1.0


def test_indexes_mode_breaks_writes_down_per_index(ddb, indexed):
    base = {"pk": {"S": "a"}, "sk": {"N": "1"}}
    first = ddb.put_item(TableName=indexed, Item={**base, "g": {"S": "x"}, "l": {"N": "1"}},
                         ReturnConsumedCapacity="INDEXES")["ConsumedCapacity"]
    assert first == {
        "TableName": indexed, "CapacityUnits": 3.0, "WriteCapacityUnits": 3.0,
        "Table": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0},
        "GlobalSecondaryIndexes": {"by-g": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
        "LocalSecondaryIndexes": {"by-l": {"CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}},
    }
    moved = ddb.update_item(TableName=indexed, Key=base, UpdateExpression="SET g = :y",
                            ExpressionAttributeValues={":y": {"S": "y"}}, ReturnConsumedCapacity="INDEXES")
    capacity = moved["ConsumedCapacity"]
    assert capacity["GlobalSecondaryIndexes"]["by-g"]["CapacityUnits"] == 2.0  # delete + put of the entry
    assert capacity["LocalSecondaryIndexes"]["by-l"]["CapacityUnits"] == 1.0  # ALL projection: entry rewritten
    untouched = ddb.update_item(TableName=indexed, Key=base, UpdateExpression="SET note = :o",
                                ExpressionAttributeValues={":o": {"S": "o"}}, ReturnConsumedCapacity="INDEXES")
    assert "GlobalSecondaryIndexes" not in untouched["ConsumedCapacity"]  # KEYS_ONLY entry unchanged


def test_index_query_consumes_index_capacity(ddb, indexed):
    ddb.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "g": {"S": "x"}})
    answer = ddb.query(TableName=indexed, IndexName="by-g", KeyConditionExpression="g = :x",
                       ExpressionAttributeValues={":x": {"S": "x"}}, ReturnConsumedCapacity="INDEXES")
    assert answer["ConsumedCapacity"] == {
        "TableName": indexed, "CapacityUnits": 0.5, "ReadCapacityUnits": 0.5,
        "Table": {"CapacityUnits": 0.0, "ReadCapacityUnits": 0.0},
        "GlobalSecondaryIndexes": {"by-g": {"CapacityUnits": 0.5, "ReadCapacityUnits": 0.5}},
    }


def test_item_collection_metrics_for_tables_with_local_indexes(ddb, indexed, make_table):
    answer = ddb.put_item(TableName=indexed, Item={"pk": {"S": "a"}, "sk": {"N": "1"}, "l": {"N": "3"}},
                          ReturnItemCollectionMetrics="SIZE")
    assert answer["ItemCollectionMetrics"] == {"ItemCollectionKey": {"pk": {"S": "a"}}, "SizeEstimateRangeGB": [0.0, 1.0]}
    plain = make_table(("pk", "S"))
    assert "ItemCollectionMetrics" not in ddb.put_item(TableName=plain, Item={"pk": {"S": "a"}},
                                                       ReturnItemCollectionMetrics="SIZE")


def test_batch_and_transaction_capacity(ddb, make_table):
    name = make_table(("pk", "S"))
    batch = ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": str(n)}}}} for n in range(3)]},
                                 ReturnConsumedCapacity="TOTAL")
    assert batch["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": 3.0, "WriteCapacityUnits": 3.0}]
    gets = ddb.batch_get_item(RequestItems={name: {"Keys": [{"pk": {"S": "0"}}, {"pk": {"S": "1"}}]}},
                              ReturnConsumedCapacity="TOTAL")
    assert gets["ConsumedCapacity"] == [{"TableName": name, "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}]
    transaction = ddb.transact_write_items(TransactItems=[{"Put": {"TableName": name, "Item": {"pk": {"S": "t"}}}}],
                                           ReturnConsumedCapacity="TOTAL")
    assert transaction["ConsumedCapacity"][0]["CapacityUnits"] == 2.0
    reads = ddb.transact_get_items(TransactItems=[{"Get": {"TableName": name, "Key": {"pk": {"S": "t"}}}},
                                                  {"Get": {"TableName": name, "Key": {"pk": {"S": "nope"}}}}],
                                   ReturnConsumedCapacity="TOTAL")
    assert reads["ConsumedCapacity"][0]["CapacityUnits"] == 4.0
