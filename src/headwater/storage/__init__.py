"""Durable state: SQLite databases, the blob store, migrations and the clock."""
