"""Crash tests' shared parts: a server in a subprocess that can be SIGKILLed at will (any,
or ``headwater serve``), writers that load it from several threads until it is killed, the
record of what it acknowledged, and numbered rows written through a SQL connection."""

from __future__ import annotations

import http.client
import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import boto3
from botocore.config import Config

from tests.server import free_port

START_TIMEOUT = 30.0
WRITERS = 4


class KillableServer:
    """A server process keeping its data in ``data_dir``, on a fresh loopback port for each
    ``start()``; ``kill()`` sends SIGKILL. Subclasses say how to run it (``command``,
    ``env``) and when it is ready."""

    name = "the server"

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self.port = 0

    def command(self) -> list[str]:
        raise NotImplementedError

    def env(self) -> dict[str, str]:
        return {}

    def is_ready(self) -> bool:
        """True once the server on ``self.port`` answers (OSError while it does not listen)."""
        raise NotImplementedError

    def start(self) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(self.command(), env={**os.environ, **self.env()})
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"{self.name} exited during start"
            try:
                if self.is_ready():
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise TimeoutError(f"{self.name} did not become ready")

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        if self.alive:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.kill()


class HeadwaterProcess(KillableServer):
    """``headwater serve`` with durable writes into ``data_dir``."""

    name = "headwater"

    def command(self) -> list[str]:
        return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(self.port),
                "--data-dir", str(self.data_dir), "--fsync", "full", "--log-level", "warning"]

    def env(self) -> dict[str, str]:
        return {"PYTHONUNBUFFERED": "1"}

    def is_ready(self) -> bool:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_headwater/health", timeout=1) as answer:
            return answer.status == 200

    def client(self, service: str, **timeouts):
        """A boto3 client that sends each call once (the server may die under it)."""
        return boto3.client(service, endpoint_url=f"http://127.0.0.1:{self.port}", region_name="us-east-1",
                            aws_access_key_id="test", aws_secret_access_key="test",
                            config=Config(retries={"total_max_attempts": 1}, **timeouts))


class Acknowledged:
    """What the writer threads acknowledged, and the numbers they give what they write."""

    def __init__(self):
        self.lock = threading.Lock()
        self.numbers = itertools.count(1)
        self.items: set = set()

    def next_number(self) -> int:
        with self.lock:
            return next(self.numbers)

    def add(self, *items) -> None:
        with self.lock:
            self.items.update(items)

    def count(self) -> int:
        return len(self.items)


def write_until_killed(
    server: KillableServer,
    new_writer: Callable[[], Callable[[], None]],
    acknowledged: Callable[[], int],
    kill_after: int,
    lost: tuple[type[BaseException], ...] = (OSError, http.client.HTTPException),
) -> None:
    """Write from several threads; SIGKILL the server once ``acknowledged()`` has grown by
    ``kill_after``.

    Each thread calls ``new_writer()`` once, then the write it returns until the server is
    dead; a write records what the server acknowledged. One that raises an exception of
    ``lost`` (the server was killed mid-request) is not acknowledged: the server may or may
    not have committed it.
    """
    before = acknowledged()
    enough = threading.Event()

    def writer():
        write = new_writer()
        while server.alive:
            try:
                write()
            except lost:
                continue
            if acknowledged() - before >= kill_after:
                enough.set()

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=120), f"{server.name} stopped acknowledging writes"
    server.kill()
    for thread in threads:
        thread.join(timeout=30)


EVENTS_TABLE = "CREATE TABLE events (id INT PRIMARY KEY, body VARCHAR(40))"


def insert_events_until_killed(server: KillableServer, connect, acknowledged: Acknowledged, kill_after: int,
                               lost: tuple[type[BaseException], ...]) -> None:
    """Insert numbered rows into ``events`` (see ``EVENTS_TABLE``), each writer on its own
    DB-API connection from ``connect()``, until the server is killed (``write_until_killed``)."""

    def new_writer():
        conn = connect()

        def write():
            number = acknowledged.next_number()
            conn.cursor().execute("INSERT INTO events VALUES (%s, %s)", (number, f"event {number}"))
            acknowledged.add(number)

        return write

    write_until_killed(server, new_writer, acknowledged.count, kill_after, lost)


def stored_event_ids(connect) -> set[int]:
    """The ids in ``events``, read on a new connection from ``connect()``."""
    conn = connect()
    try:
        cursor = conn.cursor()
        cursor.execute("SELECT id FROM events")
        return {row[0] for row in cursor.fetchall()}
    finally:
        conn.close()
