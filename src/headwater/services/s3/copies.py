"""CopyObject: a new version that shares the source's blobs (only a small inline body is
copied), with the metadata and tagging directives, copy-source conditions and source versions."""

from __future__ import annotations

import sqlite3
from urllib.parse import unquote

from headwater.services.s3 import (
    attributes,
    conditions,
    errors,
    locks,
    service,
    store,
    versions,
)
from headwater.services.s3.lookup import (
    OBJECT_ARN,
    bucket_of,
    find_version,
    shown_version,
)
from headwater.services.s3.writes import check_key

DIRECTIVES = ("COPY", "REPLACE")
_SELF_COPY = ("This copy request is illegal because it is trying to copy an object to itself without changing the "
              "object's metadata, storage class, website redirect location or encryption attributes.")
_CHANGES = ("StorageClass", "WebsiteRedirectLocation", "ServerSideEncryption", "SSEKMSKeyId",
            "SSECustomerAlgorithm")


def parse_copy_source(text: str) -> tuple[str, str, str | None]:
    """``bucket``, ``key`` and version id of ``x-amz-copy-source`` (``/bucket/key?versionId=...``)."""
    path, _, query = text.partition("?")
    bucket, _, key = unquote(path).lstrip("/").partition("/")
    version_id = None
    if query:
        name, _, value = query.partition("=")
        if name != "versionId":
            raise errors.invalid_argument("Invalid copy source", "x-amz-copy-source", text)
        version_id = unquote(value)
    if not bucket or not key:
        raise errors.invalid_argument("Invalid copy source object key", "x-amz-copy-source", text)
    return bucket, key, version_id


def source_version(ctx, req: dict) -> tuple[sqlite3.Row, sqlite3.Row]:
    """The source bucket and version, once the copy-source conditions hold."""
    bucket_name, key, version_id = parse_copy_source(req["CopySource"])
    bucket = bucket_of(ctx, bucket_name)
    row = find_version(ctx, bucket_name, key, version_id)
    conditions.check_read(req, row, prefix="CopySource")
    return bucket, row


def _directive(req: dict, name: str) -> str:
    value = req.get(name, "COPY")
    if value not in DIRECTIVES:
        raise errors.invalid_argument(f"Unknown {name.replace('Directive', '').lower()} directive.",
                                      f"x-amz-{name.replace('Directive', '').lower()}-directive", value)
    return value


def copied_attrs(req: dict, source: dict) -> dict:
    """The copy's attributes: the source's content headers and metadata unless replaced."""
    metadata_directive, tagging_directive = _directive(req, "MetadataDirective"), _directive(req, "TaggingDirective")
    attrs = attributes.from_request(req, content=metadata_directive == "REPLACE")
    if metadata_directive == "COPY":
        attrs.update({name: source[name] for name in attributes.CONTENT_HEADERS if name in source})
        attrs["Metadata"] = source.get("Metadata", {})
    if tagging_directive == "COPY":
        attrs.pop("Tags", None)
        if source.get("Tags"):
            attrs["Tags"] = source["Tags"]
    for name in ("Checksum", "Parts"):
        if source.get(name):
            attrs[name] = source[name]
    return attrs


def _is_self_copy(req: dict, source_bucket: str, source: sqlite3.Row) -> bool:
    same = source_bucket == req["Bucket"] and source["key"] == req["Key"]
    return same and req.get("MetadataDirective", "COPY") == "COPY" and not any(name in req for name in _CHANGES)


@service.operation("CopyObject", resources=OBJECT_ARN, action="s3:PutObject")
def copy_object(ctx, req: dict) -> dict:
    check_key(req["Key"])
    source_bucket, source = source_version(ctx, req)
    bucket = bucket_of(ctx, req["Bucket"])
    if _is_self_copy(req, source_bucket["name"], source):
        raise errors.invalid_request(_SELF_COPY)
    conditions.check_write(req, store.current_version(ctx.db, bucket["name"], req["Key"]), req["Key"])
    attrs = copied_attrs(req, store.attrs_of(source))
    attrs.update(locks.initial(bucket, req, ctx.clock.time()))
    segments = store.segments_of(ctx.db, store.object_holder(source["id"]))
    version_id = versions.write(ctx, bucket, req["Key"], size=source["size"], etag=source["etag"], attrs=attrs,
                                segments=segments, inline=store.inline_body(ctx.db, source["id"]))
    result_doc = {"ETag": source["etag"], "LastModified": ctx.clock.time(), **attributes.checksum_members(attrs)}
    return {
        "CopyObjectResult": result_doc, "VersionId": version_id,
        "CopySourceVersionId": shown_version(source, source_bucket), **attributes.write_members(attrs),
    }
