"""Finding the table a request names (by name or ARN) and the state it is in.

Found tables are cached per process under the token of the catalog's current state
(``store.catalog_token``), which every change to a table replaces, by this process or any
other, so a lookup reads one small row instead of the table's description.

A table is CREATING for ``settings.create_delay_seconds`` after CreateTable (measured
with the request clock), UPDATING for as long after an UpdateTable, ACTIVE otherwise;
a global secondary index added later is CREATING (backfilling) for the same delay.
"""

from __future__ import annotations

import re

from headwater.services.dynamodb import errors, store
from headwater.services.dynamodb.schema import Index, Table

NAME = re.compile(r"[a-zA-Z0-9_.-]{3,255}")
ARN = re.compile(r"arn:aws[a-z-]*:dynamodb:([a-z0-9-]+):(\d{12}):table/([^/]+)")
INVALID_NAME = (
    "Invalid table/index name.  Table/index names must be between 3 and 255 characters long, "
    "and may contain only the characters a-z, A-Z, 0-9, '_', '-', and '.'"
)


def table_arn(ctx, name: str) -> str:
    return f"arn:aws:dynamodb:{ctx.region}:{ctx.account}:table/{name}"


def resource_arn(ctx, name) -> str:
    """The IAM resource of the table ``name`` names (it may already be an ARN)."""
    return name if isinstance(name, str) and name.startswith("arn:") else table_arn(ctx, name)


def table_resource(ctx, req: dict) -> list[str]:
    """The IAM resource of an operation on one table."""
    return [resource_arn(ctx, req.get("TableName"))]


def table_name(ctx, value: str) -> str | None:
    """The table name a ``TableName`` member gives; None for an ARN of another account/region."""
    match = ARN.fullmatch(value)
    if match:
        region, account, name = match.groups()
        return name if (region, account) == (ctx.region, ctx.account) else None
    if not NAME.fullmatch(value):
        raise errors.validation(INVALID_NAME)
    return value


#: Tables found, by catalog token (store.catalog_token), then by (account, region, the
#: request's TableName): a lookup costs one read of the token while no table changes.
_found: dict[int, dict[tuple, tuple[str | None, Table | None]]] = {}
_MAX_TOKENS, _MAX_ENTRIES = 16, 4096


def _find(ctx, value: str) -> tuple[str | None, Table | None]:
    token = store.catalog_token(ctx.db)
    known = _found.get(token)
    if known is None or len(known) >= _MAX_ENTRIES:
        if len(_found) >= _MAX_TOKENS:
            _found.clear()
        known = _found[token] = {}
    entry = (ctx.account, ctx.region, value)
    found = known.get(entry)
    if found is None:
        name = table_name(ctx, value)
        found = known[entry] = name, None if name is None else store.find_table(ctx.db, ctx.account, ctx.region, name)
    return found


def existing_table(ctx, value: str) -> Table:
    """The table in any state; table operations name it when it does not exist."""
    name, table = _find(ctx, value)
    if table is None:
        raise errors.table_not_found(name or value)
    return table


def active_table(ctx, value: str) -> Table:
    """The table an item operation works on: it must exist and be past CREATING."""
    _, table = _find(ctx, value)
    if table is None or table_status(ctx, table) == "CREATING":
        raise errors.table_not_found()
    return table


def within_delay(ctx, since: float | None) -> bool:
    """Whether something that started at ``since`` is still being created or updated."""
    return since is not None and ctx.clock.time() < since + ctx.settings.create_delay_seconds


def table_status(ctx, table: Table) -> str:
    if within_delay(ctx, table.description["CreationDateTime"]):
        return "CREATING"
    if within_delay(ctx, table.description.get("updatedAt")):
        return "UPDATING"
    return "ACTIVE"


def index_status(ctx, index: Index) -> str:
    return "CREATING" if within_delay(ctx, index.created or None) else "ACTIVE"
