"""Table operations: CreateTable, DescribeTable, ListTables, DeleteTable, DescribeLimits,
DescribeEndpoints (UpdateTable lives in ``table_updates``, tags and TTL in ``table_settings``)."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from headwater.services.dynamodb import definitions, errors, lookup, service, store
from headwater.services.dynamodb.schema import Table

#: Members of the stored description that are headwater's bookkeeping, not AWS output.
BOOKKEEPING = ("updatedAt", "TimeToLiveDescription")
INDEX_BOOKKEEPING = ("createdAt",)
LIMITS = {
    "AccountMaxReadCapacityUnits": 80000,
    "AccountMaxWriteCapacityUnits": 80000,
    "TableMaxReadCapacityUnits": 40000,
    "TableMaxWriteCapacityUnits": 40000,
}
ALL_TABLES = "arn:aws:dynamodb:{region}:{account}:table/*"


# --- descriptions ----------------------------------------------------------------------


def describe(ctx, table: Table, status: str | None = None, counts: bool = True) -> dict:
    """The TableDescription AWS returns: stored members plus status, counts and sizes."""
    described = {key: value for key, value in table.description.items() if key not in BOOKKEEPING}
    described["TableStatus"] = status or lookup.table_status(ctx, table)
    item_count, size = store.table_stats(ctx.db, table) if counts else (0, 0)
    described["ItemCount"], described["TableSizeBytes"] = item_count, size
    stats = store.index_stats(ctx.db, table) if counts and table.indexes else {}
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        if member in described:
            described[member] = [
                _describe_index(ctx, index, stats.get(index["IndexName"], (0, 0)), described["TableStatus"])
                for index in described[member]
            ]
    return described


def _describe_index(ctx, stored: dict, stats: tuple[int, int], table_status: str) -> dict:
    described = {key: value for key, value in stored.items() if key not in INDEX_BOOKKEEPING}
    described["ItemCount"], described["IndexSizeBytes"] = stats
    if "ProvisionedThroughput" in stored:  # a global index
        creating = table_status == "CREATING" or lookup.within_delay(ctx, stored.get("createdAt"))
        described["IndexStatus"] = "CREATING" if creating else "ACTIVE"
        if "createdAt" in stored and creating:
            described["Backfilling"] = True
    return described


def stream_label(moment: float) -> str:
    return datetime.fromtimestamp(moment, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3]


def start_stream(ctx, table: Table, description: dict, view_type: str, now: float) -> None:
    """Give the table a new stream (a new ARN and label, one open shard)."""
    moment = now
    while True:
        label = stream_label(moment)
        arn = f"{table.arn}/stream/{label}"
        if not ctx.db.execute("SELECT 1 FROM streams WHERE arn = ?", (arn,)).fetchone():
            break
        moment += 0.001  # two streams enabled within one millisecond get distinct labels
    shard_id = f"shardId-{int(moment * 1000):020d}-{uuid.uuid4().hex[:8]}"
    store.add_stream(ctx.db, table, arn, label, view_type, shard_id, now)
    description["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": view_type}
    description["LatestStreamArn"], description["LatestStreamLabel"] = arn, label


def _new_description(ctx, name: str, req: dict, billing_mode: str, now: float) -> dict:
    arn = lookup.table_arn(ctx, name)
    description = {
        "AttributeDefinitions": req["AttributeDefinitions"],
        "TableName": name,
        "KeySchema": req["KeySchema"],
        "CreationDateTime": now,
        "ProvisionedThroughput": definitions.throughput_of(billing_mode, req.get("ProvisionedThroughput")),
        "TableArn": arn,
        "TableId": str(uuid.uuid4()),
        "DeletionProtectionEnabled": bool(req.get("DeletionProtectionEnabled", False)),
    }
    if billing_mode == "PAY_PER_REQUEST" or "BillingMode" in req:
        description["BillingModeSummary"] = {"BillingMode": billing_mode}
        if billing_mode == "PAY_PER_REQUEST":
            description["BillingModeSummary"]["LastUpdateToPayPerRequestDateTime"] = now
    if req.get("LocalSecondaryIndexes"):
        description["LocalSecondaryIndexes"] = [
            definitions.index_description(index, arn, None) for index in req["LocalSecondaryIndexes"]
        ]
    if req.get("GlobalSecondaryIndexes"):
        description["GlobalSecondaryIndexes"] = [
            definitions.index_description(index, arn, billing_mode) for index in req["GlobalSecondaryIndexes"]
        ]
    if req.get("TableClass"):
        description["TableClassSummary"] = {"TableClass": req["TableClass"]}
    if (req.get("SSESpecification") or {}).get("Enabled"):
        description["SSEDescription"] = {"Status": "ENABLED", "SSEType": "KMS"}
    return description


# --- operations ------------------------------------------------------------------------


@service.operation("CreateTable", resources=lookup.table_resource)
def create_table(ctx, req: dict) -> dict:
    name = lookup.table_name(ctx, req["TableName"])
    if name is None:
        raise errors.table_not_found(req["TableName"])
    billing_mode = definitions.check_create_table(req)
    definitions.check_tags(req.get("Tags") or [], required=False)
    if store.find_table(ctx.db, ctx.account, ctx.region, name):
        raise errors.resource_in_use(f"Table already exists: {name}")
    now = ctx.clock.time()
    description = _new_description(ctx, name, req, billing_mode, now)
    table = store.insert_table(ctx.db, ctx.account, ctx.region, name, description)
    stream = req.get("StreamSpecification") or {}
    if stream.get("StreamEnabled"):
        start_stream(ctx, table, description, stream["StreamViewType"], now)
        table = store.save_description(ctx.db, table, description)
    if req.get("Tags"):
        store.put_tags(ctx.db, table, req["Tags"])
    return {"TableDescription": describe(ctx, table, status="CREATING", counts=False)}


@service.operation("DescribeTable", resources=lookup.table_resource, read_only=True)
def describe_table(ctx, req: dict) -> dict:
    return {"Table": describe(ctx, lookup.existing_table(ctx, req["TableName"]))}


@service.operation("ListTables", resources=ALL_TABLES, read_only=True)
def list_tables(ctx, req: dict) -> dict:
    limit = req.get("Limit", 100)
    names = store.table_names(ctx.db, ctx.account, ctx.region, req.get("ExclusiveStartTableName"), limit + 1)
    result = {"TableNames": names[:limit]}
    if len(names) > limit:
        result["LastEvaluatedTableName"] = names[limit - 1]
    return result


@service.operation("DeleteTable", resources=lookup.table_resource)
def delete_table(ctx, req: dict) -> dict:
    table = lookup.existing_table(ctx, req["TableName"])
    if lookup.table_status(ctx, table) == "CREATING":
        raise errors.resource_in_use(
            f"Attempt to change a resource which is still in use: Table is being created: {table.name}"
        )
    if table.description.get("DeletionProtectionEnabled"):
        raise errors.validation(
            "Resource cannot be deleted as it is currently protected against deletion. "
            "Disable deletion protection first."
        )
    described = describe(ctx, table, status="DELETING")
    store.disable_streams(ctx.db, table, ctx.clock.time())
    store.drop_table(ctx.db, table)
    return {"TableDescription": described}


@service.operation("DescribeLimits", resources="*", read_only=True)
def describe_limits(ctx, req: dict) -> dict:
    return dict(LIMITS)


@service.operation("DescribeEndpoints", resources="*", read_only=True)
def describe_endpoints(ctx, req: dict) -> dict:
    host = ctx.request.headers.get("host") or f"{ctx.settings.host}:{ctx.settings.port}"
    return {"Endpoints": [{"Address": host, "CachePeriodInMinutes": 1440}]}
