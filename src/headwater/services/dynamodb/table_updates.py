"""UpdateTable: billing mode, throughput, global secondary indexes, stream, deletion protection.

A new global secondary index is backfilled from the table's items in the same
transaction; it reports CREATING (Backfilling) for ``create_delay_seconds``.
"""

from __future__ import annotations

import copy

from headwater.services.dynamodb import definitions, errors, lookup, service, store
from headwater.services.dynamodb.schema import Table
from headwater.services.dynamodb.tables import describe, start_stream

NOTHING_TO_UPDATE = (
    "At least one of ProvisionedThroughput, BillingMode, UpdateStreamEnabled, GlobalSecondaryIndexUpdates, "
    "SSESpecification, ReplicaUpdates, MultiAccountReplicaReady, ReplicaTransitRoleArn, MultiRegionConsistency, "
    "DeletionProtectionEnabled, OnDemandThroughput, WarmThroughput or TableClass is required"
)
CHANGES = ("ProvisionedThroughput", "BillingMode", "StreamSpecification", "GlobalSecondaryIndexUpdates",
           "SSESpecification", "DeletionProtectionEnabled", "TableClass", "OnDemandThroughput", "WarmThroughput")
ONE_ONLINE_INDEX = "Subscriber limit exceeded: Only 1 online index can be created or deleted simultaneously per table"


def _check_combination(req: dict) -> None:
    present = [member for member in CHANGES if member in req]
    if not present:
        raise errors.validation(NOTHING_TO_UPDATE)
    if "DeletionProtectionEnabled" in req and len(present) > 1:
        raise errors.invalid_parameter("DeletionProtection modification must be the only operation in the request")
    index_changes = any("Create" in u or "Delete" in u for u in req.get("GlobalSecondaryIndexUpdates") or ())
    if index_changes and "StreamSpecification" in req:
        raise errors.invalid_parameter("You cannot create or delete index while changing stream status")
    if "ProvisionedThroughput" in req and "StreamSpecification" in req:
        raise errors.invalid_parameter("You cannot modify stream status while updating table IOPS")
    if "ProvisionedThroughput" in req and index_changes:
        raise errors.invalid_parameter("You cannot create or delete index while updating table IOPS")


