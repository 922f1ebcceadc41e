"""ASGI transport details: turn ASGI messages into an HttpRequest and an HttpResponse back."""

from __future__ import annotations

from typing import IO
from urllib.parse import quote

from headwater.auth.sigv4 import payload_hash_expected
from headwater.http.message import CHUNK, Body, HttpRequest, HttpResponse
from headwater.protocol import checksums


def _headers(raw: list[tuple[bytes, bytes]]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        headers[key] = f"{headers[key]},{text}" if key in headers else text
    return headers


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
    headers = _headers(scope.get("headers", []))
    query_string = scope.get("query_string", b"").decode("latin-1")
    body = Body(spool_dir, hash_payload=payload_hash_expected(headers, query_string),
                checksums=checksums.body_algorithms(headers), sync_early=durable)
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


async def send_response(send, response: HttpResponse) -> None:
    headers = [(k.encode("latin-1"), str(v).encode("latin-1")) for k, v in response.headers]
    whole, chunks = _body_chunks(response.body)
    if whole is not None and not any(k.lower() == b"content-length" for k, _ in headers):
        headers.append((b"content-length", str(len(whole)).encode()))
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
