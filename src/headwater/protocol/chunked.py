"""aws-chunked request bodies, decoded as they stream.

S3 clients may frame a body as ``<hex size>[;chunk-signature=<sig>]\\r\\n<data>\\r\\n``
chunks ending with a zero-size chunk, optionally followed by trailing headers (a
checksum, and for signed streams ``x-amz-trailer-signature``). Which framing is in use is
told by ``x-amz-content-sha256`` (``STREAMING-*``) or ``Content-Encoding: aws-chunked``.
Each chunk signature chains from the previous one, starting at the request's own
signature (AWS, "Signature Calculations for the Authorization Header: Transferring
Payload in Multiple Chunks" and "... Including Trailing Headers").

Errors are S3's, as reproduced against AWS in versity/versitygw#1684, #1685, #1691 and
#1161: malformed framing and wrong lengths are IncompleteBody, a bad trailer is
MalformedTrailerError, checksums are BadDigest or InvalidRequest (see checksums.py).
"""

from __future__ import annotations

from dataclasses import replace
from hashlib import sha256
from typing import IO, Iterator

from headwater.auth import errors as auth_errors
from headwater.auth.sigv4 import Authentication, same_signature
from headwater.errors import ServiceError
from headwater.http.message import CHUNK, HttpRequest
from headwater.protocol import checksums

STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
_SIGNED = (STREAMING_SIGNED, STREAMING_SIGNED_TRAILER)
_TRAILER_SIGNATURE = "x-amz-trailer-signature"
_EMPTY_SHA256 = sha256(b"").hexdigest()
#: The longest chunk header or trailer line accepted.
_MAX_LINE = 4096
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_SIGNATURE_PREFIX = "chunk-signature="

_FRAMING = "The request body terminated unexpectedly"
_LENGTH = "You did not provide the number of bytes specified by the Content-Length HTTP header"
_TRAILER = ("The request contained trailing data that was not well-formed or did not conform to our "
            "published schema.")


def _incomplete() -> ServiceError:
    return ServiceError("IncompleteBody", _FRAMING)


def _malformed_trailer() -> ServiceError:
    return ServiceError("MalformedTrailerError", _TRAILER)


def _encodings(headers: dict[str, str]) -> list[str]:
    return [part.strip() for part in headers.get("content-encoding", "").split(",") if part.strip()]


def is_chunked(request: HttpRequest) -> bool:
    return (request.headers.get("x-amz-content-sha256", "").startswith("STREAMING-")
            or "aws-chunked" in _encodings(request.headers))


def decode(request: HttpRequest, auth: Authentication) -> HttpRequest | None:
    """The request with its aws-chunked body decoded and verified; None if not aws-chunked.

    The new request's headers no longer claim aws-chunked: ``content-length`` is the
    decoded size, and a verified trailing checksum appears as ``x-amz-checksum-<alg>``.
    """
    if not is_chunked(request):
        return None
    payload = request.headers.get("x-amz-content-sha256", "")
    if payload.startswith("STREAMING-AWS4-ECDSA"):
        raise ServiceError("NotImplemented", "A header you provided implies functionality that is not implemented",
                           501, sender_fault=False)
    signed = payload in _SIGNED
    if signed and auth.signing_key is None and auth.principal.is_anonymous:
        raise ServiceError("AccessDenied", "Access Denied", 403)
    verified = signed and auth.signing_key is not None
    algorithm = _declared_trailer(request.headers)
    expected = _decoded_length(request.headers, verified)
    decoder = _Decoder(request.body.open(), auth if verified else None, algorithm)
    body = request.body.replace(decoder.data())
    try:
        if expected is not None and body.size != expected:
            raise ServiceError("IncompleteBody", _LENGTH, fields={"NumberBytesExpected": str(expected),
                                                                 "NumberBytesProvided": str(body.size)})
        value = _verified_trailer(decoder, algorithm)
    except ServiceError:
        body.close()
        raise
    return replace(request, headers=_decoded_headers(request.headers, body, algorithm, value), body=body)


def _declared_trailer(headers: dict[str, str]) -> str | None:
    """The checksum algorithm ``x-amz-trailer`` announces (S3 takes exactly one)."""
    names = [name.strip().lower() for name in headers.get("x-amz-trailer", "").split(",") if name.strip()]
    if not names:
        return None
    algorithm = checksums.algorithm_of(names[0])
    if len(names) != 1 or algorithm is None:
        raise ServiceError("InvalidRequest", "The value specified in the x-amz-trailer header is not supported")
    if checksums.checksum_headers(headers):
        raise ServiceError("InvalidRequest", "Expecting a single x-amz-checksum- header")
    return algorithm


