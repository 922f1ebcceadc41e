"""Crash recovery of S3: SIGKILL ``headwater serve`` while objects (inline, blob-backed,
spooled and multipart) are being uploaded; after a restart every acknowledged object reads
back byte-identical, every listed object is whole, and no unreferenced blob is left."""

from __future__ import annotations

import hashlib

from botocore.exceptions import BotoCoreError

from headwater.services.s3.store import INLINE_MAX
from tests.crashing import Acknowledged, HeadwaterProcess, write_until_killed

ROUNDS = 2
BUCKET = "crash-bucket"
SIZES = (1024, 300 * 1024, 3 * 1024 * 1024)
MIB = 1024 * 1024


def s3(server: HeadwaterProcess):
    return server.client("s3", connect_timeout=5, read_timeout=30)


def content(key: str, size: int) -> bytes:
    """Deterministic bytes for a key, so any stored object can be checked whole."""
    seed = hashlib.sha256(key.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


def size_of(key: str) -> int:
    return int(key.rsplit("-", 1)[1])


class Load(Acknowledged):
    def next_key(self, size: int) -> str:
        return f"obj-{self.next_number()}-{size}"


def put_simple(client, load: Load) -> None:
    size = SIZES[load.next_number() % len(SIZES)]
    key = load.next_key(size)
    client.put_object(Bucket=BUCKET, Key=key, Body=content(key, size))
    load.add(key)


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
    load.add(key)


def check(server: HeadwaterProcess, load: Load) -> None:
    client = s3(server)
    listed = [obj["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET)
              for obj in page.get("Contents", [])]
    assert load.items <= set(listed)
    for key in listed:
        body = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
        assert body == content(key, size_of(key)), f"{key} is not whole"
    blobs = [path for path in (server.data_dir / "blobs").glob("??/*")]
    pending = sum(len(p.get("Parts", [])) for upload in client.list_multipart_uploads(Bucket=BUCKET).get(
        "Uploads", []) for p in [client.list_parts(Bucket=BUCKET, Key=upload["Key"], UploadId=upload["UploadId"])])
    blob_backed = [key for key in listed if size_of(key) > INLINE_MAX]
    assert len(blobs) == len(blob_backed) + sum(1 for key in listed if size_of(key) > 5 * MIB) + pending
    assert len(blob_backed) < len(listed)  # some objects were small enough to be stored inline


def test_acknowledged_objects_survive_kill(headwater_process):
    headwater = headwater_process
    load = Load()
    headwater.start()
    s3(headwater).create_bucket(Bucket=BUCKET)
    for round_number in range(ROUNDS):
        if round_number:
            headwater.start()

        def new_writer():
            client = s3(headwater)
            use_multipart = load.next_number() % 4 == 0
            return lambda: (put_multipart if use_multipart else put_simple)(client, load)

        write_until_killed(headwater, new_writer, load.count, kill_after=12,
                           lost=(OSError, BotoCoreError))
        headwater.start()
        check(headwater, load)
        headwater.kill()
