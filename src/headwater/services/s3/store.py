"""The SQLite schema of buckets, objects, versions and multipart uploads, and its statements.

A small object version's bytes (a simple upload of at most ``INLINE_MAX`` bytes, or a copy
of one) live in the database itself, in ``inline_bodies``: one commit makes them durable,
with no file to write and no directory to sync. Any other version's bytes are a list of
*segments*, each a byte range of a blob: one segment for an upload, the parts' segments for
a completed multipart upload, the source's segments for a copy. Completing or copying never
copies a blob's bytes, so one blob may back several versions; a blob no segment holds any
more is *doomed* and deleted after the commit that released it (``expiry``), or at the
next start if the process dies first.

Keys are TEXT in SQLite's binary collation: they sort in the byte order of their UTF-8,
as S3 lists them. Version ids are ``null`` for versions written while versioning was never
enabled or is suspended.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

MIGRATIONS: list[tuple[str, str]] = [
    (
        "s3-0001-buckets-objects-uploads",
        """
        CREATE TABLE buckets (
            name TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            created REAL NOT NULL,
            versioning TEXT NOT NULL DEFAULT '',
            object_lock INTEGER NOT NULL DEFAULT 0,
            lock_rule TEXT
        );
        CREATE TABLE objects (
            id INTEGER PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            version_id TEXT NOT NULL,
            latest INTEGER NOT NULL,
            marker INTEGER NOT NULL DEFAULT 0,
            modified REAL NOT NULL,
            size INTEGER NOT NULL DEFAULT 0,
            etag TEXT NOT NULL DEFAULT '',
            attrs TEXT NOT NULL DEFAULT '{}',
            UNIQUE (bucket, key, version_id)
        );
        CREATE INDEX objects_by_key ON objects (bucket, key, id);
        CREATE INDEX objects_current ON objects (bucket, key) WHERE latest = 1 AND marker = 0;
        CREATE TABLE uploads (
            upload_id TEXT PRIMARY KEY,
            bucket TEXT NOT NULL REFERENCES buckets(name),
            key TEXT NOT NULL,
            initiated REAL NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX uploads_by_key ON uploads (bucket, key, initiated);
        CREATE TABLE parts (
            upload_id TEXT NOT NULL REFERENCES uploads(upload_id) ON DELETE CASCADE,
            number INTEGER NOT NULL,
            size INTEGER NOT NULL,
            etag TEXT NOT NULL,
            modified REAL NOT NULL,
            checksums TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (upload_id, number)
        );
        CREATE TABLE segments (
            holder TEXT NOT NULL,
            seq INTEGER NOT NULL,
            blob TEXT NOT NULL,
            start INTEGER NOT NULL,
            size INTEGER NOT NULL,
            PRIMARY KEY (holder, seq)
        );
        CREATE INDEX segments_by_blob ON segments (blob);
        CREATE TABLE doomed (blob TEXT PRIMARY KEY);
        """,
    ),
]

#: Schema changes made after ``configs.MIGRATIONS`` existed, applied after those.
LATER_MIGRATIONS: list[tuple[str, str]] = [
    ("s3-0002-inline-bodies", "CREATE TABLE inline_bodies (object INTEGER PRIMARY KEY, data BLOB NOT NULL);"),
]

#: Bodies up to this size are stored in the database rather than as blobs.
INLINE_MAX = 64 * 1024


@dataclass(frozen=True)
class Segment:
    blob: str
    start: int
    size: int


# --- buckets --------------------------------------------------------------------------


def bucket_row(conn: sqlite3.Connection, name: str) -> sqlite3.Row | None:
    """The bucket's row (``name, account, region, created, versioning, object_lock,
    lock_rule``), or None."""
    return conn.execute("SELECT * FROM buckets WHERE name = ?", (name,)).fetchone()


def add_bucket(conn, name: str, account: str, region: str, created: float, object_lock: bool) -> None:
    conn.execute(
        "INSERT INTO buckets (name, account, region, created, versioning, object_lock) VALUES (?, ?, ?, ?, ?, ?)",
        (name, account, region, created, "Enabled" if object_lock else "", int(object_lock)),
    )


def buckets_of(conn, account: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM buckets WHERE account = ? ORDER BY name", (account,)).fetchall()


def bucket_is_empty(conn, name: str) -> bool:
    found = conn.execute("SELECT 1 FROM objects WHERE bucket = ? LIMIT 1", (name,)).fetchone()
    upload = conn.execute("SELECT 1 FROM uploads WHERE bucket = ? LIMIT 1", (name,)).fetchone()
    return found is None and upload is None


def delete_bucket(conn, name: str) -> None:
    conn.execute("DELETE FROM buckets WHERE name = ?", (name,))


def set_bucket(conn, name: str, **columns) -> None:
    assignments = ", ".join(f"{column} = ?" for column in columns)
    conn.execute(f"UPDATE buckets SET {assignments} WHERE name = ?", (*columns.values(), name))


# --- object versions ------------------------------------------------------------------


def claim_write(conn) -> None:
    """Take the database's write lock now, before anything is read: a handler that streams a
    big body runs in a deferred transaction (no lock held while bytes flow) and must not
    read a snapshot it then fails to upgrade."""
    conn.execute("UPDATE buckets SET name = name WHERE 0")


def current_version(conn, bucket: str, key: str) -> sqlite3.Row | None:
    """The latest version of ``key`` (possibly a delete marker), or None."""
    return conn.execute(
        "SELECT * FROM objects WHERE bucket = ? AND key = ? AND latest = 1", (bucket, key)
    ).fetchone()


def version(conn, bucket: str, key: str, version_id: str) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM objects WHERE bucket = ? AND key = ? AND version_id = ?", (bucket, key, version_id)
    ).fetchone()


def add_version(conn, bucket: str, key: str, version_id: str, modified: float, *, size: int = 0,
                etag: str = "", attrs: dict | None = None, marker: bool = False,
                segments: Iterable[Segment] = (), inline: bytes | None = None) -> None:
    """Insert a version as the latest one, replacing a same-id (``null``) version. Its bytes
    are either ``inline`` (at most ``INLINE_MAX``) or the ``segments``."""
    replaced = version(conn, bucket, key, version_id)
    if replaced is not None:
        remove_version(conn, replaced["id"])
    conn.execute("UPDATE objects SET latest = 0 WHERE bucket = ? AND key = ? AND latest = 1", (bucket, key))
    cursor = conn.execute(
        "INSERT INTO objects (bucket, key, version_id, latest, marker, modified, size, etag, attrs)"
        " VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?)",
        (bucket, key, version_id, int(marker), modified, size, etag, json.dumps(attrs or {})),
    )
    row_id = cursor.lastrowid
    if inline is not None:
        conn.execute("INSERT INTO inline_bodies (object, data) VALUES (?, ?)", (row_id, inline))
    else:
        hold(conn, object_holder(row_id), segments)


def remove_version(conn, row_id: int) -> None:
    """Delete one version; the newest remaining version of its key becomes the latest."""
    row = conn.execute("SELECT bucket, key, latest FROM objects WHERE id = ?", (row_id,)).fetchone()
    conn.execute("DELETE FROM objects WHERE id = ?", (row_id,))
    conn.execute("DELETE FROM inline_bodies WHERE object = ?", (row_id,))
    release(conn, object_holder(row_id))
    if row is not None and row["latest"]:
        conn.execute(
            "UPDATE objects SET latest = 1 WHERE id = (SELECT max(id) FROM objects WHERE bucket = ? AND key = ?)",
            (row["bucket"], row["key"]),
        )


def inline_body(conn, row_id: int) -> bytes | None:
    """The version's bytes when they live in the database, else None (see ``segments_of``)."""
    found = conn.execute("SELECT data FROM inline_bodies WHERE object = ?", (row_id,)).fetchone()
    return None if found is None else found[0]


