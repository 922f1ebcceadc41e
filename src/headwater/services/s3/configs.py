"""Bucket subresources kept as documents: policy, tagging, CORS, lifecycle and the rest."""

MIGRATIONS: list[tuple[str, str]] = []
