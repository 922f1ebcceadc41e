"""RDS's semantic checks on request members, with AWS's error wording, and the pagination
helpers every Describe operation shares."""

from __future__ import annotations

import re
from functools import lru_cache

from headwater.services.rds import errors

#: The engines headwater serves, and their usual version strings.
ENGINES = ("mysql", "mariadb", "postgres")
OTHER_AWS_ENGINES = (
    "aurora-mysql", "aurora-postgresql", "custom-oracle-ee", "custom-oracle-se2", "custom-sqlserver-ee",
    "custom-sqlserver-se", "custom-sqlserver-web", "db2-ae", "db2-se", "oracle-ee", "oracle-ee-cdb",
    "oracle-se2", "oracle-se2-cdb", "sqlserver-ee", "sqlserver-se", "sqlserver-ex", "sqlserver-web",
)
MYSQL_VERSION = {"mysql": "8.0.39", "mariadb": "10.11.9"}
IDENTIFIER = re.compile(r"[A-Za-z](?!.*--)[A-Za-z0-9-]{0,62}(?<!-)")
INSTANCE_CLASS = re.compile(r"db\.[a-z0-9-]+\.[a-z0-9-]+")
USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
DB_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
PASSWORD_FORBIDDEN = set('/@" ')
#: engine → (longest master user name, longest password, longest DBName)
LIMITS = {"mysql": (16, 41, 64), "mariadb": (16, 41, 64), "postgres": (63, 128, 63)}
RESERVED_USERS = {"rdsadmin"}
MIN_PORT, MAX_PORT = 1150, 65535
MIN_RECORDS, MAX_RECORDS = 20, 100


def engine(name: str) -> str:
    lowered = name.lower()
    if lowered in ENGINES:
        return lowered
    if lowered in OTHER_AWS_ENGINES:
        raise errors.invalid_value(f"Invalid DB engine: {name} is not offered by headwater ({', '.join(ENGINES)})")
    raise errors.invalid_value("Invalid DB engine")


@lru_cache(maxsize=None)
def engine_version(engine_name: str) -> str:
    if engine_name == "postgres":
        from headwater.sql import postgres

        return postgres.server_version()
    return MYSQL_VERSION[engine_name]


def identifier(value: str, member: str = "DBInstanceIdentifier") -> str:
    """AWS's identifier rules; identifiers are stored in lower case, as RDS does."""
    if not IDENTIFIER.fullmatch(value):
        raise errors.invalid_value(
            f"The parameter {member} is not a valid identifier. Identifiers must begin with a letter; "
            "must contain only ASCII letters, digits, and hyphens; and must not end with a hyphen or "
            "contain two consecutive hyphens."
        )
    return value.lower()


def instance_class(value: str) -> str:
    if not INSTANCE_CLASS.fullmatch(value):
        raise errors.invalid_value(f"Invalid DB Instance class: {value}")
    return value


def master_username(value: str | None, engine_name: str) -> str:
    if not value:
        raise errors.invalid_value("The parameter MasterUsername must be provided and must not be blank.")
    longest = LIMITS[engine_name][0]
    if not USERNAME.fullmatch(value) or len(value) > longest:
        raise errors.invalid_value(
            f"The parameter MasterUsername is not a valid identifier. It must begin with a letter, contain "
            f"only letters, digits and underscores, and be at most {longest} characters long."
        )
    if value.lower() in RESERVED_USERS:
        raise errors.invalid_value(f"MasterUsername {value} cannot be used as it is a reserved word used by the engine")
    return value


def master_password(value: str | None, engine_name: str) -> str:
    if not value:
        raise errors.invalid_value("The parameter MasterUserPassword must be provided and must not be blank.")
    if len(value) < 8:
        raise errors.invalid_value(
            "The parameter MasterUserPassword is not a valid password because it is shorter than 8 characters."
        )
    longest = LIMITS[engine_name][1]
    if len(value) > longest:
        raise errors.invalid_value(
            f"The parameter MasterUserPassword is not a valid password because it is longer than {longest} characters."
        )
    if any(c in PASSWORD_FORBIDDEN or not (32 < ord(c) < 127) for c in value):
        raise errors.invalid_value(
            "The parameter MasterUserPassword is not a valid password. Only printable ASCII characters "
            "besides '/', '@', '\"', ' ' may be used."
        )
    return value


def db_name(value: str | None, engine_name: str) -> str | None:
    if value is None:
        return None
    if not DB_NAME.fullmatch(value) or len(value) > LIMITS[engine_name][2]:
        raise errors.invalid_value("DBName must begin with a letter and contain only alphanumeric characters.")
    return value


def port(value: int | None) -> int | None:
    if value is not None and not MIN_PORT <= value <= MAX_PORT:
        raise errors.invalid_value(f"Invalid port {value}: it must be between {MIN_PORT} and {MAX_PORT}.")
    return value


# --- pagination and filters ----------------------------------------------------------------------


def max_records(req: dict) -> int:
    value = req.get("MaxRecords")
    if value is None:
        return MAX_RECORDS
    if not MIN_RECORDS <= value <= MAX_RECORDS:
        raise errors.invalid_value(f"Invalid value {value} for MaxRecords. Must be between {MIN_RECORDS} and {MAX_RECORDS}")
    return value


def page(items: list, req: dict, member: str, name_of, describe) -> dict:
    """A Describe operation's answer: the first page of ``items`` (already after the Marker),
    described, under ``member``, and the next Marker if more remain."""
    limit = max_records(req)
    result = {member: [describe(item) for item in items[:limit]]}
    if len(items) > limit:
        result["Marker"] = name_of(items[limit - 1])
    return result


def filters(req: dict, known: dict[str, str]) -> dict[str, set[str]]:
    """``Filters`` as {member: allowed values}; ``known`` maps filter names to members."""
    chosen: dict[str, set[str]] = {}
    for each in req.get("Filters", []):
        name = each["Name"]
        if name not in known:
            raise errors.invalid_value(f"Unrecognized filter name: {name}")
        chosen.setdefault(known[name], set()).update(each.get("Values", []))
    return chosen
