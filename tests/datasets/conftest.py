"""Fixtures of the dataset tests: Rentio and shop loaded into SQLite files and into a
throwaway PostgreSQL (pgserver, one per test session and worker)."""

from __future__ import annotations

import sqlite3
import tempfile

import pytest

from headwater.datasets import rentio, shop


def sqlite_database(path, dataset) -> sqlite3.Connection:
    connection = sqlite3.connect(path, check_same_thread=False)
    connection.execute("PRAGMA foreign_keys = ON")
    dataset.load(connection, "sqlite")
    return connection


@pytest.fixture(scope="session")
def rentio_sqlite(tmp_path_factory):
    connection = sqlite_database(tmp_path_factory.mktemp("rentio") / "sakila.sqlite3", rentio)
    yield connection
    connection.close()


@pytest.fixture
def shop_sqlite(tmp_path):
    connection = sqlite_database(tmp_path / "shop.sqlite3", shop)
    yield connection
    connection.close()


@pytest.fixture(scope="session")
def postgres():
    """A running PostgreSQL: a function making a new database and connecting to it. Its
    directory is outside pytest's (private) temporary tree: when run as root, pgserver
    runs PostgreSQL as another user, which must reach it."""
    pgserver = pytest.importorskip("pgserver")
    psycopg = pytest.importorskip("psycopg")
    directory = tempfile.TemporaryDirectory(prefix="headwater-pg-", ignore_cleanup_errors=True)
    server = pgserver.get_server(directory.name, cleanup_mode="stop")
    base = server.get_uri()

    def connect(database: str, create: bool = False):
        if create:
            with psycopg.connect(base, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {database}")
        return psycopg.connect(base.replace("/postgres?", f"/{database}?"))

    yield connect
    server.cleanup()
    directory.cleanup()


@pytest.fixture(scope="session")
def rentio_postgres(postgres):
    connection = postgres("sakila", create=True)
    rentio.load(connection, "postgres")
    yield connection
    connection.close()
