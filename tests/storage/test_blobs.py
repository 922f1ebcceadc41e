"""BlobStore: durable writes, adoption, deletion, id safety and the start-up sweep."""

from __future__ import annotations

import hashlib
import os
import tracemalloc

import pytest

from headwater.storage.blobs import BlobStore


@pytest.fixture
def store(tmp_path):
    return BlobStore(tmp_path / "blobs")


def read(store: BlobStore, blob_id: str) -> bytes:
    with store.open(blob_id) as stream:
        return stream.read()


def test_write_streams_chunks_into_a_blob(store):
    chunks = [b"hello ", b"", b"blob ", b"world"]
    blob = store.write(iter(chunks))
    assert read(store, blob.id) == b"hello blob world"
    assert blob.size == 16
    assert blob.md5 == hashlib.md5(b"hello blob world").hexdigest()
    assert blob.path == store.path(blob.id) and blob.path.is_relative_to(store.root)
    assert store.ids() == [blob.id]
    assert list(store.temp_dir.iterdir()) == []


def test_empty_blob(store):
    blob = store.write([])
    assert (blob.size, blob.md5, read(store, blob.id)) == (0, hashlib.md5().hexdigest(), b"")


def test_ids_are_fresh_for_identical_content(store):
    ids = {store.write([b"same"]).id for _ in range(20)}
    assert len(ids) == 20


def test_write_never_holds_the_whole_body(store):
    chunk = os.urandom(1024 * 1024)
    tracemalloc.start()
    try:
        blob = store.write(chunk for _ in range(64))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert blob.size == 64 * len(chunk)
    assert peak < 8 * len(chunk)


def test_failed_write_leaves_nothing(store):
    def failing():
        yield b"partial"
        raise ConnectionResetError("client went away")

    with pytest.raises(ConnectionResetError):
        store.write(failing())
    assert store.ids() == []
    assert list(store.temp_dir.iterdir()) == []


def test_adopt_moves_a_complete_file_in(store):
    temp = store.temp_dir / "upload.part"
    temp.write_bytes(b"assembled parts")
    blob = store.adopt(temp)
    assert not temp.exists()
    assert read(store, blob.id) == b"assembled parts"
    assert (blob.size, blob.md5) == (15, hashlib.md5(b"assembled parts").hexdigest())


def test_delete(store):
    blob = store.write([b"x"])
    store.delete(blob.id)
    assert not store.exists(blob.id) and store.ids() == []
    with pytest.raises(FileNotFoundError):
        store.open(blob.id)
    store.delete(blob.id)  # deleting twice is harmless


@pytest.mark.parametrize(
    "bad_id", ["../../etc/passwd", "tmp", "A" * 32, "0" * 31, "0" * 33, "0" * 30 + "/x", None]
)
def test_ids_that_could_escape_or_are_foreign_are_refused(store, bad_id):
    with pytest.raises(ValueError):
        store.path(bad_id)


def test_sweep_removes_leftovers_and_unreferenced_blobs(store):
    kept, orphan = store.write([b"kept"]), store.write([b"orphan"])
    (store.temp_dir / "interrupted").write_bytes(b"half a body")
    (store.temp_dir / "upload-dir").mkdir()
    removed = store.sweep({kept.id}.__contains__)
    assert removed == [orphan.id]
    assert store.ids() == [kept.id]
    assert read(store, kept.id) == b"kept"
    assert list(store.temp_dir.iterdir()) == []


def test_store_reopens_over_existing_blobs(tmp_path):
    blob = BlobStore(tmp_path / "blobs").write([b"persisted"])
    reopened = BlobStore(tmp_path / "blobs")
    assert reopened.ids() == [blob.id]
    assert read(reopened, blob.id) == b"persisted"


@pytest.mark.parametrize("durable", [True, False])
def test_fsync_of_file_and_directory_follows_durability(tmp_path, monkeypatch, durable):
    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(fd):
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    store = BlobStore(tmp_path / "blobs", durable=durable)
    blob = store.write([b"data"])
    if durable:
        temp = str(store.temp_dir / blob.id)
        assert synced == [temp, str(store.root), str(blob.path.parent)]
    else:
        assert synced == []
