"""Scalar conversions shared by every protocol: timestamps in each format, base64, numbers,
booleans, and the text form of any scalar shape."""

from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone

import pytest
from botocore.model import Shape

from headwater.protocol import scalars

MOMENT = datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def shape(kind: str, **serialization) -> Shape:
    return Shape("Example", {"type": kind, **serialization})


@pytest.mark.parametrize(
    "fmt,expected",
    [
        ("iso8601", "2024-01-02T03:04:05Z"),
        ("unixTimestamp", 1704164645),
        ("rfc822", "Tue, 02 Jan 2024 03:04:05 GMT"),
    ],
)
def test_format_timestamp_in_each_format(fmt, expected):
    assert scalars.format_timestamp(MOMENT, fmt) == expected
    assert scalars.parse_timestamp(expected) == MOMENT


def test_sub_second_precision_is_milliseconds():
    moment = MOMENT.replace(microsecond=123456)
    assert scalars.format_timestamp(moment, "iso8601") == "2024-01-02T03:04:05.123Z"
    assert scalars.format_timestamp(moment, "unixtimestamp") == 1704164645.123
    assert scalars.format_timestamp(moment, "rfc822") == "Tue, 02 Jan 2024 03:04:05 GMT"


def test_format_accepts_epoch_seconds_and_naive_or_other_zone_datetimes():
    assert scalars.format_timestamp(1704164645, "iso8601") == "2024-01-02T03:04:05Z"
    assert scalars.format_timestamp(1704164645.5, "unixTimestamp") == 1704164645.5
    assert scalars.format_timestamp(MOMENT.replace(tzinfo=None), "iso8601") == "2024-01-02T03:04:05Z"
    plus_two = MOMENT.astimezone(timezone(timedelta(hours=2)))
    assert scalars.format_timestamp(plus_two, "iso8601") == "2024-01-02T03:04:05Z"


def test_unknown_format_is_a_programming_error():
    with pytest.raises(ValueError):
        scalars.format_timestamp(MOMENT, "julian")


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-02T03:04:05Z", "2024-01-02T03:04:05.000Z", "2024-01-02T05:04:05+02:00",
        "2024-01-02T03:04:05", "Tue, 02 Jan 2024 03:04:05 GMT", "1704164645", " 1704164645.0 ",
        1704164645, 1704164645.0,
    ],
)
def test_parse_timestamp_accepts_every_format(text):
    parsed = scalars.parse_timestamp(text)
    assert parsed == MOMENT and parsed.tzinfo == timezone.utc


@pytest.mark.parametrize("value", ["", "yesterday", "2024-13-01T00:00:00Z", "nan", True, None, [1], float("inf"), 1e20])
def test_parse_timestamp_rejects_garbage(value):
    with pytest.raises(scalars.ScalarError):
        scalars.parse_timestamp(value)


def test_timestamp_format_trait_or_default():
    assert scalars.timestamp_format(shape("timestamp", timestampFormat="unixTimestamp"), "iso8601") == "unixtimestamp"
    assert scalars.timestamp_format(shape("timestamp"), "rfc822") == "rfc822"


def test_blobs():
    assert scalars.format_blob(b"\x00\xff\x80") == "AP+A"
    assert scalars.format_blob("ü") == "w7w="
    assert scalars.parse_blob("AP+A") == b"\x00\xff\x80"
    assert scalars.parse_blob(b"w7w=") == "ü".encode()
    for bad in ("abc", "ab!=", "A P+A"):
        with pytest.raises(scalars.ScalarError):
            scalars.parse_blob(bad)


def test_integers():
    assert scalars.parse_integer("42") == 42 and scalars.parse_integer(" -7 ") == -7 and scalars.parse_integer("+3") == 3
    assert scalars.parse_integer("9223372036854775808") == 2**63
    for bad in ("", "abc", "1.5", "1_000", "0x10", "1e3"):
        with pytest.raises(scalars.ScalarError):
            scalars.parse_integer(bad)


def test_floats():
    assert scalars.parse_float("1.5") == 1.5 and scalars.parse_float("-2") == -2.0 and scalars.parse_float("1e3") == 1000.0
    assert scalars.parse_float(".5") == 0.5 and scalars.parse_float("Infinity") == math.inf
    assert scalars.parse_float("-Infinity") == -math.inf and math.isnan(scalars.parse_float("NaN"))
    for bad in ("", "abc", "inf", "nan", "1_0", "1.2.3"):
        with pytest.raises(scalars.ScalarError):
            scalars.parse_float(bad)
    assert [scalars.format_float(v) for v in (1.5, 2.0, math.inf, -math.inf, math.nan)] == [
        "1.5", "2.0", "Infinity", "-Infinity", "NaN",
    ]
    assert scalars.special_float(3.0) is None and scalars.special_float(math.nan) == "NaN"


def test_booleans():
    assert scalars.parse_boolean("true") is True and scalars.parse_boolean("FALSE") is False
    assert scalars.format_boolean(True) == "true" and scalars.format_boolean(0) == "false"
    for bad in ("", "yes", "1", "truthy"):
        with pytest.raises(scalars.ScalarError):
            scalars.parse_boolean(bad)


@pytest.mark.parametrize(
    "kind,text,value",
    [
        ("string", "a b/ü", "a b/ü"),
        ("integer", "5", 5),
        ("long", "-9000000000", -9000000000),
        ("double", "2.5", 2.5),
        ("float", "Infinity", math.inf),
        ("boolean", "true", True),
        ("blob", "aGk=", b"hi"),
    ],
)
def test_text_round_trip(kind, text, value):
    assert scalars.from_text(shape(kind), text) == value
    assert scalars.to_text(shape(kind), value) == text


def test_text_timestamps_follow_trait_then_default():
    assert scalars.to_text(shape("timestamp"), MOMENT) == "2024-01-02T03:04:05Z"
    assert scalars.to_text(shape("timestamp"), MOMENT, "rfc822") == "Tue, 02 Jan 2024 03:04:05 GMT"
    assert scalars.to_text(shape("timestamp", timestampFormat="unixTimestamp"), MOMENT, "rfc822") == "1704164645"
    assert scalars.from_text(shape("timestamp"), "1704164645") == MOMENT


def test_text_of_non_scalar_shape_is_a_programming_error():
    with pytest.raises(ValueError):
        scalars.to_text(shape("list"), [])