def set_attrs(conn, row_id: int, attrs: dict) -> None:
    conn.execute("UPDATE objects SET attrs = ? WHERE id = ?", (json.dumps(attrs), row_id))


def attrs_of(row: sqlite3.Row) -> dict:
    return json.loads(row["attrs"])


def current_objects(conn, bucket: str, prefix: str, after: str | None, limit: int) -> list[sqlite3.Row]:
    """Latest non-marker versions whose key starts with ``prefix``, after ``after``, in key order."""
    return conn.execute(
        "SELECT * FROM objects WHERE bucket = ? AND latest = 1 AND marker = 0 AND key > ? AND key >= ?"
        " AND substr(key, 1, ?) = ? ORDER BY key LIMIT ?",
        (bucket, after or "", prefix, len(prefix), prefix, limit),
    ).fetchall()


def versions_from(conn, bucket: str, prefix: str, key_after: str, row_before: int | None,
                  limit: int) -> list[sqlite3.Row]:
    """Versions in (key, newest first) order, starting after the version ``(key_after,
    row_before)``; ``row_before`` None starts at the first version after ``key_after``."""
    condition = "key > ?" if row_before is None else "(key > ? OR (key = ? AND id < ?))"
    args = (key_after,) if row_before is None else (key_after, key_after, row_before)
    return conn.execute(
        f"SELECT * FROM objects WHERE bucket = ? AND {condition} AND key >= ? AND substr(key, 1, ?) = ?"
        " ORDER BY key, id DESC LIMIT ?",
        (bucket, *args, prefix, len(prefix), prefix, limit),
    ).fetchall()


