"""TransactWriteItems and TransactGetItems: all or nothing.

A write transaction is checked in full first (expressions, keys, one action per item),
then every action is prepared against the current items; if any condition fails, the
transaction is cancelled with one reason per action, in request order, and nothing is
written. Otherwise every write commits in the request's SQLite transaction. A
ClientRequestToken makes the request idempotent for ten minutes: the same token with the
same request does nothing more, with a different request it is refused.
"""

from __future__ import annotations

import hashlib
import json

from headwater.errors import ServiceError
from headwater.services.dynamodb import capacity, errors, lookup, params, service, store, types, writes
from headwater.services.dynamodb.items import condition_failure
from headwater.services.dynamodb.locks import IN_FLIGHT

TOKEN_WINDOW_SECONDS = 600
ACTIONS = ("ConditionCheck", "Put", "Delete", "Update")
ONE_ITEM_ONCE = "Transaction request cannot include multiple operations on one item"
CONFLICT = {"Code": "TransactionConflict", "Message": "Transaction is ongoing for the item"}
MISMATCH = "Specified idempotency token was used with different request parameters within the 10 minute window"


def _transaction_resource(ctx, req: dict) -> list[str]:
    names = []
    for entry in req.get("TransactItems") or ():
        if isinstance(entry, dict):
            names += [action.get("TableName") for action in entry.values() if isinstance(action, dict)]
    names = [name for name in dict.fromkeys(names) if isinstance(name, str)]
    return [lookup.resource_arn(ctx, name) for name in names] or \
        [lookup.table_arn(ctx, "*")]


def cancelled(reasons: list[dict]) -> ServiceError:
    codes = ", ".join(reason["Code"] for reason in reasons)
    return ServiceError(
        "TransactionCanceledException",
        f"Transaction cancelled, please refer cancellation reasons for specific reasons [{codes}]",
        fields={"CancellationReasons": reasons},
    )


def _action(entry: dict) -> tuple[str, dict]:
    present = [name for name in ACTIONS if name in entry]
    if len(present) != 1:
        raise errors.validation(
            "TransactItems can only contain one of Check, Put, Update or Delete"
        )
    return present[0], entry[present[0]]


class Planned:
    """One checked action: what to prepare once every action has been checked."""

    def __init__(self, ctx, kind: str, action: dict):
        self.kind, self.action = kind, action
        self.table = lookup.active_table(ctx, action["TableName"])
        self.update = self.condition = self.item = None
        if kind == "Update":
            self.update, self.condition = params.update_and_condition(action)
            writes.check_update(self.table, self.update)
        else:
            operation = {"Put": "PutItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheck"}[kind]
            self.condition = params.write_condition(action, operation)
        if kind == "Put":
            self.item, size = types.checked_item(action["Item"])
            self.key = self.table.key_of_item(self.item)
            if size > writes.MAX_ITEM_BYTES:
                raise errors.item_too_large()
        else:
            self.key = self.table.key_of(action["Key"])

    @property
    def item_id(self) -> tuple:
        return (self.table.id, self.key[1], self.key[2])

    def prepare(self, db) -> writes.Write:
        if self.kind == "Put":
            return writes.prepare_put(db, self.table, self.item, self.condition)
        if self.kind == "Delete":
            return writes.prepare_delete(db, self.table, self.action["Key"], self.condition)
        if self.kind == "Update":
            return writes.prepare_update(db, self.table, self.action["Key"], self.update, self.condition)
        return writes.prepare_check(db, self.table, self.action["Key"], self.condition)


def _plan(ctx, entries: list[dict]) -> list[Planned]:
    planned = [Planned(ctx, *_action(entry)) for entry in entries]
    ids = [plan.item_id for plan in planned]
    if len(set(ids)) != len(ids):
        raise errors.validation(ONE_ITEM_ONCE)
    return planned


