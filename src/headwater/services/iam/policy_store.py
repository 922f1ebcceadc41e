"""Customer managed policies and their versions: the statements behind the policy handlers
(the schema is ``store``'s)."""

from __future__ import annotations

import sqlite3


def find_policy(conn: sqlite3.Connection, arn: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM policies WHERE arn = ?", (arn,)).fetchone()


def policy_named(conn: sqlite3.Connection, account: str, name: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM policies WHERE account = ? AND name_key = ?", (account, name.lower())).fetchone()


def list_policies(conn: sqlite3.Connection, account: str, path_prefix: str = "/") -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM policies WHERE account = ? AND substr(path, 1, length(?)) = ? ORDER BY name_key",
        (account, path_prefix, path_prefix),
    ).fetchall()


def insert_policy(conn: sqlite3.Connection, row: dict, document: str) -> None:
    conn.execute(
        "INSERT INTO policies (id, account, name, name_key, path, arn, description, created, updated, "
        "default_version, next_version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 2)",
        (row["id"], row["account"], row["name"], row["name"].lower(), row["path"], row["arn"],
         row.get("description"), row["created"], row["created"]),
    )
    conn.execute("INSERT INTO policy_versions VALUES (?, ?, 1, ?, ?)", (row["id"], row["account"], document, row["created"]))


def delete_policy(conn: sqlite3.Connection, policy_id: str) -> None:
    conn.execute("DELETE FROM tags WHERE owner_id = ?", (policy_id,))
    conn.execute("DELETE FROM policies WHERE id = ?", (policy_id,))


def policy_versions(conn: sqlite3.Connection, policy_id: str) -> list[sqlite3.Row]:
    return conn.execute(
        "SELECT * FROM policy_versions WHERE policy_id = ? ORDER BY version DESC", (policy_id,)
    ).fetchall()


def policy_version(conn: sqlite3.Connection, policy_id: str, version: int) -> sqlite3.Row | None:
    return conn.execute(
        "SELECT * FROM policy_versions WHERE policy_id = ? AND version = ?", (policy_id, version)
    ).fetchone()


def add_policy_version(conn: sqlite3.Connection, policy: sqlite3.Row, document: str, now: float, default: bool) -> int:
    version = policy["next_version"]
    conn.execute("INSERT INTO policy_versions VALUES (?, ?, ?, ?, ?)", (policy["id"], policy["account"], version, document, now))
    conn.execute(
        "UPDATE policies SET next_version = ?, updated = ?, default_version = ? WHERE id = ?",
        (version + 1, now, version if default else policy["default_version"], policy["id"]),
    )
    return version


def set_default_version(conn: sqlite3.Connection, policy_id: str, version: int, now: float) -> None:
    conn.execute("UPDATE policies SET default_version = ?, updated = ? WHERE id = ?", (version, now, policy_id))


def delete_policy_version(conn: sqlite3.Connection, policy_id: str, version: int) -> None:
    conn.execute("DELETE FROM policy_versions WHERE policy_id = ? AND version = ?", (policy_id, version))
