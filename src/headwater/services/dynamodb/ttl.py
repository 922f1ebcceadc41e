"""Time to live: a background task deletes expired items, as DynamoDB's TTL process does.

Every ``ttl_sweep_seconds`` (setting), for each table with TTL enabled, the items whose
TTL attribute is a Number (epoch seconds) earlier than the clock's now are deleted
through the same write path as DeleteItem (index entries, counts, stream): their stream
record is a REMOVE by the DynamoDB service (``userIdentity``). One run deletes at most
``SWEEP_BATCH`` items; the rest go in the next runs. As on AWS, an item whose attribute
is missing, not a Number, or more than five years in the past is never deleted, and an
expired item stays readable until the sweep removes it.
"""

from __future__ import annotations

from headwater.registry import Periodic
from headwater.services.dynamodb import service, store
from headwater.services.dynamodb.schema import parse

FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60
SWEEP_BATCH = 1000

_TABLES = "SELECT id, account, region, name, description, ttl_attribute FROM tables WHERE ttl_attribute IS NOT NULL"
# json_each walks an item's top-level attributes: the TTL attribute is matched by name as a
# parameter (no JSON-path quoting), and only its Number form ({"N": "..."}) has a '$.N'.
_EXPIRED = """
    SELECT i.h, i.pk, i.sk, i.item FROM items i, json_each(i.item) a
    WHERE i.table_id = ? AND a.key = ? AND a.type = 'object'
      AND CAST(json_extract(a.value, '$.N') AS REAL) < ?
      AND CAST(json_extract(a.value, '$.N') AS REAL) >= ?
    LIMIT ?
"""


def sweep(ctx) -> None:
    """Delete up to ``SWEEP_BATCH`` expired items, table after table."""
    now = ctx.clock.time()
    budget = SWEEP_BATCH
    for table_id, account, region, name, description, attribute in ctx.db.execute(_TABLES).fetchall():
        if budget <= 0:
            return
        table = parse(table_id, account, region, name, description)
        expired = ctx.db.execute(_EXPIRED, (table_id, attribute, now, now - FIVE_YEARS_SECONDS, budget)).fetchall()
        for h, pk, sk, item in expired:
            store.write(ctx.db, table, (h, pk, sk), store.decode_item(item), None, now, by_service=True)
        budget -= len(expired)


service.periodic.append(Periodic("ttl_sweep", lambda settings: settings.ttl_sweep_seconds, sweep))
