"""aws-chunked bodies: the AWS documentation's signed examples as fixed vectors, botocore's
own unsigned-trailer encoder (``AwsChunkedWrapper`` and a real boto3 PutObject over
https), and S3's answers to tampered chunks, wrong checksums and broken framing."""

import io
from dataclasses import replace
from datetime import datetime, timezone

import pytest
from botocore.httpchecksum import AwsChunkedWrapper, CrtCrc32Checksum, CrtCrc32cChecksum, CrtCrc64NvmeChecksum
from botocore.httpchecksum import Sha1Checksum, Sha256Checksum

from headwater.auth import keys, sigv4
from headwater.http.message import CHUNK, Body, HttpRequest
from headwater.protocol import chunked
from headwater.storage.clock import FrozenClock
from tests.auth.signing import capture, frozen_signing  # noqa: F401  (fixture)
from tests.protocol.wire import raised

# --- the AWS documentation's examples ---------------------------------------------------
# "Signature Calculations for the Authorization Header: Transferring Payload in Multiple
# Chunks" and "... Including Trailing Headers" (Amazon S3 API Reference): 66,560 bytes of
# "a" as 64 KiB + 1 KiB chunks, signed on 2013-05-24 with the documentation's example key.
DOC_KEY, DOC_SECRET = "AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DOC_KEYS = keys.KeyStore([keys.static_key(DOC_KEY, DOC_SECRET, keys.root_principal("111122223333", DOC_KEY))])
DOC_TIME = datetime(2013, 5, 24, tzinfo=timezone.utc)
DOC = {
    "signed": {
        "payload": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "signed_headers": "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;"
                          "x-amz-decoded-content-length;x-amz-storage-class",
        "seed": "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
        "chunks": ["ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                   "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                   "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"],
        "trailer": b"",
    },
    "trailer": {
        "payload": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
        "signed_headers": "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
                          "x-amz-storage-class;x-amz-trailer",
        "seed": "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
        "chunks": ["b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
                   "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
                   "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"],
        "trailer": b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
                   b"x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n",
    },
}
DOC_DATA = b"a" * 66560


def doc_body(example, chunks=None, trailer=None) -> bytes:
    signatures = example["chunks"]
    chunks = chunks or [b"a" * 65536, b"a" * 1024]
    body = b"".join(b"%x;chunk-signature=%s\r\n%s\r\n" % (len(data), sig.encode(), data)
                    for data, sig in zip(chunks, signatures))
    body += b"0;chunk-signature=%s\r\n" % signatures[2].encode()
    return body + (example["trailer"] if trailer is None else trailer) + b"\r\n"


def doc_request(kind: str, body: bytes | None = None, **extra_headers) -> HttpRequest:
    example = DOC[kind]
    body = doc_body(example) if body is None else body
    headers = {
        "host": "s3.amazonaws.com", "x-amz-date": "20130524T000000Z", "x-amz-storage-class": "REDUCED_REDUNDANCY",
        "x-amz-content-sha256": example["payload"], "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": "66560", "content-length": "66824" if kind == "signed" else str(len(body)),
        "authorization": f"AWS4-HMAC-SHA256 Credential={DOC_KEY}/20130524/us-east-1/s3/aws4_request,"
                         f"SignedHeaders={example['signed_headers']},Signature={example['seed']}",
    }
    if kind == "trailer":
        headers["x-amz-trailer"] = "x-amz-checksum-crc32c"
    headers.update(extra_headers)
    return HttpRequest("PUT", "/examplebucket/chunkObject.txt", "", headers, Body.of(body))


def doc_decode(request: HttpRequest) -> HttpRequest:
    auth = sigv4.authenticate(request, "s3", DOC_KEYS, FrozenClock(DOC_TIME))
    return chunked.decode(request, auth)


def test_the_documented_signed_upload_decodes():
    request = doc_request("signed")
    assert request.body.size == 66824  # the documented Content-Length
    decoded = doc_decode(request)
    assert decoded.body.read() == DOC_DATA
    assert decoded.headers["content-length"] == "66560"
    for claim in ("content-encoding", "x-amz-decoded-content-length", "x-amz-trailer"):
        assert claim not in decoded.headers
    assert decoded.headers["x-amz-content-sha256"] == decoded.body.sha256
    assert decoded.headers["x-amz-storage-class"] == "REDUCED_REDUNDANCY"


def test_the_documented_signed_upload_with_a_trailer_decodes():
    decoded = doc_decode(doc_request("trailer"))
    assert decoded.body.read() == DOC_DATA
    assert decoded.headers["x-amz-checksum-crc32c"] == "sOO8/Q=="


@pytest.mark.parametrize("kind", DOC)
def test_a_changed_byte_breaks_the_chunk_signature(kind):
    chunks = [b"a" * 65536, b"a" * 1023 + b"b"]
    error = raised(doc_decode, doc_request(kind, doc_body(DOC[kind], chunks)))
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)


