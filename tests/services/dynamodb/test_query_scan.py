"""Query and Scan: key conditions, order, pages, Select, filters, indexes and parallel scans."""

import pytest

from tests.services.dynamodb.conftest import error_of

NUMBERS = ["-10000000000", "-10", "-1", "-0.5", "0", "0.5", "1", "2", "10", "10000000000"]


@pytest.fixture
def numbers(ddb, make_table):
    """Partition "p" holds one item per number in NUMBERS (sort key n)."""
    name = make_table(("pk", "S"), ("n", "N"))
    ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": "p"}, "n": {"N": n}, "odd": {
        "BOOL": position % 2 == 1}}}} for position, n in enumerate(NUMBERS)]})
    return name


def sort_keys(answer) -> list[str]:
    return [item["n"]["N"] for item in answer["Items"]]


def query(ddb, name, condition, values=None, **extra):
    return ddb.query(TableName=name, KeyConditionExpression=condition,
                     ExpressionAttributeValues={":p": {"S": "p"}, **(values or {})}, **extra)


@pytest.mark.parametrize("condition, values, expected", [
    ("pk = :p AND n < :v", {":v": {"N": "0"}}, NUMBERS[:4]),
    ("pk = :p AND n <= :v", {":v": {"N": "0"}}, NUMBERS[:5]),
    ("pk = :p AND n > :v", {":v": {"N": "1"}}, NUMBERS[7:]),
    ("pk = :p AND n >= :v", {":v": {"N": "1"}}, NUMBERS[6:]),
    ("pk = :p AND n = :v", {":v": {"N": "0.50"}}, ["0.5"]),
    ("pk = :p AND n BETWEEN :lo AND :hi", {":lo": {"N": "-1"}, ":hi": {"N": "2"}}, NUMBERS[2:8]),
    (":v > n AND :p = pk", {":v": {"N": "-0.5"}}, NUMBERS[:3]),
])
def test_numeric_sort_key_conditions_come_back_in_numeric_order(ddb, numbers, condition, values, expected):
    """Numbers order numerically (not as text), in SQLite's index order; "0.50" finds "0.5"."""
    answer = query(ddb, numbers, condition, values, ConsistentRead=True)
    assert sort_keys(answer) == expected


def test_scan_index_forward_false_reverses(ddb, numbers):
    assert sort_keys(query(ddb, numbers, "pk = :p", ScanIndexForward=False)) == NUMBERS[::-1]


def test_string_and_binary_sort_keys_order_by_bytes(ddb, make_table):
    text = make_table(("pk", "S"), ("sk", "S"))
    for sk in ["b", "a", "ab", "B", "é", "z", "aa"]:
        ddb.put_item(TableName=text, Item={"pk": {"S": "p"}, "sk": {"S": sk}})
    answer = ddb.query(TableName=text, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [item["sk"]["S"] for item in answer["Items"]] == ["B", "a", "aa", "ab", "b", "z", "é"]
    prefixed = ddb.query(TableName=text, KeyConditionExpression="pk = :p AND begins_with(sk, :a)",
                         ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"S": "a"}})
    assert [item["sk"]["S"] for item in prefixed["Items"]] == ["a", "aa", "ab"]
    binary = make_table(("pk", "S"), ("sk", "B"))
    for sk in [b"\xff", b"\x00\x01", b"\x00", b"\x7f\xff\xff"]:
        ddb.put_item(TableName=binary, Item={"pk": {"S": "p"}, "sk": {"B": sk}})
    answer = ddb.query(TableName=binary, KeyConditionExpression="pk = :p AND begins_with(sk, :b)",
                       ExpressionAttributeValues={":p": {"S": "p"}, ":b": {"B": b"\x7f\xff"}})
    assert [item["sk"]["B"] for item in answer["Items"]] == [b"\x7f\xff\xff"]


