"""DeleteObject and DeleteObjects: delete markers when versioned, versions removed for good
when named, object lock enforced, quiet mode for batches."""

from __future__ import annotations

import sqlite3

from headwater.errors import ServiceError
from headwater.services.s3 import errors, locks, service, store, versions
from headwater.services.s3.lookup import (
    BUCKET_ARN,
    NULL_VERSION,
    OBJECT_ARN,
    bucket_of,
    check_version_id,
)

MAX_BATCH = 1000


def delete_one(ctx, bucket: sqlite3.Row, key: str, version_id: str | None, bypass: bool) -> dict:
    """Delete ``key`` (or one of its versions) as S3 does; returns what S3 reports."""
    if version_id is not None:
        return _delete_version(ctx, bucket, key, version_id, bypass)
    if bucket["versioning"] == "Enabled":
        return {"DeleteMarker": True, "DeleteMarkerVersionId": versions.add_delete_marker(ctx, bucket, key)}
    null = store.version(ctx.db, bucket["name"], key, NULL_VERSION)
    if null is not None and not null["marker"]:
        locks.check_delete(store.attrs_of(null), ctx.clock.time(), bypass)
    if bucket["versioning"] == "Suspended":
        versions.add_delete_marker(ctx, bucket, key)
        return {"DeleteMarker": True, "DeleteMarkerVersionId": NULL_VERSION}
    if null is not None:
        store.remove_version(ctx.db, null["id"])
    return {}


def _delete_version(ctx, bucket: sqlite3.Row, key: str, version_id: str, bypass: bool) -> dict:
    check_version_id(version_id)
    row = store.version(ctx.db, bucket["name"], key, version_id)
    result = {"VersionId": version_id}
    if row is None:
        return result
    if row["marker"]:
        result.update(DeleteMarker=True, DeleteMarkerVersionId=version_id)
    else:
        locks.check_delete(store.attrs_of(row), ctx.clock.time(), bypass)
    store.remove_version(ctx.db, row["id"])
    return result


@service.operation("DeleteObject", resources=OBJECT_ARN)
def delete_object(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    outcome = delete_one(ctx, bucket, req["Key"], req.get("VersionId"), bool(req.get("BypassGovernanceRetention")))
    result = {"DeleteMarker": outcome.get("DeleteMarker")}
    result["VersionId"] = outcome.get("VersionId") or outcome.get("DeleteMarkerVersionId")
    return result


@service.operation("DeleteObjects", resources=BUCKET_ARN, action="s3:DeleteObject")
def delete_objects(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    request = req["Delete"]
    objects = request.get("Objects") or []
    if not objects or len(objects) > MAX_BATCH:
        raise errors.malformed_xml()
    bypass = bool(req.get("BypassGovernanceRetention"))
    deleted, failed = [], []
    for entry in objects:
        key, version_id = entry["Key"], entry.get("VersionId")
        try:
            outcome = delete_one(ctx, bucket, key, version_id, bypass)
        except ServiceError as error:
            failed.append({"Key": key, "VersionId": version_id, "Code": error.code, "Message": error.message})
            continue
        if not request.get("Quiet"):
            deleted.append({"Key": key, **outcome})
    return {"Deleted": deleted or None, "Errors": failed or None}
