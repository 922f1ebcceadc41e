"""Bucket subresources kept as documents: policy, tagging, CORS, lifecycle and the rest.

Each subresource of a bucket is one JSON document in ``bucket_configs``, keyed by the
bucket and a *kind* (``policy``, ``tagging``, ``cors``...) and holding the request's
members in AWS's names. Some subresources have a default AWS gives every new bucket
(public access block, ownership controls, encryption): a bucket without a row has the
default, and deleting such a subresource stores a NULL document ("removed").

The operations live in ``bucket_policy``, ``cors``, ``config_lifecycle``, ``config_acl``
and ``config_documents``; the bucket and object store calls :func:`forget_bucket` when a
bucket goes and :func:`lifecycle_rules` to expire objects.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import Any

from headwater.protocol import scalars
from headwater.services.s3 import errors, lookup

MIGRATIONS: list[tuple[str, str]] = [
    (
        "s3-configs-0001-bucket-documents",
        """
        CREATE TABLE bucket_configs (
            bucket TEXT NOT NULL,
            kind TEXT NOT NULL,
            document TEXT,
            PRIMARY KEY (bucket, kind)
        ) WITHOUT ROWID;
        """,
    ),
]

#: What AWS gives every new bucket (since 2023): all public access blocked, ACLs disabled,
#: SSE-S3 default encryption.
DEFAULT_PUBLIC_ACCESS_BLOCK = {
    "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True,
}
DEFAULT_OWNERSHIP = {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
DEFAULT_ENCRYPTION = {
    "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}],
}


def requested_bucket(ctx, req: dict) -> sqlite3.Row:
    """The request's bucket; ``AccessDenied`` when ``ExpectedBucketOwner`` names another account."""
    row = lookup.bucket_of(ctx, req["Bucket"])
    expected = req.get("ExpectedBucketOwner")
    if expected and expected != row["account"]:
        raise errors.access_denied()
    return row


def document(conn: sqlite3.Connection, bucket: str, kind: str, default: Any = None) -> Any:
    """The bucket's ``kind`` document: ``default`` when never set, None once removed."""
    row = conn.execute("SELECT document FROM bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind)).fetchone()
    if row is None:
        return default
    return None if row[0] is None else json.loads(row[0])


def save(conn: sqlite3.Connection, bucket: str, kind: str, value: Any) -> None:
    """Store the bucket's ``kind`` document; None records it as removed."""
    text = None if value is None else json.dumps(value, default=_json_default, separators=(",", ":"))
    conn.execute(
        "INSERT INTO bucket_configs (bucket, kind, document) VALUES (?, ?, ?)"
        " ON CONFLICT (bucket, kind) DO UPDATE SET document = excluded.document",
        (bucket, kind, text),
    )


def remove(conn: sqlite3.Connection, bucket: str, kind: str) -> None:
    """Drop the bucket's ``kind`` document: the default, if any, applies again."""
    conn.execute("DELETE FROM bucket_configs WHERE bucket = ? AND kind = ?", (bucket, kind))


def _json_default(value: Any) -> str:
    if isinstance(value, datetime):
        return scalars.format_timestamp(value, scalars.ISO8601)
    raise TypeError(f"cannot store {type(value).__name__} in a bucket document")


def public_access_block(conn: sqlite3.Connection, bucket: str) -> dict:
    """The bucket's four public-access-block flags ({} once the block is removed)."""
    return document(conn, bucket, "public-access-block", DEFAULT_PUBLIC_ACCESS_BLOCK) or {}


def object_ownership(conn: sqlite3.Connection, bucket: str) -> str:
    """``BucketOwnerEnforced`` (ACLs disabled), ``BucketOwnerPreferred`` or ``ObjectWriter``
    (what a bucket whose ownership controls were removed behaves as)."""
    controls = document(conn, bucket, "ownership", DEFAULT_OWNERSHIP)
    return controls["Rules"][0]["ObjectOwnership"] if controls else "ObjectWriter"


def forget_bucket(conn: sqlite3.Connection, bucket: str) -> None:
    """Drop every subresource of a bucket being deleted."""
    conn.execute("DELETE FROM bucket_configs WHERE bucket = ?", (bucket,))


def lifecycle_rules(conn: sqlite3.Connection, bucket: str) -> list[dict]:
    """The bucket's lifecycle rules as PutBucketLifecycleConfiguration took them (AWS's
    member names; ``Expiration.Date`` as a UTC datetime); [] when it has none."""
    config = document(conn, bucket, "lifecycle") or {}
    rules = config.get("Rules", [])
    for rule in rules:
        expiration = rule.get("Expiration") or {}
        if "Date" in expiration:
            expiration["Date"] = scalars.to_datetime(expiration["Date"])
    return rules
