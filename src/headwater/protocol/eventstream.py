"""The ``application/vnd.amazon.eventstream`` framing of streamed answers."""

from __future__ import annotations

import struct
import zlib

EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING_HEADER = 7


def event_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One ``application/vnd.amazon.eventstream`` message: prelude, string headers,
    payload and the two CRC32 checksums."""
    encoded = b"".join(
        struct.pack(">B", len(name)) + name.encode() + struct.pack(">BH", _STRING_HEADER, len(value.encode()))
        + value.encode()
        for name, value in headers.items()
    )
    prelude = struct.pack(">II", 16 + len(encoded) + len(payload), len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))
