"""The bucket subresources that are plain documents: tagging, public access block, ownership
controls, default encryption, website, notifications, request payment, transfer acceleration.

Each is described once by a :class:`Subresource` (its operations, IAM actions, default and
checks); :func:`register` turns that into its Put/Get/Delete handlers. The request's payload
(``Tagging``, ``OwnershipControls``...) is stored as is, after its checks; Get answers it in
the output's payload member, or spread into the output when the output has none. The
``resource_tags`` service hook gives IAM enforcement a bucket's tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from headwater.errors import ServiceError
from headwater.protocol import specs
from headwater.services.s3 import config_acl, config_errors, configs, errors, service
from headwater.services.s3.lookup import BUCKET_ARN

#: ``check(ctx, bucket_row, req, payload) -> document to store`` (raises AWS's error when
#: invalid; None stores "removed").
Check = Callable[[Any, Any, dict, dict], Any]


@dataclass(frozen=True)
class Subresource:
    kind: str
    put: str
    get: str
    put_action: str
    get_action: str
    delete: str | None = None
    delete_action: str | None = None
    #: Get's error when the bucket has no document (None: Get answers ``default``).
    missing: Callable[[str], ServiceError] | None = None
    default: Any = None
    check: Check | None = None


def register(subresource: Subresource) -> None:
    put_operation = specs.operation("s3", subresource.put)
    put_payload = put_operation.input_shape.serialization["payload"]
    echoed = list(put_operation.output_shape.members) if put_operation.output_shape else []
    get_payload = specs.operation("s3", subresource.get).output_shape.serialization.get("payload")

    @service.operation(subresource.put, resources=BUCKET_ARN, action=subresource.put_action)
    def put(ctx, req):
        bucket = configs.requested_bucket(ctx, req)
        value = req.get(put_payload)
        if value is None:
            raise errors.malformed_xml()
        if subresource.check:
            value = subresource.check(ctx, bucket, req, value)
        configs.save(ctx.db, bucket["name"], subresource.kind, value)
        return {name: value[name] for name in echoed if value and name in value}

    @service.operation(subresource.get, resources=BUCKET_ARN, action=subresource.get_action, read_only=True)
    def get(ctx, req):
        bucket = configs.requested_bucket(ctx, req)
        value = configs.document(ctx.db, bucket["name"], subresource.kind, subresource.default)
        if value is None and subresource.missing:
            raise subresource.missing(bucket["name"])
        value = value or {}
        return {get_payload: value} if get_payload else value

    if subresource.delete:

        @service.operation(subresource.delete, resources=BUCKET_ARN,
                           action=subresource.delete_action or subresource.put_action)
        def delete(ctx, req):
            bucket = configs.requested_bucket(ctx, req)
            if subresource.missing:
                configs.save(ctx.db, bucket["name"], subresource.kind, None)
            else:
                configs.remove(ctx.db, bucket["name"], subresource.kind)
            return {}


def one_of(value: Any, allowed: tuple[str, ...]) -> Any:
    """``value`` when allowed, else S3's ``MalformedXML`` (enums are checked against the schema)."""
    if value not in allowed:
        raise errors.malformed_xml()
    return value


# --- tagging ----------------------------------------------------------------------------------

MAX_BUCKET_TAGS = 50
_TAG_TEXT = re.compile(r"^[\w\s+\-=.:/@]*$")


def check_tag_set(tags: list[dict], limit: int, count_message: str) -> None:
    """S3's tag rules: key 1-128 and value 0-256 characters of letters, digits, spaces and
    ``+ - = . _ : / @``; unique keys; no ``aws:`` prefix; at most ``limit`` tags."""
    if len(tags) > limit:
        raise errors.invalid_tag(count_message)
    seen = set()
    for tag in tags:
        key, value = tag.get("Key"), tag.get("Value")
        if key is None or value is None:
            raise errors.malformed_xml()
        if not 1 <= len(key) <= 128 or not _TAG_TEXT.match(key):
            raise errors.invalid_tag("The TagKey you have provided is invalid")
        if len(value) > 256 or not _TAG_TEXT.match(value):
            raise errors.invalid_tag("The TagValue you have provided is invalid")
        if key.lower().startswith("aws:"):
            raise errors.invalid_tag("Your TagKey cannot be prefixed with aws:")
        if key in seen:
            raise errors.invalid_tag("Cannot provide multiple Tags with the same key")
        seen.add(key)


def _check_tagging(ctx, bucket, req, tagging: dict) -> dict | None:
    if "TagSet" not in tagging:
        raise errors.malformed_xml()
    check_tag_set(tagging["TagSet"], MAX_BUCKET_TAGS, "Bucket tag count cannot be greater than 50")
    return tagging if tagging["TagSet"] else None


# --- public access block and ownership -----------------------------------------------------

_BLOCK_FLAGS = tuple(configs.DEFAULT_PUBLIC_ACCESS_BLOCK)
OWNERSHIPS = ("BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced")


def _check_public_access_block(ctx, bucket, req, block: dict) -> dict:
    return {flag: bool(block.get(flag, False)) for flag in _BLOCK_FLAGS}


