"""Multipart uploads: create, upload (or copy) parts, complete, abort, list.

Each part is a blob (or, copied, ranges of the source's blobs; a range of a small inline
source is written to a blob of its own); completing makes the new version hold the parts'
segments in order, so no byte is copied. The ETag is S3's: the MD5
of the parts' binary MD5s, then ``-<count>``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets

from headwater.protocol import checksums
from headwater.services.s3 import (
    attributes,
    conditions,
    content,
    copies,
    errors,
    locks,
    service,
    store,
    versions,
)
from headwater.services.s3.lookup import BUCKET_ARN, OBJECT_ARN, bucket_of, owner
from headwater.services.s3.writes import check_key, discarded_on_failure, receive_body

MAX_PART_SIZE = 5 * 1024**3
MAX_PART_NUMBER = 10000
DEFAULT_MAX_PARTS = 1000


def _upload(ctx, req: dict):
    bucket = bucket_of(ctx, req["Bucket"])
    upload = store.upload_row(ctx.db, req["UploadId"])
    if upload is None or upload["bucket"] != bucket["name"] or upload["key"] != req["Key"]:
        raise errors.no_such_upload(req["UploadId"])
    return bucket, upload


def _check_part_number(number: int) -> None:
    if not 1 <= number <= MAX_PART_NUMBER:
        raise errors.invalid_argument("Part number must be an integer between 1 and 10000, inclusive",
                                      "partNumber", str(number))


@service.operation("CreateMultipartUpload", resources=OBJECT_ARN, action="s3:PutObject")
def create_multipart_upload(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    check_key(req["Key"])
    attrs = attributes.from_request(req)
    attrs.update(locks.initial(bucket, req, ctx.clock.time()))
    algorithm = req.get("ChecksumAlgorithm")
    checksum_type = req.get("ChecksumType") or ("COMPOSITE" if algorithm else None)
    if algorithm:
        attrs["ChecksumAlgorithm"], attrs["ChecksumType"] = algorithm.lower(), checksum_type
    upload_id = secrets.token_urlsafe(48)
    store.add_upload(ctx.db, upload_id, bucket["name"], req["Key"], ctx.clock.time(), attrs)
    return {"Bucket": bucket["name"], "Key": req["Key"], "UploadId": upload_id, "ChecksumAlgorithm": algorithm,
            "ChecksumType": checksum_type, **attributes.write_members(attrs)}


def _part_checksum_members(stored: dict) -> dict:
    return {attributes.CHECKSUM_MEMBERS[alg]: value for alg, value in stored.items()
            if alg in attributes.CHECKSUM_MEMBERS}


@service.operation("UploadPart", resources=OBJECT_ARN, action="s3:PutObject", read_only=True,
                   blocking=content.writes_a_blob)
def upload_part(ctx, req: dict) -> dict:
    _check_part_number(req["PartNumber"])
    received = receive_body(ctx, req, MAX_PART_SIZE, default_checksum=False)
    with discarded_on_failure(ctx, received):
        store.claim_write(ctx.db)
        _, upload = _upload(ctx, req)
        sums, attrs = received.checksums, store.attrs_of(upload)
        algorithm = attrs.get("ChecksumAlgorithm")
        if algorithm and algorithm not in sums:
            stored_bytes = content.segment_chunks(ctx.blobs, received.segments)
            sums = {**sums, algorithm: checksums.compute(algorithm, stored_bytes)}
        store.put_part(ctx.db, upload["upload_id"], req["PartNumber"], received.size, received.etag,
                       ctx.clock.time(), sums, received.segments)
    return {"ETag": received.etag, **_part_checksum_members(sums), **attributes.write_members(attrs)}


def _copy_range(text: str | None, size: int) -> tuple[int, int]:
    if text is None:
        return 0, size
    parsed = content.parse_range(text, size) if text.startswith("bytes=") and "-" in text else None
    first, _, last = text.removeprefix("bytes=").partition("-")
    if parsed is None or not first.isdigit() or not last.isdigit() or int(last) >= size:
        raise errors.invalid_argument(f"Range specified is not valid for source object of size: {size}",
                                      "x-amz-copy-source-range", text)
    return parsed[0], parsed[1] - parsed[0] + 1


def _copied_range(ctx, source, start: int, length: int) -> tuple[list[store.Segment], str, str | None]:
    """The segments holding ``length`` bytes of ``source`` from ``start``, their MD5 (hex),
    and the blob written for them when the source's bytes are inline (else None)."""
    inline = store.inline_body(ctx.db, source["id"])
    if inline is not None:
        blob = ctx.blobs.write([inline[start:start + length]])
        return [store.Segment(blob.id, 0, length)] if length else [], blob.md5, blob.id
    segments = content.slice_segments(store.segments_of(ctx.db, store.object_holder(source["id"])), start, length)
    digest = hashlib.md5(usedforsecurity=False)
    for chunk in content.segment_chunks(ctx.blobs, segments):
        digest.update(chunk)
    return segments, digest.hexdigest(), None


