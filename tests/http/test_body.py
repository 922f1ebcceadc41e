"""Request bodies hash what they receive; SHA-256 only when the signature may need it."""

import hashlib

import pytest

from headwater.auth.sigv4 import payload_hash_expected
from headwater.http import message
from headwater.http.message import SPOOL_LIMIT, Body
from headwater.protocol import checksums


@pytest.mark.parametrize("size", [10, SPOOL_LIMIT + 12345], ids=["in memory", "spilled"])
@pytest.mark.parametrize("hash_payload", [True, False])
def test_digests_are_right_whether_hashed_on_arrival_or_when_asked(tmp_path, size, hash_payload):
    data = bytes(range(256)) * (size // 256) + b"x" * (size % 256)
    body = Body(str(tmp_path), hash_payload=hash_payload)
    for start in range(0, len(data), 65536):
        body.write(data[start:start + 65536])
    assert body.in_memory == (size <= SPOOL_LIMIT)
    assert body.md5 == hashlib.md5(data).hexdigest()
    assert body.sha256 == hashlib.sha256(data).hexdigest()
    assert body.read() == data
    body.close()


@pytest.mark.parametrize("headers, query, expected", [
    ({}, "", True),  # JSON and query protocols sign the body's hash
    ({"x-amz-content-sha256": "ab" * 32}, "", True),
    ({"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, "", False),
    ({"x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}, "", False),
    ({}, "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=00", False),  # presigned S3 PUT
    ({}, "X-Amz-Content-Sha256=" + "ab" * 32 + "&X-Amz-Signature=00", True),
])
def test_the_payload_hash_is_expected_unless_the_signature_leaves_the_body_out(headers, query, expected):
    assert payload_hash_expected(headers, query) is expected


def _spilled(tmp_path, data: bytes, **options) -> Body:
    body = Body(str(tmp_path), **options)
    for start in range(0, len(data), 65536):
        body.write(data[start:start + 65536])
    return body


def test_a_spilled_body_computes_the_checksums_it_was_told_of_as_it_arrives(tmp_path):
    """S3 checks big uploads against their checksums: computed on arrival, nobody reads the
    file again; algorithms not named, and bodies kept in memory, leave it to the consumer."""
    data = bytes(range(256)) * ((SPOOL_LIMIT + 70000) // 256)
    body = _spilled(tmp_path, data, checksums=("crc32", "crc64nvme"))
    assert body.checksum("crc32").b64digest() == checksums.compute("crc32", [data])
    assert body.checksum("crc64nvme").b64digest() == checksums.compute("crc64nvme", [data])
    assert body.checksum("sha1") is None
    small = _spilled(tmp_path, b"abc", checksums=("crc32",))
    assert small.in_memory and small.checksum("crc32") is None
    body.close()


def test_a_durable_spilled_body_is_synced_while_it_arrives(tmp_path, monkeypatch):
    """The fsync that makes a big upload durable must not wait for the whole file at the end:
    the body syncs every SYNC_STEP bytes as it arrives, and not at all when not durable."""
    synced = []
    monkeypatch.setattr(message.os, "fdatasync", lambda fd: synced.append(fd))
    data = b"z" * (3 * message.SYNC_STEP + 1000)
    body = _spilled(tmp_path, data, sync_early=True)
    assert body.md5 == hashlib.md5(data).hexdigest()
    # One per SYNC_STEP written, unless the body was complete (read) before the writer got
    # there: then the fsync that makes it durable does the rest.
    assert 1 <= len(synced) <= 3
    count = len(synced)
    _spilled(tmp_path, data).md5
    assert len(synced) == count
    assert body.read() == data
    body.close()


@pytest.mark.parametrize("headers, expected", [
    ({}, ("crc64nvme",)),  # S3's default for an upload that names none
    ({"x-amz-checksum-crc32": "AAAAAA=="}, ("crc32",)),
    ({"x-amz-sdk-checksum-algorithm": "SHA256"}, ("sha256",)),
    ({"x-amz-trailer": "x-amz-checksum-crc32c"}, ("crc32c",)),
    ({"x-amz-sdk-checksum-algorithm": "CRC32", "x-amz-trailer": "x-amz-checksum-crc32"}, ("crc32",)),
])
def test_the_checksums_a_body_is_checked_against_are_known_from_its_headers(headers, expected):
    assert checksums.body_algorithms(headers) == expected