def test_chunks_cannot_be_reordered_or_resigned():
    example = DOC["signed"]
    swapped = dict(example, chunks=[example["chunks"][1], example["chunks"][0], example["chunks"][2]])
    assert raised(doc_decode, doc_request("signed", doc_body(swapped))).code == "SignatureDoesNotMatch"
    # The final chunk is signed too: dropping it is not an end.
    truncated = doc_body(example).split(b"0;chunk-signature")[0]
    assert raised(doc_decode, doc_request("signed", truncated)).code == "IncompleteBody"


def test_the_trailer_is_signed():
    forged = DOC["trailer"]["trailer"].replace(b"d81f82fc", b"d81f82fd")
    error = raised(doc_decode, doc_request("trailer", doc_body(DOC["trailer"], trailer=forged)))
    assert (error.code, error.status) == ("SignatureDoesNotMatch", 403)
    unsigned = b"x-amz-checksum-crc32c:sOO8/Q==\r\n"
    error = raised(doc_decode, doc_request("trailer", doc_body(DOC["trailer"], trailer=unsigned)))
    assert error.code == "SignatureDoesNotMatch"


def test_signed_streams_need_their_decoded_length():
    request = doc_request("signed")
    headers = {k: v for k, v in request.headers.items() if k != "x-amz-decoded-content-length"}
    auth = sigv4.authenticate(request, "s3", DOC_KEYS, FrozenClock(DOC_TIME))
    assert raised(chunked.decode, replace(request, headers=headers), auth).code == "SignatureDoesNotMatch"


def test_a_wrong_decoded_length_is_an_incomplete_body():
    request = doc_request("signed")
    auth = sigv4.authenticate(request, "s3", DOC_KEYS, FrozenClock(DOC_TIME))
    request = replace(request, headers={**request.headers, "x-amz-decoded-content-length": "66000"})
    error = raised(chunked.decode, request, auth)
    assert (error.code, error.status) == ("IncompleteBody", 400)
    assert error.message == "You did not provide the number of bytes specified by the Content-Length HTTP header"
    assert error.fields == {"NumberBytesExpected": "66000", "NumberBytesProvided": "66560"}


def test_signed_streams_are_not_for_anonymous_callers():
    anonymous = sigv4.Authentication(keys.anonymous_principal())
    error = raised(chunked.decode, doc_request("signed"), anonymous)
    assert (error.code, error.status) == ("AccessDenied", 403)


def test_unverified_signed_streams_still_decode():
    """With ``--auth off`` there is no signing key: chunk signatures are not checked."""
    auth = sigv4.Authentication(keys.root_principal())
    chunks = [b"a" * 65536, b"b" * 1024]
    decoded = chunked.decode(doc_request("signed", doc_body(DOC["signed"], chunks)), auth)
    assert decoded.body.read() == b"a" * 65536 + b"b" * 1024


# --- unsigned trailers, as botocore writes them -----------------------------------------

ROOT = sigv4.Authentication(keys.root_principal())
CHECKSUM_CLASSES = {"crc32": CrtCrc32Checksum, "crc32c": CrtCrc32cChecksum, "crc64nvme": CrtCrc64NvmeChecksum,
                    "sha1": Sha1Checksum, "sha256": Sha256Checksum}


def wrapped(data: bytes, algorithm: str | None = "crc32", chunk_size: int = 1000, **headers) -> HttpRequest:
    """A body framed by botocore's AwsChunkedWrapper, with the headers botocore sends."""
    checksum = CHECKSUM_CLASSES[algorithm] if algorithm else None
    name = f"x-amz-checksum-{algorithm}" if algorithm else "x-amz-checksum"
    body = AwsChunkedWrapper(io.BytesIO(data), checksum_cls=checksum, checksum_name=name, chunk_size=chunk_size)
    sent = {"content-encoding": "aws-chunked", "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
            "x-amz-decoded-content-length": str(len(data)), "transfer-encoding": "chunked"}
    if algorithm:
        sent["x-amz-trailer"] = name
    sent.update(headers)
    return HttpRequest("PUT", "/bucket/key", "", sent, Body.of(body.read()))


@pytest.mark.parametrize("algorithm", CHECKSUM_CLASSES)
def test_botocore_unsigned_trailers_decode_and_verify(algorithm):
    data = bytes(range(256)) * 40
    request = wrapped(data, algorithm)
    expected = CHECKSUM_CLASSES[algorithm]()
    expected.update(data)
    decoded = chunked.decode(request, ROOT)
    assert decoded.body.read() == data
    assert decoded.headers[f"x-amz-checksum-{algorithm}"] == expected.b64digest()
    assert {"x-amz-trailer", "transfer-encoding", "content-encoding"}.isdisjoint(decoded.headers)


def test_a_body_without_checksum_and_an_empty_body():
    assert chunked.decode(wrapped(b"xyz", None), ROOT).body.read() == b"xyz"
    assert chunked.decode(wrapped(b"", "sha256"), ROOT).body.read() == b""