@service.operation("UploadPartCopy", resources=OBJECT_ARN, action="s3:PutObject", blocking=True)
def upload_part_copy(ctx, req: dict) -> dict:
    _check_part_number(req["PartNumber"])
    source_bucket, source = copies.source_version(ctx, req)
    _, upload = _upload(ctx, req)
    start, length = _copy_range(req.get("CopySourceRange"), source["size"])
    segments, md5, written = _copied_range(ctx, source, start, length)
    etag = f'"{md5}"'
    try:
        store.put_part(ctx.db, upload["upload_id"], req["PartNumber"], length, etag, ctx.clock.time(), {}, segments)
    except BaseException:
        if written:
            ctx.blobs.delete(written)
        raise
    return {"CopyPartResult": {"ETag": etag, "LastModified": ctx.clock.time()},
            "CopySourceVersionId": source["version_id"] if source_bucket["versioning"] else None}


def _chosen_parts(ctx, upload_id: str, requested: list[dict]) -> list:
    """The stored parts the Complete request lists, checked as S3 checks them."""
    if not requested:
        raise errors.malformed_xml()
    stored = {row["number"]: row for row in store.parts_of(ctx.db, upload_id)}
    numbers = [part["PartNumber"] for part in requested]
    if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        raise errors.invalid_part_order()
    chosen = []
    for part in requested:
        row = stored.get(part["PartNumber"])
        if row is None or part.get("ETag", "").strip('"') != row["etag"].strip('"'):
            raise errors.invalid_part(part["PartNumber"], part.get("ETag"))
        chosen.append(row)
    minimum = ctx.settings.s3_min_part_size  # every part but the last
    for row in chosen[:-1]:
        if row["size"] < minimum:
            raise errors.entity_too_small(row["size"], minimum)
    return chosen


def multipart_etag(parts: list) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    for row in parts:
        digest.update(bytes.fromhex(row["etag"].strip('"').split("-")[0]))
    return f'"{digest.hexdigest()}-{len(parts)}"'


def _composite_checksum(algorithm: str | None, parts: list) -> dict | None:
    """S3's COMPOSITE checksum: the checksum of the parts' checksums, then ``-<count>``."""
    if not algorithm:
        return None
    values = [json.loads(row["checksums"]).get(algorithm) for row in parts]
    if not all(values):
        return None
    combined = checksums.Checksum(algorithm)
    for value in values:
        combined.update(base64.b64decode(value.split('-')[0]))
    return {"algorithm": algorithm, "value": f"{combined.b64digest()}-{len(parts)}", "type": "COMPOSITE"}


@service.operation("CompleteMultipartUpload", resources=OBJECT_ARN, action="s3:PutObject")
def complete_multipart_upload(ctx, req: dict) -> dict:
    bucket, upload = _upload(ctx, req)
    key = upload["key"]
    parts = _chosen_parts(ctx, upload["upload_id"], (req.get("MultipartUpload") or {}).get("Parts") or [])
    conditions.check_write(req, store.current_version(ctx.db, bucket["name"], key), key)
    attrs = store.attrs_of(upload)
    algorithm = attrs.pop("ChecksumAlgorithm", None)
    attrs.pop("ChecksumType", None)
    attrs["Checksum"] = _composite_checksum(algorithm, parts)
    attrs["Parts"] = [row["size"] for row in parts]
    segments = [segment for row in parts
                for segment in store.segments_of(ctx.db, store.part_holder(upload["upload_id"], row["number"]))]
    etag = multipart_etag(parts)
    version_id = versions.write(ctx, bucket, key, size=sum(attrs["Parts"]), etag=etag, attrs=attrs,
                                segments=segments)
    store.remove_upload(ctx.db, upload["upload_id"])
    return {"Location": f"{ctx.settings.endpoint}/{bucket['name']}/{key}", "Bucket": bucket["name"], "Key": key,
            "ETag": etag, "VersionId": version_id, **attributes.checksum_members(attrs),
            **attributes.write_members(attrs)}


