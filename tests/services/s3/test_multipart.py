"""Multipart uploads: parts, completion (ETag -N, order and ETag checks, minimum size), copy
parts, abort, listings, reading parts back, and boto3's managed transfers."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from boto3.s3.transfer import TransferConfig

from tests.services.s3.conftest import code_of, error_of

MIB = 1024 * 1024
PART = 5 * MIB


@pytest.fixture(scope="module")
def parts():
    return [os.urandom(PART), os.urandom(PART), os.urandom(1234)]


def upload_parts(s3, bucket, key, blobs, **create):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key=key, **create)["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=n, Body=data)["ETag"]
             for n, data in enumerate(blobs, start=1)]
    return upload_id, [{"PartNumber": n, "ETag": etag} for n, etag in enumerate(etags, start=1)]


def expected_etag(blobs) -> str:
    joined = b"".join(hashlib.md5(data).digest() for data in blobs)
    return f'"{hashlib.md5(joined).hexdigest()}-{len(blobs)}"'


def test_complete_and_read_back(s3, bucket, parts):
    upload_id, listed = upload_parts(s3, bucket, "big", parts, ContentType="text/csv", Metadata={"m": "1"})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="big", UploadId=upload_id,
                                        MultipartUpload={"Parts": listed})
    assert done["ETag"] == expected_etag(parts) and done["Key"] == "big"
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == b"".join(parts)
    assert got["ContentType"] == "text/csv" and got["Metadata"] == {"m": "1"} and got["ETag"] == done["ETag"]
    second = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert second["Body"].read() == parts[1] and second["PartsCount"] == 3
    assert second["ContentRange"] == f"bytes {PART}-{2 * PART - 1}/{2 * PART + 1234}"
    spanning = s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={PART - 10}-{PART + 9}")
    assert spanning["Body"].read() == parts[0][-10:] + parts[1][:10]
    attrs = s3.get_object_attributes(Bucket=bucket, Key="big", ObjectAttributes=["ObjectParts", "ETag"])
    assert attrs["ObjectParts"]["TotalPartsCount"] == 3
    assert code_of(s3.list_parts, Bucket=bucket, Key="big", UploadId=upload_id) == "NoSuchUpload"


def test_part_errors(s3, bucket, parts):
    upload_id, listed = upload_parts(s3, bucket, "k", [b"small", parts[2]])
    error = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                     MultipartUpload={"Parts": listed})
    assert error.response["Error"]["Code"] == "EntityTooSmall"
    wrong = [{"PartNumber": 1, "ETag": '"00000000000000000000000000000000"'}]
    assert code_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                   MultipartUpload={"Parts": wrong}) == "InvalidPart"
    assert code_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                   MultipartUpload={"Parts": [listed[0] | {"PartNumber": 7}]}) == "InvalidPart"
    assert code_of(s3.complete_multipart_upload, Bucket=bucket, Key="k", UploadId=upload_id,
                   MultipartUpload={"Parts": list(reversed(listed))}) == "InvalidPartOrder"
    assert code_of(s3.upload_part, Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=10001,
                   Body=b"x") == "InvalidArgument"
    assert code_of(s3.upload_part, Bucket=bucket, Key="k", UploadId="no-such-upload", PartNumber=1,
                   Body=b"x") == "NoSuchUpload"
    # A single small part is a valid (last) part.
    done = s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id,
                                        MultipartUpload={"Parts": listed[:1]})
    assert done["ETag"] == expected_etag([b"small"])
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"small"


def test_list_parts_and_uploads_and_abort(s3, bucket):
    upload_id, _ = upload_parts(s3, bucket, "dir/k", [b"a", b"b", b"c"])
    other = s3.create_multipart_upload(Bucket=bucket, Key="other")["UploadId"]
    listed = s3.list_parts(Bucket=bucket, Key="dir/k", UploadId=upload_id, MaxParts=2)
    assert [p["PartNumber"] for p in listed["Parts"]] == [1, 2] and listed["IsTruncated"] is True
    rest = s3.list_parts(Bucket=bucket, Key="dir/k", UploadId=upload_id,
                         PartNumberMarker=listed["NextPartNumberMarker"])
    assert [p["PartNumber"] for p in rest["Parts"]] == [3] and rest["Parts"][0]["Size"] == 1
    uploads = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert {(u["Key"], u["UploadId"]) for u in uploads} == {("dir/k", upload_id), ("other", other)}
    grouped = s3.list_multipart_uploads(Bucket=bucket, Delimiter="/")
    assert [p["Prefix"] for p in grouped["CommonPrefixes"]] == ["dir/"]
    s3.abort_multipart_upload(Bucket=bucket, Key="dir/k", UploadId=upload_id)
    assert code_of(s3.list_parts, Bucket=bucket, Key="dir/k", UploadId=upload_id) == "NoSuchUpload"
    assert code_of(s3.abort_multipart_upload, Bucket=bucket, Key="dir/k", UploadId=upload_id) == "NoSuchUpload"


def test_upload_part_copy(s3, bucket, parts):
    s3.put_object(Bucket=bucket, Key="src", Body=parts[0])
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="dst")["UploadId"]
    first = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=1,
                                CopySource={"Bucket": bucket, "Key": "src"})
    second = s3.upload_part_copy(Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=2,
                                 CopySource=f"{bucket}/src", CopySourceRange="bytes=0-99")
    assert second["CopyPartResult"]["ETag"] == f'"{hashlib.md5(parts[0][:100]).hexdigest()}"'
    assert code_of(s3.upload_part_copy, Bucket=bucket, Key="dst", UploadId=upload_id, PartNumber=3,
                   CopySource=f"{bucket}/src", CopySourceRange=f"bytes=0-{PART}") == "InvalidArgument"
    s3.complete_multipart_upload(Bucket=bucket, Key="dst", UploadId=upload_id, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": first["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": second["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="dst")["Body"].read() == parts[0] + parts[0][:100]


def test_composite_checksum(s3, bucket, parts):
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="c", ChecksumAlgorithm="SHA256")["UploadId"]
    uploaded = [s3.upload_part(Bucket=bucket, Key="c", UploadId=upload_id, PartNumber=n, Body=data,
                               ChecksumAlgorithm="SHA256") for n, data in enumerate(parts[1:], start=1)]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="c", UploadId=upload_id, MultipartUpload={"Parts": [
        {"PartNumber": n, "ETag": part["ETag"], "ChecksumSHA256": part["ChecksumSHA256"]}
        for n, part in enumerate(uploaded, start=1)]})
    digest = hashlib.sha256(b"".join(hashlib.sha256(data).digest() for data in parts[1:])).digest()
    import base64
    assert done["ChecksumSHA256"] == f"{base64.b64encode(digest).decode()}-2"


def test_managed_transfer_round_trip(s3, bucket, tmp_path):
    data = os.urandom(12 * MIB + 5)
    config = TransferConfig(multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB)
    s3.upload_fileobj(io.BytesIO(data), bucket, "managed", Config=config)
    assert s3.head_object(Bucket=bucket, Key="managed")["ETag"].endswith('-3"')
    target = tmp_path / "down"
    s3.download_file(bucket, "managed", str(target), Config=config)
    assert target.read_bytes() == data
