"""Single-item operations: PutItem, GetItem, UpdateItem, DeleteItem."""

from __future__ import annotations

from headwater.services.dynamodb import capacity, errors, lookup, params, service, store, types, writes
from headwater.services.dynamodb.expressions import project


def condition_failure(failed: writes.ConditionFailed, req: dict):
    """ConditionalCheckFailedException, with the old item when the request asked for it."""
    wants_item = req.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD"
    return errors.conditional_check_failed(failed.old if wants_item and failed.old is not None else None)


def _prepare(req: dict, prepare, *args, **kwargs) -> writes.Write:
    try:
        return prepare(*args, **kwargs)
    except writes.ConditionFailed as failed:
        raise condition_failure(failed, req) from None


def _wants_old(req: dict, meter: capacity.Meter) -> bool:
    return req.get("ReturnValues", "NONE") != "NONE" or meter.mode is not None or \
        req.get("ReturnItemCollectionMetrics") == "SIZE"


def _result(ctx, req: dict, write: writes.Write, meter: capacity.Meter, attributes: dict | None) -> dict:
    result = {}
    if attributes:
        result["Attributes"] = attributes
    if meter.mode is not None:
        meter.add(write.table, *write.units())
        result["ConsumedCapacity"] = meter.report(write.table.name)
    if req.get("ReturnItemCollectionMetrics") == "SIZE":
        metrics = writes.item_collection_metrics(ctx.db, write)
        if metrics is not None:
            result["ItemCollectionMetrics"] = metrics
    return result


@service.operation("PutItem", resources=lookup.table_resource)
def put_item(ctx, req: dict) -> dict:
    return_values = params.check_write_return_values(req)
    condition = params.write_condition(req, "PutItem")
    item, size = types.checked_item(req["Item"])
    table = lookup.active_table(ctx, req["TableName"])
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "write")
    write = _prepare(req, writes.prepare_put, ctx.db, table, item, condition, _wants_old(req, meter), size=size)
    writes.commit(ctx.db, write, ctx.clock.time())
    return _result(ctx, req, write, meter, write.old if return_values == "ALL_OLD" else None)


@service.operation("DeleteItem", resources=lookup.table_resource)
def delete_item(ctx, req: dict) -> dict:
    return_values = params.check_write_return_values(req)
    condition = params.write_condition(req, "DeleteItem")
    table = lookup.active_table(ctx, req["TableName"])
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "write")
    write = _prepare(req, writes.prepare_delete, ctx.db, table, req["Key"], condition, _wants_old(req, meter))
    writes.commit(ctx.db, write, ctx.clock.time())
    return _result(ctx, req, write, meter, write.old if return_values == "ALL_OLD" else None)


def updated_attributes(write: writes.Write, return_values: str) -> dict | None:
    """What UpdateItem returns for each ReturnValues."""
    if return_values == "ALL_OLD":
        return write.old
    if return_values == "ALL_NEW":
        return write.new
    if return_values == "UPDATED_OLD":
        return project(write.old, write.changed_paths) if write.old else None
    if return_values == "UPDATED_NEW":
        return project(write.new, write.changed_paths)
    return None


@service.operation("UpdateItem", resources=lookup.table_resource)
def update_item(ctx, req: dict) -> dict:
    update, condition = params.update_and_condition(req)
    table = lookup.active_table(ctx, req["TableName"])
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "write")
    write = _prepare(req, writes.prepare_update, ctx.db, table, req["Key"], update, condition)
    writes.commit(ctx.db, write, ctx.clock.time())
    return _result(ctx, req, write, meter, updated_attributes(write, req.get("ReturnValues", "NONE")))


def read_item(ctx, req: dict, answered=store.decode_item) -> dict:
    """GetItem's answer; ``answered`` turns the stored text of an item answered whole into
    the answer's ``Item`` (``store.answer_item`` for the wire)."""
    projection = params.projection(req)
    table = lookup.active_table(ctx, req["TableName"])
    row = store.get_row(ctx.db, table, table.key_of(req["Key"]))
    result = {}
    if row is not None:
        result["Item"] = projection.apply(store.decode_item(row[1])) if projection else answered(row[1])
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "read")
    if meter.mode is not None:
        meter.add(table, capacity.read_units(row[0] if row is not None else 0, bool(req.get("ConsistentRead"))))
        result["ConsumedCapacity"] = meter.report(table.name)
    return result


@service.operation("GetItem", resources=lookup.table_resource, read_only=True)
def get_item(ctx, req: dict) -> dict:
    return read_item(ctx, req, store.answer_item)