@service.operation("AbortMultipartUpload", resources=OBJECT_ARN)
def abort_multipart_upload(ctx, req: dict) -> dict:
    _, upload = _upload(ctx, req)
    store.remove_upload(ctx.db, upload["upload_id"])
    return {}


@service.operation("ListParts", resources=OBJECT_ARN, action="s3:ListMultipartUploadParts", read_only=True)
def list_parts(ctx, req: dict) -> dict:
    bucket, upload = _upload(ctx, req)
    marker, limit = req.get("PartNumberMarker") or 0, min(req.get("MaxParts", DEFAULT_MAX_PARTS), DEFAULT_MAX_PARTS)
    rows = store.parts_of(ctx.db, upload["upload_id"], marker, limit + 1)
    page = rows[:limit]
    attrs = store.attrs_of(upload)
    result = {
        "Bucket": bucket["name"], "Key": upload["key"], "UploadId": upload["upload_id"],
        "PartNumberMarker": marker, "MaxParts": req.get("MaxParts", DEFAULT_MAX_PARTS),
        "IsTruncated": len(rows) > limit, "Initiator": _initiator(bucket), "Owner": owner(bucket["account"]),
        "StorageClass": attrs.get("StorageClass", "STANDARD"),
        "ChecksumAlgorithm": (attrs.get("ChecksumAlgorithm") or "").upper() or None,
        "ChecksumType": attrs.get("ChecksumType"),
        "Parts": [{"PartNumber": row["number"], "LastModified": row["modified"], "ETag": row["etag"],
                   "Size": row["size"], **_part_checksum_members(json.loads(row["checksums"]))} for row in page]
        or None,
    }
    if page:
        result["NextPartNumberMarker"] = page[-1]["number"]
    return result


def _before_marker(row, key_marker: str, id_marker: str | None) -> bool:
    if row["key"] != key_marker:
        return row["key"] < key_marker
    return id_marker is None or row["upload_id"] <= id_marker


def _initiator(bucket) -> dict:
    return {"ID": f"arn:aws:iam::{bucket['account']}:root", "DisplayName": "headwater"}


@service.operation("ListMultipartUploads", resources=BUCKET_ARN, action="s3:ListBucketMultipartUploads",
                   read_only=True)
def list_multipart_uploads(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    prefix, delimiter = req.get("Prefix", ""), req.get("Delimiter") or None
    key_marker, id_marker = req.get("KeyMarker", ""), req.get("UploadIdMarker")
    limit = min(req.get("MaxUploads", 1000), 1000)
    entries, prefixes = [], []
    for row in store.uploads_of(ctx.db, bucket["name"], prefix):
        if _before_marker(row, key_marker, id_marker):
            continue
        cut = row["key"].find(delimiter, len(prefix)) if delimiter else -1
        if cut >= 0:
            common = row["key"][: cut + len(delimiter)]
            if common not in prefixes:
                prefixes.append(common)
            continue
        entries.append(row)
    page, truncated = entries[:limit], len(entries) > limit
    result = {
        "Bucket": bucket["name"], "KeyMarker": key_marker, "UploadIdMarker": id_marker, "Prefix": prefix,
        "Delimiter": delimiter, "MaxUploads": req.get("MaxUploads", 1000), "IsTruncated": truncated,
        "Uploads": [{"UploadId": row["upload_id"], "Key": row["key"], "Initiated": row["initiated"],
                     "StorageClass": store.attrs_of(row).get("StorageClass", "STANDARD"),
                     "Owner": owner(bucket["account"]), "Initiator": _initiator(bucket)} for row in page] or None,
        "CommonPrefixes": [{"Prefix": common} for common in prefixes] or None,
    }
    if truncated:
        result["NextKeyMarker"], result["NextUploadIdMarker"] = page[-1]["key"], page[-1]["upload_id"]
    return result
