"""S3's flexible checksums: compute them over a stream, compare them as AWS sends them.

Values travel base64-encoded in ``x-amz-checksum-<algorithm>`` headers or trailers; the
CRCs are big-endian integers (as botocore's ``httpchecksum`` encodes them), the others
plain digests. One :class:`Checksum` is fed chunk by chunk, so no body is ever held whole.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Callable, Iterable

from awscrt import checksums as crt

from headwater.errors import ServiceError

HEADER_PREFIX = "x-amz-checksum-"


class _Crc:
    """A running CRC from awscrt, finished as ``size`` big-endian bytes."""

    def __init__(self, function: Callable[[bytes, int], int], size: int):
        self._function = function
        self._size = size
        self._value = 0

    def update(self, data: bytes) -> None:
        self._value = self._function(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._size, "big")


class _XXHash:
    def __init__(self, factory: Callable[[], crt.XXHash]):
        self._hash = factory()

    def update(self, data: bytes) -> None:
        self._hash.update(data)

    def digest(self) -> bytes:
        return self._hash.finalize()


_FACTORIES: dict[str, Callable[[], object]] = {
    "crc32": lambda: _Crc(crt.crc32, 4),
    "crc32c": lambda: _Crc(crt.crc32c, 4),
    "crc64nvme": lambda: _Crc(crt.crc64nvme, 8),
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
    "md5": hashlib.md5,
    "xxhash64": lambda: _XXHash(crt.XXHash.new_xxhash64),
    "xxhash3": lambda: _XXHash(crt.XXHash.new_xxhash3_64),
    "xxhash128": lambda: _XXHash(crt.XXHash.new_xxhash3_128),
}

#: Lower-case algorithm names, as they appear after ``x-amz-checksum-``.
ALGORITHMS = tuple(_FACTORIES)
#: S3 computes this checksum for every object uploaded without one.
DEFAULT_ALGORITHM = "crc64nvme"


class Checksum:
    """One algorithm's running checksum."""

    def __init__(self, algorithm: str):
        algorithm = algorithm.lower()
        if algorithm not in _FACTORIES:
            raise ValueError(f"unknown checksum algorithm {algorithm!r}")
        self.algorithm = algorithm
        self._state = _FACTORIES[algorithm]()

    def update(self, data: bytes) -> None:
        self._state.update(data)

    def digest(self) -> bytes:
        return self._state.digest()

    def b64digest(self) -> str:
        """The value as AWS sends it in headers and trailers."""
        return base64.b64encode(self.digest()).decode("ascii")

    def matches(self, value: str) -> bool:
        """Whether the base64 ``value`` is this checksum (``value`` must be well formed)."""
        return base64.b64decode(value) == self.digest()


def compute(algorithm: str, chunks: Iterable[bytes]) -> str:
    """The base64 checksum of the concatenated ``chunks``."""
    checksum = Checksum(algorithm)
    for chunk in chunks:
        checksum.update(chunk)
    return checksum.b64digest()


def header_name(algorithm: str) -> str:
    return HEADER_PREFIX + algorithm.lower()


def algorithm_of(header: str) -> str | None:
    """``crc32`` for ``x-amz-checksum-crc32``; None for any other name."""
    header = header.lower()
    if not header.startswith(HEADER_PREFIX):
        return None
    algorithm = header[len(HEADER_PREFIX):]
    return algorithm if algorithm in _FACTORIES else None


def checksum_headers(headers: dict[str, str]) -> dict[str, str]:
    """The ``x-amz-checksum-<algorithm>`` headers of a request, by algorithm."""
    return {alg: value for name, value in headers.items() if (alg := algorithm_of(name))}


def body_algorithms(headers: dict[str, str]) -> tuple[str, ...]:
    """The algorithms a request's body will be checked against, judged before it arrives:
    those its headers name (a value, ``x-amz-sdk-checksum-algorithm`` or the trailer of an
    aws-chunked body), else S3's default for uploads without one."""
    named = [*checksum_headers(headers), headers.get("x-amz-sdk-checksum-algorithm", "").lower(),
             *(algorithm_of(name.strip()) for name in headers.get("x-amz-trailer", "").split(","))]
    return tuple(dict.fromkeys(name for name in named if name in _FACTORIES)) or (DEFAULT_ALGORITHM,)


def is_well_formed(algorithm: str, value: str) -> bool:
    """Whether ``value`` is strict base64 of a digest of the algorithm's size."""
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return False
    return len(raw) == len(Checksum(algorithm).digest())


# S3's answers, as observed on AWS (versity/versitygw#1692, #1694 and PR #1173, each
# reproducing S3's reply): a malformed value is InvalidRequest, a wrong one BadDigest.
def invalid_value(algorithm: str, trailing: bool = False) -> ServiceError:
    where = "trailing header" if trailing else "header"
    return ServiceError("InvalidRequest", f"Value for {header_name(algorithm)} {where} is invalid.")


def bad_digest(algorithm: str) -> ServiceError:
    return ServiceError("BadDigest", f"The {algorithm.upper()} you specified did not match the calculated checksum.")


def verify(checksum: Checksum, value: str, trailing: bool = False) -> None:
    """Raise S3's error unless ``value`` is a well-formed base64 value equal to ``checksum``."""
    if not is_well_formed(checksum.algorithm, value):
        raise invalid_value(checksum.algorithm, trailing)
    if not checksum.matches(value):
        raise bad_digest(checksum.algorithm)
