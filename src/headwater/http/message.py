"""Plain HTTP request/response values, independent of the ASGI server underneath."""

from __future__ import annotations

import hashlib
import tempfile
from dataclasses import dataclass, field
from functools import cached_property
from typing import IO, Iterable, Iterator
from urllib.parse import parse_qsl, unquote

#: Bodies up to this size stay in memory; larger ones spill to a temporary file.
SPOOL_LIMIT = 1024 * 1024
CHUNK = 256 * 1024


class Body:
    """A request body received once, hashed as it arrives, spilled to disk when large."""

    def __init__(self, spool_dir: str | None = None):
        self._file = tempfile.SpooledTemporaryFile(max_size=SPOOL_LIMIT, dir=spool_dir)
        self._sha256 = hashlib.sha256()
        self.size = 0

    @classmethod
    def of(cls, data: bytes) -> "Body":
        body = cls()
        body.write(data)
        return body

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)
        self._sha256.update(chunk)
        self.size += len(chunk)

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes as received (what SigV4 calls the payload hash)."""
        return self._sha256.hexdigest()

    def open(self) -> IO[bytes]:
        """The body as a file positioned at its start (shared: read it once at a time)."""
        self._file.seek(0)
        return self._file

    def read(self) -> bytes:
        return self.open().read()

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        stream = self.open()
        while chunk := stream.read(size):
            yield chunk

    def replace(self, stream: Iterable[bytes]) -> "Body":
        """A new body holding ``stream`` (e.g. the decoded content of an aws-chunked body)."""
        body = Body(getattr(self._file, "_dir", None))
        for chunk in stream:
            body.write(chunk)
        return body

    def close(self) -> None:
        self._file.close()


def _split_pairs(text: str) -> list[tuple[str, str]]:
    return parse_qsl(text, keep_blank_values=True)


@dataclass
class HttpRequest:
    method: str
    raw_path: str
    query_string: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = field(default_factory=lambda: Body.of(b""))
    client_ip: str = "127.0.0.1"
    scheme: str = "http"

    @property
    def host(self) -> str:
        return self.headers.get("host", "")

    @cached_property
    def path(self) -> str:
        """The decoded path."""
        return unquote(self.raw_path)

    @cached_property
    def query(self) -> list[tuple[str, str]]:
        """Decoded query parameters in order; a bare ``?acl`` gives ``("acl", "")``."""
        return _split_pairs(self.query_string)

    @cached_property
    def query_dict(self) -> dict[str, str]:
        return dict(self.query)

    @cached_property
    def form(self) -> list[tuple[str, str]]:
        """Parameters of a form-encoded body (query and ec2 protocols)."""
        content_type = self.headers.get("content-type", "")
        if self.method != "POST" or not content_type.startswith("application/x-www-form-urlencoded"):
            return []
        return _split_pairs(self.body.read().decode("utf-8", "replace"))


@dataclass
class HttpResponse:
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | Iterable[bytes] = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        return next((v for k, v in self.headers if k.lower() == lname), None)
