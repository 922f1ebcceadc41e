"""ListObjectsV2, ListObjects and ListObjectVersions: keys in UTF-8 byte order, grouped into
CommonPrefixes by a delimiter, in pages, optionally URL-encoded."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator
from urllib.parse import quote

from headwater.services.s3 import attributes, errors, service, store
from headwater.services.s3.lookup import BUCKET_ARN, bucket_of, owner, shown_version

DEFAULT_MAX_KEYS = 1000
BATCH = 1000
#: Greater than every key that starts with a given prefix (the largest code point).
AFTER_ALL = "\U0010ffff"


def encoder(req: dict) -> Callable[[str | None], str | None]:
    """How keys and prefixes appear in the answer: as they are, or URL-encoded."""
    encoding = req.get("EncodingType")
    if encoding is None:
        return lambda text: text
    if encoding != "url":
        raise errors.invalid_argument("Invalid Encoding Method specified in Request", "encoding-type", encoding)
    return lambda text: None if text is None else quote(text, safe="/")


def max_keys(req: dict, name: str = "MaxKeys") -> int:
    value = req.get(name, DEFAULT_MAX_KEYS)
    if value < 0:
        raise errors.invalid_argument(f"Argument {name.lower()} must be an integer between 0 and 2147483647",
                                      name.lower(), str(value))
    return min(value, DEFAULT_MAX_KEYS)


def walk(fetch: Callable[[str, object], list], key_of: Callable, prefix: str, delimiter: str | None,
         start: tuple[str, object]) -> Iterator[tuple[str, object]]:
    """Entries in order: ``("row", row)`` or ``("prefix", common_prefix)``.

    ``fetch(after_key, after_row)`` returns the next batch of rows; a common prefix is
    reported once and every key under it skipped.
    """
    after_key, after_row = start
    if delimiter and after_row is None:
        cut = after_key.find(delimiter, len(prefix))
        if cut >= 0 and after_key.startswith(prefix):  # resuming after a common prefix: skip all of it
            after_key = after_key[: cut + len(delimiter)] + AFTER_ALL
    while True:
        rows = fetch(after_key, after_row)
        if not rows:
            return
        for row in rows:
            key = key_of(row)
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                common = key[: cut + len(delimiter)]
                yield "prefix", common
                after_key, after_row = common + AFTER_ALL, None
                break
            yield "row", row
            after_key, after_row = key, row
        else:
            if len(rows) < BATCH:
                return


def page(entries: Iterator, limit: int) -> tuple[list, bool]:
    """The first ``limit`` entries and whether more follow."""
    taken = []
    if limit == 0:
        return taken, False
    for entry in entries:
        if len(taken) == limit:
            return taken, True
        taken.append(entry)
    return taken, False


def _current_entries(ctx, bucket: str, prefix: str, delimiter: str | None, after: str) -> Iterator:
    def fetch(after_key, _row):
        return store.current_objects(ctx.db, bucket, prefix, after_key, BATCH)

    return walk(fetch, lambda row: row["key"], prefix, delimiter, (after, None))


def object_entry(row, encode, with_owner: bool, account: str) -> dict:
    attrs = store.attrs_of(row)
    entry = {"Key": encode(row["key"]), "LastModified": row["modified"], "ETag": row["etag"], "Size": row["size"],
             "StorageClass": attrs.get("StorageClass", "STANDARD")}
    checksum = attrs.get("Checksum")
    if checksum and checksum["algorithm"] in attributes.CHECKSUM_MEMBERS:
        entry["ChecksumAlgorithm"] = [checksum["algorithm"].upper()]
        entry["ChecksumType"] = checksum["type"]
    if with_owner:
        entry["Owner"] = owner(account)
    return entry


def _split(entries: list, encode) -> tuple[list, list[dict]]:
    rows = [value for kind, value in entries if kind == "row"]
    prefixes = [{"Prefix": encode(value)} for kind, value in entries if kind == "prefix"]
    return rows, prefixes


def _last_name(entries: list, key_of=lambda row: row["key"]) -> str:
    kind, value = entries[-1]
    return value if kind == "prefix" else key_of(value)


def _token(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode()


def _from_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise errors.invalid_argument("The continuation token provided is incorrect", "continuation-token",
                                      token) from None


@service.operation("ListObjectsV2", resources=BUCKET_ARN, action="s3:ListBucket", read_only=True)
def list_objects_v2(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    encode, limit = encoder(req), max_keys(req)
    prefix, delimiter = req.get("Prefix", ""), req.get("Delimiter") or None
    after = _from_token(req["ContinuationToken"]) if "ContinuationToken" in req else req.get("StartAfter", "")
    entries, truncated = page(_current_entries(ctx, bucket["name"], prefix, delimiter, after), limit)
    rows, prefixes = _split(entries, encode)
    result = {
        "Name": bucket["name"], "Prefix": encode(prefix), "Delimiter": encode(delimiter), "MaxKeys": req.get(
            "MaxKeys", DEFAULT_MAX_KEYS), "EncodingType": req.get("EncodingType"), "KeyCount": len(entries),
        "IsTruncated": truncated, "ContinuationToken": req.get("ContinuationToken"),
        "StartAfter": encode(req.get("StartAfter")),
        "Contents": [object_entry(row, encode, bool(req.get("FetchOwner")), bucket["account"]) for row in rows]
        or None,
        "CommonPrefixes": prefixes or None,
    }
    if truncated:
        result["NextContinuationToken"] = _token(_last_name(entries))
    return result


@service.operation("ListObjects", resources=BUCKET_ARN, action="s3:ListBucket", read_only=True)
def list_objects(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    encode, limit = encoder(req), max_keys(req)
    prefix, delimiter = req.get("Prefix", ""), req.get("Delimiter") or None
    entries, truncated = page(_current_entries(ctx, bucket["name"], prefix, delimiter, req.get("Marker", "")), limit)
    rows, prefixes = _split(entries, encode)
    result = {
        "Name": bucket["name"], "Prefix": encode(prefix), "Delimiter": encode(delimiter),
        "Marker": encode(req.get("Marker", "")), "MaxKeys": req.get("MaxKeys", DEFAULT_MAX_KEYS),
        "EncodingType": req.get("EncodingType"), "IsTruncated": truncated,
        "Contents": [object_entry(row, encode, True, bucket["account"]) for row in rows] or None,
        "CommonPrefixes": prefixes or None,
    }
    if truncated and delimiter:
        result["NextMarker"] = encode(_last_name(entries))
    return result


# --- versions --------------------------------------------------------------------------


def _version_start(ctx, bucket: str, req: dict) -> tuple[str, int | None]:
    key_marker, version_marker = req.get("KeyMarker", ""), req.get("VersionIdMarker")
    if version_marker is not None and not key_marker:
        raise errors.invalid_argument("A version-id marker cannot be specified without a key marker.",
                                      "version-id-marker", version_marker)
    if version_marker is None:
        return key_marker, None
    row = store.version(ctx.db, bucket, key_marker, version_marker)
    if row is None:
        raise errors.invalid_argument("Invalid version id specified", "version-id-marker", version_marker)
    return key_marker, row["id"]


def _version_entry(row, bucket, encode) -> tuple[str, dict]:
    entry = {"Key": encode(row["key"]), "VersionId": shown_version(row, bucket) or "null",
             "IsLatest": bool(row["latest"]), "LastModified": row["modified"], "Owner": owner(bucket["account"])}
    if row["marker"]:
        return "DeleteMarkers", entry
    attrs = store.attrs_of(row)
    entry.update(ETag=row["etag"], Size=row["size"], StorageClass=attrs.get("StorageClass", "STANDARD"))
    checksum = attrs.get("Checksum")
    if checksum and checksum["algorithm"] in attributes.CHECKSUM_MEMBERS:
        entry["ChecksumAlgorithm"] = [checksum["algorithm"].upper()]
        entry["ChecksumType"] = checksum["type"]
    return "Versions", entry


@service.operation("ListObjectVersions", resources=BUCKET_ARN, action="s3:ListBucketVersions", read_only=True)
def list_object_versions(ctx, req: dict) -> dict:
    bucket = bucket_of(ctx, req["Bucket"])
    encode, limit = encoder(req), max_keys(req)
    prefix, delimiter = req.get("Prefix", ""), req.get("Delimiter") or None

    def fetch(after_key, after_row):
        return store.versions_from(ctx.db, bucket["name"], prefix, after_key,
                                   after_row["id"] if after_row is not None else None, BATCH)

    key, row_id = _version_start(ctx, bucket["name"], req)
    start_row = {"id": row_id} if row_id is not None else None
    entries, truncated = page(walk(fetch, lambda row: row["key"], prefix, delimiter, (key, start_row)), limit)
    result = {"Versions": [], "DeleteMarkers": [], "CommonPrefixes": []}
    for kind, value in entries:
        if kind == "prefix":
            result["CommonPrefixes"].append({"Prefix": encode(value)})
        else:
            member, entry = _version_entry(value, bucket, encode)
            result[member].append(entry)
    result = {name: items or None for name, items in result.items()}
    result.update({
        "Name": bucket["name"], "Prefix": encode(prefix), "Delimiter": encode(delimiter),
        "KeyMarker": encode(req.get("KeyMarker", "")), "VersionIdMarker": req.get("VersionIdMarker"),
        "MaxKeys": req.get("MaxKeys", DEFAULT_MAX_KEYS), "EncodingType": req.get("EncodingType"),
        "IsTruncated": truncated,
    })
    if truncated:
        kind, value = entries[-1]
        result["NextKeyMarker"] = encode(value if kind == "prefix" else value["key"])
        if kind == "row":
            result["NextVersionIdMarker"] = value["version_id"]
    return result