def _prepare_all(ctx, planned: list[Planned], conflicts: list[bool]) -> list[writes.Write]:
    """Every action prepared, or the cancellation with one reason per action."""
    prepared, reasons = [], []
    for plan, conflict in zip(planned, conflicts):
        reason = {"Code": "None"}
        if conflict:
            reason = dict(CONFLICT)
        else:
            try:
                prepared.append(plan.prepare(ctx.db))
            except writes.ConditionFailed as failed:
                error = condition_failure(failed, plan.action)
                reason = {"Code": "ConditionalCheckFailed", "Message": error.message, **error.fields}
            except ServiceError as error:
                if error.code != "ValidationException":
                    raise
                reason = {"Code": "ValidationError", "Message": error.message}
        reasons.append(reason)
    if any(reason["Code"] != "None" for reason in reasons):
        raise cancelled(reasons)
    return prepared


def _fingerprint(req: dict) -> str:
    significant = {key: value for key, value in req.items() if key not in ("ClientRequestToken", "ReturnConsumedCapacity")}
    text = json.dumps(significant, sort_keys=True, default=lambda value: value.hex())
    return hashlib.sha256(text.encode()).hexdigest()


def _replayed(ctx, req: dict) -> bool:
    """True when this token already did this request within the window; refuses a different one."""
    token = req.get("ClientRequestToken")
    if token is None:
        return False
    now = ctx.clock.time()
    fingerprint = _fingerprint(req)
    known = store.token_fingerprint(ctx.db, ctx.account, ctx.region, token, now - TOKEN_WINDOW_SECONDS)
    if known is not None and known != fingerprint:
        raise ServiceError("IdempotentParameterMismatchException", MISMATCH)
    if known is None:
        store.remember_token(ctx.db, ctx.account, ctx.region, token, fingerprint, now)
    return known is not None


def _replay_answer(ctx, req: dict, planned: list[Planned]) -> dict:
    """A repeated request changes nothing; it reports the capacity of reading its items, as AWS does."""
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "read")
    if meter.mode is None:
        return {}
    for plan in planned:
        item = store.get_item(ctx.db, plan.table, plan.key)
        meter.add(plan.table, capacity.read_units(types.item_size(item) if item else 0, True))
    return {"ConsumedCapacity": meter.reports()}


@service.operation("TransactWriteItems", resources=_transaction_resource)
def transact_write_items(ctx, req: dict) -> dict:
    planned = _plan(ctx, req["TransactItems"])
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "write")
    if _replayed(ctx, req):
        return _replay_answer(ctx, req, planned)
    with IN_FLIGHT.hold(plan.item_id for plan in planned) as conflicts:
        prepared = _prepare_all(ctx, planned, conflicts)
        now = ctx.clock.time()
        for write in prepared:
            writes.commit(ctx.db, write, now)
            table_units, index_units = write.units()
            meter.add(write.table, 2 * table_units, {index: 2 * units for index, units in index_units.items()})
    result = {}
    if meter.mode is not None:
        result["ConsumedCapacity"] = meter.reports()
    if req.get("ReturnItemCollectionMetrics") == "SIZE":
        metrics = {}
        for write in prepared:
            if write.table.local_indexes and write.changes:
                metrics.setdefault(write.table.name, []).append(writes.item_collection_metrics(ctx.db, write))
        result["ItemCollectionMetrics"] = metrics
    return result


@service.operation("TransactGetItems", resources=_transaction_resource, read_only=True)
def transact_get_items(ctx, req: dict) -> dict:
    gets = []
    for entry in req["TransactItems"]:
        action = entry["Get"]
        projection = params.projection(action)
        table = lookup.active_table(ctx, action["TableName"])
        gets.append((table, table.key_of(action["Key"]), projection))
    reasons = [dict(CONFLICT) if IN_FLIGHT.held((table.id, key[1], key[2])) else {"Code": "None"}
               for table, key, _ in gets]
    if any(reason["Code"] != "None" for reason in reasons):
        raise cancelled(reasons)
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "read")
    responses = []
    for table, key, projection in gets:
        item = store.get_item(ctx.db, table, key)
        meter.add(table, 2 * capacity.read_units(types.item_size(item) if item else 0, True))
        responses.append({"Item": projection.apply(item) if projection else item} if item is not None else {})
    result = {"Responses": responses}
    if meter.mode is not None:
        result["ConsumedCapacity"] = meter.reports()
    return result
