"""What every SQL engine offers the RDS control plane: one running endpoint per instance."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol


@dataclass(frozen=True)
class EndpointSpec:
    """Everything an engine needs to serve one DB instance."""

    identifier: str
    #: The instance's own directory (created by the caller); the engine keeps all its data here.
    data_dir: Path
    host: str
    port: int
    master_username: str
    master_password: str
    #: The database CreateDBInstance named (DBName), created on first start when set.
    db_name: str | None = None


class SqlEndpoint(Protocol):
    """One instance's server. ``start`` returns once clients can connect; ``stop`` once
    every connection is closed and the data is on disk."""

    spec: EndpointSpec

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def set_master_password(self, password: str) -> None: ...

    def native_connection(self, database: str) -> Any:
        """A DB-API connection straight to the engine's storage of ``database`` (created
        if missing), for loading sample data fast; the caller commits and closes it."""

    @staticmethod
    def copy_data(source: Path, target: Path) -> None:
        """Copy a stopped instance's data directory (snapshots and restores)."""
