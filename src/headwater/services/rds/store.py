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
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import ClassVar, Generic, TypeVar

from headwater.services.rds import arns
from headwater.storage.sqlite import Database

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
class _Resource:
    """What instances and snapshots share: where they are and their name."""

    account: str
    region: str
    identifier: str
    #: the resource type in the ARN
    arn_kind: ClassVar[str]

    @property
    def key(self) -> str:
        return runtime_key(self.account, self.region, self.identifier)

    @property
    def arn(self) -> str:
        return arns.arn(self.region, self.account, self.arn_kind, self.identifier)


def runtime_key(account: str, region: str, identifier: str) -> str:
    """A resource's name in the SQL runtime and on disk (unique across accounts and regions)."""
    return f"{account}/{region}/{identifier}"


@dataclass
class Instance(_Resource):
    arn_kind: ClassVar[str] = "db"
    engine: str
    state: str
    port: int
    created: float
    password: str
    data: dict = field(default_factory=dict)


@dataclass
class Snapshot(_Resource):
    arn_kind: ClassVar[str] = "snapshot"
    instance: str
    engine: str
    created: float
    password: str
    data: dict = field(default_factory=dict)


Read = TypeVar("Read")


def read_offline(data_dir: Path, read: Callable[[sqlite3.Connection], Read]) -> Read:
    """``read(db)`` on the rds database of a data directory, without a running headwater
    (FileNotFoundError when the directory has none)."""
    path = Path(data_dir) / "rds.sqlite3"
    if not path.exists():
        raise FileNotFoundError(path)
    database = Database(path, MIGRATIONS)
    try:
        with database.transaction(write=False) as db:
            return read(db)
    finally:
        database.close()


# --- instances and snapshots -------------------------------------------------------------------


Item = TypeVar("Item", Instance, Snapshot)


class _Rows(Generic[Item]):
    """The statements on a table whose rows are one dataclass (Instance, Snapshot), keyed by
    account, region and identifier, with its members as columns and ``data`` as JSON."""

    def __init__(self, table: str, kind: type[Item]):
        self.table = table
        self.kind = kind
        self.columns = [column.name for column in fields(kind)]

    def _load(self, row: sqlite3.Row) -> Item:
        return self.kind(**{**dict(row), "data": json.loads(row["data"])})

    def get(self, db, account: str, region: str, identifier: str) -> Item | None:
        row = db.execute(
            f"SELECT * FROM {self.table} WHERE account = ? AND region = ? AND identifier = ?",
            (account, region, identifier),
        ).fetchone()
        return self._load(row) if row else None

    def list(self, db, account: str, region: str, after: str = "") -> list[Item]:
        rows = db.execute(
            f"SELECT * FROM {self.table} WHERE account = ? AND region = ? AND identifier > ? ORDER BY identifier",
            (account, region, after),
        )
        return [self._load(row) for row in rows]

    def all(self, db) -> list[Item]:
        return [self._load(row) for row in db.execute(f"SELECT * FROM {self.table} ORDER BY account, region, identifier")]

    def put(self, db, item: Item) -> None:
        values = [json.dumps(item.data) if column == "data" else getattr(item, column) for column in self.columns]
        db.execute(
            f"INSERT OR REPLACE INTO {self.table} ({', '.join(self.columns)}) VALUES ({', '.join('?' * len(values))})",
            values,
        )

    def delete(self, db, item: Item) -> None:
        db.execute(
            f"DELETE FROM {self.table} WHERE account = ? AND region = ? AND identifier = ?",
            (item.account, item.region, item.identifier),
        )
        delete_tags(db, item.arn)


_instances: _Rows[Instance] = _Rows("instances", Instance)
get_instance, list_instances, all_instances = _instances.get, _instances.list, _instances.all
put_instance, delete_instance = _instances.put, _instances.delete

_snapshots: _Rows[Snapshot] = _Rows("snapshots", Snapshot)
get_snapshot, list_snapshots, all_snapshots = _snapshots.get, _snapshots.list, _snapshots.all
put_snapshot, delete_snapshot = _snapshots.put, _snapshots.delete


def taken_ports(db) -> set[int]:
    return {port for (port,) in db.execute("SELECT port FROM instances")}


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
