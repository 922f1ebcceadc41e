"""Table operations: CreateTable and its validation, DescribeTable, ListTables, DeleteTable,
DescribeLimits and DescribeEndpoints, as boto3 sees them from AWS."""

import pytest

from tests.services.dynamodb.conftest import error_of, key_schema, unique

PROVISIONED = {"ReadCapacityUnits": 10, "WriteCapacityUnits": 5}
INVALID = "One or more parameter values were invalid: "


def attribute(name, type_="S"):
    return {"AttributeName": name, "AttributeType": type_}


def index(name, *keys, projection="ALL", non_key=None, **extra):
    kinds = ("HASH", "RANGE")
    described = {"IndexName": name, "KeySchema": [{"AttributeName": k, "KeyType": t} for k, t in zip(keys, kinds)],
                 "Projection": {"ProjectionType": projection}, **extra}
    if non_key:
        described["Projection"]["NonKeyAttributes"] = non_key
    return described


def test_create_table_answers_creating_with_the_lab_fields(ddb):
    """CreateTable's answer is what the course lab prints: CREATING, throughput, ARN, id, counts 0."""
    name = unique()
    described = ddb.create_table(TableName=name, ProvisionedThroughput=PROVISIONED, **key_schema(("Id", "N")))[
        "TableDescription"]
    try:
        assert described["TableStatus"] == "CREATING"
        assert described["KeySchema"] == [{"AttributeName": "Id", "KeyType": "HASH"}]
        assert described["AttributeDefinitions"] == [attribute("Id", "N")]
        assert described["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, **PROVISIONED}
        assert (described["ItemCount"], described["TableSizeBytes"]) == (0, 0)
        assert described["TableArn"].startswith("arn:aws:dynamodb:") and described["TableArn"].endswith(f":table/{name}")
        assert len(described["TableId"]) == 36 and described["DeletionProtectionEnabled"] is False
        assert "BillingModeSummary" not in described
        ddb.get_waiter("table_exists").wait(TableName=name)
        assert ddb.describe_table(TableName=name)["Table"]["TableStatus"] == "ACTIVE"
    finally:
        ddb.delete_table(TableName=name)


def test_on_demand_table_with_every_index_projection(ddb, make_table):
    """GSIs and LSIs with ALL, KEYS_ONLY and INCLUDE projections are described as created."""
    name = make_table(
        ("pk", "S"), ("sk", "N"),
        AttributeDefinitions=[attribute("pk"), attribute("sk", "N"), attribute("g"), attribute("l", "N")],
        LocalSecondaryIndexes=[index("by-l", "pk", "l", projection="KEYS_ONLY")],
        GlobalSecondaryIndexes=[index("by-g", "g", projection="INCLUDE", non_key=["x", "y"]),
                                index("by-g-all", "g", "sk")],
    )
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert table["ProvisionedThroughput"] == {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}
    local = table["LocalSecondaryIndexes"][0]
    assert local["Projection"] == {"ProjectionType": "KEYS_ONLY"} and local["IndexArn"].endswith(f"/{name}/index/by-l")
    globals_ = {g["IndexName"]: g for g in table["GlobalSecondaryIndexes"]}
    assert globals_["by-g"]["Projection"] == {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["x", "y"]}
    assert {g["IndexStatus"] for g in globals_.values()} == {"ACTIVE"}
    assert globals_["by-g-all"]["KeySchema"][1] == {"AttributeName": "sk", "KeyType": "RANGE"}


def test_describe_counts_items_and_sizes_of_table_and_indexes(ddb, make_table):
    """ItemCount and TableSizeBytes (AWS's item sizes), and per-index counts of a sparse index."""
    name = make_table(("pk", "S"), AttributeDefinitions=[attribute("pk"), attribute("g")],
                      GlobalSecondaryIndexes=[index("by-g", "g", projection="KEYS_ONLY")])
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}, "g": {"S": "x"}})  # 2+1 + 1+1 = 5 bytes
    ddb.put_item(TableName=name, Item={"pk": {"S": "b"}, "n": {"N": "12"}})  # 2+1 + 1+2 = 6 bytes
    table = ddb.describe_table(TableName=name)["Table"]
    assert (table["ItemCount"], table["TableSizeBytes"]) == (2, 11)
    by_g = table["GlobalSecondaryIndexes"][0]
    assert (by_g["ItemCount"], by_g["IndexSizeBytes"]) == (1, 5)


