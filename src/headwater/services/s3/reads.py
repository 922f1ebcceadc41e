"""GetObject, HeadObject and GetObjectAttributes: a version's bytes and what is known of it."""

from __future__ import annotations

import sqlite3

from headwater.services.s3 import (
    attributes,
    conditions,
    content,
    errors,
    service,
    store,
)
from headwater.services.s3.lookup import OBJECT_ARN, requested_version, shown_version

#: ``response-*`` query parameters and the member each overrides.
OVERRIDES = {"ResponseContentType": "ContentType", "ResponseContentLanguage": "ContentLanguage",
             "ResponseExpires": "Expires", "ResponseCacheControl": "CacheControl",
             "ResponseContentDisposition": "ContentDisposition", "ResponseContentEncoding": "ContentEncoding"}


def _part_bounds(attrs: dict, size: int, number: int) -> tuple[int, int, int]:
    """``(start, end, count)`` of part ``number`` (a simple upload is one part)."""
    sizes = attrs.get("Parts") or [size]
    if number > len(sizes):
        raise errors.invalid_part_number(number, len(sizes))
    start = sum(sizes[: number - 1])
    return start, start + sizes[number - 1] - 1, len(sizes)


def _selected_bytes(req: dict, row: sqlite3.Row, attrs: dict) -> tuple[int, int] | None:
    """The byte range a Range header or partNumber selects; None for the whole object."""
    size = row["size"]
    if req.get("PartNumber") is not None:
        if req.get("Range"):
            raise errors.invalid_request("Cannot specify both Range header and partNumber query parameter")
        if not attrs.get("Parts") and req["PartNumber"] == 1:
            return None
        start, end, _ = _part_bounds(attrs, size, req["PartNumber"])
        return start, end
    return content.parse_range(req.get("Range"), size)


def describe(req: dict, row: sqlite3.Row, bucket: sqlite3.Row) -> tuple[dict, tuple[int, int] | None]:
    """Members common to Get and Head, and the selected byte range."""
    conditions.check_read(req, row)
    attrs = store.attrs_of(row)
    selected = _selected_bytes(req, row, attrs)
    result = {
        "LastModified": row["modified"], "ETag": row["etag"], "AcceptRanges": "bytes",
        "VersionId": shown_version(row, bucket), "ContentLength": row["size"],
        **attributes.response_members(attrs),
    }
    if req.get("ChecksumMode") == "ENABLED" and (selected is None or req.get("PartNumber")):
        result.update(attributes.checksum_members(attrs))
    if req.get("PartNumber") is not None:
        result["PartsCount"] = len(attrs.get("Parts") or [row["size"]])
    if selected is not None:
        start, end = selected
        result["ContentLength"] = end - start + 1
        result["ContentRange"] = f"bytes {start}-{end}/{row['size']}"
        result["StatusCode"] = 206
    result.update({member: req[name] for name, member in OVERRIDES.items() if req.get(name) is not None})
    return result, selected


@service.operation("GetObject", resources=OBJECT_ARN, read_only=True)
def get_object(ctx, req: dict) -> dict:
    bucket, row = requested_version(ctx, req)
    result, selected = describe(req, row, bucket)
    result["Body"] = content.version_body(ctx.blobs, ctx.db, row, selected)
    return result


@service.operation("HeadObject", resources=OBJECT_ARN, action="s3:GetObject", read_only=True)
def head_object(ctx, req: dict) -> dict:
    bucket, row = requested_version(ctx, req)
    return describe(req, row, bucket)[0]


@service.operation("GetObjectAttributes", resources=OBJECT_ARN, action="s3:GetObjectAttributes", read_only=True)
def get_object_attributes(ctx, req: dict) -> dict:
    bucket, row = requested_version(ctx, req)
    attrs = store.attrs_of(row)
    wanted = set(req.get("ObjectAttributes") or ())
    result = {"LastModified": row["modified"], "VersionId": shown_version(row, bucket)}
    if "ETag" in wanted:
        result["ETag"] = row["etag"].strip('"')
    if "ObjectSize" in wanted:
        result["ObjectSize"] = row["size"]
    if "StorageClass" in wanted:
        result["StorageClass"] = attrs.get("StorageClass", "STANDARD")
    if "Checksum" in wanted and attributes.checksum_members(attrs):
        result["Checksum"] = attributes.checksum_members(attrs)
    if "ObjectParts" in wanted and attrs.get("Parts"):
        result["ObjectParts"] = _object_parts(req, attrs["Parts"])
    return result


def _object_parts(req: dict, sizes: list[int]) -> dict:
    marker, limit = req.get("PartNumberMarker") or 0, req.get("MaxParts", 1000)
    numbers = list(range(marker + 1, len(sizes) + 1))
    page = numbers[:limit]
    parts = {"TotalPartsCount": len(sizes), "PartNumberMarker": marker, "MaxParts": limit,
             "IsTruncated": len(numbers) > limit, "Parts": [{"PartNumber": n, "Size": sizes[n - 1]} for n in page]}
    if page:
        parts["NextPartNumberMarker"] = page[-1]
    return parts
