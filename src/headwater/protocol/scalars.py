"""Scalar values on the wire: timestamps, blobs, numbers and booleans, both directions.

Every protocol module uses these conversions so that a value reads and writes the same way
whether it travels in JSON, a query string, an XML element or a header. Parsers raise
``ScalarError`` (a ``ValueError``) with a short description; each protocol turns it into its
own AWS error. Timestamp format names are botocore's (``iso8601``, ``unixTimestamp``,
``rfc822``), compared case-insensitively.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Callable

ISO8601 = "iso8601"
UNIX_TIMESTAMP = "unixtimestamp"
RFC822 = "rfc822"

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_INTEGER = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
_SPECIAL_FLOATS = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_TRUTH = {"true": True, "false": False}


class ScalarError(ValueError):
    """A wire value that is not a valid instance of its shape's type."""


# --- timestamps -------------------------------------------------------------------------


def timestamp_format(shape, default: str) -> str:
    """The shape's ``timestampFormat`` trait (lowercased), else ``default``."""
    return shape.serialization.get("timestampFormat", default).lower()


def to_datetime(value: Any) -> datetime:
    """A timezone-aware UTC datetime from a datetime (naive means UTC), epoch seconds or text."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return parse_timestamp(value)


def parse_timestamp(value: str | int | float) -> datetime:
    """A UTC datetime from epoch seconds (number or numeric text), ISO 8601 or RFC 822 text.

    All three forms are accepted whatever the declared ``timestampFormat``, as AWS services
    do; anything else raises ``ScalarError``.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ScalarError(f"not a timestamp: {value!r}")
    if isinstance(value, str):
        text = value.strip()
        if _FLOAT.fullmatch(text):
            return _from_epoch(float(text))
        return _parse_timestamp_text(text)
    return _from_epoch(value)


def _from_epoch(seconds: float) -> datetime:
    if not math.isfinite(seconds):
        raise ScalarError(f"not a timestamp: {seconds!r}")
    try:
        return EPOCH + timedelta(seconds=seconds)
    except OverflowError:
        raise ScalarError(f"timestamp out of range: {seconds!r}") from None


def _parse_timestamp_text(text: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            raise ScalarError(f"not a timestamp: {text!r}") from None
    return to_datetime(parsed)


def format_timestamp(value: Any, fmt: str) -> str | int | float:
    """``value`` (datetime or epoch seconds) in format ``fmt``.

    iso8601 gives ``2024-01-02T03:04:05Z`` (``.123Z`` milliseconds when there is a
    fraction), unixTimestamp gives epoch seconds as an int, or a float to the
    millisecond, and rfc822 gives ``Tue, 02 Jan 2024 03:04:05 GMT``.
    """
    moment = to_datetime(value)
    fmt = fmt.lower()
    if fmt == UNIX_TIMESTAMP:
        millis = (moment - EPOCH) // timedelta(milliseconds=1)
        return millis // 1000 if millis % 1000 == 0 else millis / 1000
    if fmt == RFC822:
        return format_datetime(moment.replace(microsecond=0), usegmt=True)
    if fmt == ISO8601:
        text = moment.strftime("%Y-%m-%dT%H:%M:%S")
        return f"{text}.{moment.microsecond // 1000:03d}Z" if moment.microsecond else text + "Z"
    raise ValueError(f"unknown timestamp format {fmt!r}")


# --- blobs ------------------------------------------------------------------------------


def parse_blob(text: str | bytes) -> bytes:
    """Bytes from standard base64 text (padding required); ``ScalarError`` if invalid."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ScalarError("not valid base64") from None


def format_blob(data: bytes | str) -> str:
    """Standard base64 text of ``data`` (text is UTF-8 encoded first)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return base64.b64encode(data).decode("ascii")


# --- numbers and booleans ---------------------------------------------------------------


def parse_integer(text: str) -> int:
    """An int from decimal digits with an optional sign (surrounding blanks allowed)."""
    stripped = text.strip()
    if not _INTEGER.fullmatch(stripped):
        raise ScalarError(f"not an integer: {text!r}")
    return int(stripped)


def parse_float(text: str) -> float:
    """A float from decimal text or one of ``NaN``, ``Infinity``, ``-Infinity``."""
    stripped = text.strip()
    if stripped in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[stripped]
    if not _FLOAT.fullmatch(stripped):
        raise ScalarError(f"not a number: {text!r}")
    return float(stripped)


def format_float(value: float) -> str:
    """Text of a float: shortest round-tripping decimal, or ``NaN``/``Infinity``/``-Infinity``."""
    special = special_float(value)
    return special if special is not None else repr(float(value))


def special_float(value: float) -> str | None:
    """``"NaN"``, ``"Infinity"`` or ``"-Infinity"`` for non-finite values, else None (JSON uses it)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    return None


def parse_boolean(text: str) -> bool:
    """``true`` or ``false``, case-insensitive; anything else raises ``ScalarError``."""
    try:
        return _TRUTH[text.strip().lower()]
    except KeyError:
        raise ScalarError(f"not a boolean: {text!r}") from None


def format_boolean(value: bool) -> str:
    return "true" if value else "false"


# --- text form of any scalar shape (query parameters, XML text, headers) ----------------

_TEXT_PARSERS: dict[str, Callable[[str], Any]] = {
    "string": str,
    "integer": parse_integer,
    "long": parse_integer,
    "float": parse_float,
    "double": parse_float,
    "boolean": parse_boolean,
    "blob": parse_blob,
}


def from_text(shape, text: str) -> Any:
    """The value of scalar ``shape`` written as ``text``; raises ``ScalarError`` if malformed.

    Timestamps accept every format (see ``parse_timestamp``), so no default is needed.
    """
    kind = shape.type_name
    if kind == "timestamp":
        return parse_timestamp(text)
    return _TEXT_PARSERS[kind](text)


def to_text(shape, value: Any, default_timestamp_format: str = ISO8601) -> str:
    """The text form of ``value`` for scalar ``shape`` (timestamps per trait or default)."""
    kind = shape.type_name
    if kind == "string":
        return value if isinstance(value, str) else str(value)
    if kind == "boolean":
        return format_boolean(value)
    if kind in ("integer", "long"):
        return str(int(value))
    if kind in ("float", "double"):
        return format_float(value)
    if kind == "timestamp":
        return str(format_timestamp(value, timestamp_format(shape, default_timestamp_format)))
    if kind == "blob":
        return format_blob(value)
    raise ValueError(f"not a scalar shape: {kind}")
