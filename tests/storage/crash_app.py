"""A tiny ASGI app for the crash test, run by uvicorn in a subprocess.

Its data directory comes from ``$CRASH_DATA_DIR``. On start it opens the database
(migrating it) and sweeps the blob store, as headwater does. Then:

- ``POST /rows/<n>`` inserts row n in its own transaction and answers 200 after the commit;
- ``PUT /blobs/<name>`` writes the body as a blob, then commits its metadata, then answers 200;
- ``GET /state`` answers JSON: rows, blob metadata with each blob file's actual size and MD5,
  the blob files on disk, leftover temporary files and ``PRAGMA integrity_check``;
- ``GET /health`` answers 200 once the app is ready.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from pathlib import Path

from headwater.storage.blobs import BlobStore
from headwater.storage.sqlite import Database

MIGRATIONS = [
    ("0001_create_rows", "CREATE TABLE rows (n INTEGER PRIMARY KEY, payload TEXT NOT NULL)"),
    (
        "0002_create_blobs",
        """CREATE TABLE blobs (
               name TEXT PRIMARY KEY,
               blob_id TEXT NOT NULL UNIQUE,
               size INTEGER NOT NULL,
               md5 TEXT NOT NULL
           )""",
    ),
]

DATA_DIR = Path(os.environ["CRASH_DATA_DIR"])
db = Database(DATA_DIR / "crash.sqlite3", MIGRATIONS)
blobs = BlobStore(DATA_DIR / "blobs")


def _sweep() -> None:
    with db.transaction(write=False) as conn:
        referenced = {row["blob_id"] for row in conn.execute("SELECT blob_id FROM blobs")}
    blobs.sweep(referenced.__contains__)


_sweep()


def insert_row(n: int, payload: str) -> None:
    with db.transaction() as conn:
        conn.execute("INSERT INTO rows (n, payload) VALUES (?, ?)", (n, payload))


def store_blob(name: str, chunks: list[bytes]) -> None:
    blob = blobs.write(chunks)  # durable before the metadata commits
    with db.transaction() as conn:
        conn.execute(
            "INSERT INTO blobs (name, blob_id, size, md5) VALUES (?, ?, ?, ?)",
            (name, blob.id, blob.size, blob.md5),
        )


def file_facts(blob_id: str) -> dict:
    digest, size = hashlib.md5(), 0
    with blobs.open(blob_id) as stream:
        while chunk := stream.read(65536):
            digest.update(chunk)
            size += len(chunk)
    return {"file_size": size, "file_md5": digest.hexdigest()}


def state() -> dict:
    with db.transaction(write=False) as conn:
        integrity = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        rows = [row["n"] for row in conn.execute("SELECT n FROM rows")]
        metadata = [dict(row) for row in conn.execute("SELECT * FROM blobs")]
    described = {}
    for row in metadata:
        facts = file_facts(row["blob_id"]) if blobs.exists(row["blob_id"]) else {}
        described[row["name"]] = {**row, **facts}
    return {
        "integrity": integrity,
        "rows": rows,
        "blobs": described,
        "blob_files": blobs.ids(),
        "temp_files": sorted(p.name for p in blobs.temp_dir.iterdir()),
    }


async def app(scope, receive, send):
    assert scope["type"] == "http", "run with --lifespan off"
    chunks = await _read_body(receive)
    method, parts = scope["method"], scope["path"].strip("/").split("/")
    if method == "POST" and parts[0] == "rows":
        await asyncio.to_thread(insert_row, int(parts[1]), b"".join(chunks).decode())
        await _answer(send, 200, b"committed")
    elif method == "PUT" and parts[0] == "blobs":
        await asyncio.to_thread(store_blob, parts[1], chunks)
        await _answer(send, 200, b"committed")
    elif method == "GET" and parts[0] == "state":
        await _answer(send, 200, json.dumps(await asyncio.to_thread(state)).encode())
    elif method == "GET" and parts[0] == "health":
        await _answer(send, 200, b"ready")
    else:
        await _answer(send, 404, b"no such route")


async def _read_body(receive) -> list[bytes]:
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return chunks


async def _answer(send, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
