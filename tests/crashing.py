"""Crash tests' shared parts: a server in a subprocess that can be SIGKILLed at will, and
writers that load it from several threads until it is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

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


def write_until_killed(
    server: KillableServer,
    new_writer: Callable[[], Callable[[], None]],
    acknowledged: Callable[[], int],
    kill_after: int,
    lost: tuple[type[BaseException], ...] = (OSError,),
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
