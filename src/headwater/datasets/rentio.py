"""Rentio, the course's DVD-rental database: Sakila v1.5's schema with synthetic rows.

``load(connection, dialect, progress=None)`` creates it in an empty SQLite database (the
embedded MySQL-protocol engine's storage of one MySQL database) or PostgreSQL database.
"""

from __future__ import annotations

from headwater.datasets import rentio_data, rentio_schema
from headwater.datasets.relational import Dataset, Progress, Rows, load_dataset

DATASET = Dataset(rentio_schema.TABLES, rentio_data.generate, rentio_schema.extras, rentio_schema.VIEW_TYPES)
TABLES = tuple(table.name for table in rentio_schema.TABLES)
VIEWS = tuple(rentio_schema.views("sqlite"))


def rows() -> Rows:
    """Every table's rows (the same on every call and every run; do not modify them)."""
    return rentio_data.generate()


def load(connection, dialect: str, progress: Progress | None = None) -> dict[str, int]:
    """Create Rentio's tables, rows, views and triggers through ``connection`` (sqlite3 for
    ``"sqlite"``/``"mysql"``, psycopg 3 for ``"postgres"``) in one transaction, committed on
    success. ``progress(done, total)`` counts rows. Returns the rows loaded per table."""
    return load_dataset(connection, dialect, DATASET, progress)
