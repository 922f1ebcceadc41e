"""Bucket operations: Create, Head, List, Delete, GetBucketLocation, versioning and the
object lock configuration (the other subresources live in ``configs``)."""

from __future__ import annotations

import base64
import ipaddress
import json
import re

from headwater.services.s3 import configs, errors, service, store
from headwater.services.s3.lookup import BUCKET_ARN, bucket_of, owner

US_EAST_1 = "us-east-1"
#: The legacy name S3 still accepts (and reports back) for eu-west-1.
LEGACY_LOCATIONS = {"EU": "eu-west-1"}
_REGION = re.compile(r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}")
_BUCKET_NAME = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
MAX_BUCKETS_PAGE = 10000


def valid_bucket_name(name: str) -> bool:
    """S3's general purpose bucket naming rules."""
    if not _BUCKET_NAME.fullmatch(name) or ".." in name or ".-" in name or "-." in name:
        return False
    if name.startswith(_RESERVED_PREFIXES) or name.endswith(_RESERVED_SUFFIXES):
        return False
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return True
    return False


def _bucket_region(ctx, req: dict) -> str:
    """The region the new bucket lives in, by S3's LocationConstraint rules."""
    constraint = (req.get("CreateBucketConfiguration") or {}).get("LocationConstraint")
    if constraint is None:
        if ctx.region != US_EAST_1:
            raise errors.illegal_location_constraint("unspecified", ctx.region)
        return US_EAST_1
    region = LEGACY_LOCATIONS.get(constraint, constraint)
    if constraint == US_EAST_1 or not _REGION.fullmatch(region):
        raise errors.invalid_location_constraint(constraint)
    if ctx.region != US_EAST_1 and region != ctx.region:
        raise errors.illegal_location_constraint(constraint, ctx.region)
    return region


@service.operation("CreateBucket", resources=BUCKET_ARN)
def create_bucket(ctx, req: dict) -> dict:
    name = req["Bucket"]
    if not valid_bucket_name(name):
        raise errors.invalid_bucket_name(name)
    region = _bucket_region(ctx, req)
    existing = store.bucket_row(ctx.db, name)
    if existing is not None:
        if existing["account"] != ctx.account:
            raise errors.bucket_already_exists(name)
        if existing["region"] != US_EAST_1:
            raise errors.bucket_already_owned(name)
        # In us-east-1 S3 answers a repeated create of one's own bucket with 200 OK.
        return {"Location": f"/{name}", "BucketArn": f"arn:aws:s3:::{name}"}
    store.add_bucket(ctx.db, name, ctx.account, region, ctx.clock.time(), bool(req.get("ObjectLockEnabledForBucket")))
    location = f"/{name}" if region == US_EAST_1 else f"http://{name}.s3.amazonaws.com/"
    return {"Location": location, "BucketArn": f"arn:aws:s3:::{name}"}


@service.operation("HeadBucket", resources=BUCKET_ARN, action="s3:ListBucket", read_only=True)
def head_bucket(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    return {"BucketRegion": bucket["region"], "AccessPointAlias": False, "BucketArn": f"arn:aws:s3:::{bucket['name']}"}


@service.operation("ListBuckets", resources="*", action="s3:ListAllMyBuckets", read_only=True)
def list_buckets(ctx, req: dict) -> dict:
    prefix, region = req.get("Prefix", ""), req.get("BucketRegion")
    after = _decode_token(req["ContinuationToken"]) if "ContinuationToken" in req else ""
    limit = req.get("MaxBuckets", MAX_BUCKETS_PAGE)
    if not 1 <= limit <= MAX_BUCKETS_PAGE:
        raise errors.invalid_argument("Argument max-buckets must be an integer between 1 and 10000",
                                      "max-buckets", str(limit))
    rows = [row for row in store.buckets_of(ctx.db, ctx.account)
            if row["name"].startswith(prefix) and row["name"] > after and region in (None, row["region"])]
    page = rows[:limit]
    result = {
        "Buckets": [{"Name": row["name"], "CreationDate": row["created"], "BucketRegion": row["region"]}
                    for row in page],
        "Owner": owner(ctx.account),
    }
    if "Prefix" in req:
        result["Prefix"] = prefix
    if len(rows) > limit:
        result["ContinuationToken"] = base64.urlsafe_b64encode(page[-1]["name"].encode()).decode()
    return result


def _decode_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (ValueError, UnicodeDecodeError):
        raise errors.invalid_argument("The continuation token provided is incorrect", "continuation-token",
                                      token) from None


@service.operation("DeleteBucket", resources=BUCKET_ARN)
def delete_bucket(ctx, req: dict) -> dict:
    name = req["Bucket"]
    bucket_of(ctx, name)
    if not store.bucket_is_empty(ctx.db, name):
        raise errors.bucket_not_empty(name)
    for upload in store.uploads_of(ctx.db, name):
        store.remove_upload(ctx.db, upload["upload_id"])
    configs.forget_bucket(ctx.db, name)
    store.delete_bucket(ctx.db, name)
    return {}


@service.operation("GetBucketLocation", resources=BUCKET_ARN, read_only=True)
def get_bucket_location(ctx, req: dict) -> dict:
    region = bucket_of(ctx, req["Bucket"])["region"]
    return {"LocationConstraint": None if region == US_EAST_1 else region}


# --- versioning and object lock --------------------------------------------------------


@service.operation("PutBucketVersioning", resources=BUCKET_ARN)
def put_bucket_versioning(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    status = req["VersioningConfiguration"].get("Status")
    if status not in ("Enabled", "Suspended"):
        raise errors.malformed_xml()
    if bucket["object_lock"] and status != "Enabled":
        raise errors.invalid_bucket_state("An Object Lock configuration is present on this bucket, so the "
                                          "versioning state cannot be changed.")
    store.set_bucket(ctx.db, bucket["name"], versioning=status)
    return {}


@service.operation("GetBucketVersioning", resources=BUCKET_ARN, read_only=True)
def get_bucket_versioning(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    return {"Status": bucket["versioning"]} if bucket["versioning"] else {}


@service.operation("PutObjectLockConfiguration", resources=BUCKET_ARN, action="s3:PutBucketObjectLockConfiguration")
def put_object_lock_configuration(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    config = req.get("ObjectLockConfiguration") or {}
    if config.get("ObjectLockEnabled") != "Enabled":
        raise errors.malformed_xml()
    if not bucket["object_lock"] and bucket["versioning"] != "Enabled":
        raise errors.invalid_bucket_state("Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                                          "configuration")
    retention = (config.get("Rule") or {}).get("DefaultRetention")
    if retention is not None and ("Days" in retention) == ("Years" in retention):
        raise errors.malformed_xml()
    rule = json.dumps(config["Rule"]) if "Rule" in config else None
    store.set_bucket(ctx.db, bucket["name"], object_lock=1, lock_rule=rule)
    return {}


@service.operation("GetObjectLockConfiguration", resources=BUCKET_ARN,
                   action="s3:GetBucketObjectLockConfiguration", read_only=True)
def get_object_lock_configuration(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    if not bucket["object_lock"]:
        raise errors.object_lock_missing(bucket["name"])
    config = {"ObjectLockEnabled": "Enabled"}
    if bucket["lock_rule"]:
        config["Rule"] = json.loads(bucket["lock_rule"])
    return {"ObjectLockConfiguration": config}