def _decoded_length(headers: dict[str, str], verified: bool) -> int | None:
    """``x-amz-decoded-content-length``; verified signed streams must carry it (S3 refuses
    them with SignatureDoesNotMatch otherwise, versity/versitygw#1088)."""
    text = headers.get("x-amz-decoded-content-length", "")
    if text.isdigit():
        return int(text)
    if verified:
        raise auth_errors.chunk_signature_mismatch()
    return None


def _verified_trailer(decoder: "_Decoder", algorithm: str | None) -> str | None:
    """The trailing checksum, once it is the one announced and matches the data."""
    expected_names = {checksums.header_name(algorithm)} if algorithm else set()
    if set(decoder.trailers) != expected_names:
        raise _malformed_trailer()
    if algorithm is None:
        return None
    value = decoder.trailers[checksums.header_name(algorithm)]
    checksums.verify(decoder.checksum, value, trailing=True)
    return value


def _decoded_headers(headers: dict[str, str], body, algorithm: str | None, value: str | None) -> dict[str, str]:
    dropped = ("x-amz-decoded-content-length", "x-amz-trailer", "transfer-encoding", "content-encoding")
    decoded = {name: text for name, text in headers.items() if name not in dropped}
    encodings = [encoding for encoding in _encodings(headers) if encoding != "aws-chunked"]
    if encodings:
        decoded["content-encoding"] = ",".join(encodings)
    decoded["content-length"] = str(body.size)
    decoded["x-amz-content-sha256"] = body.sha256
    if algorithm:
        decoded[checksums.header_name(algorithm)] = value
    return decoded


class _Decoder:
    """Reads aws-chunked framing from ``stream``; ``auth`` set means verify signatures."""

    def __init__(self, stream: IO[bytes], auth: Authentication | None, algorithm: str | None):
        self._stream = stream
        self._auth = auth
        self._previous = auth.signature if auth else None
        self.checksum = checksums.Checksum(algorithm) if algorithm else None
        self.trailers: dict[str, str] = {}

    def data(self) -> Iterator[bytes]:
        """The decoded bytes, chunk by chunk; raises S3's error on bad framing or signatures."""
        while True:
            size, signature = self._chunk_header()
            digest = sha256() if self._auth else None
            yield from self._chunk_data(size, digest)
            if self._auth:
                self._verify(signature, "AWS4-HMAC-SHA256-PAYLOAD", f"{_EMPTY_SHA256}\n{digest.hexdigest()}")
            if size == 0:
                break
            if self._stream.read(2) != b"\r\n":
                raise _incomplete()
        self._read_trailers()

    def _chunk_header(self) -> tuple[int, str | None]:
        line = self._line()
        if line is None:
            raise _incomplete()
        size_text, _, extension = line.partition(b";")
        if not size_text or len(size_text) > 16 or not set(size_text) <= _HEX_DIGITS:
            raise _incomplete()
        signature = None
        if self._auth:
            text = extension.decode("ascii", "replace")
            if not text.startswith(_SIGNATURE_PREFIX):
                raise _incomplete()
            signature = text[len(_SIGNATURE_PREFIX):]
        return int(size_text, 16), signature

    def _chunk_data(self, size: int, digest) -> Iterator[bytes]:
        remaining = size
        while remaining:
            piece = self._stream.read(min(remaining, CHUNK))
            if not piece:
                raise _incomplete()
            remaining -= len(piece)
            if digest is not None:
                digest.update(piece)
            if self.checksum is not None:
                self.checksum.update(piece)
            yield piece

    def _read_trailers(self) -> None:
        """Trailing ``name:value`` lines up to an empty line (or the end of the body)."""
        lines = []
        while (line := self._line()):
            name, colon, value = line.decode("utf-8", "replace").partition(":")
            if not colon:
                raise _malformed_trailer()
            lines.append((name.strip().lower(), value.strip()))
        signature = dict(lines).pop(_TRAILER_SIGNATURE, None)
        self.trailers = {name: value for name, value in lines if name != _TRAILER_SIGNATURE}
        if self._auth and self.trailers:
            canonical = "".join(f"{name}:{value}\n" for name, value in lines if name != _TRAILER_SIGNATURE)
            self._verify(signature, "AWS4-HMAC-SHA256-TRAILER", sha256(canonical.encode("utf-8")).hexdigest())

    def _line(self) -> bytes | None:
        """The next CRLF-terminated line without its CRLF; None at the end of the body."""
        line = self._stream.readline(_MAX_LINE)
        if not line:
            return None
        if not line.endswith(b"\r\n"):
            raise _incomplete()
        return line[:-2]

    def _verify(self, signature: str | None, algorithm: str, hashes: str) -> None:
        """Check one link of the signature chain (chunk or trailer) and move along it."""
        auth = self._auth
        expected = auth.sign(f"{algorithm}\n{auth.timestamp}\n{auth.scope}\n{self._previous}\n{hashes}")
        if signature is None or not same_signature(expected, signature):
            raise auth_errors.chunk_signature_mismatch()
        self._previous = expected

