"""Object lock: retention (GOVERNANCE, COMPLIANCE) and legal holds, and what they forbid."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

from headwater.services.s3 import errors

DAY = 86400.0
MODES = ("GOVERNANCE", "COMPLIANCE")


def _missing_configuration() -> errors.ServiceError:
    return errors.invalid_request("Bucket is missing Object Lock Configuration")


def _epoch(value) -> float:
    return value.timestamp() if isinstance(value, datetime) else float(value)


def initial(bucket: sqlite3.Row, req: dict, now: float) -> dict:
    """Retention and legal hold of a new version: as requested, else the bucket's default."""
    attrs = {}
    mode, until = req.get("ObjectLockMode"), req.get("ObjectLockRetainUntilDate")
    hold = req.get("ObjectLockLegalHoldStatus")
    if (mode or until or hold) and not bucket["object_lock"]:
        raise _missing_configuration()
    if (mode is None) != (until is None):
        raise errors.invalid_argument("x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both "
                                      "be supplied")
    if mode is not None:
        attrs["Retention"] = checked_retention({"Mode": mode, "RetainUntilDate": until}, now)
    elif bucket["object_lock"] and bucket["lock_rule"]:
        default = json.loads(bucket["lock_rule"]).get("DefaultRetention")
        if default:
            days = default.get("Days") or 365 * default.get("Years", 0)
            attrs["Retention"] = {"Mode": default["Mode"], "RetainUntilDate": now + days * DAY}
    if hold is not None:
        attrs["LegalHold"] = hold
    return attrs


def checked_retention(retention: dict, now: float) -> dict:
    if retention.get("Mode") not in MODES:
        raise errors.malformed_xml()
    until = _epoch(retention["RetainUntilDate"])
    if until <= now:
        raise errors.invalid_argument("The retain until date must be in the future!")
    return {"Mode": retention["Mode"], "RetainUntilDate": until}


def require_lock(bucket: sqlite3.Row) -> None:
    if not bucket["object_lock"]:
        raise _missing_configuration()


def is_protected(attrs: dict, now: float, bypass_governance: bool) -> bool:
    """Whether a version may not be deleted (or its retention shortened) now."""
    if attrs.get("LegalHold") == "ON":
        return True
    retention = attrs.get("Retention")
    if not retention or retention["RetainUntilDate"] <= now:
        return False
    return not (retention["Mode"] == "GOVERNANCE" and bypass_governance)


def check_delete(attrs: dict, now: float, bypass_governance: bool) -> None:
    if is_protected(attrs, now, bypass_governance):
        raise errors.access_denied()