def _check_ownership(ctx, bucket, req, controls: dict) -> dict:
    rules = controls.get("Rules") or []
    if len(rules) != 1:
        raise errors.malformed_xml()
    ownership = one_of(rules[0].get("ObjectOwnership"), OWNERSHIPS)
    if ownership == "BucketOwnerEnforced" and config_acl.grants_others(ctx.db, bucket):
        raise config_errors.acl_conflicts_with_ownership()
    return {"Rules": [{"ObjectOwnership": ownership}]}


# --- default encryption ---------------------------------------------------------------------

SSE_ALGORITHMS = ("AES256", "aws:kms", "aws:kms:dsse")


def _check_encryption(ctx, bucket, req, config: dict) -> dict:
    rules = config.get("Rules") or []
    if len(rules) != 1:
        raise errors.malformed_xml()
    default = rules[0].get("ApplyServerSideEncryptionByDefault") or {}
    algorithm = one_of(default.get("SSEAlgorithm"), SSE_ALGORITHMS)
    if "KMSMasterKeyID" in default and not algorithm.startswith("aws:kms"):
        raise errors.invalid_argument(
            "a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse",
            "ApplyServerSideEncryptionByDefault")
    return {"Rules": [{**rules[0], "BucketKeyEnabled": bool(rules[0].get("BucketKeyEnabled", False))}]}


# --- website, request payment, acceleration ------------------------------------------------


def _check_website(ctx, bucket, req, website: dict) -> dict:
    if "RedirectAllRequestsTo" in website:
        if len(website) > 1:
            raise errors.invalid_argument("RedirectAllRequestsTo cannot be provided in conjunction with other "
                                          "Routing Rules.", "RedirectAllRequestsTo")
        return website
    suffix = (website.get("IndexDocument") or {}).get("Suffix")
    if suffix is None:
        raise errors.invalid_argument("A value for IndexDocument Suffix must be provided if "
                                      "RedirectAllRequestsTo is empty", "IndexDocument")
    if not suffix or "/" in suffix:
        raise errors.invalid_argument("The IndexDocument Suffix is not well formed", "IndexDocument", suffix)
    return website


def _check_request_payment(ctx, bucket, req, config: dict) -> dict:
    return {"Payer": one_of(config.get("Payer"), ("Requester", "BucketOwner"))}


def _check_accelerate(ctx, bucket, req, config: dict) -> dict:
    status = one_of(config.get("Status"), ("Enabled", "Suspended"))
    if "." in bucket["name"]:
        raise errors.invalid_request("S3 Transfer Acceleration is not supported for buckets with periods (.) "
                                     "in their names")
    return {"Status": status}


SUBRESOURCES = (
    Subresource("tagging", "PutBucketTagging", "GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketTagging",
                delete="DeleteBucketTagging", missing=config_errors.no_such_tag_set, check=_check_tagging),
    Subresource("public-access-block", "PutPublicAccessBlock", "GetPublicAccessBlock",
                "s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock", delete="DeletePublicAccessBlock",
                missing=config_errors.no_such_public_access_block, default=configs.DEFAULT_PUBLIC_ACCESS_BLOCK,
                check=_check_public_access_block),
    Subresource("ownership", "PutBucketOwnershipControls", "GetBucketOwnershipControls",
                "s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls",
                delete="DeleteBucketOwnershipControls", missing=config_errors.no_ownership_controls,
                default=configs.DEFAULT_OWNERSHIP, check=_check_ownership),
    Subresource("encryption", "PutBucketEncryption", "GetBucketEncryption", "s3:PutEncryptionConfiguration",
                "s3:GetEncryptionConfiguration", delete="DeleteBucketEncryption",
                default=configs.DEFAULT_ENCRYPTION, check=_check_encryption),
    Subresource("website", "PutBucketWebsite", "GetBucketWebsite", "s3:PutBucketWebsite", "s3:GetBucketWebsite",
                delete="DeleteBucketWebsite", delete_action="s3:DeleteBucketWebsite",
                missing=config_errors.no_such_website, check=_check_website),
    Subresource("notification", "PutBucketNotificationConfiguration", "GetBucketNotificationConfiguration",
                "s3:PutBucketNotification", "s3:GetBucketNotification", default={}),
    Subresource("request-payment", "PutBucketRequestPayment", "GetBucketRequestPayment",
                "s3:PutBucketRequestPayment", "s3:GetBucketRequestPayment", default={"Payer": "BucketOwner"},
                check=_check_request_payment),
    Subresource("accelerate", "PutBucketAccelerateConfiguration", "GetBucketAccelerateConfiguration",
                "s3:PutAccelerateConfiguration", "s3:GetAccelerateConfiguration", default={},
                check=_check_accelerate),
)

for _subresource in SUBRESOURCES:
    register(_subresource)


def bucket_tags(conn, arn: str) -> dict[str, str] | None:
    """The tags of the bucket ``arn:aws:s3:::bucket`` names (``aws:ResourceTag/...``), else None."""
    name = arn.removeprefix("arn:aws:s3:::")
    if name == arn or "/" in name:
        return None
    tagging = configs.document(conn, name, "tagging") or {}
    return {tag["Key"]: tag["Value"] for tag in tagging.get("TagSet", [])}


service.hooks["resource_tags"] = bucket_tags
