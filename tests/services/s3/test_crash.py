"""Crash recovery of S3: SIGKILL ``headwater serve`` while objects (inline, blob-backed,
spooled and multipart) are being uploaded; after a restart every acknowledged object reads
back byte-identical, every listed object is whole, and no unreferenced blob is left."""

from __future__ import annotations

import hashlib
import itertools
import threading

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import BotoCoreError

from headwater.services.s3.store import INLINE_MAX
from tests.crashing import write_until_killed
from tests.services.dynamodb.test_crash import Headwater as DynamoHeadwater

ROUNDS = 2
BUCKET = "crash-bucket"
SIZES = (1024, 300 * 1024, 3 * 1024 * 1024)
MIB = 1024 * 1024


class Headwater(DynamoHeadwater):
    def client(self):
        config = Config(retries={"total_max_attempts": 1}, connect_timeout=5, read_timeout=30)
        return boto3.client("s3", endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test", config=config)


def content(key: str, size: int) -> bytes:
    """Deterministic bytes for a key, so any stored object can be checked whole."""
    seed = hashlib.sha256(key.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def size_of(key: str) -> int:
    return int(key.rsplit("-", 1)[1])


@pytest.fixture
def headwater(tmp_path):
    with Headwater(tmp_path) as server:
        yield server


class Load:
    def __init__(self):
        self.lock = threading.Lock()
        self.ids = itertools.count()
        self.acknowledged: set[str] = set()

    def next_key(self, size: int) -> str:
        with self.lock:
            return f"obj-{next(self.ids)}-{size}"


def put_simple(client, load: Load) -> None:
    size = SIZES[next(load.ids) % len(SIZES)]
    key = load.next_key(size)
    client.put_object(Bucket=BUCKET, Key=key, Body=content(key, size))
    with load.lock:
        load.acknowledged.add(key)


def put_multipart(client, load: Load) -> None:
    key = load.next_key(5 * MIB + 1000)
    data = content(key, 5 * MIB + 1000)
    upload_id = client.create_multipart_upload(Bucket=BUCKET, Key=key)["UploadId"]
    parts = []
    for number, start in enumerate((0, 5 * MIB), start=1):
        etag = client.upload_part(Bucket=BUCKET, Key=key, UploadId=upload_id, PartNumber=number,
                                  Body=data[start:start + 5 * MIB])["ETag"]
        parts.append({"PartNumber": number, "ETag": etag})
    client.complete_multipart_upload(Bucket=BUCKET, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts})
    with load.lock:
        load.acknowledged.add(key)


def check(server: Headwater, load: Load) -> None:
    client = server.client()
    listed = [obj["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
              for obj in page.get("Contents", [])]
    assert load.acknowledged <= set(listed)
    for key in listed:
        body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert body == content(key, size_of(key)), f"{key} is not whole"
    blobs = [path for path in (server.data_dir / "blobs").glob("??/*")]
    pending = sum(len(p.get("Parts", [])) for upload in client.list_multipart_uploads(Bucket=BUCKET).get(
        "Uploads", []) for p in [client.list_parts(Bucket=BUCKET, Key=upload["Key"], UploadId=upload["UploadId"])])
    blob_backed = [key for key in listed if size_of(key) > INLINE_MAX]
    assert len(blobs) == len(blob_backed) + sum(1 for key in listed if size_of(key) > 5 * MIB) + pending
    assert len(blob_backed) < len(listed)  # some objects were small enough to be stored inline


def test_acknowledged_objects_survive_kill(headwater):
    load = Load()
    headwater.start()
    headwater.client().create_bucket(Bucket=BUCKET)
    for round_number in range(ROUNDS):
        if round_number:
            headwater.start()

        def new_writer():
            client = headwater.client()
            use_multipart = next(load.ids) % 4 == 0
            return lambda: (put_multipart if use_multipart else put_simple)(client, load)

        write_until_killed(headwater, new_writer, lambda: len(load.acknowledged), kill_after=12,
                           lost=(OSError, BotoCoreError))
        headwater.start()
        check(headwater, load)
        headwater.kill()
