"""DynamoDB's storage: the SQLite schema (named migrations) and every statement on it.

``items`` holds one row per item, keyed ``(table_id, h, pk, sk)`` in a ``WITHOUT ROWID``
table: ``pk``/``sk`` are the order-preserving key encodings and ``h`` the partition hash
(see ``schema.py``), so a Query is a range of SQLite's primary key and a Scan walks it in
partition-hash order. ``index_entries`` holds one row per item per secondary index that
has the item's index keys (sparse indexes), written in the same transaction as the item.
When the table has a stream, every change also appends a ``stream_records`` row.
Items are stored as their AttributeValue JSON (binary values in base64).
"""

from __future__ import annotations

import base64
import json
import sqlite3
from typing import Iterator

from headwater.protocol.jsontext import RawJSON, json_encoder
from headwater.protocol.scalars import format_blob
from headwater.services.dynamodb import types
from headwater.services.dynamodb.schema import Index, Key, Table, parse, partition_hash

MIGRATIONS = [
    (
        "0001_dynamodb_core",
        """
        CREATE TABLE tables (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            name TEXT NOT NULL,
            description TEXT NOT NULL,
            ttl_attribute TEXT,
            UNIQUE (account, region, name)
        );
        CREATE TABLE tags (
            table_id INTEGER NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (table_id, key)
        ) WITHOUT ROWID;
        CREATE TABLE items (
            table_id INTEGER NOT NULL,
            h INTEGER NOT NULL,
            pk BLOB NOT NULL,
            sk BLOB NOT NULL,
            size INTEGER NOT NULL,
            item TEXT NOT NULL,
            PRIMARY KEY (table_id, h, pk, sk)
        ) WITHOUT ROWID;
        CREATE TABLE index_entries (
            table_id INTEGER NOT NULL,
            index_name TEXT NOT NULL,
            ih INTEGER NOT NULL,
            ipk BLOB NOT NULL,
            isk BLOB NOT NULL,
            pk BLOB NOT NULL,
            sk BLOB NOT NULL,
            h INTEGER NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (table_id, index_name, ih, ipk, isk, pk, sk)
        ) WITHOUT ROWID;
        CREATE TABLE streams (
            arn TEXT PRIMARY KEY,
            table_id INTEGER NOT NULL,
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            table_name TEXT NOT NULL,
            label TEXT NOT NULL,
            view_type TEXT NOT NULL,
            shard_id TEXT NOT NULL,
            created REAL NOT NULL,
            disabled REAL
        );
        CREATE INDEX streams_by_table ON streams (table_id);
        CREATE TABLE stream_records (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            stream_arn TEXT NOT NULL,
            event_name TEXT NOT NULL,
            created REAL NOT NULL,
            keys TEXT NOT NULL,
            old_image TEXT,
            new_image TEXT,
            size INTEGER NOT NULL,
            user_identity TEXT
        );
        CREATE INDEX stream_records_by_stream ON stream_records (stream_arn, seq);
        CREATE TABLE transaction_tokens (
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            token TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            created REAL NOT NULL,
            PRIMARY KEY (account, region, token)
        ) WITHOUT ROWID;
        """,
    ),
    (
        # A stream's key schema outlives its table (streams stay readable for 24 hours
        # after DeleteTable); start_seq is where its shard starts, trimmed_seq the last
        # record the 24-hour retention removed.
        "0002_dynamodb_stream_shards",
        """
        ALTER TABLE streams ADD COLUMN key_schema TEXT;
        ALTER TABLE streams ADD COLUMN start_seq INTEGER NOT NULL DEFAULT 1;
        ALTER TABLE streams ADD COLUMN trimmed_seq INTEGER NOT NULL DEFAULT 0;
        """,
    ),
    (
        # A random token that every change to ``tables`` (by any connection, committed or
        # not) replaces: table descriptions cached under a token are current while the
        # token is (see lookup.py). A rolled-back change takes its token with it.
        "0003_dynamodb_catalog_token",
        """
        CREATE TABLE catalog (only INTEGER PRIMARY KEY CHECK (only = 1), token INTEGER NOT NULL);
        INSERT INTO catalog VALUES (1, random());
        CREATE TRIGGER tables_inserted AFTER INSERT ON tables BEGIN UPDATE catalog SET token = random(); END;
        CREATE TRIGGER tables_updated AFTER UPDATE ON tables BEGIN UPDATE catalog SET token = random(); END;
        CREATE TRIGGER tables_deleted AFTER DELETE ON tables BEGIN UPDATE catalog SET token = random(); END;
        """,
    ),
]

