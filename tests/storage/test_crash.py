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
import random
import sys
import threading
from pathlib import Path

import pytest

from tests.crashing import KillableServer, write_until_killed

HERE = Path(__file__).parent
ROUNDS = 3
REQUEST_TIMEOUT = 10.0


class CrashServer(KillableServer):
    """The crash app under uvicorn, writing to ``data_dir``."""

    name = "crash app"

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "uvicorn", "crash_app:app", "--app-dir", str(HERE),
            "--host", "127.0.0.1", "--port", str(self.port),
            "--lifespan", "off", "--log-level", "warning", "--no-access-log",
        ]

    def env(self) -> dict[str, str]:
        return {"CRASH_DATA_DIR": str(self.data_dir)}

    def is_ready(self) -> bool:
        return self.request("GET", "/health", timeout=1.0)[0] == 200

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
    with CrashServer(tmp_path) as crash_server:
        yield crash_server


def blob_content(name: str) -> bytes:
    """Deterministic bytes for a blob name, 16 KiB to 512 KiB long."""
    seed = hashlib.sha256(name.encode()).digest()
    size = 16 * 1024 + int.from_bytes(seed[:4], "big") % (496 * 1024)
    return (seed * (size // len(seed) + 1))[:size]


def acknowledged_keys(server: CrashServer, send_one, kill_after: int) -> set[str]:
    """The keys of the writes ``send_one(key)`` got a 200 for before the server was killed
    (once ``kill_after`` were)."""
    acknowledged: set[str] = set()
    lock = threading.Lock()

    def write():
        key = f"{random.getrandbits(60):015x}"
        status, _ = send_one(key)
        if status == 200:
            with lock:
                acknowledged.add(key)

    write_until_killed(server, lambda: write, lambda: len(acknowledged), kill_after)
    with lock:
        return set(acknowledged)


def test_acknowledged_rows_survive_sigkill(server):
    acknowledged: set[int] = set()
    server.start()
    for _ in range(ROUNDS):
        keys = acknowledged_keys(
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
        acknowledged |= acknowledged_keys(
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
