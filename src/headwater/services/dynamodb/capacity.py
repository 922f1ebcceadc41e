"""Consumed capacity as DynamoDB computes it.

Reads cost one unit per 4 KB (rounded up, at least one), half as much when eventually
consistent; a Query or Scan rounds the total size of the items it read, a GetItem or
BatchGetItem each item. Writes cost one unit per 1 KB of the larger of the old and the
new item; each secondary index the write changes costs its own units (a changed index
key costs a delete and a put). Transactions cost twice as much.
"""

from __future__ import annotations

from headwater.services.dynamodb import types
from headwater.services.dynamodb.schema import Index, Table
from headwater.services.dynamodb.store import index_changes

READ_UNIT = 4096
WRITE_UNIT = 1024


def _units(size: int, unit: int) -> int:
    return max(1, -(-size // unit))


def read_units(size: int, consistent: bool) -> float:
    units = _units(size, READ_UNIT)
    return float(units) if consistent else units / 2


def write_units(size: int) -> float:
    return float(_units(size, WRITE_UNIT))


def index_write_units(table: Table, old: dict | None, new: dict | None) -> dict[Index, float]:
    """Units each secondary index consumes for a write that turns ``old`` into ``new``."""
    units = {}
    for index, before, after in index_changes(table, old, new):
        if before is not None and after is not None and before[0] == after[0]:
            units[index] = write_units(types.item_size(after[1]))
            continue
        units[index] = sum(write_units(types.item_size(entry[1])) for entry in (before, after) if entry)
    return units


class Meter:
    """Accumulates one request's consumption per table and index, and reports it in AWS's shape."""

    def __init__(self, mode: str | None, kind: str):
        self.mode = mode if mode in ("TOTAL", "INDEXES") else None
        self.member = "ReadCapacityUnits" if kind == "read" else "WriteCapacityUnits"
        self.tables: dict[str, float] = {}
        self.indexes: dict[str, dict[Index, float]] = {}

    def add(self, table: Table, units: float, index_units: dict[Index, float] | None = None) -> None:
        if self.mode is None:
            return
        self.tables[table.name] = self.tables.get(table.name, 0.0) + units
        per_index = self.indexes.setdefault(table.name, {})
        for index, value in (index_units or {}).items():
            per_index[index] = per_index.get(index, 0.0) + value

    def report(self, table_name: str) -> dict | None:
        if self.mode is None:
            return None
        table_units = self.tables.get(table_name, 0.0)
        per_index = self.indexes.get(table_name, {})
        total = table_units + sum(per_index.values())
        report = {"TableName": table_name, "CapacityUnits": total, self.member: total}
        if self.mode == "INDEXES":
            report["Table"] = {"CapacityUnits": table_units, self.member: table_units}
            for index, units in per_index.items():
                member = "GlobalSecondaryIndexes" if index.is_global else "LocalSecondaryIndexes"
                report.setdefault(member, {})[index.name] = {"CapacityUnits": units, self.member: units}
        return report

    def reports(self) -> list[dict] | None:
        """One report per table touched (batch and transaction operations)."""
        if self.mode is None:
            return None
        return [self.report(name) for name in self.tables]
