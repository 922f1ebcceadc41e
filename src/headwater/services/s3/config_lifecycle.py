"""Lifecycle configuration: Put/Get/DeleteBucketLifecycle(Configuration), checked as S3 checks it.

The rules are stored as sent; ``configs.lifecycle_rules`` hands them to the expiration
task. The deprecated ``PutBucketLifecycle``/``GetBucketLifecycle`` pair is not served.
"""

from __future__ import annotations

from datetime import time

from headwater.protocol import scalars
from headwater.services.s3 import config_errors, errors
from headwater.services.s3.config_documents import Subresource, check_tag_set, one_of, register

MAX_RULES = 1000
MAX_ID_LENGTH = 255
ACTIONS = ("Expiration", "Transitions", "NoncurrentVersionExpiration", "NoncurrentVersionTransitions",
           "AbortIncompleteMultipartUpload")
FILTER_MEMBERS = ("Prefix", "Tag", "And", "ObjectSizeGreaterThan", "ObjectSizeLessThan")
MIN_SIZES = ("all_storage_classes_128K", "varies_by_storage_class")
#: Storage classes an object must stay 30 days in STANDARD before moving to.
THIRTY_DAY_CLASSES = ("STANDARD_IA", "ONEZONE_IA")


def _check_configuration(ctx, bucket, req, config: dict) -> dict:
    rules = config.get("Rules") or []
    if not rules or len(rules) > MAX_RULES:
        raise errors.malformed_xml()
    ids = [rule["ID"] for rule in rules if rule.get("ID")]
    if len(ids) != len(set(ids)):
        raise errors.invalid_argument("RuleId must be unique. Found same ID for more than one rule", "ID")
    for rule in rules:
        _check_rule(rule)
    minimum = one_of(req.get("TransitionDefaultMinimumObjectSize", MIN_SIZES[0]), MIN_SIZES)
    return {"Rules": rules, "TransitionDefaultMinimumObjectSize": minimum}


def _check_rule(rule: dict) -> None:
    if len(rule.get("ID", "")) > MAX_ID_LENGTH:
        raise errors.invalid_argument("ID length should not exceed allowed limit of 255", "ID", rule["ID"])
    one_of(rule.get("Status"), ("Enabled", "Disabled"))
    if ("Filter" in rule) == ("Prefix" in rule):
        raise errors.malformed_xml()
    tagged = _check_filter(rule.get("Filter") or {})
    if not any(rule.get(action) for action in ACTIONS):
        raise errors.invalid_request("At least one action needs to be specified in a rule")
    _check_expiration(rule.get("Expiration"), tagged)
    noncurrent = rule.get("NoncurrentVersionExpiration")
    if noncurrent is not None:
        _positive(noncurrent.get("NoncurrentDays"), "'NoncurrentDays' for NoncurrentVersionExpiration action")
    abort = rule.get("AbortIncompleteMultipartUpload")
    if abort is not None:
        if tagged:
            raise errors.invalid_request("AbortIncompleteMultipartUpload cannot be specified with Tags.")
        _positive(abort.get("DaysAfterInitiation"), "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action")
    for transition in rule.get("Transitions") or []:
        _check_transition(transition, "Days", "Transition")
    for transition in rule.get("NoncurrentVersionTransitions") or []:
        _check_transition(transition, "NoncurrentDays", "NoncurrentVersionTransition")


def _check_filter(rule_filter: dict) -> bool:
    """Check a rule's filter; whether it filters by tags."""
    if sum(member in rule_filter for member in FILTER_MEMBERS) > 1:
        raise errors.malformed_xml()
    conjunction = rule_filter.get("And") or {}
    tags = [rule_filter["Tag"]] if "Tag" in rule_filter else conjunction.get("Tags") or []
    check_tag_set(tags, 50, "Lifecycle rule tag count cannot be greater than 50")
    above = conjunction.get("ObjectSizeGreaterThan", rule_filter.get("ObjectSizeGreaterThan"))
    below = conjunction.get("ObjectSizeLessThan", rule_filter.get("ObjectSizeLessThan"))
    if above is not None and below is not None and above >= below:
        raise errors.invalid_argument("ObjectSizeGreaterThan must be less than ObjectSizeLessThan",
                                      "ObjectSizeGreaterThan", str(above))
    return bool(tags)


def _check_expiration(expiration: dict | None, tagged: bool) -> None:
    if expiration is None:
        return
    if sum(member in expiration for member in ("Date", "Days", "ExpiredObjectDeleteMarker")) != 1:
        raise errors.malformed_xml()
    if "Days" in expiration:
        _positive(expiration["Days"], "'Days' for Expiration action")
    if "Date" in expiration:
        _check_midnight(expiration["Date"])
    if "ExpiredObjectDeleteMarker" in expiration and tagged:
        raise errors.invalid_request("ExpiredObjectDeleteMarker cannot be specified with tags")


def _check_transition(transition: dict, days_member: str, action: str) -> None:
    storage_class = transition.get("StorageClass")
    if storage_class is None or sum(member in transition for member in ("Date", days_member)) != 1:
        raise errors.malformed_xml()
    if "Date" in transition:
        _check_midnight(transition["Date"])
        return
    days = transition[days_member]
    if days < 0:
        raise errors.invalid_argument(f"'{days_member}' in {action} action must be nonnegative", days_member)
    if storage_class in THIRTY_DAY_CLASSES and days < 30:
        raise errors.invalid_argument(f"'{days_member}' in {action} action must be greater than or equal to 30 "
                                      f"for storageClass '{storage_class}'", days_member, str(days))


def _positive(value, what: str) -> None:
    if value is None or value <= 0:
        raise errors.invalid_argument(f"{what} must be a positive integer")


def _check_midnight(value) -> None:
    if scalars.to_datetime(value).timetz().replace(tzinfo=None) != time(0):
        raise errors.invalid_argument("'Date' must be at midnight GMT")


register(Subresource(
    "lifecycle", "PutBucketLifecycleConfiguration", "GetBucketLifecycleConfiguration",
    "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration", delete="DeleteBucketLifecycle",
    missing=config_errors.no_such_lifecycle, check=_check_configuration,
))
