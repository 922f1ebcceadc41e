"""Plain HTTP request/response values, independent of the ASGI server underneath."""

from __future__ import annotations

import hashlib
import io
import os
import queue
import tempfile
import threading
import weakref
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import IO, Iterable, Iterator
from urllib.parse import parse_qsl, unquote

from headwater.protocol.checksums import Checksum

#: Bodies up to this size stay in memory; larger ones spill to a file of their own.
SPOOL_LIMIT = 1024 * 1024
CHUNK = 256 * 1024
#: A spilled body that is to become durable is synced every this many bytes as it arrives.
SYNC_STEP = 8 * 1024 * 1024


class Body:
    """A request body received once, spilled to a file when large, and hashed as it arrives:
    SHA-256 (SigV4's payload hash), MD5 (what ``Content-MD5`` and S3's ETags are made of) and,
    once spilled, the checksums it will be checked against, so that no consumer has to read a
    big body again just to digest it.

    The spill file lives in ``spool_dir`` under a name of its own, so that a consumer on the
    same file system may :meth:`take_file` it (rename it into place) instead of copying it.
    A spilled body is written and hashed by a thread of its own (:class:`_Spill`): the
    caller of :meth:`write` (the event loop) only hands the chunks over.
    """

    def __init__(self, spool_dir: str | None = None, *, hash_payload: bool = True,
                 checksums: Iterable[str] = (), sync_early: bool = False):
        """``hash_payload=False`` when the request's signature does not cover its body (an
        unsigned-payload upload): SHA-256 is then computed only if someone asks for it.
        ``checksums`` names the algorithms (``protocol.checksums``) the body will be checked
        against: a spilled body computes them as it arrives (:meth:`checksum`).
        ``sync_early`` when a spilled body is likely to be kept durably (see :class:`_Spill`)."""
        self._spool_dir = spool_dir
        self._memory: io.BytesIO | None = io.BytesIO()
        self._spill: _Spill | None = None
        self._sha256 = hashlib.sha256() if hash_payload else None
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._hashes = (self._md5,) if self._sha256 is None else (self._sha256, self._md5)
        self._checksum_names = tuple(checksums)
        self._sync_early = sync_early
        self._checksums: dict[str, Checksum] = {}
        self.size = 0

    @classmethod
    def of(cls, data: bytes) -> "Body":
        body = cls()
        body.write(data)
        return body

    def write(self, chunk: bytes) -> None:
        if self._spill is None and self.size + len(chunk) > SPOOL_LIMIT:
            self._start_spill()
        self.size += len(chunk)
        if self._spill is not None:
            self._spill.put(chunk)
            return
        self._memory.write(chunk)
        for digest in self._hashes:
            digest.update(chunk)

    def _start_spill(self) -> None:
        head = self._memory.getvalue()
        self._checksums = {name: Checksum(name) for name in self._checksum_names}
        for checksum in self._checksums.values():
            checksum.update(head)
        hashes = (*self._hashes, *self._checksums.values())
        self._spill = _Spill(self, self._spool_dir, head, hashes, self._sync_early)
        self._memory = None

    def checksum(self, algorithm: str) -> Checksum | None:
        """The body's ``algorithm`` checksum when it was computed as the body arrived (a
        spilled body, ``algorithm`` named when it was created); None otherwise."""
        if algorithm not in self._checksums:
            return None
        self._complete()
        return self._checksums[algorithm]

    def _complete(self) -> None:
        """Wait until a spilled body is all written and hashed."""
        if self._spill is not None:
            self._spill.finish()

    @property
    def sha256(self) -> str:
        """Hex SHA-256 of the bytes as received (what SigV4 calls the payload hash)."""
        self._complete()
        if self._sha256 is None:
            self._sha256 = hashlib.sha256()
            for chunk in self.chunks():
                self._sha256.update(chunk)
        return self._sha256.hexdigest()

    @property
    def md5(self) -> str:
        """Hex MD5 of the bytes as received."""
        self._complete()
        return self._md5.hexdigest()

    @property
    def in_memory(self) -> bool:
        return self._spill is None

    def open(self) -> IO[bytes]:
        """The body as a file positioned at its start (shared: read it once at a time)."""
        self._complete()
        stream = self._memory if self._spill is None else self._spill.file
        stream.seek(0)
        return stream

    def read(self) -> bytes:
        if self._spill is None:
            return self._memory.getvalue()
        return self.open().read()

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        if self._spill is None:
            yield self._memory.getvalue()
            return
        stream = self.open()
        while chunk := stream.read(size):
            yield chunk

    def take_file(self) -> Path:
        """Hand over the spill file, flushed (not synced): the caller now owns it, and the
        body is empty. Only for a spilled body (:attr:`in_memory` false)."""
        if self._spill is None:
            raise ValueError("the body is in memory, not in a file")
        self._complete()
        path = self._spill.hand_over()
        self._spill, self._memory, self.size = None, io.BytesIO(), 0
        return path

    def replace(self, stream: Iterable[bytes]) -> "Body":
        """A new body holding ``stream`` (e.g. the decoded content of an aws-chunked body)."""
        body = Body(self._spool_dir, checksums=self._checksum_names, sync_early=self._sync_early)
        for chunk in stream:
            body.write(chunk)
        return body

    def close(self) -> None:
        if self._spill is not None:
            self._spill.discard()
            self._spill = None
        if self._memory is not None:
            self._memory.close()


