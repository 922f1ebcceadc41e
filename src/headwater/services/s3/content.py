"""Object bytes: received bodies into blobs (with their digests), segments back out as streams.

A received body is written to a new blob while its MD5 (the ETag) and the S3 checksums
are computed in the same pass; ``Content-MD5`` and ``x-amz-checksum-*`` values sent with
it are verified before anything refers to the blob, which is removed when they fail.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from headwater.protocol import checksums
from headwater.services.s3 import errors
from headwater.services.s3.store import Segment

READ_SIZE = 1024 * 1024
#: Bodies up to this size are answered from memory; larger ones stream from their blobs.
INLINE_LIMIT = 1024 * 1024
#: S3 computes this checksum for every object uploaded without one.
DEFAULT_CHECKSUM = "crc64nvme"
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass
class Received:
    """A body stored as a blob, with what S3 reports about it."""

    blob: str
    size: int
    md5_hex: str
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm -> base64 value

    @property
    def etag(self) -> str:
        return f'"{self.md5_hex}"'

    @property
    def segments(self) -> list[Segment]:
        return [Segment(self.blob, 0, self.size)] if self.size else []


def requested_checksums(req: dict, headers: dict[str, str]) -> dict[str, str | None]:
    """Algorithm -> value the client sent (None: compute it, ``x-amz-sdk-checksum-algorithm``)."""
    sent: dict[str, str | None] = dict(checksums.checksum_headers(headers))
    algorithm = (req.get("ChecksumAlgorithm") or "").lower()
    if algorithm and algorithm not in sent:
        sent[algorithm] = None
    if len(sent) > 1:
        raise errors.invalid_request("Expecting a single x-amz-checksum- header. Multiple checksum Types are not "
                                     "allowed.")
    for name, value in sent.items():
        if value is not None and not checksums.is_well_formed(name, value):
            raise checksums.invalid_value(name)
    return sent


def receive(blobs, body, req: dict, headers: dict[str, str], *, default_checksum: bool = True) -> Received:
    """Store ``body`` as a blob and verify what the client claimed about it."""
    expected_md5 = _content_md5(req.get("ContentMD5"))
    wanted = requested_checksums(req, headers)
    algorithms = list(wanted) or ([DEFAULT_CHECKSUM] if default_checksum else [])
    running = [checksums.Checksum(name) for name in algorithms]
    blob = blobs.write(_fed(body.chunks(READ_SIZE), running))
    try:
        if expected_md5 is not None and expected_md5 != blob.md5:
            raise errors.bad_digest(req["ContentMD5"], base64.b64encode(bytes.fromhex(blob.md5)).decode())
        for checksum in running:
            value = wanted.get(checksum.algorithm)
            if value is not None:
                checksums.verify(checksum, value)
    except BaseException:
        blobs.delete(blob.id)
        raise
    return Received(blob.id, blob.size, blob.md5, {c.algorithm: c.b64digest() for c in running})


def _content_md5(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise errors.invalid_digest(value) from None
    if len(raw) != 16:
        raise errors.invalid_digest(value)
    return raw.hex()


def _fed(chunks: Iterable[bytes], running: list) -> Iterator[bytes]:
    for chunk in chunks:
        for checksum in running:
            checksum.update(chunk)
        yield chunk


# --- ranges ----------------------------------------------------------------------------


def parse_range(text: str | None, size: int) -> tuple[int, int] | None:
    """``(start, end)`` inclusive for a ``Range`` header; None for none or one S3 ignores.

    Raises InvalidRange when the range is well formed but not satisfiable.
    """
    match = _RANGE.fullmatch((text or "").strip())
    if not match or match.group(1) == match.group(2) == "":
        return None
    first, last = match.groups()
    if first == "":
        length = int(last)
        if length == 0 or size == 0:
            raise errors.invalid_range(size, text)
        return max(size - length, 0), size - 1
    start = int(first)
    end = size - 1 if last == "" else min(int(last), size - 1)
    if last != "" and int(last) < start:
        return None
    if start >= size:
        raise errors.invalid_range(size, text)
    return start, end


def slice_segments(segments: list[Segment], start: int, length: int) -> list[Segment]:
    """The segments covering bytes ``start`` .. ``start + length - 1`` of their concatenation."""
    found, offset = [], 0
    for segment in segments:
        end = offset + segment.size
        if end > start and offset < start + length:
            skip = max(start - offset, 0)
            take = min(end, start + length) - offset - skip
            found.append(Segment(segment.blob, segment.start + skip, take))
        offset = end
    return found


# --- reading ---------------------------------------------------------------------------


class SegmentReader:
    """A read-only file over segments of blobs, opening each blob as it is reached."""

    def __init__(self, blobs, segments: list[Segment]):
        self._blobs = blobs
        self._pending = list(segments)
        self._file = None
        self._left = 0
        if self._pending:
            self._open_next()  # now: a blob released later stays readable once open

    def read(self, size: int = -1) -> bytes:
        while self._left == 0:
            if not self._pending:
                return b""
            self._open_next()
        want = self._left if size < 0 else min(size, self._left)
        data = self._file.read(want)
        if not data:
            raise OSError("blob shorter than its metadata says")
        self._left -= len(data)
        return data

    def _open_next(self) -> None:
        self._close_file()
        segment = self._pending.pop(0)
        self._file = self._blobs.open(segment.blob)
        self._file.seek(segment.start)
        self._left = segment.size

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def close(self) -> None:
        self._close_file()
        self._pending = []


def body_of(blobs, segments: list[Segment], size: int) -> bytes | SegmentReader:
    """The bytes themselves for small bodies, else a reader the transport streams from."""
    reader = SegmentReader(blobs, segments)
    if size > INLINE_LIMIT:
        return reader
    try:
        return reader.read() if len(segments) <= 1 else b"".join(iter(lambda: reader.read(READ_SIZE), b""))
    finally:
        reader.close()
