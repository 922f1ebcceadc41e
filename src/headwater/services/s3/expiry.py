"""Background work: lifecycle rules applied by the clock, and deleting released blobs.

Lifecycle timing follows S3: an action due ``Days`` after an event happens at the first
midnight UTC after event + days; a ``Date`` action from that date on. Expiring a current
version deletes it (unversioned bucket) or puts a delete marker on it (versioned).
"""

from __future__ import annotations

import math
from itertools import pairwise

from headwater.protocol import scalars
from headwater.registry import Periodic
from headwater.services.s3 import configs, deletes, locks, service, store

DAY = 86400.0
LIFECYCLE_EVERY_SECONDS = 60.0
BLOB_SWEEP_EVERY_SECONDS = 2.0


def due(event: float, days: int) -> float:
    """When an action ``days`` after ``event`` happens: the next midnight UTC."""
    return math.ceil((event + days * DAY) / DAY) * DAY


def _epoch(value) -> float:
    return scalars.to_datetime(value).timestamp()


def _condition(rule: dict) -> dict:
    """The rule's filter conditions, whether alone or under ``And``."""
    condition = rule.get("Filter") or {}
    return condition.get("And", condition)


def _prefix(rule: dict) -> str:
    """The key prefix a rule applies to: its filter's (alone or under ``And``), else the
    rule's own legacy ``Prefix``."""
    return _condition(rule).get("Prefix", rule.get("Prefix", "")) or ""


def _matches(rule: dict, row, attrs: dict) -> bool:
    """Whether a version falls under the rule's filter (prefix, tags, size bounds)."""
    condition = _condition(rule)
    if not row["key"].startswith(_prefix(rule)):
        return False
    wanted = list(condition.get("Tags") or ([condition["Tag"]] if "Tag" in condition else []))
    tags = {tag["Key"]: tag.get("Value", "") for tag in attrs.get("Tags", [])}
    if any(tags.get(tag["Key"]) != tag.get("Value", "") for tag in wanted):
        return False
    if "ObjectSizeGreaterThan" in condition and not row["size"] > condition["ObjectSizeGreaterThan"]:
        return False
    return not ("ObjectSizeLessThan" in condition and not row["size"] < condition["ObjectSizeLessThan"])


def _current_due(expiration: dict, row, now: float) -> bool:
    if "Date" in expiration:
        return now >= _epoch(expiration["Date"])
    return "Days" in expiration and now >= due(row["modified"], expiration["Days"])


def apply_rules(ctx, bucket, rules: list[dict]) -> None:
    """Apply a bucket's enabled rules to its versions and uploads once, as of now."""
    now = ctx.clock.time()
    rules = [rule for rule in rules if rule.get("Status") == "Enabled"]
    if not rules:
        return
    rows = store.keys_with_versions(ctx.db, bucket["name"])
    by_key: dict[str, list] = {}
    for row in rows:
        by_key.setdefault(row["key"], []).append(row)
    for rule in rules:
        for key_versions in by_key.values():
            _apply_to_key(ctx, bucket, rule, key_versions, now)
        _abort_uploads(ctx, bucket, rule, now)


def _apply_to_key(ctx, bucket, rule: dict, key_versions: list, now: float) -> None:
    """``key_versions`` newest first, as listed."""
    current = key_versions[0]
    attrs = store.attrs_of(current)
    if not _matches(rule, current, attrs):
        return
    expiration = rule.get("Expiration") or {}
    if current["marker"]:
        if expiration.get("ExpiredObjectDeleteMarker") and len(key_versions) == 1:
            store.remove_version(ctx.db, current["id"])
        return
    if _current_due(expiration, current, now):
        if not locks.is_protected(attrs, now, bypass_governance=False):
            deletes.delete_one(ctx, bucket, current["key"], None, bypass=False)
        return
    _transition(ctx, rule.get("Transitions") or [], current, attrs, now)
    _expire_noncurrent(ctx, rule.get("NoncurrentVersionExpiration"), key_versions, now)


def _transition(ctx, transitions: list[dict], row, attrs: dict, now: float) -> None:
    for transition in transitions:
        moment = _epoch(transition["Date"]) if "Date" in transition else due(row["modified"], transition.get("Days", 0))
        if now >= moment and attrs.get("StorageClass") != transition["StorageClass"]:
            attrs["StorageClass"] = transition["StorageClass"]
            store.set_attrs(ctx.db, row["id"], attrs)


def _expire_noncurrent(ctx, expiration: dict | None, key_versions: list, now: float) -> None:
    """Remove noncurrent versions ``NoncurrentDays`` after they became noncurrent, keeping
    the ``NewerNoncurrentVersions`` newest of them."""
    if not expiration or "NoncurrentDays" not in expiration:
        return
    keep = expiration.get("NewerNoncurrentVersions", 0)
    for position, (newer, row) in enumerate(pairwise(key_versions)):
        if position >= keep and now >= due(newer["modified"], expiration["NoncurrentDays"]):
            store.remove_version(ctx.db, row["id"])


def _abort_uploads(ctx, bucket, rule: dict, now: float) -> None:
    days = (rule.get("AbortIncompleteMultipartUpload") or {}).get("DaysAfterInitiation")
    if days is None:
        return
    for upload in store.uploads_of(ctx.db, bucket["name"], _prefix(rule)):
        if now >= due(upload["initiated"], days):
            store.remove_upload(ctx.db, upload["upload_id"])


def run_lifecycle(ctx) -> None:
    for bucket in ctx.db.execute("SELECT * FROM buckets").fetchall():
        apply_rules(ctx, bucket, configs.lifecycle_rules(ctx.db, bucket["name"]))


def sweep_released_blobs(ctx) -> None:
    """Delete the files of blobs whose last holder is gone (their release has committed)."""
    doomed = store.doomed(ctx.db)
    for blob in doomed:
        if not store.is_held(ctx.db, blob):
            ctx.blobs.delete(blob)
    store.forget_doomed(ctx.db, doomed)


service.periodic.extend([
    Periodic("lifecycle", lambda settings: LIFECYCLE_EVERY_SECONDS, run_lifecycle),
    Periodic("released-blobs", lambda settings: BLOB_SWEEP_EVERY_SECONDS, sweep_released_blobs),
])
