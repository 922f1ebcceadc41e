"""ASGI messages in and out: header decoding, which bodies compute checksums as they arrive,
the response's raw headers, and request ids."""

import asyncio
import uuid

import pytest

from headwater.context import new_request_id
from headwater.http.message import SPOOL_LIMIT, HttpResponse
from headwater.http.transport import receive_request, send_response


def received(headers: list[tuple[bytes, bytes]], chunks: list[bytes], tmp_path):
    """The HttpRequest ``receive_request`` makes of a POST with these headers and body chunks."""
    messages = [{"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
                for index, chunk in enumerate(chunks)]

    async def receive():
        return messages.pop(0)

    scope = {"type": "http", "method": "POST", "path": "/b/k", "raw_path": b"/b/k", "query_string": b"a=1",
             "headers": headers, "client": ("127.0.0.1", 5000)}
    return asyncio.run(receive_request(scope, receive, str(tmp_path)))


def test_header_names_are_lower_case_and_repeated_headers_joined(tmp_path):
    request = received([(b"Content-Type", b"text/plain"), (b"X-Amz-Meta-A", b"1"), (b"x-amz-meta-a", b"2"),
                        (b"x-note", b"caf\xe9")], [b"body"], tmp_path)
    assert request.headers == {"content-type": "text/plain", "x-amz-meta-a": "1,2", "x-note": "café"}
    assert (request.raw_path, request.query_string, request.body.read()) == ("/b/k", "a=1", b"body")
    request.body.close()


@pytest.mark.parametrize("length, spilled, computed", [
    (b"5", False, False),  # kept in memory: nothing to compute as it arrives
    (None, True, True),  # no length announced (chunked transfer): it may grow big
    (b"%d" % (SPOOL_LIMIT + 1), True, True),
])
def test_only_bodies_that_may_spill_compute_checksums_as_they_arrive(tmp_path, length, spilled, computed):
    data = b"x" * (SPOOL_LIMIT + 1 if spilled else 5)
    headers = [(b"x-amz-checksum-crc32", b"AAAAAA==")] + ([(b"content-length", length)] if length else [])
    request = received(headers, [data[:SPOOL_LIMIT // 2], data[SPOOL_LIMIT // 2:]], tmp_path)
    assert request.body.in_memory is not spilled
    assert (request.body.checksum("crc32") is not None) is computed
    assert request.body.read() == data
    request.body.close()


def sent(response: HttpResponse) -> list[dict]:
    messages = []

    async def send(message):
        messages.append(message)

    asyncio.run(send_response(send, response))
    return messages


def test_a_whole_body_gets_its_content_length_unless_it_has_one():
    start, body = sent(HttpResponse(200, [("Content-Type", "application/json"), ("x-count", 3)], b"{}"))
    assert start == {"type": "http.response.start", "status": 200, "headers": [
        (b"Content-Type", b"application/json"), (b"x-count", b"3"), (b"content-length", b"2")]}
    assert body == {"type": "http.response.body", "body": b"{}"}
    start, _ = sent(HttpResponse(206, [("Content-Length", "1")], b"x"))
    assert start["headers"] == [(b"Content-Length", b"1")]


def test_a_streamed_body_gets_no_content_length():
    messages = sent(HttpResponse(200, [("x-a", "b")], iter([b"ab", b"c"])))
    assert messages[0]["headers"] == [(b"x-a", b"b")]
    assert [message["body"] for message in messages[1:]] == [b"ab", b"c", b""]


def test_request_ids_are_random_uuid4_text():
    ids = {new_request_id() for _ in range(2000)}
    assert len(ids) == 2000
    for text in ids:
        parsed = uuid.UUID(text)
        assert str(parsed) == text and parsed.version == 4 and parsed.variant == uuid.RFC_4122