#: The identity DynamoDB puts on stream records of deletions it made itself (TTL).
SERVICE_IDENTITY = {"Type": "Service", "PrincipalId": "dynamodb.amazonaws.com"}


# --- item encoding ---------------------------------------------------------------------


encode_item = json_encoder(format_blob)


def _restore_binary(av: dict) -> None:
    (kind, content), = av.items()
    if kind == "B":
        av["B"] = base64.b64decode(content)
    elif kind == "BS":
        av["BS"] = [base64.b64decode(member) for member in content]
    elif kind == "M":
        for member in content.values():
            _restore_binary(member)
    elif kind == "L":
        for member in content:
            _restore_binary(member)


_decode = json.JSONDecoder().raw_decode  # json.loads without its whitespace handling


def decode_item(text: str) -> dict:
    item, end = _decode(text)
    if end != len(text):
        raise ValueError("not one JSON object")
    # Only an item holding a binary value (written as {"B":"..."} or {"BS":[...]}) needs the walk.
    if '{"B":"' in text or '{"BS":[' in text:
        for av in item.values():
            _restore_binary(av)
    return item


def answer_item(text: str) -> RawJSON:
    """A stored item as a member of an answer: its JSON text, written as it is."""
    return RawJSON(text)


def answer_items(texts: list[str]) -> RawJSON:
    """Stored items as a list member of an answer, written as they are."""
    return RawJSON(f"[{','.join(texts)}]")


# --- tables ----------------------------------------------------------------------------


def catalog_token(db: sqlite3.Connection) -> int:
    """The token of the current state of ``tables`` (see migration 0003)."""
    return db.execute("SELECT token FROM catalog").fetchone()[0]


def find_table(db: sqlite3.Connection, account: str, region: str, name: str) -> Table | None:
    row = db.execute(
        "SELECT id, description FROM tables WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    ).fetchone()
    return None if row is None else parse(row[0], account, region, name, row[1])


def insert_table(db: sqlite3.Connection, account: str, region: str, name: str, description: dict) -> Table:
    text = json.dumps(description)
    cursor = db.execute(
        "INSERT INTO tables (account, region, name, description) VALUES (?, ?, ?, ?)", (account, region, name, text)
    )
    return parse(cursor.lastrowid, account, region, name, text)


def save_description(db: sqlite3.Connection, table: Table, description: dict) -> Table:
    text = json.dumps(description)
    ttl = (description.get("TimeToLiveDescription") or {})
    attribute = ttl.get("AttributeName") if ttl.get("TimeToLiveStatus") == "ENABLED" else None
    db.execute("UPDATE tables SET description = ?, ttl_attribute = ? WHERE id = ?", (text, attribute, table.id))
    return parse(table.id, table.account, table.region, table.name, text)


def drop_table(db: sqlite3.Connection, table: Table) -> None:
    for statement in (
        "DELETE FROM items WHERE table_id = ?",
        "DELETE FROM index_entries WHERE table_id = ?",
        "DELETE FROM tags WHERE table_id = ?",
        "DELETE FROM tables WHERE id = ?",
    ):
        db.execute(statement, (table.id,))


def table_names(db: sqlite3.Connection, account: str, region: str, after: str | None, limit: int) -> list[str]:
    rows = db.execute(
        "SELECT name FROM tables WHERE account = ? AND region = ? AND name > ? ORDER BY name LIMIT ?",
        (account, region, after or "", limit),
    )
    return [row[0] for row in rows]


def table_stats(db: sqlite3.Connection, table: Table) -> tuple[int, int]:
    """(item count, total item bytes) of a table."""
    row = db.execute("SELECT COUNT(*), COALESCE(SUM(size), 0) FROM items WHERE table_id = ?", (table.id,)).fetchone()
    return row[0], row[1]


def index_stats(db: sqlite3.Connection, table: Table) -> dict[str, tuple[int, int]]:
    rows = db.execute(
        "SELECT index_name, COUNT(*), SUM(size) FROM index_entries WHERE table_id = ? GROUP BY index_name",
        (table.id,),
    )
    return {row[0]: (row[1], row[2]) for row in rows}


# --- tags ------------------------------------------------------------------------------


def tags(db: sqlite3.Connection, table: Table) -> list[dict]:
    rows = db.execute("SELECT key, value FROM tags WHERE table_id = ? ORDER BY key", (table.id,))
    return [{"Key": key, "Value": value} for key, value in rows]


def put_tags(db: sqlite3.Connection, table: Table, pairs: list[dict]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO tags (table_id, key, value) VALUES (?, ?, ?)",
        [(table.id, pair["Key"], pair["Value"]) for pair in pairs],
    )


def remove_tags(db: sqlite3.Connection, table: Table, keys: list[str]) -> None:
    db.executemany("DELETE FROM tags WHERE table_id = ? AND key = ?", [(table.id, key) for key in keys])


# --- items -----------------------------------------------------------------------------


def get_row(db: sqlite3.Connection, table: Table, key: Key) -> tuple[int, str] | None:
    """``(size, stored JSON text)`` of an item."""
    return db.execute(
        "SELECT size, item FROM items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", (table.id, *key)
    ).fetchone()


def get_item(db: sqlite3.Connection, table: Table, key: Key) -> dict | None:
    row = get_row(db, table, key)
    return None if row is None else decode_item(row[1])


def put_row(db: sqlite3.Connection, table: Table, key: Key, item: dict, size: int) -> None:
    db.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?, ?, ?, ?)", (table.id, *key, size, encode_item(item)))


