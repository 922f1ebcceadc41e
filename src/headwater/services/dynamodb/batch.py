"""BatchGetItem (up to 100 keys, 16 MB of answer) and BatchWriteItem (up to 25 puts and deletes).

Every request is checked before anything is read or written. A BatchWriteItem applies all
its writes in one transaction, so UnprocessedItems is always empty; a BatchGetItem whose
answer would pass 16 MB returns the keys it did not read in UnprocessedKeys.
"""

from __future__ import annotations

from headwater.services.dynamodb import capacity, errors, lookup, params, service, store, types, writes

MAX_GET_KEYS = 100
MAX_WRITES = 25
MAX_ANSWER_BYTES = 16 * 1024 * 1024
DUPLICATES = "Provided list of item keys contains duplicates"


def _tables_resource(ctx, req: dict) -> list[str]:
    tables = req.get("RequestItems")
    if not isinstance(tables, dict) or not tables:
        return [lookup.table_arn(ctx, "*")]
    return [lookup.resource_arn(ctx, name) for name in tables]


def _check_unique(keys: list) -> None:
    if len(set(keys)) != len(keys):
        raise errors.validation(DUPLICATES)


# --- BatchGetItem ---------------------------------------------------------------------------


def _prepared_gets(ctx, request_items: dict) -> list[tuple]:
    """(table, request entry, projection, [(key attributes, storage key)]) per table."""
    if sum(len(entry["Keys"]) for entry in request_items.values()) > MAX_GET_KEYS:
        raise errors.validation("Too many items requested for the BatchGetItem call")
    prepared = []
    for name, entry in request_items.items():
        projection = params.projection(entry)
        table = lookup.active_table(ctx, name)
        keys = [(key, table.key_of(key)) for key in entry["Keys"]]
        _check_unique([storage_key for _, storage_key in keys])
        prepared.append((name, table, entry, projection, keys))
    return prepared


@service.operation("BatchGetItem", resources=_tables_resource, read_only=True)
def batch_get_item(ctx, req: dict) -> dict:
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "read")
    responses, unprocessed, answered = {}, {}, 0
    for name, table, entry, projection, keys in _prepared_gets(ctx, req["RequestItems"]):
        found = responses.setdefault(name, [])
        for position, (key, storage_key) in enumerate(keys):
            row = store.get_row(ctx.db, table, storage_key)
            size = row[0] if row is not None else 0
            if answered + size > MAX_ANSWER_BYTES:
                rest = {member: value for member, value in entry.items() if member != "Keys"}
                unprocessed[name] = {**rest, "Keys": [k for k, _ in keys[position:]]}
                break
            answered += size
            meter.add(table, capacity.read_units(size, bool(entry.get("ConsistentRead"))))
            if row is not None:
                found.append(projection.apply(store.decode_item(row[1])) if projection else store.answer_item(row[1]))
    result = {"Responses": responses, "UnprocessedKeys": unprocessed}
    if meter.mode is not None:
        result["ConsumedCapacity"] = meter.reports()
    return result


# --- BatchWriteItem -------------------------------------------------------------------------


def _prepared_writes(ctx, request_items: dict, wants_old: bool) -> list[writes.Write]:
    """One checked, prepared (not yet committed) write per request, in request order."""
    if sum(len(requests) for requests in request_items.values()) > MAX_WRITES:
        raise errors.validation("Too many items requested for the BatchWriteItem call")
    prepared = []
    for name, requests in request_items.items():
        table = lookup.active_table(ctx, name)
        table_writes = []
        for request in requests:
            if ("PutRequest" in request) == ("DeleteRequest" in request):
                raise errors.validation("Supplied WriteRequest must contain exactly one of PutRequest or DeleteRequest")
            if "PutRequest" in request:
                item, size = types.checked_item(request["PutRequest"]["Item"])
                table_writes.append(writes.prepare_put(ctx.db, table, item, wants_old=wants_old, size=size))
            else:
                key = request["DeleteRequest"]["Key"]
                table_writes.append(writes.prepare_delete(ctx.db, table, key, wants_old=wants_old))
        _check_unique([write.key for write in table_writes])
        prepared.extend(table_writes)
    return prepared


@service.operation("BatchWriteItem", resources=_tables_resource)
def batch_write_item(ctx, req: dict) -> dict:
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "write")
    wants_metrics = req.get("ReturnItemCollectionMetrics") == "SIZE"
    wants_old = meter.mode is not None or wants_metrics
    now, metrics = ctx.clock.time(), {}
    for write in _prepared_writes(ctx, req["RequestItems"], wants_old):
        writes.commit(ctx.db, write, now)
        if meter.mode is not None:
            meter.add(write.table, *write.units())
        if wants_metrics and write.table.local_indexes:
            metrics.setdefault(write.table.name, []).append(writes.item_collection_metrics(ctx.db, write))
    result = {"UnprocessedItems": {}}
    if meter.mode is not None:
        result["ConsumedCapacity"] = meter.reports()
    if wants_metrics:
        result["ItemCollectionMetrics"] = metrics
    return result
