"""What headwater does when it starts: databases migrated, crash leftovers removed."""

import pytest

from headwater import registry
from headwater.storage.blobs import BlobStore
from tests.server import start_server


@pytest.fixture
def blob_service(monkeypatch):
    """A service whose metadata refers to blobs listed in its own table."""
    service = registry.Service(
        "blobby",
        migrations=[("0001_objects", "CREATE TABLE objects (blob_id TEXT NOT NULL)")],
        blob_references=lambda db: [row[0] for row in db.execute("SELECT blob_id FROM objects")],
    )
    monkeypatch.setitem(registry.services(), "blobby", service)
    return service


def test_start_sweeps_unreferenced_blobs_and_keeps_referenced_ones(tmp_path, blob_service):
    first = start_server(tmp_path)
    first.stop()
    blobs = BlobStore(tmp_path / "blobs")
    kept = blobs.write([b"referenced"])
    orphan = blobs.write([b"written, then the server died before the commit"])
    (blobs.temp_dir / "half-written").write_bytes(b"partial")
    database = first.app.stores.database("blobby", blob_service.migrations)
    with database.transaction() as db:
        db.execute("INSERT INTO objects VALUES (?)", (kept.id,))

    second = start_server(tmp_path)
    second.stop()
    assert blobs.exists(kept.id) and blobs.open(kept.id).read() == b"referenced"
    assert not blobs.exists(orphan.id)
    assert list(blobs.temp_dir.iterdir()) == []


def test_start_creates_the_service_database_with_its_migrations(tmp_path, blob_service):
    running = start_server(tmp_path)
    running.stop()
    assert (tmp_path / "blobby.sqlite3").is_file()
    with running.app.stores.database("blobby", blob_service.migrations).transaction(write=False) as db:
        assert db.execute("SELECT name FROM _migrations").fetchall()[0][0] == "0001_objects"


def test_periodic_tasks_run_in_a_transaction_of_their_service(tmp_path, monkeypatch):
    """Background work (TTL sweeps, lifecycle rules) runs on its own, committed like a request."""
    import time

    service = registry.Service(
        "ticker", migrations=[("0001_ticks", "CREATE TABLE ticks (at REAL)")],
        periodic=[registry.Periodic("tick", lambda settings: 0.02,
                                    lambda ctx: ctx.db.execute("INSERT INTO ticks VALUES (?)", (ctx.clock.time(),)))],
    )
    monkeypatch.setitem(registry.services(), "ticker", service)
    running = start_server(tmp_path)
    try:
        database = running.app.stores.database("ticker", service.migrations)
        deadline = time.monotonic() + 5
        count = 0
        while count < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
            with database.transaction(write=False) as db:
                count = db.execute("SELECT COUNT(*) FROM ticks").fetchone()[0]
        assert count >= 3
    finally:
        running.stop()