def test_chunks_larger_than_the_read_size_stream_through():
    data = bytes(range(251)) * (3 * CHUNK // 251)
    decoded = chunked.decode(wrapped(data, "crc64nvme", chunk_size=len(data)), ROOT)
    assert decoded.body.read() == data


def test_a_boto3_put_object_over_https_is_authenticated_and_decoded(frozen_signing):
    """Over https botocore sends a CRC32 trailer with STREAMING-UNSIGNED-PAYLOAD-TRAILER."""
    data = b"streamed " * 5000
    request = capture("s3", "put_object", {"Bucket": "b", "Key": "a key/ü", "Body": data},
                      endpoint_url="https://127.0.0.1:4566")
    assert request.headers["x-amz-content-sha256"] == "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
    auth = sigv4.authenticate(request, "s3", keys.KeyStore(), frozen_signing)
    decoded = chunked.decode(request, auth)
    assert decoded.body.read() == data
    assert decoded.headers["x-amz-checksum-crc32"] == CrtCrc32Checksum().handle(data)


def test_a_wrong_checksum_is_a_bad_digest():
    request = wrapped(b"hello world", "sha1")
    body = request.body.read().replace(b"hello", b"jello", 1)
    error = raised(chunked.decode, replace(request, body=Body.of(body)), ROOT)
    assert (error.code, error.status, error.message) == (
        "BadDigest", 400, "The SHA1 you specified did not match the calculated checksum.")


def test_a_malformed_checksum_is_an_invalid_request():
    request = wrapped(b"hello", "crc32")
    body = request.body.read().rsplit(b":", 1)[0] + b":not base64!\r\n\r\n"
    error = raised(chunked.decode, replace(request, body=Body.of(body)), ROOT)
    assert (error.code, error.message) == (
        "InvalidRequest", "Value for x-amz-checksum-crc32 trailing header is invalid.")


def test_trailers_must_be_the_announced_one():
    request = wrapped(b"hello", "crc32", **{"x-amz-trailer": "x-amz-checksum-crc32c"})
    assert raised(chunked.decode, request, ROOT).code == "MalformedTrailerError"
    headers = {k: v for k, v in wrapped(b"hello").headers.items() if k != "x-amz-trailer"}
    error = raised(chunked.decode, replace(wrapped(b"hello"), headers=headers), ROOT)
    assert (error.code, error.status) == ("MalformedTrailerError", 400)


def test_unsupported_or_doubled_checksums():
    error = raised(chunked.decode, wrapped(b"hello", **{"x-amz-trailer": "x-amz-checksum-sha10"}), ROOT)
    assert (error.code, error.message) == (
        "InvalidRequest", "The value specified in the x-amz-trailer header is not supported")
    doubled = wrapped(b"hello", **{"x-amz-checksum-sha1": "qvTGHdzF6KLavt4PO0gs2a6pQ00="})
    error = raised(chunked.decode, doubled, ROOT)
    assert (error.code, error.message) == ("InvalidRequest", "Expecting a single x-amz-checksum- header")


@pytest.mark.parametrize("damage", [
    lambda body: body[:-30],  # truncated inside the data
    lambda body: body[:5],  # truncated inside a chunk header
    lambda body: body.replace(b"3e8\r\n", b"3g8\r\n", 1),  # a size that is not hex
    lambda body: body.replace(b"\r\n", b"\n", 2),  # no CRLF after a chunk header
    lambda body: body.replace(b"3e8\r\n", b"3e9\r\n", 1),  # a size one too large: no CRLF after the data
    lambda body: b"",
], ids=["data", "header", "size", "crlf", "overrun", "empty"])
def test_broken_framing_is_an_incomplete_body(damage):
    request = wrapped(bytes(3000), "crc32")
    error = raised(chunked.decode, replace(request, body=Body.of(damage(request.body.read()))), ROOT)
    assert (error.code, error.status, error.message) == (
        "IncompleteBody", 400, "The request body terminated unexpectedly")


def test_content_encoding_alone_marks_a_chunked_body_and_other_encodings_stay():
    request = wrapped(b"gz", None, **{"content-encoding": "gzip, aws-chunked",
                                      "x-amz-content-sha256": "UNSIGNED-PAYLOAD"})
    decoded = chunked.decode(request, ROOT)
    assert decoded.body.read() == b"gz"
    assert decoded.headers["content-encoding"] == "gzip"


def test_plain_bodies_are_left_alone():
    request = HttpRequest("PUT", "/b/k", "", {"x-amz-content-sha256": "UNSIGNED-PAYLOAD"}, Body.of(b"3\r\nabc\r\n"))
    assert chunked.decode(request, ROOT) is None


def test_sigv4a_streams_are_not_implemented():
    request = wrapped(b"x", None, **{"x-amz-content-sha256": "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"})
    assert raised(chunked.decode, request, ROOT).status == 501
