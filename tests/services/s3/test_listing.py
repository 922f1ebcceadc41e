"""ListObjectsV2, ListObjects and ListObjectVersions: prefixes, delimiters, pages, markers,
URL encoding and the byte order of UTF-8 keys."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote_plus

import pytest

from tests.services.s3.conftest import code_of

KEYS = ["a/1", "a/2", "a/b/3", "b/4", "c", "d/5"]


@pytest.fixture
def filled(s3, bucket):
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    return bucket


def keys(result):
    return [entry["Key"] for entry in result.get("Contents", [])]


def prefixes(result):
    return [entry["Prefix"] for entry in result.get("CommonPrefixes", [])]


def test_v2_all_prefix_delimiter(s3, filled):
    everything = s3.list_objects_v2(Bucket=filled)
    assert keys(everything) == KEYS and everything["KeyCount"] == 6 and everything["IsTruncated"] is False
    assert everything["Contents"][0]["Size"] == 3 and everything["Contents"][0]["StorageClass"] == "STANDARD"
    assert keys(s3.list_objects_v2(Bucket=filled, Prefix="a/")) == ["a/1", "a/2", "a/b/3"]
    top = s3.list_objects_v2(Bucket=filled, Delimiter="/")
    assert keys(top) == ["c"] and prefixes(top) == ["a/", "b/", "d/"] and top["KeyCount"] == 4
    inner = s3.list_objects_v2(Bucket=filled, Prefix="a/", Delimiter="/")
    assert keys(inner) == ["a/1", "a/2"] and prefixes(inner) == ["a/b/"]


def test_v2_pages_with_continuation_and_start_after(s3, filled):
    seen, token, pages = [], None, 0
    while True:
        extra = {"ContinuationToken": token} if token else {}
        page = s3.list_objects_v2(Bucket=filled, MaxKeys=2, Delimiter="/", **extra)
        seen += keys(page) + prefixes(page)
        pages += 1
        if not page["IsTruncated"]:
            break
        token = page["NextContinuationToken"]
    assert seen == ["a/", "b/", "c", "d/"] and pages == 2
    assert keys(s3.list_objects_v2(Bucket=filled, StartAfter="a/2")) == ["a/b/3", "b/4", "c", "d/5"]
    assert "Owner" not in s3.list_objects_v2(Bucket=filled)["Contents"][0]
    assert "Owner" in s3.list_objects_v2(Bucket=filled, FetchOwner=True)["Contents"][0]
    assert code_of(s3.list_objects_v2, Bucket=filled, ContinuationToken="!!not-a-token") == "InvalidArgument"


def test_v1_markers(s3, filled):
    first = s3.list_objects(Bucket=filled, MaxKeys=3)
    assert keys(first) == KEYS[:3] and first["IsTruncated"] is True and "NextMarker" not in first
    rest = s3.list_objects(Bucket=filled, Marker=KEYS[2])
    assert keys(rest) == KEYS[3:] and rest["IsTruncated"] is False
    grouped = s3.list_objects(Bucket=filled, Delimiter="/", MaxKeys=2)
    assert prefixes(grouped) == ["a/", "b/"] and grouped["NextMarker"] == "b/"
    assert "Owner" in first["Contents"][0]


def test_paginator_over_many_keys(s3, bucket):
    names = [f"k{i:04d}" for i in range(1100)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda name: s3.put_object(Bucket=bucket, Key=name, Body=b""), names))
    listed = [obj["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket)
              for obj in page["Contents"]]
    assert listed == names


def test_utf8_byte_order(s3, bucket):
    awkward = ["z", "é", "\ufffd", "日本", "a b", "A", "a", "\U0001f600", "~", "a/b"]
    for key in awkward:
        s3.put_object(Bucket=bucket, Key=key, Body=b"")
    expected = sorted(awkward, key=lambda key: key.encode("utf-8"))
    assert keys(s3.list_objects_v2(Bucket=bucket)) == expected


def test_encoding_type_url(s3, bucket):
    s3.put_object(Bucket=bucket, Key="dir one/ä+b", Body=b"")
    # Asked for explicitly, the encoded values reach the caller as S3 sent them.
    grouped = s3.list_objects_v2(Bucket=bucket, EncodingType="url", Delimiter="/")
    assert prefixes(grouped) == ["dir%20one/"] and grouped["EncodingType"] == "url"
    raw = keys(s3.list_objects_v2(Bucket=bucket, EncodingType="url"))
    assert raw != ["dir one/ä+b"] and unquote_plus(raw[0]) == "dir one/ä+b"
    # botocore asks for url encoding on its own and then decodes it.
    assert keys(s3.list_objects_v2(Bucket=bucket)) == ["dir one/ä+b"]
    assert keys(s3.list_objects(Bucket=bucket)) == ["dir one/ä+b"]
    assert code_of(s3.list_objects_v2, Bucket=bucket, EncodingType="base64") == "InvalidArgument"


def test_list_object_versions_pages(s3, bucket):
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    ids = {key: [s3.put_object(Bucket=bucket, Key=key, Body=b"x")["VersionId"] for _ in range(3)]
           for key in ("a", "b")}
    s3.delete_object(Bucket=bucket, Key="b")
    collected = []
    extra = {}
    while True:
        page = s3.list_object_versions(Bucket=bucket, MaxKeys=2, **extra)
        collected += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        collected += [(m["Key"], "marker") for m in page.get("DeleteMarkers", [])]
        if not page["IsTruncated"]:
            break
        extra = {"KeyMarker": page["NextKeyMarker"], "VersionIdMarker": page["NextVersionIdMarker"]}
    assert [entry for entry in collected if entry[0] == "a"] == [("a", v) for v in reversed(ids["a"])]
    assert sorted(entry[1] for entry in collected if entry[0] == "b") == sorted(ids["b"] + ["marker"])
    grouped = s3.list_object_versions(Bucket=bucket, Prefix="a")
    assert [v["IsLatest"] for v in grouped["Versions"]] == [True, False, False]


def test_max_keys_zero_and_negative(s3, filled):
    assert keys(s3.list_objects_v2(Bucket=filled, MaxKeys=0)) == []
