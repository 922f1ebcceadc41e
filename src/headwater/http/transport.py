"""ASGI transport details: turn ASGI messages into an HttpRequest and an HttpResponse back."""

from __future__ import annotations

from typing import IO
from urllib.parse import quote

from headwater.auth.sigv4 import payload_hash_expected
from headwater.http.message import CHUNK, SPOOL_LIMIT, Body, HttpRequest, HttpResponse
from headwater.protocol import checksums


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Names lower-cased; the values of a header sent more than once joined with commas."""
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in raw}
    if len(headers) == len(raw):
        return headers
    headers = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]},{text}" if key in headers else text
    return headers


def _body_checksums(headers: dict[str, str]) -> tuple[str, ...]:
    """The checksums a body computes as it arrives, which only a body spilled to disk does:
    none for one whose Content-Length keeps it in memory."""
    length = headers.get("content-length", "")
    if length.isascii() and length.isdigit() and int(length) <= SPOOL_LIMIT:
        return ()
    return checksums.body_algorithms(headers)


def _raw_path(scope: dict) -> str:
    raw = scope.get("raw_path")
    if raw is None:
        return quote(scope["path"], safe="/~!$&'()*+,;=:@%")
    return raw.decode("utf-8", "surrogateescape").split("?", 1)[0]


async def receive_request(scope: dict, receive, spool_dir: str | None, durable: bool = False) -> HttpRequest:
    """Read the whole body as it streams in (spilling big ones to disk) into an HttpRequest.

    Reading the body is what makes the server answer ``Expect: 100-continue``. ``durable``:
    big bodies are synced as they arrive (the server keeps what it stores on disk).
    """
    raw_headers = scope.get("headers", [])
    headers = _headers(raw_headers if isinstance(raw_headers, list) else list(raw_headers))
    query_string = scope.get("query_string", b"").decode("latin-1")
    body = Body(spool_dir, hash_payload=payload_hash_expected(headers, query_string),
                checksums=_body_checksums(headers), sync_early=durable)
    more = True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        if message.get("body"):
            body.write(message["body"])
        more = message.get("more_body", False)
    client = scope.get("client") or ("127.0.0.1", 0)
    return HttpRequest(
        method=scope["method"],
        raw_path=_raw_path(scope),
        query_string=query_string,
        headers=headers,
        body=body,
        client_ip=client[0],
        scheme=scope.get("scheme", "http"),
    )


def _body_chunks(body) -> tuple[bytes | None, object]:
    if isinstance(body, (bytes, bytearray)):
        return bytes(body), None
    if hasattr(body, "read"):
        stream: IO[bytes] = body
        return None, iter(lambda: stream.read(CHUNK), b"")
    return None, iter(body)


def _raw_headers(headers, length: int | None) -> list[tuple[bytes, bytes]]:
    """The headers in latin-1, with a Content-Length of ``length`` unless one is there."""
    raw = []
    for name, value in headers:
        if length is not None and name.lower() == "content-length":
            length = None
        raw.append((name.encode("latin-1"), str(value).encode("latin-1")))
    if length is not None:
        raw.append((b"content-length", b"%d" % length))
    return raw


async def send_response(send, response: HttpResponse) -> None:
    whole, chunks = _body_chunks(response.body)
    headers = _raw_headers(response.headers, None if whole is None else len(whole))
    await send({"type": "http.response.start", "status": response.status, "headers": headers})
    if whole is not None:
        await send({"type": "http.response.body", "body": whole})
        return
    try:
        for chunk in chunks:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    finally:
        close = getattr(response.body, "close", None)
        if close:
            close()
