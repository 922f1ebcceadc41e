"""Checking CreateTable/UpdateTable definitions as AWS does, and building the stored description.

The stored description holds TableDescription members (AttributeDefinitions, KeySchema,
ProvisionedThroughput, indexes, stream settings, ...) plus two bookkeeping members:
``updatedAt`` (the last UpdateTable) and, on indexes added by UpdateTable, ``createdAt``.
Times are epoch seconds.
"""

from __future__ import annotations

from headwater.services.dynamodb import errors

MAX_LOCAL_INDEXES = 5
MAX_GLOBAL_INDEXES = 20
MAX_CAPACITY_UNITS = 1_000_000_000_000
ZERO_THROUGHPUT = {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0}


def key_names(key_schema: list[dict]) -> list[str]:
    return [element["AttributeName"] for element in key_schema]


def check_key_schema(key_schema: list[dict]) -> None:
    names = key_names(key_schema)
    if len(names) > 2:
        raise errors.validation("Invalid KeySchema: Some index key attribute have no definition")
    if len(names) == 2 and names[0] == names[1]:
        raise errors.validation("Both the Hash Key and the Range Key element in the KeySchema have the same name")
    if key_schema[0]["KeyType"] != "HASH":
        raise errors.validation("Invalid KeySchema: The first KeySchemaElement is not a HASH key type")
    if len(key_schema) == 2 and key_schema[1]["KeyType"] != "RANGE":
        raise errors.validation("Invalid KeySchema: The second KeySchemaElement is not a RANGE key type")


def check_defined(key_schema: list[dict], definitions: list[dict]) -> None:
    defined = key_names(definitions)
    keys = key_names(key_schema)
    if any(name not in defined for name in keys):
        raise errors.invalid_parameter(
            "Some index key attributes are not defined in AttributeDefinitions. "
            f"Keys: [{', '.join(keys)}], AttributeDefinitions: [{', '.join(defined)}]"
        )


def check_throughput(throughput: dict) -> None:
    for member in ("ReadCapacityUnits", "WriteCapacityUnits"):
        if throughput[member] > MAX_CAPACITY_UNITS:
            raise errors.validation(f"Given value {throughput[member]} for {member} is out of bounds")


def throughput_of(billing_mode: str, throughput: dict | None) -> dict:
    if billing_mode == "PAY_PER_REQUEST":
        return dict(ZERO_THROUGHPUT)
    return {"NumberOfDecreasesToday": 0, "ReadCapacityUnits": throughput["ReadCapacityUnits"],
            "WriteCapacityUnits": throughput["WriteCapacityUnits"]}


