"""Where object bytes live and that every path reads back alike: small bodies inline in the
database, bigger ones in blobs, spooled uploads renamed into the blob store (nothing left
behind in the spool), ranged and part reads answered 206, and the configurable minimum part
size."""

from __future__ import annotations

import hashlib
import os
import time

import pytest

from headwater.http.message import Body
from headwater.services.s3 import content
from headwater.services.s3.store import INLINE_MAX
from headwater.storage.blobs import BlobStore
from tests.server import start_server
from tests.services.s3.conftest import code_of, error_of, unique

MIB = 1024 * 1024
#: Empty, inline, the inline limit, just past it (a blob from memory), spooled to a file.
SIZES = (0, 1, INLINE_MAX, INLINE_MAX + 1, 3 * MIB)


def blob_files(local) -> set:
    """The blob files of the server under test (released ones disappear in the background)."""
    return {path for path in (local.app.settings.data_dir / "blobs").glob("??/*") if path.is_file()}


def spool_files(local) -> list:
    """The request bodies the server under test spilled to files and still holds."""
    return list(local.app.settings.tmp_dir.iterdir())


def spool_drains(local) -> bool:
    """Whether the spool empties (a refused body is removed just after its answer is sent)."""
    deadline = time.monotonic() + 10
    while spool_files(local) and time.monotonic() < deadline:
        time.sleep(0.02)
    return spool_files(local) == []


def inline_count(local) -> int:
    with local.app.database("s3").transaction() as conn:
        return conn.execute("SELECT count(*) FROM inline_bodies").fetchone()[0]


@pytest.mark.parametrize("size", SIZES)
def test_every_size_reads_back_whole_and_by_range(s3, bucket, size):
    data = os.urandom(size)
    put = s3.put_object(Bucket=bucket, Key="k", Body=data)
    assert put["ETag"] == f'"{hashlib.md5(data).hexdigest()}"'
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == data and got["ContentLength"] == size
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 200
    if size > 2:
        middle = s3.get_object(Bucket=bucket, Key="k", Range=f"bytes=1-{size - 2}")
        assert middle["Body"].read() == data[1:-1]
        assert s3.get_object(Bucket=bucket, Key="k", Range="bytes=-2")["Body"].read() == data[-2:]


def test_inline_bodies_leave_no_blob_and_bigger_ones_do(local, s3, bucket):
    blobs_before = blob_files(local)
    inline_before = inline_count(local)
    s3.put_object(Bucket=bucket, Key="small", Body=b"x" * INLINE_MAX)
    assert blob_files(local) - blobs_before == set()
    assert inline_count(local) == inline_before + 1
    s3.put_object(Bucket=bucket, Key="bigger", Body=b"x" * (INLINE_MAX + 1))
    assert len(blob_files(local) - blobs_before) == 1
    s3.delete_object(Bucket=bucket, Key="small")
    assert inline_count(local) == inline_before


def test_a_spooled_upload_becomes_the_blob_and_the_spool_is_left_empty(local, s3, bucket):
    data = os.urandom(3 * MIB)
    blobs_before = blob_files(local)
    s3.put_object(Bucket=bucket, Key="spooled", Body=data)
    blobs = blob_files(local)
    added = blobs - blobs_before
    assert len(added) == 1 and added.pop().read_bytes() == data
    assert spool_files(local) == []
    wrong_md5 = "1B2M2Y8AsgTpgAmY7PhCfg=="  # the MD5 of no bytes
    assert code_of(s3.put_object, Bucket=bucket, Key="refused", Body=data, ContentMD5=wrong_md5) == "BadDigest"
    assert blob_files(local) - blobs == set() and spool_drains(local)


def spilled_body(spool, data: bytes) -> Body:
    body = Body(str(spool))
    for start in range(0, len(data), 100_000):
        body.write(data[start:start + 100_000])
    return body


