"""JSON text of answers: compact, not ASCII-escaped, bytes as base64, and text a service
already holds (``RawJSON``: DynamoDB's stored items) written in as it is."""

from __future__ import annotations

import json
from json.encoder import c_make_encoder, encode_basestring
from typing import Any, Callable

from headwater.protocol import scalars


class RawJSON:
    """JSON text a service already holds (DynamoDB's stored items), written into the
    answer as it is, in place of a data-shape value."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text


class _HoldsRaw(Exception):
    """The document holds RawJSON: it is written by ``_spliced``."""


#: What a RawJSON is first written as; a document string equal to it is detected by count.
_RAW_MARK = "\x00raw-json\x00"
_QUOTED_RAW_MARK = json.dumps(_RAW_MARK)


def blob_text(value: Any) -> str:
    """json.dumps' ``default``: bytes left in data shapes become base64 text."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return scalars.format_blob(value)
    if isinstance(value, RawJSON):
        raise _HoldsRaw
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _raw_decoded(value: Any) -> Any:
    return json.loads(value.text) if isinstance(value, RawJSON) else blob_text(value)


def json_encoder(default: Callable[[Any], Any]) -> Callable[[Any], str]:
    """Compact JSON, not ASCII-escaped, ``default`` converting what JSON has no type for:
    json's C encoder made once (``JSONEncoder.encode`` makes one per call), or the
    pure-Python one without it."""
    if c_make_encoder is None:
        return json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False,
                                default=default).encode
    encode = c_make_encoder(None, default, encode_basestring, None, ":", ",", False, False, True)
    return lambda document: "".join(encode(document, 0))


_encode_plain = json_encoder(blob_text)


def _spliced(document: Any) -> str:
    """The document with each RawJSON's text in its place: each is written as a mark, then
    the marks are replaced in order. Should a string of the document equal the mark, the
    count tells, and the texts are decoded and written as any value."""
    texts: list[str] = []

    def default(value: Any) -> Any:
        if isinstance(value, RawJSON):
            texts.append(value.text)
            return _RAW_MARK
        return blob_text(value)

    pieces = json_encoder(default)(document).split(_QUOTED_RAW_MARK)
    if len(pieces) != len(texts) + 1:
        return json_encoder(_raw_decoded)(document)
    spliced = [pieces[0]]
    for text, piece in zip(texts, pieces[1:]):
        spliced += (text, piece)
    return "".join(spliced)


def encode_document(document: Any) -> str:
    try:
        return _encode_plain(document)
    except _HoldsRaw:
        return _spliced(document)
