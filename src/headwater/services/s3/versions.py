"""Writing versions as S3 numbers them: a new id while versioning is enabled, else the one
``null`` version of the key, replaced in place (its bytes released)."""

from __future__ import annotations

import sqlite3

from headwater.services.s3 import store
from headwater.services.s3.lookup import version_id_for_write
from headwater.services.s3.store import Segment


def write(ctx, bucket: sqlite3.Row, key: str, *, size: int, etag: str, attrs: dict,
          segments: list[Segment], inline: bytes | None = None) -> str | None:
    """Make a new latest version of ``key`` (its bytes ``inline`` or in ``segments``);
    returns the ``x-amz-version-id`` to answer."""
    version_id = version_id_for_write(bucket)
    store.add_version(ctx.db, bucket["name"], key, version_id, ctx.clock.time(), size=size, etag=etag,
                      attrs=attrs, segments=segments, inline=inline)
    return version_id if bucket["versioning"] else None


def add_delete_marker(ctx, bucket: sqlite3.Row, key: str) -> str:
    """Put a delete marker on top of ``key`` (versioning enabled or suspended)."""
    version_id = version_id_for_write(bucket)
    store.add_version(ctx.db, bucket["name"], key, version_id, ctx.clock.time(), marker=True)
    return version_id
