"""Request bodies hash what they receive; SHA-256 only when the signature may need it."""

import hashlib

import pytest

from headwater.auth.sigv4 import payload_hash_expected
from headwater.http.message import SPOOL_LIMIT, Body


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
