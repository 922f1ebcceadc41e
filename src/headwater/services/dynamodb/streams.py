"""Stream storage read by the DynamoDB Streams API, and its 24-hour retention.

Every change to a table with a stream appends a ``stream_records`` row in the change's
own transaction (``store.write``). A record's ``seq`` is unique and increasing across all
streams; its public sequence number is ``SEQUENCE_BASE + seq`` (21 decimal digits, as AWS's
are). A stream has one shard, from ``start_seq`` (the first sequence number it could get)
to its last record once the stream is disabled.

Records older than 24 hours (by the clock) are trimmed: never returned, and removed by
a background task every ``ttl_sweep_seconds``; ``trimmed_seq`` remembers the last one
removed, so that an iterator pointing at removed data is still recognised as trimmed.
A disabled stream stays readable for 24 hours, then is removed with its records.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Iterator

from headwater.registry import Periodic
from headwater.services.dynamodb import service

RETENTION_SECONDS = 24 * 60 * 60
SEQUENCE_BASE = 10 ** 20
#: Records removed per background run, so one run never holds the database for long.
TRIM_BATCH = 5000


def sequence_number(seq: int) -> str:
    return str(SEQUENCE_BASE + seq)


def parse_sequence_number(text: str) -> int | None:
    """The ``seq`` of a public sequence number; None when it cannot be one of ours."""
    if not (text.isascii() and text.isdigit()) or int(text) <= SEQUENCE_BASE:
        return None
    return int(text) - SEQUENCE_BASE


@dataclass(frozen=True)
class Stream:
    arn: str
    account: str
    region: str
    table_name: str
    label: str
    view_type: str
    shard_id: str
    created: float
    disabled: float | None
    key_schema: list
    start_seq: int
    trimmed_seq: int


_COLUMNS = ("arn, account, region, table_name, label, view_type, shard_id, created, disabled, key_schema,"
            " start_seq, trimmed_seq, table_id")


def _stream(db: sqlite3.Connection, row) -> Stream:
    *values, key_schema, start_seq, trimmed_seq, table_id = row
    if key_schema is None:  # a stream from before key schemas were kept with it
        found = db.execute("SELECT description FROM tables WHERE id = ?", (table_id,)).fetchone()
        key_schema = json.dumps(json.loads(found[0])["KeySchema"]) if found else "[]"
    return Stream(*values, json.loads(key_schema), start_seq, trimmed_seq)


def find_stream(db: sqlite3.Connection, arn: str, now: float) -> Stream | None:
    """The stream, unless it was disabled more than 24 hours ago."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM streams WHERE arn = ? AND (disabled IS NULL OR disabled >= ?)",
        (arn, now - RETENTION_SECONDS),
    ).fetchone()
    return None if row is None else _stream(db, row)


def list_streams(
    db: sqlite3.Connection, account: str, region: str, table_name: str | None, after: str | None, limit: int,
    now: float,
) -> list[Stream]:
    """Streams in ARN order (table name, then label), after the ARN ``after``."""
    sql = (f"SELECT {_COLUMNS} FROM streams WHERE account = ? AND region = ? AND arn > ?"
           " AND (disabled IS NULL OR disabled >= ?)")
    params: list = [account, region, after or "", now - RETENTION_SECONDS]
    if table_name is not None:
        sql += " AND table_name = ?"
        params.append(table_name)
    rows = db.execute(sql + " ORDER BY arn LIMIT ?", (*params, limit)).fetchall()
    return [_stream(db, row) for row in rows]


# --- records ---------------------------------------------------------------------------


def trim_point(db: sqlite3.Connection, stream: Stream, now: float) -> int:
    """The highest ``seq`` trimmed from the stream (0 when none was): removed already, or
    older than 24 hours and waiting for the background task."""
    point = stream.trimmed_seq
    rows = db.execute(
        "SELECT seq, created FROM stream_records WHERE stream_arn = ? AND seq > ? ORDER BY seq",
        (stream.arn, point),
    )
    for seq, created in rows:
        if created >= now - RETENTION_SECONDS:
            break
        point = seq
    return point


def last_seq(db: sqlite3.Connection, stream: Stream) -> int:
    """The ``seq`` of the stream's last record, or the one before its start when it has none."""
    row = db.execute("SELECT MAX(seq) FROM stream_records WHERE stream_arn = ?", (stream.arn,)).fetchone()
    return max(row[0] or 0, stream.trimmed_seq, stream.start_seq - 1)


def first_seq_since(db: sqlite3.Connection, stream: Stream, moment: float) -> int | None:
    """The ``seq`` of the stream's first record created at or after ``moment``."""
    row = db.execute(
        "SELECT MIN(seq) FROM stream_records WHERE stream_arn = ? AND created >= ?", (stream.arn, moment)
    ).fetchone()
    return row[0]


def records(db: sqlite3.Connection, stream: Stream, position: int, limit: int) -> Iterator[tuple]:
    """``(seq, event_name, created, keys, old_image, new_image, size, user_identity)`` of the
    stream's records from ``position`` on, in order, lazily."""
    return db.execute(
        "SELECT seq, event_name, created, keys, old_image, new_image, size, user_identity FROM stream_records"
        " WHERE stream_arn = ? AND seq >= ? ORDER BY seq LIMIT ?",
        (stream.arn, position, limit),
    )


def has_records_from(db: sqlite3.Connection, stream: Stream, position: int) -> bool:
    return db.execute(
        "SELECT 1 FROM stream_records WHERE stream_arn = ? AND seq >= ? LIMIT 1", (stream.arn, position)
    ).fetchone() is not None


# --- retention -------------------------------------------------------------------------


def trim(ctx) -> None:
    """Remove records older than 24 hours (oldest first, a batch per run) and streams
    disabled more than 24 hours ago."""
    cutoff = ctx.clock.time() - RETENTION_SECONDS
    db = ctx.db
    newest: dict[str, int] = {}
    oldest_first = db.execute("SELECT seq, stream_arn, created FROM stream_records ORDER BY seq LIMIT ?",
                              (TRIM_BATCH,))
    for seq, arn, created in oldest_first:
        if created >= cutoff:
            break
        newest[arn] = seq
    oldest_first.close()
    if newest:
        db.executemany("UPDATE streams SET trimmed_seq = MAX(trimmed_seq, ?) WHERE arn = ?",
                       [(seq, arn) for arn, seq in newest.items()])
        db.execute("DELETE FROM stream_records WHERE seq <= ?", (max(newest.values()),))
    gone = [row[0] for row in db.execute("SELECT arn FROM streams WHERE disabled < ?", (cutoff,))]
    for arn in gone:
        db.execute("DELETE FROM stream_records WHERE stream_arn = ?", (arn,))
        db.execute("DELETE FROM streams WHERE arn = ?", (arn,))


service.periodic.append(Periodic("stream_retention", lambda settings: settings.ttl_sweep_seconds, trim))