def write(
    db: sqlite3.Connection, table: Table, key: Key, old: dict | None, new: dict | None, now: float,
    size: int | None = None, by_service: bool = False,
) -> None:
    """Store ``new`` (or delete the item when None) with its index entries and stream record."""
    if new is None:
        db.execute("DELETE FROM items WHERE table_id = ? AND h = ? AND pk = ? AND sk = ?", (table.id, *key))
    else:
        put_row(db, table, key, new, types.item_size(new) if size is None else size)
    for index, before, after in index_changes(table, old, new):
        _write_index_entry(db, table, index, key, before, after)
    if table.stream_view_type and old != new:
        _record_change(db, table, old, new, now, by_service)


def index_changes(table: Table, old: dict | None, new: dict | None) -> Iterator[tuple[Index, tuple | None, tuple | None]]:
    """For every index the write changes: (index, old entry, new entry), where an entry is
    ``(index key, projected item)`` or None when the item is not in the index."""
    for index in table.indexes.values():
        before = _entry(index, old)
        after = _entry(index, new)
        if before != after:
            yield index, before, after


def _entry(index: Index, item: dict | None) -> tuple | None:
    if item is None:
        return None
    key = index.key_of(item)
    return None if key is None else (key, index.project(item))


def _write_index_entry(db, table: Table, index: Index, key: Key, before: tuple | None, after: tuple | None) -> None:
    h, pk, sk = key
    if before is not None and (after is None or before[0] != after[0]):
        db.execute(
            "DELETE FROM index_entries WHERE table_id = ? AND index_name = ? AND ih = ? AND ipk = ? AND isk = ?"
            " AND pk = ? AND sk = ?",
            (table.id, index.name, *before[0], pk, sk),
        )
    if after is not None:
        db.execute(
            "INSERT OR REPLACE INTO index_entries VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (table.id, index.name, *after[0], pk, sk, h, types.item_size(after[1])),
        )


def _record_change(db, table: Table, old: dict | None, new: dict | None, now: float, by_service: bool) -> None:
    view = table.stream_view_type
    event = "INSERT" if old is None else "REMOVE" if new is None else "MODIFY"
    keys = table.key_attributes(new if new is not None else old)
    old_image = old if view in ("OLD_IMAGE", "NEW_AND_OLD_IMAGES") else None
    new_image = new if view in ("NEW_IMAGE", "NEW_AND_OLD_IMAGES") else None
    size = sum(types.item_size(image) for image in (keys, old_image, new_image) if image)
    db.execute(
        "INSERT INTO stream_records (stream_arn, event_name, created, keys, old_image, new_image, size, user_identity)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            table.description["LatestStreamArn"], event, now, encode_item(keys),
            None if old_image is None else encode_item(old_image),
            None if new_image is None else encode_item(new_image),
            size, json.dumps(SERVICE_IDENTITY) if by_service else None,
        ),
    )


