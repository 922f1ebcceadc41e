"""Crash recovery: SIGKILL a server mid-stream of writes; nothing it acknowledged may be lost.

The server (``crash_app.py`` under uvicorn) answers 200 only after its transaction
commits. A SIGKILL loses what the process holds in memory, not what the kernel holds, so
this proves that acknowledgements follow commits and that recovery (WAL replay,
migrations, the blob sweep) keeps every acknowledged write and a sound database.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
ROUNDS = 3
WRITERS = 4
START_TIMEOUT = 30.0
REQUEST_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class CrashServer:
    """The crash app under uvicorn on a fresh loopback port, started and killed at will."""

    def __init__(self, data_dir: Path):
        self.data_dir = data_dir
        self.process: subprocess.Popen | None = None
        self.port = 0

    def start(self) -> None:
        self.port = free_port()
        command = [
            sys.executable, "-m", "uvicorn", "crash_app:app", "--app-dir", str(HERE),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--lifespan", "off", "--log-level", "warning", "--no-access-log",
        ]
        env = {**os.environ, "CRASH_DATA_DIR": str(self.data_dir)}
        self.process = subprocess.Popen(command, env=env)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "crash app exited during start"
            try:
                if self.request("GET", "/health", timeout=1.0)[0] == 200:
                    return
            except OSError:
                time.sleep(0.05)
        raise TimeoutError("crash app did not become ready")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=REQUEST_TIMEOUT)

    def request(self, method: str, path: str, body: bytes = b"", timeout: float = REQUEST_TIMEOUT):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def state(self) -> dict:
        status, body = self.request("GET", "/state")
        assert status == 200, body
        return json.loads(body)


@pytest.fixture
def server(tmp_path):
    crash_server = CrashServer(tmp_path)
    yield crash_server
    crash_server.kill()


def blob_content(name: str) -> bytes:
    """Deterministic bytes for a blob name, 16 KiB to 512 KiB long."""
    seed = hashlib.sha256(name.encode()).digest()
    size = 16 * 1024 + int.from_bytes(seed[:4], "big") % (496 * 1024)
    return (seed * (size // len(seed) + 1))[:size]


def write_until_killed(server: CrashServer, send_one, kill_after: int) -> set[str]:
    """Send writes from several threads; SIGKILL the server once ``kill_after`` were acknowledged.

    Returns the keys of the acknowledged writes. Writes in flight at the kill fail and
    are not counted: the server may or may not have committed them.
    """
    acknowledged: set[str] = set()
    lock, enough = threading.Lock(), threading.Event()
    keys = (f"{random.getrandbits(60):015x}" for _ in iter(int, 1))

    def writer():
        while server.process.poll() is None:
            with lock:
                key = next(keys)
            try:
                status, _ = send_one(key)
            except OSError:
                continue  # killed mid-request: not acknowledged
            if status == 200:
                with lock:
                    acknowledged.add(key)
                    if len(acknowledged) >= kill_after:
                        enough.set()

    threads = [threading.Thread(target=writer, daemon=True) for _ in range(WRITERS)]
    for thread in threads:
        thread.start()
    assert enough.wait(timeout=60), "the server stopped acknowledging writes"
    server.kill()
    for thread in threads:
        thread.join(timeout=REQUEST_TIMEOUT + 5)
    with lock:
        return set(acknowledged)


def test_acknowledged_rows_survive_sigkill(server):
    acknowledged: set[int] = set()
    server.start()
    for _ in range(ROUNDS):
        keys = write_until_killed(
            server,
            lambda key: server.request("POST", f"/rows/{int(key, 16)}", body=key.encode()),
            kill_after=random.randint(30, 80),
        )
        acknowledged |= {int(key, 16) for key in keys}
        server.start()
        state = server.state()
        assert state["integrity"] == ["ok"]
        missing = acknowledged - set(state["rows"])
        assert not missing, f"{len(missing)} acknowledged rows lost after SIGKILL"
    assert len(acknowledged) >= ROUNDS * 30


def test_acknowledged_blobs_survive_sigkill(server):
    acknowledged: set[str] = set()
    server.start()
    for _ in range(ROUNDS):
        acknowledged |= write_until_killed(
            server,
            lambda name: server.request("PUT", f"/blobs/{name}", body=blob_content(name)),
            kill_after=random.randint(10, 30),
        )
        server.start()
        state = server.state()
        assert state["integrity"] == ["ok"]
        lost = acknowledged - set(state["blobs"])
        assert not lost, f"metadata of {len(lost)} acknowledged blobs lost after SIGKILL"
        # Every committed metadata row, acknowledged or not, has its complete blob.
        for name, entry in state["blobs"].items():
            content = blob_content(name)
            assert entry.get("file_size") == entry["size"] == len(content)
            assert entry.get("file_md5") == entry["md5"] == hashlib.md5(content).hexdigest()
        # The restart's sweep leaves exactly the referenced blobs and no temporary files.
        referenced = sorted(entry["blob_id"] for entry in state["blobs"].values())
        assert state["blob_files"] == referenced
        assert state["temp_files"] == []
