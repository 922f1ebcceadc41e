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

FIVE_YEARS_SECONDS = 5 * 365 * 24 * 60 * 60
SWEEP_BATCH = 1000


def sweep(ctx) -> None:
    """Delete up to ``SWEEP_BATCH`` expired items, table after table."""
    now = ctx.clock.time()
    budget = SWEEP_BATCH
    for table, attribute in store.tables_with_ttl(ctx.db):
        if budget <= 0:
            return
        expired = store.expired_items(ctx.db, table, attribute, now, now - FIVE_YEARS_SECONDS, budget)
        for key, item in expired:
            store.write(ctx.db, table, key, item, None, now, by_service=True)
        budget -= len(expired)


service.periodic.append(Periodic("ttl_sweep", lambda settings: settings.ttl_sweep_seconds, sweep))
