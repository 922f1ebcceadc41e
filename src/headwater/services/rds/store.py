"""RDS's storage: the SQLite schema (named migrations) and every statement on it.

An instance row keeps what the control plane decided: engine, port, whether it should run
(``state``: running or stopped), the master password and the members of its description
(``data``, JSON). What is under way right now (creating, stopping, ...) is not stored: the
SQL runtime knows it. Snapshots and subnet groups are rows of the same kind; tags are
keyed by the resource's ARN.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

MIGRATIONS = [
    (
        "0001_rds_core",
        """
        CREATE TABLE instances (
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            identifier TEXT NOT NULL,
            engine TEXT NOT NULL,
            state TEXT NOT NULL,
            port INTEGER NOT NULL,
            created REAL NOT NULL,
            password TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (account, region, identifier)
        );
        CREATE TABLE snapshots (
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            identifier TEXT NOT NULL,
            instance TEXT NOT NULL,
            engine TEXT NOT NULL,
            created REAL NOT NULL,
            password TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (account, region, identifier)
        );
        CREATE TABLE subnet_groups (
            account TEXT NOT NULL,
            region TEXT NOT NULL,
            name TEXT NOT NULL,
            data TEXT NOT NULL,
            PRIMARY KEY (account, region, name)
        );
        CREATE TABLE tags (
            arn TEXT NOT NULL,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (arn, key)
        ) WITHOUT ROWID;
        CREATE TABLE samples (
            name TEXT PRIMARY KEY,
            created REAL NOT NULL
        );
        """,
    ),
]


@dataclass
class Instance:
    account: str
    region: str
    identifier: str
    engine: str
    state: str
    port: int
    created: float
    password: str
    data: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        """The instance's name in the SQL runtime and on disk (unique across accounts and regions)."""
        return f"{self.account}/{self.region}/{self.identifier}"

    @property
    def arn(self) -> str:
        return f"arn:aws:rds:{self.region}:{self.account}:db:{self.identifier}"


@dataclass
class Snapshot:
    account: str
    region: str
    identifier: str
    instance: str
    engine: str
    created: float
    password: str
    data: dict = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.account}/{self.region}/{self.identifier}"

    @property
    def arn(self) -> str:
        return f"arn:aws:rds:{self.region}:{self.account}:snapshot:{self.identifier}"


# --- instances ---------------------------------------------------------------------------------


def _instance(row: sqlite3.Row) -> Instance:
    return Instance(**{**dict(row), "data": json.loads(row["data"])})


def get_instance(db, account: str, region: str, identifier: str) -> Instance | None:
    row = db.execute(
        "SELECT * FROM instances WHERE account = ? AND region = ? AND identifier = ?",
        (account, region, identifier),
    ).fetchone()
    return _instance(row) if row else None


def list_instances(db, account: str, region: str, after: str = "") -> list[Instance]:
    rows = db.execute(
        "SELECT * FROM instances WHERE account = ? AND region = ? AND identifier > ? ORDER BY identifier",
        (account, region, after),
    )
    return [_instance(row) for row in rows]


def all_instances(db) -> list[Instance]:
    return [_instance(row) for row in db.execute("SELECT * FROM instances ORDER BY account, region, identifier")]


def taken_ports(db) -> set[int]:
    return {port for (port,) in db.execute("SELECT port FROM instances")}


def put_instance(db, instance: Instance) -> None:
    db.execute(
        "INSERT OR REPLACE INTO instances (account, region, identifier, engine, state, port, created, password, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (instance.account, instance.region, instance.identifier, instance.engine, instance.state,
         instance.port, instance.created, instance.password, json.dumps(instance.data)),
    )


def delete_instance(db, instance: Instance) -> None:
    db.execute(
        "DELETE FROM instances WHERE account = ? AND region = ? AND identifier = ?",
        (instance.account, instance.region, instance.identifier),
    )
    delete_tags(db, instance.arn)


# --- snapshots ---------------------------------------------------------------------------------


def _snapshot(row: sqlite3.Row) -> Snapshot:
    return Snapshot(**{**dict(row), "data": json.loads(row["data"])})


