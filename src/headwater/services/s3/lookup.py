"""What most S3 handlers need first: the bucket, the object version asked for, the owner."""

from __future__ import annotations

import hashlib
import re
import secrets
import sqlite3
from email.utils import formatdate

from headwater.services.s3 import errors, store

NULL_VERSION = "null"
BUCKET_ARN = "arn:aws:s3:::{Bucket}"
OBJECT_ARN = "arn:aws:s3:::{Bucket}/{Key}"
_VERSION_ID = re.compile(r"[A-Za-z0-9._]{32}")


def bucket_of(ctx, name: str) -> sqlite3.Row:
    """The bucket's row, or S3's NoSuchBucket."""
    row = store.bucket_row(ctx.db, name)
    if row is None:
        raise errors.no_such_bucket(name)
    return row


def owner(account: str) -> dict:
    """The ``Owner`` element S3 returns: the account's canonical user id."""
    return {"ID": canonical_id(account), "DisplayName": "headwater"}


def canonical_id(account: str) -> str:
    return hashlib.sha256(f"headwater-canonical-{account}".encode()).hexdigest()


def new_version_id() -> str:
    return secrets.token_urlsafe(24)[:32].replace("-", ".")


def version_id_for_write(bucket: sqlite3.Row) -> str:
    """A new random id while versioning is enabled, else ``null``."""
    return new_version_id() if bucket["versioning"] == "Enabled" else NULL_VERSION


def shown_version(row: sqlite3.Row | None, bucket: sqlite3.Row) -> str | None:
    """The ``x-amz-version-id`` to return: none in a bucket that never had versioning."""
    if row is None or (bucket["versioning"] == "" and row["version_id"] == NULL_VERSION):
        return None
    return row["version_id"]


def check_version_id(version_id: str) -> None:
    if version_id != NULL_VERSION and not _VERSION_ID.fullmatch(version_id):
        raise errors.invalid_argument("Invalid version id specified", "versionId", version_id)


def find_version(ctx, bucket: str, key: str, version_id: str | None) -> sqlite3.Row:
    """The object version a read names: a specific version, else the latest; delete
    markers answer as S3 does (404 NoSuchKey for the latest, 405 when named)."""
    if version_id is None:
        row = store.current_version(ctx.db, bucket, key)
        if row is None:
            raise errors.no_such_key(key)
        if row["marker"]:
            error = errors.no_such_key(key)
            error.headers.update(marker_headers(row))
            raise error
        return row
    check_version_id(version_id)
    row = store.version(ctx.db, bucket, key, version_id)
    if row is None:
        raise errors.no_such_version(key, version_id)
    if row["marker"]:
        error = errors.method_not_allowed(ctx.request.method, "DeleteMarker")
        error.headers.update(marker_headers(row))
        error.headers["Last-Modified"] = http_date(row["modified"])
        raise error
    return row


def requested_version(ctx, req: dict) -> tuple[sqlite3.Row, sqlite3.Row]:
    """The request's ``Bucket`` and the version its ``Key`` and ``VersionId`` name."""
    bucket = bucket_of(ctx, req["Bucket"])
    return bucket, find_version(ctx, bucket["name"], req["Key"], req.get("VersionId"))


def marker_headers(row: sqlite3.Row) -> dict:
    return {"x-amz-delete-marker": "true", "x-amz-version-id": row["version_id"]}


def http_date(moment: float) -> str:
    return formatdate(int(moment), usegmt=True)