def sync_index_entries(db: sqlite3.Connection, before: Table, after: Table) -> None:
    """Drop the entries of deleted indexes and backfill new ones from the table's items."""
    for name in before.indexes.keys() - after.indexes.keys():
        db.execute("DELETE FROM index_entries WHERE table_id = ? AND index_name = ?", (before.id, name))
    for name in after.indexes.keys() - before.indexes.keys():
        index = after.indexes[name]
        rows = db.execute("SELECT h, pk, sk, item FROM items WHERE table_id = ?", (after.id,)).fetchall()
        for h, pk, sk, text in rows:
            entry = _entry(index, decode_item(text))
            if entry is not None:
                _write_index_entry(db, after, index, (h, pk, sk), None, entry)


def collection_size(db: sqlite3.Connection, table: Table, key: Key) -> int:
    """Bytes of an item collection (items sharing a partition key, with their LSI entries)."""
    h, pk, _ = key
    items = db.execute(
        "SELECT COALESCE(SUM(size), 0) FROM items WHERE table_id = ? AND h = ? AND pk = ?", (table.id, h, pk)
    ).fetchone()[0]
    entries = 0
    for index in table.local_indexes:
        entries += db.execute(
            "SELECT COALESCE(SUM(size), 0) FROM index_entries WHERE table_id = ? AND index_name = ? AND ih = ?"
            " AND ipk = ?",
            (table.id, index.name, h, pk),
        ).fetchone()[0]
    return items + entries


# --- reads in key order ----------------------------------------------------------------

_ITEMS = "SELECT pk, sk, size, item FROM items WHERE table_id = ?"
_ENTRIES = (
    "SELECT e.pk, e.sk, e.size, i.item FROM index_entries e JOIN items i"
    " ON i.table_id = e.table_id AND i.h = e.h AND i.pk = e.pk AND i.sk = e.sk"
    " WHERE e.table_id = ? AND e.index_name = ?"
)
def _lower(a: tuple | None, b: tuple) -> tuple:
    """The tighter of two lower bounds ``(value, strict)``."""
    return b if a is None else max(a, b)


def _upper(a: tuple | None, b: tuple) -> tuple:
    """The tighter of two upper bounds ``(value, strict)``."""
    return b if a is None else min(a, b, key=lambda bound: (bound[0], not bound[1]))


def _ordered(
    db: sqlite3.Connection, sql: str, params: list, columns: tuple[str, ...], bounds: list[tuple[str, object]],
    start: tuple | None, forward: bool, limit: int | None,
):
    """Rows within ``bounds`` (``(op, value)`` on the first column) and after ``start`` (a
    tuple of ``columns``), in key order, lazily. The bounds are merged into one lower and
    one upper bound, so that SQLite seeks to the start instead of skipping to it."""
    lower = upper = None
    for op, value in bounds:
        if op in ("=", ">=", ">"):
            lower = _lower(lower, (value, op == ">"))
        if op in ("=", "<=", "<"):
            upper = _upper(upper, (value, op == "<"))
    if start is not None:
        lower, upper = (_lower(lower, (start[0], False)), upper) if forward else (lower, _upper(upper, (start[0], False)))
    for bound, symbols in ((lower, (">=", ">")), (upper, ("<=", "<"))):
        if bound is not None:
            sql += f" AND {columns[0]} {symbols[bound[1]]} ?"
            params.append(bound[0])
    if start is not None:
        sql += f" AND ({', '.join(columns)}) {'>' if forward else '<'} ({', '.join('?' * len(columns))})"
        params.extend(start)
    direction = "" if forward else " DESC"
    sql += " ORDER BY " + ", ".join(column + direction for column in columns)
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    cursor = db.cursor()
    cursor.row_factory = None  # plain tuples: these rows are many
    return cursor.execute(sql, params)


def query_rows(
    db: sqlite3.Connection, table: Table, index: Index | None, pk: bytes, sort: list[tuple[str, bytes]],
    forward: bool = True, start: tuple | None = None, limit: int | None = None,
) -> Iterator[tuple[bytes, bytes, int, str]]:
    """``(pk, sk, size, item)`` of one partition of the table or index, in sort-key order.

    ``sort`` holds ``(op, encoded value)`` bounds on the sort key (op one of = < <= > >=);
    ``start`` is the exclusive start: ``(sk,)`` on the table, ``(isk, pk, sk)`` on an
    index. ``size`` is the item's size, or the size of its projection in the index.
    """
    if index is None:
        sql, params, columns = _ITEMS + " AND h = ? AND pk = ?", [table.id, partition_hash(pk), pk], ("sk",)
    else:
        sql, params = _ENTRIES + " AND e.ih = ? AND e.ipk = ?", [table.id, index.name, partition_hash(pk), pk]
        columns = ("e.isk", "e.pk", "e.sk")
    return _ordered(db, sql, params, columns, sort, start, forward, limit)