def keys_with_versions(conn, bucket: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM objects WHERE bucket = ? ORDER BY key, id DESC", (bucket,)).fetchall()


# --- segments and blobs ---------------------------------------------------------------


def object_holder(row_id: int) -> str:
    return f"o:{row_id}"


def part_holder(upload_id: str, number: int) -> str:
    return f"p:{upload_id}:{number}"


def hold(conn, holder: str, segments: Iterable[Segment]) -> None:
    conn.executemany(
        "INSERT INTO segments (holder, seq, blob, start, size) VALUES (?, ?, ?, ?, ?)",
        [(holder, seq, s.blob, s.start, s.size) for seq, s in enumerate(segments)],
    )


def segments_of(conn, holder: str) -> list[Segment]:
    rows = conn.execute("SELECT blob, start, size FROM segments WHERE holder = ? ORDER BY seq", (holder,))
    return [Segment(*row) for row in rows]


def release(conn, holder: str) -> None:
    """Drop a holder's segments; doom the blobs nothing else holds."""
    blobs = {row[0] for row in conn.execute("SELECT blob FROM segments WHERE holder = ?", (holder,))}
    conn.execute("DELETE FROM segments WHERE holder = ?", (holder,))
    orphans = [blob for blob in blobs if not is_held(conn, blob)]
    conn.executemany("INSERT OR IGNORE INTO doomed (blob) VALUES (?)", [(blob,) for blob in orphans])


def is_held(conn, blob: str) -> bool:
    return conn.execute("SELECT 1 FROM segments WHERE blob = ? LIMIT 1", (blob,)).fetchone() is not None


def doomed(conn) -> list[str]:
    return [row[0] for row in conn.execute("SELECT blob FROM doomed")]


def forget_doomed(conn, blobs: Iterable[str]) -> None:
    conn.executemany("DELETE FROM doomed WHERE blob = ?", [(blob,) for blob in blobs])


def referenced_blobs(conn) -> Iterator[str]:
    """Every blob a segment holds (the blob store sweeps all others at start)."""
    for (blob,) in conn.execute("SELECT DISTINCT blob FROM segments"):
        yield blob


# --- multipart uploads ----------------------------------------------------------------


def add_upload(conn, upload_id: str, bucket: str, key: str, initiated: float, attrs: dict) -> None:
    conn.execute(
        "INSERT INTO uploads (upload_id, bucket, key, initiated, attrs) VALUES (?, ?, ?, ?, ?)",
        (upload_id, bucket, key, initiated, json.dumps(attrs)),
    )


def upload_row(conn, upload_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM uploads WHERE upload_id = ?", (upload_id,)).fetchone()


def uploads_of(conn, bucket: str, prefix: str = "") -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM uploads WHERE bucket = ? AND substr(key, 1, ?) = ? ORDER BY key, initiated, upload_id",
        (bucket, len(prefix), prefix),
    ).fetchall()


def put_part(conn, upload_id: str, number: int, size: int, etag: str, modified: float,
             checksums: dict, segments: list[Segment]) -> None:
    """Record a part, replacing an earlier upload of the same number."""
    drop_part(conn, upload_id, number)
    conn.execute(
        "INSERT INTO parts (upload_id, number, size, etag, modified, checksums) VALUES (?, ?, ?, ?, ?, ?)",
        (upload_id, number, size, etag, modified, json.dumps(checksums)),
    )
    hold(conn, part_holder(upload_id, number), segments)


def drop_part(conn, upload_id: str, number: int) -> None:
    conn.execute("DELETE FROM parts WHERE upload_id = ? AND number = ?", (upload_id, number))
    release(conn, part_holder(upload_id, number))


def parts_of(conn, upload_id: str, after: int = 0, limit: int = 10001) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM parts WHERE upload_id = ? AND number > ? ORDER BY number LIMIT ?", (upload_id, after, limit)
    ).fetchall()


def remove_upload(conn, upload_id: str) -> None:
    """Delete an upload and its parts."""
    for part in parts_of(conn, upload_id):
        drop_part(conn, upload_id, part["number"])
    conn.execute("DELETE FROM uploads WHERE upload_id = ?", (upload_id,))
