"""The least a Python GetItem can cost on headwater's server stack: a lower bound, not a server.

An ASGI app that answers one thing, a DynamoDB GetItem, doing only what no implementation
can skip: check the SigV4 signature (HMAC, with the signing key cached), parse the JSON
body, read the item by its key from SQLite (WAL, one read transaction) and write the stored
JSON back. No validation, authorization, capacity, error shapes or routing. ``bench/floor.py``
runs it under the uvicorn configuration ``headwater serve`` uses and replays one signed
request against it and against dynalite; whatever headwater adds sits on top of this.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3

SECRET = "test"
#: The one item there is (``FLOOR_ITEM``, JSON, keyed by ``pk`` and ``sk`` strings).
ITEM = json.loads(os.environ.get("FLOOR_ITEM", '{"pk": {"S": "floor"}, "sk": {"S": "item"}}'))

_database = sqlite3.connect(os.environ["FLOOR_DATABASE"], isolation_level=None, check_same_thread=False)
_database.execute("PRAGMA journal_mode = WAL")
_database.execute("CREATE TABLE IF NOT EXISTS items (pk TEXT, sk TEXT, document TEXT, PRIMARY KEY (pk, sk))")
_database.execute("INSERT OR REPLACE INTO items VALUES (?, ?, ?)",
                  (ITEM["pk"]["S"], ITEM["sk"]["S"], json.dumps(ITEM, separators=(",", ":"))))
_signing_keys: dict[str, bytes] = {}


def _signing_key(scope: str) -> bytes:
    """The SigV4 key for ``date/region/service/aws4_request``, derived once."""
    key = ("AWS4" + SECRET).encode()
    for part in scope.split("/"):
        key = hmac.digest(key, part.encode(), "sha256")
    return key


def _signature_ok(headers: dict[str, str], body: bytes) -> bool:
    fields = dict(part.strip().split("=", 1) for part in headers["authorization"].split(" ", 1)[1].split(","))
    scope = fields["Credential"].split("/", 1)[1]
    signed = fields["SignedHeaders"]
    canonical = "\n".join(["POST", "/", "", *(f"{name}:{headers[name].strip()}" for name in signed.split(";")),
                           "", signed, hashlib.sha256(body).hexdigest()])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", headers["x-amz-date"], scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _signing_keys.get(scope) or _signing_keys.setdefault(scope, _signing_key(scope))
    return hmac.compare_digest(hmac.digest(key, to_sign.encode(), "sha256").hex(), fields["Signature"])


async def _answer(send, status: int, body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/x-amz-json-1.0"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while (await receive())["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        return
    headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
    body, more = b"", True
    while more:
        message = await receive()
        body, more = body + message.get("body", b""), message.get("more_body", False)
    if not _signature_ok(headers, body):
        return await _answer(send, 400, b'{"__type":"InvalidSignatureException"}')
    key = json.loads(body)["Key"]
    _database.execute("BEGIN")
    row = _database.execute("SELECT document FROM items WHERE pk = ? AND sk = ?",
                            (key["pk"]["S"], key["sk"]["S"])).fetchone()
    _database.execute("COMMIT")
    await _answer(send, 200, b'{"Item":' + row[0].encode() + b"}" if row else b"{}")
