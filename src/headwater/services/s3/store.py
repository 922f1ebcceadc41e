"""The SQLite schema of buckets, objects, versions and multipart uploads."""

MIGRATIONS: list[tuple[str, str]] = []