def test_begins_with_on_a_number_key_is_refused(ddb, numbers):
    assert error_of(query, ddb, numbers, "pk = :p AND begins_with(n, :v)", {":v": {"N": "1"}}) == (
        "ValidationException", "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                               "operator or function: begins_with, operand type: N")


def test_limit_pages_with_last_evaluated_key_even_on_the_last_item(ddb, numbers):
    """LastEvaluatedKey appears whenever the limit was reached, also when nothing is left."""
    seen, start = [], None
    while True:
        extra = {"ExclusiveStartKey": start} if start else {}
        page = query(ddb, numbers, "pk = :p", Limit=5, **extra)
        seen += sort_keys(page)
        start = page.get("LastEvaluatedKey")
        if page["Count"] == 0:
            break
        assert start == {"pk": {"S": "p"}, "n": page["Items"][-1]["n"]}
    assert seen == NUMBERS


def test_filter_applies_after_the_limit(ddb, numbers):
    page = query(ddb, numbers, "pk = :p", {":t": {"BOOL": True}}, Limit=4, FilterExpression="odd = :t")
    assert (page["Count"], page["ScannedCount"]) == (2, 4) and "LastEvaluatedKey" in page
    assert error_of(query, ddb, numbers, "pk = :p", {":v": {"N": "1"}}, FilterExpression="n = :v") == (
        "ValidationException", "Filter Expression can only contain non-primary key attributes: Primary key attribute: n")


def test_pages_stop_at_one_megabyte(ddb, make_table):
    name = make_table(("pk", "S"), ("sk", "N"))
    for n in range(12):
        ddb.put_item(TableName=name, Item={"pk": {"S": "p"}, "sk": {"N": str(n)}, "bytes": {"B": b"x" * 100_000}})
    first = ddb.query(TableName=name, KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert 0 < first["Count"] < 12 and first["LastEvaluatedKey"]["sk"] == first["Items"][-1]["sk"]
    rest = ddb.scan(TableName=name, ExclusiveStartKey=first["LastEvaluatedKey"])
    assert first["Count"] + rest["Count"] == 12 and "LastEvaluatedKey" not in rest


def test_select_count_and_its_rules(ddb, numbers):
    counted = query(ddb, numbers, "pk = :p", Select="COUNT")
    assert counted["Count"] == len(NUMBERS) and "Items" not in counted
    assert error_of(ddb.scan, TableName=numbers, Select="COUNT", ProjectionExpression="n") == (
        "ValidationException", "Cannot specify the ProjectionExpression when choosing to get only the Count")
    assert error_of(ddb.scan, TableName=numbers, Select="ALL_PROJECTED_ATTRIBUTES") == (
        "ValidationException", "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    assert error_of(ddb.scan, TableName=numbers, Select="SPECIFIC_ATTRIBUTES") == (
        "ValidationException",
        "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES")
    assert error_of(ddb.scan, TableName=numbers, Select="ALL_ATTRIBUTES", ProjectionExpression="n") == (
        "ValidationException", "Cannot specify the ProjectionExpression when choosing to get ALL_ATTRIBUTES")
    specific = ddb.scan(TableName=numbers, ProjectionExpression="n", Limit=1)
    assert specific["Items"] == [{"n": specific["Items"][0]["n"]}]


@pytest.fixture
def indexed(ddb, make_table):
    """Orders by customer (KEYS_ONLY GSI, sparse: not every order has a customer) and by total (LSI)."""
    name = make_table(
        ("shop", "S"), ("order", "N"),
        AttributeDefinitions=[{"AttributeName": a, "AttributeType": t} for a, t in
                              (("shop", "S"), ("order", "N"), ("customer", "S"), ("spend", "N"))],
        GlobalSecondaryIndexes=[{"IndexName": "by-customer", "KeySchema": [{"AttributeName": "customer", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "KEYS_ONLY"}}],
        LocalSecondaryIndexes=[{"IndexName": "by-total", "KeySchema": [{"AttributeName": "shop", "KeyType": "HASH"},
                                                                       {"AttributeName": "spend", "KeyType": "RANGE"}],
                                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["note"]}}],
    )
    for order in range(1, 8):
        item = {"shop": {"S": "s1"}, "order": {"N": str(order)}, "spend": {"N": str(100 - order)},
                "note": {"S": f"n{order}"}, "secret": {"S": "s"}}
        if order % 3:
            item["customer"] = {"S": "c1"}
        ddb.put_item(TableName=name, Item=item)
    return name


def test_sparse_global_index_pages_with_index_keys(ddb, indexed):
    query = dict(TableName=indexed, IndexName="by-customer", KeyConditionExpression="customer = :c",
                 ExpressionAttributeValues={":c": {"S": "c1"}}, Limit=3)
    first = ddb.query(**query)
    assert first["Items"][0].keys() == {"shop", "order", "customer"}  # KEYS_ONLY projection
    assert set(first["LastEvaluatedKey"]) == {"shop", "order", "customer"}
    rest = ddb.query(ExclusiveStartKey=first["LastEvaluatedKey"], **query)
    orders = [int(item["order"]["N"]) for item in first["Items"] + rest["Items"]]
    assert sorted(orders) == [1, 2, 4, 5, 7] and len(set(orders)) == 5
    assert ddb.scan(TableName=indexed, IndexName="by-customer")["Count"] == 5
    assert error_of(ddb.query, ConsistentRead=True, **query) == (
        "ValidationException", "Consistent reads are not supported on global secondary indexes")
    assert error_of(ddb.query, Select="ALL_ATTRIBUTES", **query) == (
        "ValidationException", "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported "
                               "for global secondary index by-customer because its projection type is not ALL")
    assert error_of(ddb.query, ProjectionExpression="note", **query) == (
        "ValidationException", "One or more parameter values were invalid: Global secondary index by-customer does not "
                               "project [note]")


def test_local_index_orders_by_its_range_key_and_can_fetch_all_attributes(ddb, indexed):
    query = dict(TableName=indexed, IndexName="by-total", KeyConditionExpression="shop = :s AND spend < :t",
                 ExpressionAttributeValues={":s": {"S": "s1"}, ":t": {"N": "96"}})
    projected = ddb.query(**query)
    assert [item["spend"]["N"] for item in projected["Items"]] == ["93", "94", "95"]
    assert "secret" not in projected["Items"][0] and projected["Items"][0]["note"] == {"S": "n7"}
    everything = ddb.query(Select="ALL_ATTRIBUTES", ConsistentRead=True, **query)
    assert everything["Items"][0]["secret"] == {"S": "s"}


def test_parallel_scan_segments_partition_the_table(ddb, make_table):
    name = make_table(("pk", "S"))
    keys = {f"k{n}" for n in range(60)}
    for chunk in range(0, 60, 25):
        ddb.batch_write_item(RequestItems={name: [{"PutRequest": {"Item": {"pk": {"S": k}}}}
                                                  for k in sorted(keys)[chunk:chunk + 25]]})
    found = []
    for segment in range(4):
        start = None
        while True:
            extra = {"ExclusiveStartKey": start} if start else {}
            page = ddb.scan(TableName=name, Segment=segment, TotalSegments=4, Limit=7, **extra)
            found += [item["pk"]["S"] for item in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                break
    assert sorted(found) == sorted(keys)  # every item in exactly one segment
    assert error_of(ddb.scan, TableName=name, Segment=4, TotalSegments=4) == (
        "ValidationException", "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
                               "Segment: 4 is not less than TotalSegments: 4")


def test_bad_start_keys_and_missing_index(ddb, numbers):
    assert error_of(ddb.scan, TableName=numbers, ExclusiveStartKey={"pk": {"S": "p"}}) == (
        "ValidationException", "The provided starting key is invalid: The provided key element does not match the schema")
    assert error_of(query, ddb, numbers, "pk = :p", IndexName="nope") == (
        "ValidationException", "The table does not have the specified index: nope")
    assert error_of(query, ddb, numbers, "n = :p") == (
        "ValidationException", "Query condition missed key schema element: pk")
