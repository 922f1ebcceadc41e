"""Shard iterators: opaque tokens naming a position in a shard, valid for 15 minutes.

An iterator reads ``<stream ARN>|1|<token>``, as AWS's do (the ARN in front lets IAM name
the stream without decoding the rest). The token holds the shard, the position (the
``seq`` of the next record to read) and when it was issued, with a checksum, so that a
mangled or invented iterator is refused instead of misread. Nothing is stored: an
iterator stays valid across restarts until it expires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from dataclasses import dataclass

from headwater.services.dynamodbstreams import errors

LIFETIME_SECONDS = 15 * 60
VERSION = "1"
CHECKSUM_BYTES = 8


@dataclass(frozen=True)
class Position:
    stream_arn: str
    shard_id: str
    seq: int
    issued: float

    def expired(self, now: float) -> bool:
        return now - self.issued > LIFETIME_SECONDS


def _checksum(stream_arn: str, body: bytes) -> bytes:
    return hashlib.sha256(stream_arn.encode() + b"|" + body).digest()[:CHECKSUM_BYTES]


def encode(position: Position) -> str:
    body = f"{position.shard_id}|{position.seq}|{round(position.issued * 1000)}".encode()
    token = base64.b64encode(_checksum(position.stream_arn, body) + body).decode("ascii")
    return f"{position.stream_arn}|{VERSION}|{token}"


def stream_arn_of(iterator: str) -> str | None:
    """The stream ARN an iterator names (not checked), for IAM."""
    arn = iterator.split("|", 1)[0]
    return arn if arn.startswith("arn:") else None


def decode(iterator: str) -> Position:
    """The position an iterator holds; ValidationException for anything not made by :func:`encode`."""
    parts = iterator.split("|")
    if len(parts) != 3 or parts[1] != VERSION:
        raise errors.invalid_iterator()
    stream_arn, _, token = parts
    try:
        raw = base64.b64decode(token, validate=True)
        checksum, body = raw[:CHECKSUM_BYTES], raw[CHECKSUM_BYTES:]
        if checksum != _checksum(stream_arn, body):
            raise ValueError("checksum")
        shard_id, seq, issued = body.decode().split("|")
        return Position(stream_arn, shard_id, int(seq), int(issued) / 1000)
    except (binascii.Error, ValueError):
        raise errors.invalid_iterator() from None
