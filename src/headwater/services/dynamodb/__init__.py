"""Amazon DynamoDB: tables, items, queries, batches and transactions, durable in SQLite.

The operations live by resource area (``tables``, ``table_updates``, ``table_settings``,
``items``, ``query_scan``, ``batch``, ``transactions``); ``store`` owns the SQLite schema
and every statement; ``schema`` is a table's parsed shape; ``types`` and ``expressions``
are the pure AttributeValue and expression machinery. ``ttl`` and ``streams`` add the
background work: deleting expired items, trimming stream records after 24 hours.
"""

from headwater.registry import Service
from headwater.services.dynamodb.store import MIGRATIONS

service = Service(
    "dynamodb",
    migrations=MIGRATIONS,
    hooks={"error_type": lambda code: f"com.amazonaws.dynamodb.v20120810#{code}"},
)

from headwater.services.dynamodb import (  # noqa: E402,F401  (register operations and background tasks)
    batch,
    items,
    query_scan,
    statements,
    streams,
    table_settings,
    table_updates,
    tables,
    transactions,
    ttl,
)
