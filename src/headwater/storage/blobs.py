"""The blob store: large bodies (S3 objects) as files, made durable before their metadata.

Contract for callers, which keeps metadata and bytes consistent across crashes:

1. ``blob = blobs.write(chunks)`` (or ``blobs.adopt(path)``): when it returns, the blob is
   on disk under its final name;
2. then commit the metadata transaction that refers to ``blob.id``;
3. to delete, commit the metadata delete first, then ``blobs.delete(id)``.

A crash between the steps leaves at worst a blob nothing refers to, which
``sweep(is_referenced)`` removes at the next start, before any request is served.
Blob ids are random, never derived from anything a client sends, so no key can name a
path outside the store. Layout: ``<root>/<id[:2]>/<id>`` plus ``<root>/tmp/`` for writes
in progress.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_READ_SIZE = 1024 * 1024


@dataclass(frozen=True)
class Blob:
    id: str
    size: int
    md5: str
    path: Path


class BlobStore:
    """Blobs under ``root``; ``durable=False`` skips the fsyncs (the ``--fsync off`` setting)."""

    def __init__(self, root: str | Path, durable: bool = True):
        self.root = Path(root)
        self.durable = durable
        #: Where writes in progress live; put files meant for :meth:`adopt` here (same file system).
        self.temp_dir = self.root / "tmp"
        self.temp_dir.mkdir(parents=True, exist_ok=True)

    def write(self, chunks: Iterable[bytes], md5: str | None = None) -> Blob:
        """Store the bytes of ``chunks`` (streamed, never held whole) as a new durable blob;
        ``md5`` (hex) is the caller's when it already knows it, otherwise computed here."""
        blob_id = _new_id()
        temp = self.temp_dir / blob_id
        digest, size = (hashlib.md5(usedforsecurity=False) if md5 is None else None), 0
        try:
            with open(temp, "xb") as out:
                for chunk in chunks:
                    out.write(chunk)
                    if digest is not None:
                        digest.update(chunk)
                    size += len(chunk)
                self._sync_file(out)
            return self._install(temp, blob_id, size, md5 or digest.hexdigest())
        except BaseException:
            temp.unlink(missing_ok=True)
            raise

    def adopt(self, path: str | Path, md5: str | None = None) -> Blob:
        """Make a complete file (on the store's file system, e.g. in ``temp_dir``) a new blob
        without copying it: synced, then renamed into place. ``md5`` (hex) is the caller's
        when it already read the file; otherwise it is computed here."""
        path = Path(path)
        with open(path, "rb") as source:
            if md5 is None:
                md5 = _md5_of(source)
            self._sync_file(source)
            size = os.fstat(source.fileno()).st_size
        try:
            return self._install(path, _new_id(), size, md5)
        except OSError as error:
            if error.errno != errno.EXDEV:
                raise
        with open(path, "rb") as source:  # on another file system after all: copy it
            blob = self.write(iter(lambda: source.read(_READ_SIZE), b""), md5)
        path.unlink()
        return blob

    def path(self, blob_id: str) -> Path:
        if not isinstance(blob_id, str) or not _BLOB_ID.fullmatch(blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        return self.root / blob_id[:2] / blob_id

    def open(self, blob_id: str) -> BinaryIO:
        """The blob's bytes as a binary file (FileNotFoundError if there is no such blob)."""
        return open(self.path(blob_id), "rb")

    def exists(self, blob_id: str) -> bool:
        return self.path(blob_id).is_file()

    def delete(self, blob_id: str) -> None:
        """Remove the blob if present (call only after the metadata delete has committed)."""
        self.path(blob_id).unlink(missing_ok=True)

    def ids(self) -> list[str]:
        """Every stored blob id."""
        return sorted(
            entry.name
            for shard in self.root.iterdir()
            if shard.is_dir() and shard != self.temp_dir
            for entry in shard.iterdir()
            if _BLOB_ID.fullmatch(entry.name) and entry.name.startswith(shard.name)
        )

    def sweep(self, is_referenced: Callable[[str], bool]) -> list[str]:
        """Remove leftover temporary files and every blob no metadata refers to.

        Run it at start, before serving requests: a blob written by a request still in
        flight is not referenced yet. Returns the ids of the blobs removed.
        """
        for leftover in self.temp_dir.iterdir():
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        orphans = [blob_id for blob_id in self.ids() if not is_referenced(blob_id)]
        for blob_id in orphans:
            self.delete(blob_id)
        return orphans

    def _install(self, temp: Path, blob_id: str, size: int, md5: str) -> Blob:
        """Rename a synced file to its final name and make the rename itself durable."""
        final = self.path(blob_id)
        if not final.parent.is_dir():
            final.parent.mkdir(exist_ok=True)
            self._sync_dir(self.root)
        os.rename(temp, final)
        self._sync_dir(final.parent)
        return Blob(blob_id, size, md5, final)

    def _sync_file(self, file: BinaryIO) -> None:
        file.flush()
        if self.durable:
            os.fsync(file.fileno())

    def _sync_dir(self, directory: Path) -> None:
        if not self.durable:
            return
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _md5_of(file: BinaryIO) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    while chunk := file.read(_READ_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def _new_id() -> str:
    return secrets.token_hex(16)