def test_stream_specification_gives_a_stream_arn_and_label(ddb, make_table):
    """A table created with a stream describes its view type, LatestStreamArn and LatestStreamLabel."""
    name = make_table(("pk", "S"), StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
    table = ddb.describe_table(TableName=name)["Table"]
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert table["LatestStreamArn"] == f"{table['TableArn']}/stream/{table['LatestStreamLabel']}"


def test_creating_an_existing_table_is_resource_in_use(ddb, make_table):
    name = make_table(("pk", "S"))
    assert error_of(ddb.create_table, TableName=name, BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S"))) == (
        "ResourceInUseException", f"Table already exists: {name}")


@pytest.mark.parametrize("arguments, message", [
    ({"TableName": "ab"}, "Invalid table/index name.  Table/index names must be between 3 and 255 characters long, "
                          "and may contain only the characters a-z, A-Z, 0-9, '_', '-', and '.'"),
    ({"AttributeDefinitions": [attribute("pk"), attribute("other")]},
     INVALID + "Number of attributes in KeySchema does not exactly match number of attributes defined in "
               "AttributeDefinitions"),
    ({"AttributeDefinitions": [attribute("other")]},
     INVALID + "Some index key attributes are not defined in AttributeDefinitions. Keys: [pk], "
               "AttributeDefinitions: [other]"),
    ({"AttributeDefinitions": [attribute("pk"), attribute("pk")]}, "Attribute Name is duplicated: pk"),
    ({"KeySchema": [{"AttributeName": "pk", "KeyType": "RANGE"}]},
     "Invalid KeySchema: The first KeySchemaElement is not a HASH key type"),
    ({"BillingMode": "PROVISIONED"},
     INVALID + "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"),
    ({"ProvisionedThroughput": PROVISIONED},
     INVALID + "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"),
    ({"LocalSecondaryIndexes": [index("lsi", "pk", "pk2")],
      "AttributeDefinitions": [attribute("pk"), attribute("pk2")]},
     INVALID + "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"),
    ({"GlobalSecondaryIndexes": [index("gsi", "g", projection="KEYS_ONLY", non_key=["x"])],
      "AttributeDefinitions": [attribute("pk"), attribute("g")]},
     INVALID + "ProjectionType is KEYS_ONLY, but NonKeyAttributes is specified"),
    ({"GlobalSecondaryIndexes": [index("gsi", "g")], "AttributeDefinitions": [attribute("pk"), attribute("g"),
                                                                              attribute("unused")]},
     INVALID + "Some AttributeDefinitions are not used. AttributeDefinitions: [pk, g, unused], keys used: [pk, g]"),
    ({"GlobalSecondaryIndexes": [index("gsi", "g"), index("gsi", "g")],
      "AttributeDefinitions": [attribute("pk"), attribute("g")]}, INVALID + "Duplicate index name: gsi"),
    ({"GlobalSecondaryIndexes": [index(f"gsi{n}", "g") for n in range(21)],
      "AttributeDefinitions": [attribute("pk"), attribute("g")]},
     INVALID + "GlobalSecondaryIndex count exceeds the per-table limit of 20"),
    ({"StreamSpecification": {"StreamEnabled": True}},
     INVALID + "Table is being created with a stream enabled, UpdateViewType is required"),
])
def test_create_table_validation_wording(ddb, arguments, message):
    """CreateTable refuses malformed definitions with AWS's ValidationException texts."""
    request = {"TableName": unique(), **key_schema(("pk", "S")), "BillingMode": "PAY_PER_REQUEST", **arguments}
    if "ProvisionedThroughput" in arguments or arguments.get("BillingMode") == "PROVISIONED":
        request["BillingMode"] = arguments.get("BillingMode", "PAY_PER_REQUEST")
    assert error_of(ddb.create_table, **request) == ("ValidationException", message)


def test_local_index_limits_and_hash_key(ddb):
    """An LSI must share the table's hash key; at most five LSIs."""
    definitions = [attribute("pk"), attribute("sk"), attribute("other")] + [attribute(f"l{n}") for n in range(6)]
    base = {"TableName": unique(), "BillingMode": "PAY_PER_REQUEST", "KeySchema": key_schema(("pk", "S"), ("sk", "S"))["KeySchema"]}
    wrong_hash = [index("lsi", "other", "l0")]
    assert error_of(ddb.create_table, **base, AttributeDefinitions=definitions[:4], LocalSecondaryIndexes=wrong_hash) == (
        "ValidationException", INVALID + "Index KeySchema does not have the same leading hash key as table KeySchema "
                                         "for index: lsi. index hash key: other, table hash key: pk")
    six = [index(f"lsi{n}", "pk", f"l{n}") for n in range(6)]
    defined = [attribute("pk"), attribute("sk")] + [attribute(f"l{n}") for n in range(6)]
    assert error_of(ddb.create_table, **base, AttributeDefinitions=defined, LocalSecondaryIndexes=six) == (
        "ValidationException", INVALID + "Number of LocalSecondaryIndexes exceeds per-table limit of 5")


def test_list_tables_pages_with_exclusive_start_name(ddb, make_table):
    """Names come sorted; Limit cuts the page and LastEvaluatedTableName continues it."""
    prefix = unique("list")
    names = sorted(make_table(("pk", "S"), TableName=f"{prefix}-{n}") for n in range(3))
    first = ddb.list_tables(ExclusiveStartTableName=f"{prefix}-", Limit=2)
    assert first["TableNames"] == names[:2] and first["LastEvaluatedTableName"] == names[1]
    rest = ddb.list_tables(ExclusiveStartTableName=first["LastEvaluatedTableName"], Limit=100)
    assert rest["TableNames"][0] == names[2]


def test_delete_table_answers_deleting_and_the_table_is_gone(ddb):
    name = unique()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", **key_schema(("pk", "S")))
    ddb.get_waiter("table_exists").wait(TableName=name)
    ddb.put_item(TableName=name, Item={"pk": {"S": "a"}})
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"
    ddb.get_waiter("table_not_exists").wait(TableName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 30})
    assert error_of(ddb.describe_table, TableName=name) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
    assert error_of(ddb.get_item, TableName=name, Key={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException", "Requested resource not found")


def test_deletion_protection_is_honoured(ddb):
    name = unique()
    ddb.create_table(TableName=name, BillingMode="PAY_PER_REQUEST", DeletionProtectionEnabled=True,
                     **key_schema(("pk", "S")))
    ddb.get_waiter("table_exists").wait(TableName=name)
    assert error_of(ddb.delete_table, TableName=name) == (
        "ValidationException",
        "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.")
    ddb.update_table(TableName=name, DeletionProtectionEnabled=False)
    assert ddb.delete_table(TableName=name)["TableDescription"]["TableStatus"] == "DELETING"


def test_operations_on_a_missing_table(ddb):
    name = unique()
    assert error_of(ddb.delete_table, TableName=name) == (
        "ResourceNotFoundException", f"Requested resource not found: Table: {name} not found")
    assert error_of(ddb.put_item, TableName=name, Item={"pk": {"S": "a"}}) == (
        "ResourceNotFoundException", "Requested resource not found")


def test_table_arn_is_accepted_as_table_name(ddb, make_table):
    """Newer APIs accept the table's ARN wherever a TableName goes."""
    name = make_table(("pk", "S"))
    arn = ddb.describe_table(TableName=name)["Table"]["TableArn"]
    ddb.put_item(TableName=arn, Item={"pk": {"S": "a"}})
    assert ddb.get_item(TableName=name, Key={"pk": {"S": "a"}})["Item"] == {"pk": {"S": "a"}}


def test_describe_limits_and_endpoints(ddb):
    limits = ddb.describe_limits()
    assert limits["TableMaxReadCapacityUnits"] == 40000 and limits["AccountMaxWriteCapacityUnits"] == 80000
    endpoint = ddb.describe_endpoints()["Endpoints"][0]
    assert endpoint["Address"] and endpoint["CachePeriodInMinutes"] == 1440
