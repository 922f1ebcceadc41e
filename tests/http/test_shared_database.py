"""A service may work in another service's database (DynamoDB Streams reads DynamoDB's)."""

import pytest

from headwater import registry
from tests.server import start_server


@pytest.fixture
def writer_and_reader(monkeypatch):
    """"writer" owns a database with a notes table; "reader" declares database="writer"."""
    writer = registry.Service("writer", migrations=[("0001_notes", "CREATE TABLE notes (text TEXT)")])
    reader = registry.Service("reader", database="writer")
    monkeypatch.setitem(registry.services(), "writer", writer)
    monkeypatch.setitem(registry.services(), "reader", reader)
    return writer, reader


def test_a_service_works_in_the_database_it_names(tmp_path, writer_and_reader):
    """The reader's handlers (and background tasks) get a transaction of the writer's
    database, migrated by the writer's migrations; the reader gets no database file."""
    writer, reader = writer_and_reader
    assert registry.storage_of(reader) is writer and registry.storage_of(writer) is writer
    running = start_server(tmp_path)
    try:
        with running.app.stores.database("writer", writer.migrations).transaction() as db:
            db.execute("INSERT INTO notes VALUES ('written by writer')")
        seen = []
        reader.periodic.append(registry.Periodic("look", lambda settings: 3600,
                                                 lambda ctx: seen.extend(ctx.db.execute("SELECT text FROM notes"))))
        running.app.run_periodic(reader, reader.periodic[0])
        assert [row[0] for row in seen] == ["written by writer"]
    finally:
        running.stop()
    assert (tmp_path / "writer.sqlite3").is_file() and not (tmp_path / "reader.sqlite3").exists()


def test_a_sharing_service_declares_no_migrations():
    with pytest.raises(ValueError, match="migrations belong there"):
        registry.Service("reader", database="writer", migrations=[("0001_x", "CREATE TABLE x (y)")])