def test_a_spilled_body_is_renamed_into_the_blob_store_not_copied(tmp_path):
    blobs, spool = BlobStore(tmp_path / "blobs"), tmp_path / "tmp"
    spool.mkdir()
    data = os.urandom(3 * MIB)
    body = spilled_body(spool, data)
    assert (body.md5, body.sha256) == (hashlib.md5(data).hexdigest(), hashlib.sha256(data).hexdigest())
    [spilled] = spool.iterdir()
    inode = spilled.stat().st_ino
    received = content.receive(blobs, body, {}, {})
    assert blobs.path(received.blob).stat().st_ino == inode
    assert blobs.path(received.blob).read_bytes() == data
    assert received.etag == f'"{hashlib.md5(data).hexdigest()}"' and list(spool.iterdir()) == []
    refused = spilled_body(spool, data)
    refused.close()
    forgotten = spilled_body(spool, data)
    del forgotten
    assert list(spool.iterdir()) == []


def test_versions_and_copies_of_inline_objects(s3, make_bucket):
    bucket = make_bucket()
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    first = s3.put_object(Bucket=bucket, Key="k", Body=b"first")["VersionId"]
    s3.put_object(Bucket=bucket, Key="k", Body=b"second, longer")
    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "k", "VersionId": first})
    s3.delete_object(Bucket=bucket, Key="k", VersionId=first)
    assert s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"first"
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"second, longer"
    assert code_of(s3.get_object, Bucket=bucket, Key="k", VersionId=first) == "NoSuchVersion"


def test_ranged_and_part_reads_answer_206(s3, bucket):
    s3.put_object(Bucket=bucket, Key="k", Body=b"0123456789")
    ranged = s3.get_object(Bucket=bucket, Key="k", Range="bytes=2-4")
    assert ranged["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert (ranged["Body"].read(), ranged["ContentRange"]) == (b"234", "bytes 2-4/10")
    head = s3.head_object(Bucket=bucket, Key="k", Range="bytes=2-4")
    assert head["ResponseMetadata"]["HTTPStatusCode"] == 206 and head["ContentLength"] == 3
    part = s3.get_object(Bucket=bucket, Key="k", PartNumber=1)
    assert part["ResponseMetadata"]["HTTPStatusCode"] == 200 and part["Body"].read() == b"0123456789"
    ignored = s3.get_object(Bucket=bucket, Key="k", Range="bytes=5-2")  # S3 ignores an inverted range
    assert ignored["ResponseMetadata"]["HTTPStatusCode"] == 200 and ignored["Body"].read() == b"0123456789"


@pytest.fixture(scope="module")
def small_parts(tmp_path_factory):
    """A headwater whose multipart uploads accept parts of 1 KiB and more."""
    running = start_server(tmp_path_factory.mktemp("small-parts"), s3_min_part_size=1024)
    yield running
    running.stop()


def test_a_smaller_minimum_part_size_lets_small_parts_complete(small_parts):
    s3 = small_parts.client("s3")
    bucket = unique()
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="source", Body=b"s" * 3000)  # inline: its range is copied to a blob
    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k")["UploadId"]
    first = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=1, Body=b"a" * 1024)["ETag"]
    copied = s3.upload_part_copy(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=2,
                                 CopySource=f"{bucket}/source", CopySourceRange="bytes=0-1999")
    second = copied["CopyPartResult"]["ETag"]
    third = s3.upload_part(Bucket=bucket, Key="k", UploadId=upload_id, PartNumber=3, Body=b"c" * 10)["ETag"]
    parts = [{"PartNumber": n, "ETag": etag} for n, etag in enumerate((first, second, third), start=1)]
    s3.complete_multipart_upload(Bucket=bucket, Key="k", UploadId=upload_id, MultipartUpload={"Parts": parts})
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"a" * 1024 + b"s" * 2000 + b"c" * 10
    second_part = s3.get_object(Bucket=bucket, Key="k", PartNumber=2)
    assert second_part["ResponseMetadata"]["HTTPStatusCode"] == 206 and second_part["Body"].read() == b"s" * 2000

    upload_id = s3.create_multipart_upload(Bucket=bucket, Key="k2")["UploadId"]
    etags = [s3.upload_part(Bucket=bucket, Key="k2", UploadId=upload_id, PartNumber=n, Body=b"x" * 1023)["ETag"]
             for n in (1, 2)]
    error = error_of(s3.complete_multipart_upload, Bucket=bucket, Key="k2", UploadId=upload_id,
                     MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), etags)]})
    assert error.response["Error"]["Code"] == "EntityTooSmall"
    assert error.response["Error"]["MinSizeAllowed"] == "1024"