def check_billing(billing_mode: str, throughput: dict | None) -> None:
    if billing_mode == "PAY_PER_REQUEST":
        if throughput:
            raise errors.invalid_parameter(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        return
    if not throughput:
        raise errors.invalid_parameter(
            "ReadCapacityUnits and WriteCapacityUnits must both be specified when BillingMode is PROVISIONED"
        )
    check_throughput(throughput)


def check_projection(projection: dict) -> str:
    kind = projection.get("ProjectionType")
    non_key = projection.get("NonKeyAttributes")
    if kind is None:
        raise errors.invalid_parameter("Unknown ProjectionType: null")
    if non_key and kind != "INCLUDE":
        raise errors.invalid_parameter(f"ProjectionType is {kind}, but NonKeyAttributes is specified")
    if kind == "INCLUDE" and not non_key:
        raise errors.invalid_parameter("ProjectionType is INCLUDE, but NonKeyAttributes is not specified")
    for position, name in enumerate(non_key or ()):
        if name in non_key[:position]:
            raise errors.invalid_parameter(f"Duplicate element in NonKeyAttributes: {name}")
    return kind


def check_index(index: dict, definitions: list[dict]) -> None:
    check_defined(index["KeySchema"], definitions)
    check_key_schema(index["KeySchema"])
    check_projection(index["Projection"])


def check_local_indexes(indexes: list[dict], key_schema: list[dict], definitions: list[dict]) -> None:
    if not indexes:
        raise errors.invalid_parameter("List of LocalSecondaryIndexes is empty")
    if len(key_schema) != 2:
        raise errors.invalid_parameter(
            "Table KeySchema does not have a range key, which is required when specifying a LocalSecondaryIndex"
        )
    table_hash = key_schema[0]["AttributeName"]
    for index in indexes:
        check_index(index, definitions)
        name = index["IndexName"]
        if len(index["KeySchema"]) != 2:
            raise errors.invalid_parameter(f"Index KeySchema does not have a range key for index: {name}")
        index_hash = index["KeySchema"][0]["AttributeName"]
        if index_hash != table_hash:
            raise errors.invalid_parameter(
                "Index KeySchema does not have the same leading hash key as table KeySchema for index: "
                f"{name}. index hash key: {index_hash}, table hash key: {table_hash}"
            )
    if len(indexes) > MAX_LOCAL_INDEXES:
        raise errors.invalid_parameter("Number of LocalSecondaryIndexes exceeds per-table limit of 5")


def check_global_index(index: dict, definitions: list[dict], billing_mode: str, missing: str) -> None:
    """``missing``: how the operation words a PROVISIONED index without throughput."""
    check_index(index, definitions)
    name = index["IndexName"]
    throughput = index.get("ProvisionedThroughput")
    if billing_mode == "PAY_PER_REQUEST" and throughput:
        raise errors.invalid_parameter(
            f"ProvisionedThroughput should not be specified for index: {name} when BillingMode is PAY_PER_REQUEST"
        )
    if billing_mode == "PROVISIONED":
        if not throughput:
            raise errors.invalid_parameter(f"ProvisionedThroughput {missing} for index: {name}")
        check_throughput(throughput)


def check_global_indexes(indexes: list[dict], definitions: list[dict], billing_mode: str) -> None:
    if not indexes:
        raise errors.invalid_parameter("List of GlobalSecondaryIndexes is empty")
    for index in indexes:
        check_global_index(index, definitions, billing_mode, "is not specified")
    if len(indexes) > MAX_GLOBAL_INDEXES:
        raise errors.invalid_parameter("GlobalSecondaryIndex count exceeds the per-table limit of 20")


def check_unique_names(indexes: list[dict]) -> None:
    seen = set()
    for index in indexes:
        if index["IndexName"] in seen:
            raise errors.invalid_parameter(f"Duplicate index name: {index['IndexName']}")
        seen.add(index["IndexName"])


def check_definitions_used(definitions: list[dict], key_schemas: list[list[dict]], has_indexes: bool) -> None:
    """Every attribute definition must be a key of the table or of an index, and only once."""
    defined = key_names(definitions)
    used = list(dict.fromkeys(name for schema in key_schemas for name in key_names(schema)))
    for position, name in enumerate(defined):
        if name in defined[:position]:
            raise errors.validation(f"Attribute Name is duplicated: {name}")
    if set(defined) == set(used):
        return
    if not has_indexes:
        raise errors.invalid_parameter(
            "Number of attributes in KeySchema does not exactly match number of attributes defined in "
            "AttributeDefinitions"
        )
    raise errors.invalid_parameter(
        f"Some AttributeDefinitions are not used. AttributeDefinitions: [{', '.join(defined)}], "
        f"keys used: [{', '.join(used)}]"
    )


def check_create_table(req: dict) -> str:
    """Check a CreateTable request; returns its billing mode."""
    billing_mode = req.get("BillingMode", "PROVISIONED")
    check_billing(billing_mode, req.get("ProvisionedThroughput"))
    definitions, key_schema = req["AttributeDefinitions"], req["KeySchema"]
    if len(key_schema) > len(definitions):
        raise errors.validation("Invalid KeySchema: Some index key attribute have no definition")
    check_defined(key_schema, definitions)
    check_key_schema(key_schema)
    local, global_ = req.get("LocalSecondaryIndexes"), req.get("GlobalSecondaryIndexes")
    if local is not None:
        check_local_indexes(local, key_schema, definitions)
    if global_ is not None:
        check_global_indexes(global_, definitions, billing_mode)
    check_unique_names([*(local or ()), *(global_ or ())])
    schemas = [key_schema, *(index["KeySchema"] for index in [*(local or ()), *(global_ or ())])]
    check_definitions_used(definitions, schemas, bool(local or global_))
    check_stream_specification(req.get("StreamSpecification"))
    return billing_mode


def check_stream_specification(spec: dict | None) -> None:
    if not spec:
        return
    if spec["StreamEnabled"] and not spec.get("StreamViewType"):
        raise errors.invalid_parameter("Table is being created with a stream enabled, UpdateViewType is required")
    if not spec["StreamEnabled"] and spec.get("StreamViewType"):
        raise errors.invalid_parameter(
            "Table is being created with a stream disabled, UpdateViewType should not be specified"
        )


def index_description(index: dict, table_arn: str, billing_mode: str | None, created: float | None = None) -> dict:
    """The stored description of an index; ``billing_mode`` None for a local index."""
    projection = {"ProjectionType": index["Projection"]["ProjectionType"]}
    if index["Projection"].get("NonKeyAttributes"):
        projection["NonKeyAttributes"] = list(index["Projection"]["NonKeyAttributes"])
    described = {
        "IndexName": index["IndexName"],
        "KeySchema": index["KeySchema"],
        "Projection": projection,
        "IndexArn": f"{table_arn}/index/{index['IndexName']}",
    }
    if billing_mode is not None:
        described["ProvisionedThroughput"] = throughput_of(billing_mode, index.get("ProvisionedThroughput"))
    if created is not None:
        described["createdAt"] = created
    return described


MAX_TAGS = 50


def check_tags(tags: list[dict], required: bool = True) -> None:
    """AWS's checks of the tags of CreateTable/TagResource."""
    if required and not tags:
        raise errors.validation("Atleast one Tag needs to be provided as Input.")
    keys = [tag["Key"] for tag in tags]
    for position, key in enumerate(keys):
        if key.startswith("aws:"):
            raise errors.validation(f"Tag Key cannot be prefixed with aws:, Key: {key}")
        if key in keys[:position]:
            raise errors.validation(f"Duplicate Tag Keys provided as input: Duplicate Tag Key found {key}")
    if len(keys) > MAX_TAGS:
        raise errors.validation("Number of Tags exceed the current limit for the provided ResourceArn")