def scan_rows(
    db: sqlite3.Connection, table: Table, index: Index | None, hashes: tuple[int, int],
    start: tuple | None = None, limit: int | None = None,
) -> Iterator[tuple[bytes, bytes, int, str]]:
    """``(pk, sk, size, item)`` of the table or index in partition-hash order, limited to the
    partitions whose hash is within ``hashes`` (inclusive bounds; one parallel-scan segment).
    ``start``: ``(h, pk, sk)`` on the table, ``(ih, ipk, isk, pk, sk)`` on an index."""
    if index is None:
        sql, params, columns = _ITEMS, [table.id], ("h", "pk", "sk")
    else:
        sql, params, columns = _ENTRIES, [table.id, index.name], ("e.ih", "e.ipk", "e.isk", "e.pk", "e.sk")
    bounds = [(">=", hashes[0]), ("<=", hashes[1])]
    return _ordered(db, sql, params, columns, bounds, start, True, limit)


# --- time to live ----------------------------------------------------------------------

# json_each walks an item's top-level attributes: the TTL attribute is matched by name as a
# parameter (no JSON-path quoting), and only its Number form ({"N": "..."}) has a '$.N'.
_EXPIRED = """
    SELECT i.h, i.pk, i.sk, i.item FROM items i, json_each(i.item) a
    WHERE i.table_id = ? AND a.key = ? AND a.type = 'object'
      AND CAST(json_extract(a.value, '$.N') AS REAL) < ?
      AND CAST(json_extract(a.value, '$.N') AS REAL) >= ?
    LIMIT ?
"""


def tables_with_ttl(db: sqlite3.Connection) -> list[tuple[Table, str]]:
    """Every table with TTL enabled, with its TTL attribute."""
    rows = db.execute("SELECT id, account, region, name, description, ttl_attribute FROM tables "
                      "WHERE ttl_attribute IS NOT NULL").fetchall()
    return [(parse(*row[:5]), row[5]) for row in rows]


def expired_items(db: sqlite3.Connection, table: Table, attribute: str, before: float, after: float,
                  limit: int) -> list[tuple[Key, dict]]:
    """Up to ``limit`` items whose Number ``attribute`` lies in ``[after, before)``."""
    rows = db.execute(_EXPIRED, (table.id, attribute, before, after, limit)).fetchall()
    return [((h, pk, sk), decode_item(item)) for h, pk, sk, item in rows]


# --- streams ---------------------------------------------------------------------------


def last_record_seq(db: sqlite3.Connection) -> int:
    """The ``seq`` of the latest stream record ever written, of any stream (0 if none)."""
    row = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'stream_records'").fetchone()
    return row[0] if row else 0


def add_stream(db: sqlite3.Connection, table: Table, arn: str, label: str, view_type: str, shard_id: str, now: float):
    db.execute(
        "INSERT INTO streams (arn, table_id, account, region, table_name, label, view_type, shard_id, created,"
        " key_schema, start_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (arn, table.id, table.account, table.region, table.name, label, view_type, shard_id, now,
         json.dumps(table.description["KeySchema"]), last_record_seq(db) + 1),
    )


def disable_streams(db: sqlite3.Connection, table: Table, now: float) -> None:
    db.execute("UPDATE streams SET disabled = ? WHERE table_id = ? AND disabled IS NULL", (now, table.id))


# --- transaction tokens ----------------------------------------------------------------


def token_fingerprint(db: sqlite3.Connection, account: str, region: str, token: str, since: float) -> str | None:
    """The fingerprint of the request that used ``token`` after ``since``; older tokens are forgotten."""
    db.execute("DELETE FROM transaction_tokens WHERE created < ?", (since,))
    row = db.execute(
        "SELECT fingerprint FROM transaction_tokens WHERE account = ? AND region = ? AND token = ?",
        (account, region, token),
    ).fetchone()
    return None if row is None else row[0]


def remember_token(db: sqlite3.Connection, account: str, region: str, token: str, fingerprint: str, now: float):
    db.execute(
        "INSERT OR REPLACE INTO transaction_tokens VALUES (?, ?, ?, ?, ?)", (account, region, token, fingerprint, now)
    )
