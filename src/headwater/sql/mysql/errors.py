"""MySQL error codes and messages, and SQLite errors translated into them."""

from __future__ import annotations

import re
import sqlite3

from mysql_mimic.errors import MysqlError

ER_ACCESS_DENIED = 1045
ER_DB_CREATE_EXISTS = 1007
ER_DB_DROP_EXISTS = 1008
ER_BAD_DB = 1049
ER_NO_DB = 1046
ER_TABLE_EXISTS = 1050
ER_BAD_FIELD = 1054
ER_DUP_ENTRY = 1062
ER_PARSE = 1064
ER_BAD_NULL = 1048
ER_UNKNOWN = 1105
ER_NO_SUCH_TABLE = 1146
ER_BAD_TABLE = 1051
ER_LOCK_WAIT_TIMEOUT = 1205
ER_LOCK_DEADLOCK = 1213
ER_NOT_SUPPORTED_YET = 1235
ER_ROW_IS_REFERENCED = 1451
ER_NO_REFERENCED_ROW = 1452
ER_CHECK_CONSTRAINT_VIOLATED = 3819
ER_WRONG_VALUE_COUNT = 1136
ER_DATA_TOO_LONG = 1406
ER_DATA_TRUNCATED = 1265
ENUM_CHECK_PREFIX = "_headwater_enum_"

SQLITE_BUSY_SNAPSHOT = 517


def mysql_error(code: int, message: str) -> MysqlError:
    return MysqlError(message, code=code)  # type: ignore[arg-type]


def unsupported(construct: str) -> MysqlError:
    return mysql_error(
        ER_NOT_SUPPORTED_YET, f"This version of headwater's MySQL engine doesn't yet support '{construct}'"
    )


def syntax_error(near: str) -> MysqlError:
    return mysql_error(
        ER_PARSE,
        "You have an error in your SQL syntax; check the manual that corresponds to your MySQL"
        f" server version for the right syntax to use near '{near[:80]}' at line 1",
    )


def no_such_table(database: str | None, table: str) -> MysqlError:
    return mysql_error(ER_NO_SUCH_TABLE, f"Table '{database or ''}.{table}' doesn't exist")


def unknown_database(name: str) -> MysqlError:
    return mysql_error(ER_BAD_DB, f"Unknown database '{name}'")


def no_database_selected() -> MysqlError:
    return mysql_error(ER_NO_DB, "No database selected")


_NOT_NULL = re.compile(r"NOT NULL constraint failed: (?:[^.]+\.)?(.+)")
_CHECK = re.compile(r"CHECK constraint failed: (.+)")
_NO_TABLE = re.compile(r"no such table: (?:([^.]+)\.)?(.+)")
_NO_COLUMN = re.compile(r"no such column: (.+)")
_TABLE_EXISTS = re.compile(r"(?:table|view) \"?([^\"]+)\"? already exists")
_NO_FUNCTION = re.compile(r"no such function: (.+)")
_NEAR = re.compile(r'near "(.*)": syntax error')
_IDENTIFIER = re.compile(r"\w+")


def from_sqlite(error: sqlite3.Error, database: str | None, table_hint: str | None = None) -> MysqlError:
    """The MySQL error for a SQLite error whose cause needs no look-up (see
    ``constraints`` for duplicate keys and foreign keys)."""
    message = str(error)
    if match := _NOT_NULL.match(message):
        return mysql_error(ER_BAD_NULL, f"Column '{match.group(1)}' cannot be null")
    if match := _CHECK.match(message):
        name = match.group(1)
        if name.startswith(ENUM_CHECK_PREFIX):
            column = name[len(ENUM_CHECK_PREFIX):]
            return mysql_error(ER_DATA_TRUNCATED, f"Data truncated for column '{column}' at row 1")
        if not _IDENTIFIER.fullmatch(name):
            name = f"{table_hint}_chk_1" if table_hint else name
        return mysql_error(ER_CHECK_CONSTRAINT_VIOLATED, f"Check constraint '{name}' is violated.")
    if match := _NO_TABLE.match(message):
        return no_such_table(match.group(1) or database, match.group(2))
    if match := _NO_COLUMN.match(message):
        return mysql_error(ER_BAD_FIELD, f"Unknown column '{match.group(1)}' in 'field list'")
    if match := _TABLE_EXISTS.match(message):
        return mysql_error(ER_TABLE_EXISTS, f"Table '{match.group(1)}' already exists")
    if match := _NO_FUNCTION.match(message):
        return unsupported(f"function {match.group(1).upper()}")
    if match := _NEAR.match(message):
        return unsupported(f"the syntax near '{match.group(1)}'")
    if "database is locked" in message or "database table is locked" in message:
        if getattr(error, "sqlite_errorcode", 0) == SQLITE_BUSY_SNAPSHOT:
            return mysql_error(ER_LOCK_DEADLOCK, "Deadlock found when trying to get lock; try restarting transaction")
        return mysql_error(ER_LOCK_WAIT_TIMEOUT, "Lock wait timeout exceeded; try restarting transaction")
    if "values were supplied" in message or "has no column named" in message:
        if "has no column named" in message:
            column = message.rsplit(" ", 1)[-1]
            return mysql_error(ER_BAD_FIELD, f"Unknown column '{column}' in 'field list'")
        return mysql_error(ER_WRONG_VALUE_COUNT, "Column count doesn't match value count at row 1")
    return mysql_error(ER_UNKNOWN, message)
