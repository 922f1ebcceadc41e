"""Conditional requests: reads (If-Match and friends), writes (``If-None-Match: *``,
``If-Match``) and copy sources (``x-amz-copy-source-if-*``), with S3's precedence rules."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from headwater.services.s3 import errors


def _etag_matches(condition: str, etag: str) -> bool:
    """Whether a comma-separated list of ETags (quoted or not, or ``*``) names ``etag``."""
    wanted = {item.strip().strip('"') for item in condition.split(",")}
    return "*" in wanted or etag.strip('"') in wanted


def _seconds(moment: datetime | float) -> float:
    return moment.timestamp() if isinstance(moment, datetime) else float(moment)


def _modified_since(row: sqlite3.Row, moment) -> bool:
    return int(row["modified"]) > _seconds(moment)


def check_read(req: dict, row: sqlite3.Row, prefix: str = "") -> None:
    """Raise 412 PreconditionFailed or 304 NotModified as S3 does for a GET/HEAD.

    If-Match holding makes S3 ignore If-Unmodified-Since; If-None-Match failing makes it
    ignore If-Modified-Since. ``prefix`` ``CopySource`` checks the copy-source conditions,
    which answer 412 in every case.
    """
    if_match, if_none_match = req.get(f"{prefix}IfMatch"), req.get(f"{prefix}IfNoneMatch")
    if_modified, if_unmodified = req.get(f"{prefix}IfModifiedSince"), req.get(f"{prefix}IfUnmodifiedSince")
    etag = row["etag"]
    not_modified = errors.precondition_failed("x-amz-copy-source-If-None-Match") if prefix else errors.not_modified()
    if if_match is not None:
        if not _etag_matches(if_match, etag):
            raise errors.precondition_failed("If-Match")
    elif if_unmodified is not None and _modified_since(row, if_unmodified):
        raise errors.precondition_failed("If-Unmodified-Since")
    if if_none_match is not None:
        if _etag_matches(if_none_match, etag):
            raise not_modified
    elif if_modified is not None and not _modified_since(row, if_modified):
        raise not_modified


def check_write(req: dict, current: sqlite3.Row | None, key: str) -> None:
    """``If-None-Match: *`` (only if absent) and ``If-Match`` (only if the ETag is current)."""
    if_none_match, if_match = req.get("IfNoneMatch"), req.get("IfMatch")
    exists = current is not None and not current["marker"]
    if if_none_match is not None:
        if if_none_match.strip() != "*":
            raise errors.ServiceError("NotImplemented", "A header you provided implies functionality that is not "
                                      "implemented", 501, fields={"Header": "If-None-Match"})
        if exists:
            raise errors.precondition_failed("If-None-Match")
    if if_match is not None:
        if not exists:
            raise errors.no_such_key(key)
        if not _etag_matches(if_match, current["etag"]):
            raise errors.precondition_failed("If-Match")