def get_snapshot(db, account: str, region: str, identifier: str) -> Snapshot | None:
    row = db.execute(
        "SELECT * FROM snapshots WHERE account = ? AND region = ? AND identifier = ?",
        (account, region, identifier),
    ).fetchone()
    return _snapshot(row) if row else None


def list_snapshots(db, account: str, region: str, after: str = "") -> list[Snapshot]:
    rows = db.execute(
        "SELECT * FROM snapshots WHERE account = ? AND region = ? AND identifier > ? ORDER BY identifier",
        (account, region, after),
    )
    return [_snapshot(row) for row in rows]


def all_snapshots(db) -> list[Snapshot]:
    return [_snapshot(row) for row in db.execute("SELECT * FROM snapshots")]


def put_snapshot(db, snapshot: Snapshot) -> None:
    db.execute(
        "INSERT INTO snapshots (account, region, identifier, instance, engine, created, password, data)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (snapshot.account, snapshot.region, snapshot.identifier, snapshot.instance, snapshot.engine,
         snapshot.created, snapshot.password, json.dumps(snapshot.data)),
    )


def delete_snapshot(db, snapshot: Snapshot) -> None:
    db.execute(
        "DELETE FROM snapshots WHERE account = ? AND region = ? AND identifier = ?",
        (snapshot.account, snapshot.region, snapshot.identifier),
    )
    delete_tags(db, snapshot.arn)


# --- subnet groups -----------------------------------------------------------------------------


def get_subnet_group(db, account: str, region: str, name: str) -> dict | None:
    row = db.execute(
        "SELECT data FROM subnet_groups WHERE account = ? AND region = ? AND name = ?", (account, region, name)
    ).fetchone()
    return json.loads(row["data"]) if row else None


def list_subnet_groups(db, account: str, region: str, after: str = "") -> list[dict]:
    rows = db.execute(
        "SELECT data FROM subnet_groups WHERE account = ? AND region = ? AND name > ? ORDER BY name",
        (account, region, after),
    )
    return [json.loads(row["data"]) for row in rows]


def put_subnet_group(db, account: str, region: str, group: dict) -> None:
    db.execute(
        "INSERT OR REPLACE INTO subnet_groups (account, region, name, data) VALUES (?, ?, ?, ?)",
        (account, region, group["DBSubnetGroupName"], json.dumps(group)),
    )


def delete_subnet_group(db, account: str, region: str, group: dict) -> None:
    db.execute(
        "DELETE FROM subnet_groups WHERE account = ? AND region = ? AND name = ?",
        (account, region, group["DBSubnetGroupName"]),
    )
    delete_tags(db, group["DBSubnetGroupArn"])


def subnet_group_in_use(db, account: str, region: str, name: str) -> bool:
    return any(i.data.get("DBSubnetGroupName") == name for i in list_instances(db, account, region))


# --- tags --------------------------------------------------------------------------------------


def tags(db, arn: str) -> list[dict]:
    rows = db.execute("SELECT key, value FROM tags WHERE arn = ? ORDER BY key", (arn,))
    return [{"Key": key, "Value": value} for key, value in rows]


def add_tags(db, arn: str, tag_list: list[dict]) -> None:
    db.executemany(
        "INSERT OR REPLACE INTO tags (arn, key, value) VALUES (?, ?, ?)",
        [(arn, tag["Key"], tag.get("Value", "")) for tag in tag_list],
    )


def remove_tags(db, arn: str, keys: list[str]) -> None:
    db.executemany("DELETE FROM tags WHERE arn = ? AND key = ?", [(arn, key) for key in keys])


def delete_tags(db, arn: str) -> None:
    db.execute("DELETE FROM tags WHERE arn = ?", (arn,))


# --- samples -----------------------------------------------------------------------------------


def sample_done(db, name: str) -> bool:
    return db.execute("SELECT 1 FROM samples WHERE name = ?", (name,)).fetchone() is not None


def mark_sample(db, name: str, now: float) -> None:
    db.execute("INSERT OR REPLACE INTO samples (name, created) VALUES (?, ?)", (name, now))
