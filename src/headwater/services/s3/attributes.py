"""An object's stored attributes: what a write request sets, what reads answer with.

Stored as one JSON document per version: content headers, user metadata, storage class,
checksum, server-side encryption settings (echoed, the bytes are stored as sent), tags,
part sizes of a multipart object, and object lock retention and legal hold.
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from headwater.services.s3 import errors

CONTENT_HEADERS = ("ContentType", "ContentEncoding", "ContentDisposition", "ContentLanguage", "CacheControl",
                   "Expires", "WebsiteRedirectLocation")
SSE_MEMBERS = ("ServerSideEncryption", "SSEKMSKeyId", "SSEKMSEncryptionContext", "BucketKeyEnabled",
               "SSECustomerAlgorithm", "SSECustomerKeyMD5")
STORAGE_CLASSES = ("STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING",
                   "GLACIER", "DEEP_ARCHIVE", "OUTPOSTS", "GLACIER_IR", "SNOW", "EXPRESS_ONEZONE", "FSX_OPENZFS")
DEFAULT_CONTENT_TYPE = "binary/octet-stream"
MAX_METADATA_BYTES = 2048
MAX_TAGS = 10
CHECKSUM_MEMBERS = {"crc32": "ChecksumCRC32", "crc32c": "ChecksumCRC32C", "crc64nvme": "ChecksumCRC64NVME",
                    "sha1": "ChecksumSHA1", "sha256": "ChecksumSHA256"}


def from_request(req: dict, *, content: bool = True) -> dict:
    """The attributes a Put/Copy/CreateMultipartUpload request sets (``content``: also its
    content headers and metadata)."""
    attrs: dict = {}
    if content:
        attrs.update({name: req[name] for name in CONTENT_HEADERS if name in req})
        attrs["ContentType"] = req.get("ContentType") or DEFAULT_CONTENT_TYPE
        attrs["Metadata"] = checked_metadata(req.get("Metadata") or {})
    if req.get("Expires") is not None:
        attrs["Expires"] = _timestamp(req["Expires"])
    storage_class = req.get("StorageClass", "STANDARD")
    if storage_class not in STORAGE_CLASSES:
        raise errors.invalid_argument("The storage class you specified is not valid", "x-amz-storage-class",
                                      storage_class)
    attrs["StorageClass"] = storage_class
    attrs["SSE"] = sse_of(req)
    if "Tagging" in req:
        attrs["Tags"] = parse_tagging(req["Tagging"])
    return attrs


def _timestamp(value) -> float:
    return value.timestamp() if hasattr(value, "timestamp") else float(value)


def checked_metadata(metadata: dict) -> dict:
    """User metadata (names lower-cased, as S3 stores them), within S3's 2 KB limit."""
    size = sum(len(name.encode()) + len(str(value).encode()) for name, value in metadata.items())
    if size > MAX_METADATA_BYTES:
        raise errors.ServiceError("MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata "
                                  "size", 400, fields={"Size": str(size), "MaxSizeAllowed": str(MAX_METADATA_BYTES)})
    return {name.lower(): value for name, value in metadata.items()}


def sse_of(req: dict) -> dict:
    """Server-side encryption settings to echo: SSE-S3 by default, as S3 applies it."""
    sse = {name: req[name] for name in SSE_MEMBERS if name in req}
    if "SSECustomerAlgorithm" not in sse:
        sse.setdefault("ServerSideEncryption", "AES256")
    return sse


def parse_tagging(text: str) -> list[dict]:
    """``x-amz-tagging`` (a URL query string) as a TagSet."""
    return checked_tags([{"Key": key, "Value": value} for key, value in parse_qsl(text, keep_blank_values=True)])


def checked_tags(tags: list[dict]) -> list[dict]:
    if len(tags) > MAX_TAGS:
        raise errors.invalid_tag("Object tags cannot be greater than 10")
    keys = [tag["Key"] for tag in tags]
    if len(set(keys)) != len(keys):
        raise errors.invalid_tag("Cannot provide multiple Tags with the same key")
    for tag in tags:
        if not 1 <= len(tag["Key"]) <= 128:
            raise errors.invalid_tag("The TagKey you have provided is invalid")
        if len(tag.get("Value", "")) > 256:
            raise errors.invalid_tag("The TagValue you have provided is invalid")
    return tags


def checksum_members(attrs: dict) -> dict:
    """``ChecksumCRC32``-style members and ``ChecksumType`` of the stored checksum."""
    checksum = attrs.get("Checksum")
    if not checksum or checksum["algorithm"] not in CHECKSUM_MEMBERS:
        return {}
    return {CHECKSUM_MEMBERS[checksum["algorithm"]]: checksum["value"], "ChecksumType": checksum["type"]}


def response_members(attrs: dict) -> dict:
    """What Get/HeadObject answer from the stored attributes."""
    members = {name: attrs[name] for name in CONTENT_HEADERS if name in attrs}
    if attrs.get("Metadata"):
        members["Metadata"] = attrs["Metadata"]
    if attrs.get("StorageClass", "STANDARD") != "STANDARD":
        members["StorageClass"] = attrs["StorageClass"]
    members.update(attrs.get("SSE", {}))
    members.pop("SSEKMSEncryptionContext", None)
    if attrs.get("Tags"):
        members["TagCount"] = len(attrs["Tags"])
    if attrs.get("Parts"):
        members["PartsCount"] = len(attrs["Parts"])
    lock = attrs.get("Retention")
    if lock:
        members["ObjectLockMode"], members["ObjectLockRetainUntilDate"] = lock["Mode"], lock["RetainUntilDate"]
    if attrs.get("LegalHold"):
        members["ObjectLockLegalHoldStatus"] = attrs["LegalHold"]
    return members


def write_members(attrs: dict) -> dict:
    """What Put/Copy/Complete answer: the encryption settings."""
    return dict(attrs.get("SSE", {}))
