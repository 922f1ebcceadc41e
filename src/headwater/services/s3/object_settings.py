"""Per-version settings: tagging, object lock retention and legal hold."""

from __future__ import annotations

from headwater.services.s3 import attributes, errors, locks, service, store
from headwater.services.s3.lookup import OBJECT_ARN, requested_version, shown_version


def _locked_version(ctx, req: dict):
    """The version the request names, in a bucket with object lock enabled."""
    bucket, row = requested_version(ctx, req)
    locks.require_lock(bucket)
    return row


def _lock_setting(ctx, req: dict, name: str):
    """The version's object lock setting ``name``, or NoSuchObjectLockConfiguration."""
    value = store.attrs_of(_locked_version(ctx, req)).get(name)
    if value is None:
        raise errors.no_such_object_lock_configuration()
    return value


def _update(ctx, row, **changes) -> None:
    attrs = store.attrs_of(row)
    for name, value in changes.items():
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
    store.set_attrs(ctx.db, row["id"], attrs)


@service.operation("PutObjectTagging", resources=OBJECT_ARN)
def put_object_tagging(ctx, req: dict) -> dict:
    bucket, row = requested_version(ctx, req)
    tags = attributes.checked_tags(req["Tagging"].get("TagSet") or [])
    _update(ctx, row, Tags=tags or None)
    return {"VersionId": shown_version(row, bucket)}


@service.operation("GetObjectTagging", resources=OBJECT_ARN, read_only=True)
def get_object_tagging(ctx, req: dict) -> dict:
    bucket, row = requested_version(ctx, req)
    return {"TagSet": store.attrs_of(row).get("Tags", []), "VersionId": shown_version(row, bucket)}


@service.operation("DeleteObjectTagging", resources=OBJECT_ARN)
def delete_object_tagging(ctx, req: dict) -> dict:
    bucket, row = requested_version(ctx, req)
    _update(ctx, row, Tags=None)
    return {"VersionId": shown_version(row, bucket)}


@service.operation("PutObjectRetention", resources=OBJECT_ARN)
def put_object_retention(ctx, req: dict) -> dict:
    row = _locked_version(ctx, req)
    now = ctx.clock.time()
    retention = locks.checked_retention(req.get("Retention") or {}, now)
    current = store.attrs_of(row).get("Retention")
    shortened = current and (retention["RetainUntilDate"] < current["RetainUntilDate"]
                             or retention["Mode"] != current["Mode"])
    locked = current and current["Mode"] == "COMPLIANCE" or not req.get("BypassGovernanceRetention")
    if shortened and current["RetainUntilDate"] > now and locked:
        raise errors.access_denied()
    _update(ctx, row, Retention=retention)
    return {}


@service.operation("GetObjectRetention", resources=OBJECT_ARN, read_only=True)
def get_object_retention(ctx, req: dict) -> dict:
    return {"Retention": _lock_setting(ctx, req, "Retention")}


@service.operation("PutObjectLegalHold", resources=OBJECT_ARN)
def put_object_legal_hold(ctx, req: dict) -> dict:
    row = _locked_version(ctx, req)
    status = (req.get("LegalHold") or {}).get("Status")
    if status not in ("ON", "OFF"):
        raise errors.malformed_xml()
    _update(ctx, row, LegalHold=status)
    return {}


@service.operation("GetObjectLegalHold", resources=OBJECT_ARN, read_only=True)
def get_object_legal_hold(ctx, req: dict) -> dict:
    return {"LegalHold": {"Status": _lock_setting(ctx, req, "LegalHold")}}
