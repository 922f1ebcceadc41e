"""SQLite values as MySQL clients expect them: the declared column type picks the Python
value (Decimal, datetime, date, timedelta) and the value picks the wire column type.

SQLite reports a result column's declared type (``sqlite3.PARSE_DECLTYPES``); the
converters registered here turn DECIMAL/NUMERIC text into ``Decimal``, TIMESTAMP/DATETIME
into ``datetime``, DATE into ``date`` and TIME into ``timedelta``. Values that do not parse
stay text. Expressions without a declared type keep SQLite's int/float/str/bytes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from mysql_mimic import ResultColumn
from mysql_mimic.charset import CharacterSet
from mysql_mimic.types import ColumnType


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def to_decimal(raw: bytes) -> Decimal | str:
    try:
        return Decimal(_text(raw))
    except InvalidOperation:
        return _text(raw)


def to_datetime(raw: bytes) -> datetime | str:
    text = _text(raw)
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return text


def to_date(raw: bytes) -> date | str:
    value = to_datetime(raw)
    return value.date() if isinstance(value, datetime) else value


def to_timedelta(raw: bytes) -> timedelta | str:
    text = _text(raw)
    sign = -1 if text.startswith("-") else 1
    try:
        hours, minutes, seconds = text.lstrip("-").split(":")
        return sign * timedelta(hours=int(hours), minutes=int(minutes), seconds=float(seconds))
    except ValueError:
        return text


def to_integer(raw: bytes) -> int | str:
    text = _text(raw)
    try:
        return int(text)
    except ValueError:
        return text


#: First word of a declared type → converter. sqlite3 matches names case-insensitively.
CONVERTERS: dict[str, Callable[[bytes], Any]] = {
    "DECIMAL": to_decimal,
    "NUMERIC": to_decimal,
    "DEC": to_decimal,
    "FIXED": to_decimal,
    "TIMESTAMP": to_datetime,
    "DATETIME": to_datetime,
    "DATE": to_date,
    "TIME": to_timedelta,
    "YEAR": to_integer,
}


def register_converters() -> None:
    """Install the converters (sqlite3 keeps them process-wide; only connections opened
    with ``detect_types`` use them)."""
    for name, converter in CONVERTERS.items():
        sqlite3.register_converter(name, converter)


def _encode_time(column: ResultColumn, value: Any) -> bytes:
    if not isinstance(value, timedelta):
        return str(value).encode()
    seconds = int(abs(value).total_seconds())
    hours, rest = divmod(seconds, 3600)
    text = f"{'-' if value < timedelta(0) else ''}{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
    return text.encode()


def _encode_datetime(column: ResultColumn, value: Any) -> bytes:
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="microseconds" if value.microsecond else "seconds").encode()
    return str(value).encode()


_WIRE_TYPES: tuple[tuple[type, ColumnType], ...] = (
    (bool, ColumnType.TINY),
    (Decimal, ColumnType.NEWDECIMAL),
    (datetime, ColumnType.DATETIME),
    (date, ColumnType.DATE),
    (timedelta, ColumnType.TIME),
    (int, ColumnType.LONGLONG),
    (float, ColumnType.DOUBLE),
    (bytes, ColumnType.BLOB),
)


def wire_type(value: Any) -> ColumnType:
    for python_type, column_type in _WIRE_TYPES:
        if isinstance(value, python_type):
            return column_type
    return ColumnType.VAR_STRING


def result_column(name: str, sample: Any) -> ResultColumn:
    """The column definition for a result column whose first non-NULL value is ``sample``."""
    column_type = wire_type(sample)
    if column_type is ColumnType.TIME:
        return ResultColumn(name, column_type, text_encoder=_encode_time)
    if column_type is ColumnType.DATETIME:
        return ResultColumn(name, column_type, text_encoder=_encode_datetime)
    if column_type is ColumnType.BLOB:
        return ResultColumn(name, column_type, character_set=CharacterSet.binary)
    return ResultColumn(name, column_type)


def result_columns(names: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[ResultColumn]:
    samples: list[Any] = [None] * len(names)
    missing = set(range(len(names)))
    for row in rows:
        for index in list(missing):
            if row[index] is not None:
                samples[index] = row[index]
                missing.discard(index)
        if not missing:
            break
    return [result_column(name, sample) for name, sample in zip(names, samples)]
