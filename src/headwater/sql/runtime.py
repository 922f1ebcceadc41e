"""The running SQL endpoints of one headwater: which engine serves an instance, on what port,
and the background work (start, stop, copy) that must not run on the event loop.

The RDS control plane records what should exist; a :class:`Runtime` makes it so. Work for
one instance runs in order (one lock per instance) in a small pool of long-lived threads;
while it runs, :meth:`Runtime.phase` names it (``creating``, ``stopping``, ...) so the
control plane can report it as the instance's status. The pool's threads live as long as
the runtime: PostgreSQL servers are bound to the thread that started them.
"""

from __future__ import annotations

import importlib
import logging
import shutil
import socket
import threading
from collections import defaultdict
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from headwater.sql.endpoint import EndpointSpec, SqlEndpoint

log = logging.getLogger("headwater.sql")

#: engine name → (module, class) of its endpoint, and the engine's usual port.
ENGINES = {
    "mysql": ("headwater.sql.mysql", "MysqlEndpoint"),
    "mariadb": ("headwater.sql.mysql", "MysqlEndpoint"),
    "postgres": ("headwater.sql.postgres", "PostgresServer"),
}
DEFAULT_PORTS = {"mysql": 3306, "mariadb": 3306, "postgres": 5432}
FAILED = "failed"


def endpoint_class(engine: str) -> type:
    module, name = ENGINES[engine]
    return getattr(importlib.import_module(module), name)


def port_is_free(host: str, port: int) -> bool:
    """Whether a server could listen on ``host:port`` now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def any_free_port(host: str) -> int:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def choose_port(host: str, engine: str, taken: set[int]) -> int:
    """The engine's usual port when neither another instance nor another program has it,
    else a free port."""
    usual = DEFAULT_PORTS[engine]
    if usual not in taken and port_is_free(host, usual):
        return usual
    while True:
        port = any_free_port(host)
        if port not in taken:
            return port


class Runtime:
    """The endpoints of every running instance under ``root`` (``<data dir>/rds``)."""

    def __init__(self, root: Path, host: str):
        self.root = Path(root)
        self.snapshots_root = self.root.with_name(self.root.name + "-snapshots")
        self.host = host
        self._endpoints: dict[str, SqlEndpoint] = {}
        self._pending: dict[str, list[str]] = {}
        self._failed: set[str] = set()
        self._locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._guard = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="headwater-sql")

    def instance_dir(self, identifier: str) -> Path:
        return self.root / identifier

    # -- what is running ---------------------------------------------------------------

    def phase(self, identifier: str) -> str | None:
        """The work under way for the instance (or ``failed`` when the last work failed),
        None when there is none."""
        with self._guard:
            pending = self._pending.get(identifier)
            if pending:
                return pending[0]
            return FAILED if identifier in self._failed else None

    def is_up(self, identifier: str) -> bool:
        with self._guard:
            return identifier in self._endpoints

    def endpoint(self, identifier: str) -> SqlEndpoint | None:
        with self._guard:
            return self._endpoints.get(identifier)

    # -- background work -----------------------------------------------------------------

    def submit(self, identifier: str, phase: str, work: Callable[[], None]) -> Future:
        """Run ``work`` in the background after the instance's earlier work; ``phase`` names
        it meanwhile. A failure is logged and shows as the phase ``failed``."""
        with self._guard:
            self._pending.setdefault(identifier, []).append(phase)

        def run() -> None:
            try:
                with self._locks[identifier]:
                    work()
            except Exception:
                log.exception("%s of SQL instance %s failed", phase, identifier)
                with self._guard:
                    self._failed.add(identifier)
                raise
            else:
                with self._guard:
                    self._failed.discard(identifier)
            finally:
                with self._guard:
                    pending = self._pending[identifier]
                    pending.remove(phase)
                    if not pending:
                        del self._pending[identifier]

        return self._pool.submit(run)

    # -- the work itself (called from submitted work) ----------------------------------------

    def start(self, identifier: str, engine: str, spec: EndpointSpec) -> SqlEndpoint:
        """Start (or keep) the instance's endpoint; returns once it accepts connections."""
        running = self.endpoint(identifier)
        if running is not None:
            return running
        spec.data_dir.mkdir(parents=True, exist_ok=True)
        endpoint = endpoint_class(engine)(spec)
        endpoint.start()
        with self._guard:
            self._endpoints[identifier] = endpoint
        return endpoint

    def stop(self, identifier: str) -> None:
        with self._guard:
            endpoint = self._endpoints.pop(identifier, None)
        if endpoint is not None:
            endpoint.stop()

    def snapshot_dir(self, snapshot: str) -> Path:
        return self.snapshots_root / snapshot

    def copy(self, engine: str, source: Path, target: Path) -> None:
        """Copy stopped instance data (an instance's directory or a snapshot) to ``target``,
        which appears complete or not at all."""
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = target.with_name(target.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        endpoint_class(engine).copy_data(source, staging)
        staging.rename(target)

    def remove(self, identifier: str) -> None:
        self.stop(identifier)
        shutil.rmtree(self.instance_dir(identifier), ignore_errors=True)

    def close(self) -> None:
        """Let queued work finish, then stop every endpoint."""
        self._pool.shutdown(wait=True)
        for identifier in list(self._endpoints):
            try:
                self.stop(identifier)
            except Exception:
                log.exception("stopping SQL instance %s failed", identifier)


_runtimes: dict[Path, Runtime] = {}
_runtimes_lock = threading.Lock()


def open_runtime(data_dir: Path, host: str) -> Runtime:
    """The runtime of the headwater serving ``data_dir`` (one per data directory)."""
    key = Path(data_dir).resolve()
    with _runtimes_lock:
        if key not in _runtimes:
            _runtimes[key] = Runtime(key / "rds", host)
        return _runtimes[key]


def runtime_of(data_dir: Path) -> Runtime | None:
    with _runtimes_lock:
        return _runtimes.get(Path(data_dir).resolve())


def close_runtime(data_dir: Path) -> None:
    with _runtimes_lock:
        runtime = _runtimes.pop(Path(data_dir).resolve(), None)
    if runtime is not None:
        runtime.close()
