"""Objects: put/get/head with content headers, metadata, ranges, parts, overrides, digests,
checksums, storage class, SSE echo, tagging, conditional reads and writes."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from tests.services.s3.conftest import code_of, error_of, status_of

DATA = bytes(range(256)) * 40  # 10 KiB


def test_put_get_head_round_trip(s3, bucket):
    put = s3.put_object(Bucket=bucket, Key="dir/file.bin", Body=DATA, ContentType="application/x-test",
                        ContentDisposition="attachment", ContentEncoding="identity", ContentLanguage="fr",
                        CacheControl="no-cache", Metadata={"Colour": "blue", "n": "1"})
    assert put["ETag"] == f'"{hashlib.md5(DATA).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="dir/file.bin")
    assert got["Body"].read() == DATA
    assert got["ContentLength"] == len(DATA) and got["ETag"] == put["ETag"]
    assert got["ContentType"] == "application/x-test" and got["ContentDisposition"] == "attachment"
    assert got["ContentLanguage"] == "fr" and got["CacheControl"] == "no-cache"
    assert got["Metadata"] == {"colour": "blue", "n": "1"}
    assert got["AcceptRanges"] == "bytes" and "VersionId" not in got
    head = s3.head_object(Bucket=bucket, Key="dir/file.bin")
    assert head["ContentLength"] == len(DATA) and head["ETag"] == put["ETag"]
    assert head["Metadata"] == {"colour": "blue", "n": "1"}


def test_default_content_type_and_empty_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="empty", Body=b"")
    got = s3.get_object(Bucket=bucket, Key="empty")
    assert got["Body"].read() == b"" and got["ContentType"] == "binary/octet-stream"
    assert got["ETag"] == f'"{hashlib.md5(b"").hexdigest()}"'


def test_missing_key(s3, bucket):
    error = error_of(s3.get_object, Bucket=bucket, Key="nope")
    assert error.response["Error"]["Code"] == "NoSuchKey" and error.response["Error"]["Key"] == "nope"
    assert status_of(error_of(s3.head_object, Bucket=bucket, Key="nope")) == 404


@pytest.mark.parametrize("header, expected", [
    ("bytes=0-9", DATA[:10]), ("bytes=10-", DATA[10:]), ("bytes=-5", DATA[-5:]),
    ("bytes=10000-99999", DATA[10000:]), ("bytes=-99999", DATA),
])
def test_ranges(s3, bucket, header, expected):
    s3.put_object(Bucket=bucket, Key="r", Body=DATA)
    got = s3.get_object(Bucket=bucket, Key="r", Range=header)
    assert got["Body"].read() == expected
    start = len(DATA) - len(expected)
    if header.startswith("bytes=0"):
        start = 0
    elif header.startswith("bytes=10-"):
        start = 10
    assert got["ContentRange"] == f"bytes {start}-{start + len(expected) - 1}/{len(DATA)}"
    assert got["ContentLength"] == len(expected)


def test_unsatisfiable_range(s3, bucket):
    s3.put_object(Bucket=bucket, Key="r", Body=b"abc")
    error = error_of(s3.get_object, Bucket=bucket, Key="r", Range="bytes=5-9")
    assert error.response["Error"]["Code"] == "InvalidRange" and status_of(error) == 416
    assert s3.get_object(Bucket=bucket, Key="r", Range="bytes=2-1")["Body"].read() == b"abc"  # ignored


def test_response_overrides(s3, bucket):
    s3.put_object(Bucket=bucket, Key="o", Body=b"x", ContentType="text/plain")
    got = s3.get_object(Bucket=bucket, Key="o", ResponseContentType="application/json",
                        ResponseContentDisposition="inline", ResponseCacheControl="max-age=5",
                        ResponseContentLanguage="de", ResponseContentEncoding="gzip")
    assert got["ContentType"] == "application/json" and got["ContentDisposition"] == "inline"
    assert got["CacheControl"] == "max-age=5" and got["ContentLanguage"] == "de"
    assert got["ContentEncoding"] == "gzip"


def test_part_number_of_simple_object(s3, bucket):
    s3.put_object(Bucket=bucket, Key="p", Body=b"abc")
    got = s3.get_object(Bucket=bucket, Key="p", PartNumber=1)
    assert got["Body"].read() == b"abc" and got["PartsCount"] == 1
    error = error_of(s3.get_object, Bucket=bucket, Key="p", PartNumber=2)
    assert error.response["Error"]["Code"] == "InvalidPartNumber"


def test_content_md5(s3, bucket):
    good = base64.b64encode(hashlib.md5(b"data").digest()).decode()
    s3.put_object(Bucket=bucket, Key="m", Body=b"data", ContentMD5=good)
    wrong = base64.b64encode(hashlib.md5(b"other").digest()).decode()
    assert code_of(s3.put_object, Bucket=bucket, Key="m2", Body=b"data", ContentMD5=wrong) == "BadDigest"
    assert code_of(s3.put_object, Bucket=bucket, Key="m2", Body=b"data", ContentMD5="bm90LW1kNQ==") == "InvalidDigest"
    assert code_of(s3.head_object, Bucket=bucket, Key="m2") == "404"


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])
def test_checksums_are_stored_and_returned(s3, bucket, algorithm):
    put = s3.put_object(Bucket=bucket, Key="c", Body=DATA, ChecksumAlgorithm=algorithm)
    member = f"Checksum{algorithm}"
    assert put[member]
    got = s3.get_object(Bucket=bucket, Key="c", ChecksumMode="ENABLED")
    assert got[member] == put[member] and got["ChecksumType"] == "FULL_OBJECT"
    assert got["Body"].read() == DATA
    attributes = s3.get_object_attributes(Bucket=bucket, Key="c", ObjectAttributes=["Checksum", "ObjectSize"])
    assert attributes["Checksum"][member] == put[member] and attributes["ObjectSize"] == len(DATA)


def test_wrong_checksum_is_bad_digest(s3, bucket):
    wrong = base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    error = error_of(s3.put_object, Bucket=bucket, Key="c", Body=b"data", ChecksumSHA256=wrong)
    assert error.response["Error"]["Code"] == "BadDigest"
    assert code_of(s3.head_object, Bucket=bucket, Key="c") == "404"


def test_storage_class_sse_and_tagging_headers(s3, bucket):
    s3.put_object(Bucket=bucket, Key="s", Body=b"x", StorageClass="STANDARD_IA", ServerSideEncryption="aws:kms",
                  SSEKMSKeyId="alias/mine", Tagging="a=1&b=two")
    head = s3.head_object(Bucket=bucket, Key="s")
    assert head["StorageClass"] == "STANDARD_IA"
    assert head["ServerSideEncryption"] == "aws:kms" and head["SSEKMSKeyId"] == "alias/mine"
    got = s3.get_object(Bucket=bucket, Key="s")
    assert got["TagCount"] == 2
    assert s3.get_object_tagging(Bucket=bucket, Key="s")["TagSet"] == [{"Key": "a", "Value": "1"},
                                                                       {"Key": "b", "Value": "two"}]
    assert code_of(s3.put_object, Bucket=bucket, Key="s2", Body=b"x", StorageClass="SHINY") == "InvalidArgument"


def test_default_encryption_is_echoed(s3, bucket):
    assert s3.put_object(Bucket=bucket, Key="e", Body=b"x")["ServerSideEncryption"] == "AES256"


def test_object_tagging_operations(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x")
    s3.put_object_tagging(Bucket=bucket, Key="t", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.delete_object_tagging(Bucket=bucket, Key="t")
    assert s3.get_object_tagging(Bucket=bucket, Key="t")["TagSet"] == []
    too_many = [{"Key": f"k{i}", "Value": "v"} for i in range(11)]
    assert code_of(s3.put_object_tagging, Bucket=bucket, Key="t", Tagging={"TagSet": too_many}) == "InvalidTag"


def test_conditional_reads(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="c", Body=b"x")["ETag"]
    modified = s3.head_object(Bucket=bucket, Key="c")["LastModified"]
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag)["Body"].read() == b"x"
    error = error_of(s3.get_object, Bucket=bucket, Key="c", IfMatch='"0000"')
    assert error.response["Error"]["Code"] == "PreconditionFailed" and status_of(error) == 412
    assert status_of(error_of(s3.get_object, Bucket=bucket, Key="c", IfNoneMatch=etag)) == 304
    later, earlier = modified + timedelta(days=1), modified - timedelta(days=1)
    assert status_of(error_of(s3.get_object, Bucket=bucket, Key="c", IfModifiedSince=later)) == 304
    assert s3.get_object(Bucket=bucket, Key="c", IfModifiedSince=earlier)["Body"].read() == b"x"
    assert status_of(error_of(s3.head_object, Bucket=bucket, Key="c", IfUnmodifiedSince=earlier)) == 412
    # If-Match holding wins over a failing If-Unmodified-Since, as on S3.
    assert s3.get_object(Bucket=bucket, Key="c", IfMatch=etag, IfUnmodifiedSince=earlier)["ETag"] == etag


def test_conditional_writes(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="w", Body=b"1", IfNoneMatch="*")["ETag"]
    error = error_of(s3.put_object, Bucket=bucket, Key="w", Body=b"2", IfNoneMatch="*")
    assert error.response["Error"]["Code"] == "PreconditionFailed" and status_of(error) == 412
    assert code_of(s3.put_object, Bucket=bucket, Key="w", Body=b"2", IfMatch='"0000"') == "PreconditionFailed"
    s3.put_object(Bucket=bucket, Key="w", Body=b"3", IfMatch=etag)
    assert s3.get_object(Bucket=bucket, Key="w")["Body"].read() == b"3"
    assert code_of(s3.put_object, Bucket=bucket, Key="absent", Body=b"x", IfMatch=etag) == "NoSuchKey"


@pytest.mark.parametrize("key", ["a/../../etc/passwd", "../../outside", "/leading", "sp ace/ü/日本語.txt",
                                 "%2e%2e/x", "a//b", "trailing/", "q?x=1&y", "plus+sign", "tab\tkey"])
def test_awkward_keys_round_trip(s3, bucket, key):
    s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    assert s3.get_object(Bucket=bucket, Key=key)["Body"].read() == key.encode()
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]] == [key]


def test_keys_never_reach_the_file_system(local, s3, bucket):
    s3.put_object(Bucket=bucket, Key="../../escape-attempt", Body=b"x")
    data_dir = local.app.settings.data_dir
    assert not list(data_dir.parent.glob("**/escape-attempt"))
    assert not list(data_dir.glob("**/escape-attempt"))


def test_key_too_long(s3, bucket):
    assert code_of(s3.put_object, Bucket=bucket, Key="k" * 1025, Body=b"x") == "KeyTooLongError"


def test_copy_object_directives_and_conditions(s3, bucket, make_bucket):
    other = make_bucket()
    etag = s3.put_object(Bucket=bucket, Key="src", Body=DATA, ContentType="text/plain", Metadata={"a": "1"},
                         Tagging="t=1")["ETag"]
    copied = s3.copy_object(Bucket=other, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    assert copied["CopyObjectResult"]["ETag"] == etag
    got = s3.get_object(Bucket=other, Key="dst")
    assert got["Body"].read() == DATA and got["Metadata"] == {"a": "1"} and got["ContentType"] == "text/plain"
    assert got["TagCount"] == 1
    s3.copy_object(Bucket=other, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   Metadata={"b": "2"}, ContentType="image/png", TaggingDirective="REPLACE", Tagging="u=2&v=3")
    replaced = s3.head_object(Bucket=other, Key="dst2")
    assert replaced["Metadata"] == {"b": "2"} and replaced["ContentType"] == "image/png"
    assert len(s3.get_object_tagging(Bucket=other, Key="dst2")["TagSet"]) == 2
    assert code_of(s3.copy_object, Bucket=other, Key="d3", CopySource=f"{bucket}/src",
                   CopySourceIfMatch='"0000"') == "PreconditionFailed"
    assert code_of(s3.copy_object, Bucket=other, Key="d3", CopySource=f"{bucket}/src",
                   CopySourceIfNoneMatch=etag) == "PreconditionFailed"
    assert code_of(s3.copy_object, Bucket=other, Key="d3", CopySource=f"{bucket}/missing") == "NoSuchKey"
    assert code_of(s3.copy_object, Bucket=bucket, Key="src", CopySource=f"{bucket}/src") == "InvalidRequest"
    s3.copy_object(Bucket=bucket, Key="src", CopySource=f"{bucket}/src", MetadataDirective="REPLACE",
                   Metadata={"c": "3"})
    assert s3.head_object(Bucket=bucket, Key="src")["Metadata"] == {"c": "3"}


def test_copy_survives_source_deletion(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=DATA)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource=f"{bucket}/src")
    s3.delete_object(Bucket=bucket, Key="src")
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == DATA


def test_last_modified_is_recent(s3, bucket):
    s3.put_object(Bucket=bucket, Key="t", Body=b"x")
    modified = s3.head_object(Bucket=bucket, Key="t")["LastModified"]
    assert abs(datetime.now(UTC) - modified) < timedelta(hours=1)
