"""PutObject: a small body stored with its metadata in one commit; a bigger one streamed
into a blob first, then one short transaction for its metadata.

The handler runs in a worker thread inside a deferred transaction: a blob is written and
synced with no database lock held, then ``claim_write`` takes the lock for the metadata.
Whatever fails after the blob exists removes the blob again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from headwater.services.s3 import (
    attributes,
    conditions,
    content,
    errors,
    locks,
    service,
    store,
    versions,
)
from headwater.services.s3.lookup import OBJECT_ARN, bucket_of

MAX_KEY_BYTES = 1024
MAX_OBJECT_SIZE = 5 * 1024**3


def check_key(key: str) -> None:
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise errors.key_too_long()


def receive_body(ctx, req: dict, limit: int, **options) -> content.Received:
    """The request's body, at most ``limit`` bytes, verified and kept (``content.receive``)."""
    body = req.get("Body") or ctx.request.body
    if body.size > limit:
        raise errors.entity_too_large(body.size, limit)
    return content.receive(ctx.blobs, body, req, ctx.request.headers, **options)


@contextmanager
def discarded_on_failure(ctx, received: content.Received) -> Iterator[None]:
    """Around the work that records ``received``: if it fails, its blob is removed again."""
    try:
        yield
    except BaseException:
        received.discard(ctx.blobs)
        raise


def checksum_record(received: content.Received) -> dict | None:
    """The full-object checksum stored with a version (the first algorithm computed)."""
    for algorithm, value in received.checksums.items():
        return {"algorithm": algorithm, "value": value, "type": "FULL_OBJECT"}
    return None


@service.operation("PutObject", resources=OBJECT_ARN, read_only=True, blocking=content.writes_a_blob)
def put_object(ctx, req: dict) -> dict:
    key = req["Key"]
    check_key(key)
    attrs = attributes.from_request(req)
    received = receive_body(ctx, req, MAX_OBJECT_SIZE, inline=True)
    with discarded_on_failure(ctx, received):
        store.claim_write(ctx.db)
        bucket = bucket_of(ctx, req["Bucket"])
        conditions.check_write(req, store.current_version(ctx.db, bucket["name"], key), key)
        attrs.update(locks.initial(bucket, req, ctx.clock.time()))
        attrs["Checksum"] = checksum_record(received)
        version_id = versions.write(ctx, bucket, key, size=received.size, etag=received.etag, attrs=attrs,
                                    segments=received.segments, inline=received.inline)
    result = {"ETag": received.etag, "VersionId": version_id, **attributes.write_members(attrs)}
    result.update(attributes.checksum_members(attrs))
    return result
