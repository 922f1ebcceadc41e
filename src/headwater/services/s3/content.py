"""Object bytes: received bodies into the database or blobs (with their digests), and back out.

A received body's S3 checksums are computed in one pass over it (its MD5, the ETag, was
computed as it arrived: ``Body.md5``), and ``Content-MD5`` and ``x-amz-checksum-*`` values
sent with it are verified before anything refers to its bytes. Where the bytes go depends
on the size: a small body stays in memory to be stored inline with its version
(``store.INLINE_MAX``); a body the server spilled to a file becomes a blob by renaming that
file (its bytes are written once); the rest are written to a new blob.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from headwater.protocol import checksums
from headwater.services.s3 import errors, store
from headwater.services.s3.store import Segment


def writes_a_blob(request) -> bool:
    """An upload that becomes a blob (its own file and fsyncs) is handled in a worker thread,
    where fsyncs of concurrent uploads overlap; a small one, stored in SQLite, on the event
    loop (no thread hand-off)."""
    return request.body.size > store.INLINE_MAX

READ_SIZE = 1024 * 1024
#: Bodies up to this size are answered from memory; larger ones stream from their blobs.
INLINE_LIMIT = 1024 * 1024
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")


@dataclass
class Received:
    """A body stored inline or as a blob, with what S3 reports about it."""

    size: int
    md5_hex: str
    checksums: dict[str, str] = field(default_factory=dict)  # algorithm -> base64 value
    blob: str | None = None
    inline: bytes | None = None

    @property
    def etag(self) -> str:
        return f'"{self.md5_hex}"'

    @property
    def segments(self) -> list[Segment]:
        return [Segment(self.blob, 0, self.size)] if self.blob and self.size else []

    def discard(self, blobs) -> None:
        """Remove the blob again (the metadata that would refer to it did not commit)."""
        if self.blob is not None:
            blobs.delete(self.blob)


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


def receive(blobs, body, req: dict, headers: dict[str, str], *, default_checksum: bool = True,
            inline: bool = False) -> Received:
    """Verify what the client claimed about ``body``, then keep its bytes: inline when
    ``inline`` allows it and they are few enough, else as a blob (none for no bytes)."""
    expected_md5 = _content_md5(req.get("ContentMD5"))
    wanted = requested_checksums(req, headers)
    algorithms = list(wanted) or ([checksums.DEFAULT_ALGORITHM] if default_checksum else [])
    arrived = {name: body.checksum(name) for name in algorithms}  # computed as it arrived
    missing = {name: checksums.Checksum(name) for name, checksum in arrived.items() if checksum is None}
    for chunk in body.chunks(READ_SIZE) if missing else ():
        for checksum in missing.values():
            checksum.update(chunk)
    running = [arrived[name] or missing[name] for name in algorithms]
    if expected_md5 is not None and expected_md5 != body.md5:
        raise errors.bad_digest(req["ContentMD5"], base64.b64encode(bytes.fromhex(body.md5)).decode())
    for checksum in running:
        if wanted.get(checksum.algorithm) is not None:
            checksums.verify(checksum, wanted[checksum.algorithm])
    received = Received(body.size, body.md5, {c.algorithm: c.b64digest() for c in running})
    if inline and body.size <= store.INLINE_MAX:
        received.inline = body.read()
    elif body.size and body.in_memory:
        received.blob = blobs.write(body.chunks(READ_SIZE), received.md5_hex).id
    elif body.size:
        received.blob = blobs.adopt(body.take_file(), received.md5_hex).id
    return received


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


def segment_chunks(blobs, segments: list[Segment]) -> Iterator[bytes]:
    """The bytes of ``segments`` in ``READ_SIZE`` chunks."""
    reader = SegmentReader(blobs, segments)
    try:
        yield from iter(lambda: reader.read(READ_SIZE), b"")
    finally:
        reader.close()


def version_body(blobs, conn, row, selected: tuple[int, int] | None) -> bytes | SegmentReader:
    """The bytes of a version (``selected``: an inclusive byte range of them, or None for all)."""
    start, end = selected or (0, row["size"] - 1)
    inline = store.inline_body(conn, row["id"])
    if inline is not None:
        return inline[start:end + 1]
    segments = store.segments_of(conn, store.object_holder(row["id"]))
    if selected is not None:
        segments = slice_segments(segments, start, end - start + 1)
    return body_of(blobs, segments, end - start + 1)


def body_of(blobs, segments: list[Segment], size: int) -> bytes | SegmentReader:
    """The bytes themselves for small bodies, else a reader the transport streams from."""
    reader = SegmentReader(blobs, segments)
    if size > INLINE_LIMIT:
        return reader
    try:
        return reader.read() if len(segments) <= 1 else b"".join(iter(lambda: reader.read(READ_SIZE), b""))
    finally:
        reader.close()
