"""``MysqlEndpoint``: one RDS instance's MySQL-protocol server, on its own thread and
asyncio loop, storing each MySQL database as ``<data_dir>/<name>.sqlite3``."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import threading
from pathlib import Path

from headwater.sql.endpoint import EndpointSpec
from headwater.sql.mysql import storage
from headwater.sql.mysql.server import Credentials, EngineServer
from headwater.sql.mysql.session import new_global_variables

START_TIMEOUT_SECONDS = 30.0


class MysqlEndpoint:
    def __init__(self, spec: EndpointSpec):
        self.spec = spec
        self.credentials = Credentials(spec.master_username, spec.master_password)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: EngineServer | None = None

    @property
    def port(self) -> int:
        """The port clients connect to (the one bound when ``spec.port`` is 0)."""
        if self._server is None or not self._server.sockets():
            return self.spec.port
        return self._server.sockets()[0].getsockname()[1]

    def start(self) -> None:
        if self._thread is not None:
            return
        Path(self.spec.data_dir).mkdir(parents=True, exist_ok=True)
        if self.spec.db_name:
            self.native_connection(self.spec.db_name).close()
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(ready, failure), name=f"mysql-{self.spec.identifier}", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT_SECONDS) or failure:
            self._thread = None
            raise RuntimeError(f"MySQL endpoint {self.spec.identifier} did not start") from (failure or [None])[0]

    def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = self._loop = asyncio.new_event_loop()
        self._server = EngineServer(self.spec.data_dir, self.credentials, new_global_variables())
        try:
            loop.run_until_complete(self._server.start_server(host=self.spec.host, port=self.spec.port))
        except BaseException as error:  # noqa: BLE001 - reported to start()
            failure.append(error)
            ready.set()
            loop.close()
            return
        ready.set()
        loop.run_forever()
        loop.close()

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        future.result(timeout=60)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=30)
        self._thread = self._loop = self._server = None
        self._checkpoint()

    async def _shutdown(self) -> None:
        self._server.close()
        await self._server.close_connections()
        await self._server.wait_closed()

    def _checkpoint(self) -> None:
        for name in storage.database_names(self.spec.data_dir):
            conn = storage.connect(storage.database_path(self.spec.data_dir, name))
            try:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                conn.close()

    def set_master_password(self, password: str) -> None:
        self.credentials.password = password

    def native_connection(self, database: str) -> sqlite3.Connection:
        """A sqlite3 connection to ``database``'s file, created if missing. It is in
        autocommit mode: the caller opens its transaction (``BEGIN``) and commits."""
        return storage.connect(storage.database_path(self.spec.data_dir, database))

    @staticmethod
    def copy_data(source: Path, target: Path) -> None:
        """Copy every database of a stopped instance with SQLite's backup API."""
        Path(target).mkdir(parents=True, exist_ok=True)
        for name in storage.database_names(source):
            source_conn = storage.connect(storage.database_path(source, name))
            target_conn = storage.connect(storage.database_path(target, name))
            try:
                source_conn.backup(target_conn)
            finally:
                source_conn.close()
                target_conn.close()
        for extra in Path(source).iterdir():
            if extra.is_file() and not extra.name.endswith((storage.SUFFIX, "-wal", "-shm")):
                shutil.copy2(extra, Path(target) / extra.name)