def _billing_mode(description: dict) -> str:
    return (description.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED")


def _new_throughput(current: dict, requested: dict, now: float, what: str) -> dict:
    read, write = requested["ReadCapacityUnits"], requested["WriteCapacityUnits"]
    if (read, write) == (current["ReadCapacityUnits"], current["WriteCapacityUnits"]):
        raise errors.validation(
            f"The provisioned throughput for the {what} will not change. The requested value equals the current "
            f"value. Current ReadCapacityUnits provisioned for the {what}: {read}. Requested ReadCapacityUnits: "
            f"{read}. Current WriteCapacityUnits provisioned for the {what}: {write}. Requested WriteCapacityUnits: "
            f"{write}. Refer to the Amazon DynamoDB Developer Guide for current limits and how to request higher "
            "limits."
        )
    updated = dict(current, ReadCapacityUnits=read, WriteCapacityUnits=write)
    if read > current["ReadCapacityUnits"] or write > current["WriteCapacityUnits"]:
        updated["LastIncreaseDateTime"] = now
    if read < current["ReadCapacityUnits"] or write < current["WriteCapacityUnits"]:
        updated["LastDecreaseDateTime"] = now
        updated["NumberOfDecreasesToday"] = current.get("NumberOfDecreasesToday", 0) + 1
    return updated


def _apply_billing(description: dict, req: dict, now: float) -> None:
    mode = req.get("BillingMode", _billing_mode(description))
    throughput = req.get("ProvisionedThroughput")
    if mode == "PAY_PER_REQUEST":
        if throughput:
            raise errors.invalid_parameter(
                "Neither ReadCapacityUnits nor WriteCapacityUnits can be specified when BillingMode is PAY_PER_REQUEST"
            )
        if _billing_mode(description) != mode:
            description["ProvisionedThroughput"] = dict(definitions.ZERO_THROUGHPUT)
            description["BillingModeSummary"] = {"BillingMode": mode, "LastUpdateToPayPerRequestDateTime": now}
            for index in description.get("GlobalSecondaryIndexes") or ():
                index["ProvisionedThroughput"] = dict(definitions.ZERO_THROUGHPUT)
        return
    switching = _billing_mode(description) != mode
    if switching and not throughput:
        raise errors.invalid_parameter("ProvisionedThroughput must be specified when BillingMode is PROVISIONED")
    if throughput:
        definitions.check_throughput(throughput)
        description["ProvisionedThroughput"] = (
            definitions.throughput_of(mode, throughput) if switching
            else _new_throughput(description["ProvisionedThroughput"], throughput, now, "table")
        )
    if switching:
        description["BillingModeSummary"] = {"BillingMode": mode}


def _merged_definitions(description: dict, req: dict) -> list[dict]:
    merged = {d["AttributeName"]: d for d in description["AttributeDefinitions"]}
    merged.update({d["AttributeName"]: d for d in req.get("AttributeDefinitions") or ()})
    return list(merged.values())


def _check_index_updates(updates: list[dict]) -> None:
    if not updates:
        raise errors.invalid_parameter("List of GlobalSecondaryIndexUpdates is empty")
    seen = set()
    for update in updates:
        actions = [action for action in ("Update", "Create", "Delete") if action in update]
        if not actions:
            raise errors.invalid_parameter(
                "One of GlobalSecondaryIndexUpdate.Update, GlobalSecondaryIndexUpdate.Create, "
                "GlobalSecondaryIndexUpdate.Delete must not be null"
            )
        if len(actions) > 1:
            raise errors.invalid_parameter("Only one global secondary index action is allowed per GlobalSecondaryIndexUpdate object")
        name = update[actions[0]]["IndexName"]
        if name in seen:
            raise errors.invalid_parameter(
                f"Only one global secondary index update per index is allowed simultaneously. Index: {name}"
            )
        seen.add(name)
    if sum("Create" in u or "Delete" in u for u in updates) > 1:
        raise errors.limit_exceeded(ONE_ONLINE_INDEX)


def _global_index(description: dict, name: str, action: str) -> dict:
    for index in description.get("GlobalSecondaryIndexes") or ():
        if index["IndexName"] == name:
            return index
    raise errors.validation(f"Cannot {action} an index that is not a GlobalSecondaryIndex: {name}")


def _create_index(description: dict, create: dict, req: dict, now: float) -> None:
    names = {index["IndexName"] for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes")
             for index in description.get(member) or ()}
    if create["IndexName"] in names:
        raise errors.validation("Attempting to create an index which already exists")
    merged = _merged_definitions(description, req)
    defined = {d["AttributeName"] for d in merged}
    if any(name not in defined for name in definitions.key_names(create["KeySchema"])):
        raise errors.invalid_parameter(f"AttributeDefinitions is not specified for index: {create['IndexName']}")
    mode = _billing_mode(description)
    definitions.check_global_index(create, merged, mode, "must be specified")
    indexes = description.setdefault("GlobalSecondaryIndexes", [])
    if len(indexes) >= definitions.MAX_GLOBAL_INDEXES:
        raise errors.limit_exceeded("Subscriber limit exceeded: The maximum number of global secondary indexes has been reached")
    indexes.append(definitions.index_description(create, description["TableArn"], mode, created=now))
    description["AttributeDefinitions"] = merged


def _apply_index_updates(description: dict, req: dict, now: float) -> None:
    updates = req["GlobalSecondaryIndexUpdates"]
    _check_index_updates(updates)
    for update in updates:
        if "Create" in update:
            _create_index(description, update["Create"], req, now)
        elif "Delete" in update:
            index = _global_index(description, update["Delete"]["IndexName"], "delete")
            description["GlobalSecondaryIndexes"].remove(index)
            if not description["GlobalSecondaryIndexes"]:
                del description["GlobalSecondaryIndexes"]
        else:
            index = _global_index(description, update["Update"]["IndexName"], "update")
            throughput = update["Update"].get("ProvisionedThroughput")
            if throughput:
                definitions.check_throughput(throughput)
                index["ProvisionedThroughput"] = _new_throughput(
                    index["ProvisionedThroughput"], throughput, now, f"index {index['IndexName']}"
                )
    _drop_unused_definitions(description)


def _drop_unused_definitions(description: dict) -> None:
    used = set(definitions.key_names(description["KeySchema"]))
    for member in ("LocalSecondaryIndexes", "GlobalSecondaryIndexes"):
        for index in description.get(member) or ():
            used.update(definitions.key_names(index["KeySchema"]))
    description["AttributeDefinitions"] = [d for d in description["AttributeDefinitions"] if d["AttributeName"] in used]


def _check_index_throughput(description: dict) -> None:
    """A table switched to PROVISIONED needs throughput for every global index too."""
    if _billing_mode(description) != "PROVISIONED":
        return
    for index in description.get("GlobalSecondaryIndexes") or ():
        if not index["ProvisionedThroughput"]["ReadCapacityUnits"]:
            raise errors.invalid_parameter(f"ProvisionedThroughput must be specified for index: {index['IndexName']}")


def _apply_stream(ctx, table: Table, description: dict, spec: dict, now: float) -> None:
    enabled = bool(table.stream_view_type)
    if spec["StreamEnabled"]:
        if enabled:
            raise errors.validation(f"Table already has an enabled stream: TableName: {table.name}")
        if not spec.get("StreamViewType"):
            raise errors.invalid_parameter("If stream is being enabled then UpdateViewType is required")
        start_stream(ctx, table, description, spec["StreamViewType"], now)
        return
    if spec.get("StreamViewType"):
        raise errors.invalid_parameter("If stream is being disabled, then UpdateViewType must not be specified")
    if not enabled:
        raise errors.validation(f"Table has no stream to disable: TableName: {table.name}")
    store.disable_streams(ctx.db, table, now)
    description.pop("StreamSpecification", None)


@service.operation("UpdateTable", resources=lookup.table_resource)
def update_table(ctx, req: dict) -> dict:
    table = lookup.existing_table(ctx, req["TableName"])
    _check_combination(req)
    if lookup.table_status(ctx, table) == "CREATING":
        raise errors.resource_in_use(
            f"Attempt to change a resource which is still in use: Table is being created: {table.name}"
        )
    now = ctx.clock.time()
    description = copy.deepcopy(table.description)
    _apply_billing(description, req, now)
    if "GlobalSecondaryIndexUpdates" in req:
        _apply_index_updates(description, req, now)
    _check_index_throughput(description)
    if "StreamSpecification" in req:
        _apply_stream(ctx, table, description, req["StreamSpecification"], now)
    if "DeletionProtectionEnabled" in req:
        description["DeletionProtectionEnabled"] = req["DeletionProtectionEnabled"]
    if req.get("TableClass"):
        description["TableClassSummary"] = {"TableClass": req["TableClass"]}
    description["updatedAt"] = now
    updated = store.save_description(ctx.db, table, description)
    store.sync_index_entries(ctx.db, table, updated)
    return {"TableDescription": describe(ctx, updated, status="UPDATING")}