class _Spill:
    """A body's file: chunks queued by :meth:`put`, written by one thread and hashed by one
    thread per digest (hashlib and file writes release the GIL, so they run side by side).
    With ``sync_early``, a third kind of thread syncs the file every ``SYNC_STEP`` bytes while
    it grows, so that the fsync making it durable later has little left to do (a sync at the
    end would wait for the whole file). The queues are bounded: a worker that falls behind
    makes ``put`` wait. The file is removed when the body is closed or collected, unless it
    was handed over."""

    QUEUED_CHUNKS = 64

    def __init__(self, owner: Body, spool_dir: str | None, head: bytes, hashes: tuple, sync_early: bool):
        fd, path = tempfile.mkstemp(prefix="body-", dir=spool_dir)
        self.file = os.fdopen(fd, "w+b")
        self.path = Path(path)
        self._failure: BaseException | None = None
        self.file.write(head)  # already hashed
        self._written, self._synced = len(head), 0
        self._workers = [_Worker(self._write, self._failed)] + [_Worker(digest.update, self._failed) for digest in hashes]
        self._syncer = _Worker(self._sync, self._failed) if sync_early else None
        self._finished = False
        self._remove = weakref.finalize(owner, _Spill.discard, self)

    def put(self, chunk: bytes) -> None:
        if self._finished:  # written after being read: no workers any more
            self._write(chunk)
            for worker in self._workers[1:]:
                worker.consume(chunk)
            return
        for worker in self._workers:
            worker.queue.put(chunk)

    def _failed(self, error: BaseException) -> None:
        self._failure = self._failure or error

    def _write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self._written += len(chunk)
        if self._syncer is not None and self._written - self._synced >= SYNC_STEP and not self._finished:
            self.file.flush()
            self._synced = self._written
            self._syncer.queue.put(b"")

    def _sync(self, _token: bytes) -> None:
        os.fdatasync(self.file.fileno())

    def _stop_workers(self) -> None:
        if not self._finished:
            self._finished = True
            for worker in self._workers:
                worker.stop()
            if self._syncer is not None:  # after the writer, which asks for no sync any more
                self._syncer.stop()

    def finish(self) -> None:
        """Wait for the workers (at once when done); raise what one failed with, if anything."""
        self._stop_workers()
        self.file.flush()
        if self._failure is not None:
            raise self._failure

    def hand_over(self) -> Path:
        self._remove.detach()
        self.file.close()
        return self.path

    def discard(self) -> None:
        self._stop_workers()
        self.file.close()
        self.path.unlink(missing_ok=True)
        self._remove.detach()


class _Worker:
    """A thread applying ``consume`` to each queued chunk until told to stop; a failure is
    reported once (``failed``) and the rest of the chunks are dropped."""

    def __init__(self, consume, failed):
        self.consume, self._failed = consume, failed
        self.queue: queue.Queue[bytes | None] = queue.Queue(_Spill.QUEUED_CHUNKS)
        self._thread = threading.Thread(target=self._run, name="body-spill", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        failed = False
        for chunk in iter(self.queue.get, None):
            if not failed:
                try:
                    self.consume(chunk)
                except BaseException as error:  # reported by Spill.finish()
                    failed = True
                    self._failed(error)

    def stop(self) -> None:
        self.queue.put(None)
        self._thread.join()


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
