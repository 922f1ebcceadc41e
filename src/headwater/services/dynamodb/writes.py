"""The single-item write path shared by PutItem, UpdateItem, DeleteItem, BatchWriteItem and
TransactWriteItems: prepare (load the old item, check the condition, compute the new one),
then commit (item row, index entries and stream record in the request's transaction).

Preparing never writes, so a transaction can prepare every action, report every failed
condition, and commit only when all passed.
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.services.dynamodb import capacity, errors, store, types
from headwater.services.dynamodb.schema import Key, Table

MAX_ITEM_BYTES = 400 * 1024


class ConditionFailed(Exception):
    """A write's condition did not hold; ``old`` is the item it was checked against."""

    def __init__(self, old: dict | None):
        super().__init__("The conditional request failed")
        self.old = old


@dataclass
class Write:
    table: Table
    key: Key
    old: dict | None
    new: dict | None
    #: Whether ``new`` replaces ``old``; False for a ConditionCheck.
    changes: bool = True
    #: The document paths an update changed (for ReturnValues UPDATED_*).
    changed_paths: tuple = ()
    #: The old item was not read (nothing asked for it); capacity then counts the new item.
    old_known: bool = True
    #: The new item's size, when already computed.
    size: int | None = None

    def units(self) -> tuple[float, dict]:
        """Write units for the table and for each index this write changes."""
        new_size = self.size if self.size is not None else _size(self.new)
        return capacity.write_units(max(_size(self.old), new_size)), \
            capacity.index_write_units(self.table, self.old, self.new)


def _size(item: dict | None) -> int:
    return 0 if item is None else types.item_size(item)


def needs_old(table: Table, condition, wants_old: bool) -> bool:
    """Whether the old item must be read: for a condition, for the answer, for index
    entries and stream records."""
    return condition is not None or wants_old or bool(table.indexes) or bool(table.stream_view_type)


def _check(condition, old: dict | None) -> None:
    if condition is not None and not condition.evaluate(old or {}):
        raise ConditionFailed(old)


def prepare_put(db, table: Table, item: dict, condition=None, wants_old: bool = True, size: int | None = None) -> Write:
    """The put of a checked item; ``size`` is its size when already known."""
    key = table.key_of_item(item)
    if size is None:
        size = types.item_size(item)
    if size > MAX_ITEM_BYTES:
        raise errors.item_too_large()
    load = needs_old(table, condition, wants_old)
    old = store.get_item(db, table, key) if load else None
    _check(condition, old)
    return Write(table, key, old, item, old_known=load, size=size)


def prepare_delete(db, table: Table, key_attributes: dict, condition=None, wants_old: bool = True) -> Write:
    key = table.key_of(key_attributes)
    load = needs_old(table, condition, wants_old)
    old = store.get_item(db, table, key) if load else None
    _check(condition, old)
    return Write(table, key, old, None, old_known=load)


def prepare_check(db, table: Table, key_attributes: dict, condition) -> Write:
    key = table.key_of(key_attributes)
    old = store.get_item(db, table, key)
    _check(condition, old)
    return Write(table, key, old, old, changes=False)


def check_update(table: Table, update) -> None:
    """An update may not touch the table's key attributes."""
    for name in update.top_level_names:
        if name in table.key_names:
            raise errors.invalid_parameter(f"Cannot update attribute {name}. This attribute is part of the key")


def prepare_update(db, table: Table, key_attributes: dict, update, condition=None) -> Write:
    key = table.key_of(key_attributes)
    check_update(table, update)
    old = store.get_item(db, table, key)
    _check(condition, old)
    result = update.apply(old if old is not None else dict(key_attributes))
    new = result.new_item
    table.key_of_item(new)  # index keys the update set must have the index's types
    size = types.item_size(new)
    if size > MAX_ITEM_BYTES:
        raise errors.validation("Item size to update has exceeded the maximum allowed size")
    return Write(table, key, old, new, changed_paths=tuple(result.changed_paths), size=size)


def commit(db, write: Write, now: float) -> None:
    if not write.changes or (write.old_known and write.old is None and write.new is None):
        return
    store.write(db, write.table, write.key, write.old, write.new, now, size=write.size)


def item_collection_metrics(db, write: Write) -> dict | None:
    """ReturnItemCollectionMetrics=SIZE: the item collection of a table with local indexes."""
    table = write.table
    if not table.local_indexes:
        return None
    item = write.new if write.new is not None else write.old
    hash_value = item[table.hash.name] if item is not None else table.hash.decode(write.key[1])
    gigabytes = store.collection_size(db, table, write.key) / 1024 ** 3
    low = float(int(gigabytes))
    return {"ItemCollectionKey": {table.hash.name: hash_value}, "SizeEstimateRangeGB": [low, low + 1.0]}
