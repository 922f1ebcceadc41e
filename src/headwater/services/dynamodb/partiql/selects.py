"""SELECT: which table or index, partitions and sort-key range to read, in which order,
and one page of the answer (Limit items evaluated or 1 MB read, as Query and Scan).

A page that stops early hands out a NextToken: where to continue (the partition being
read and the last key read), bound to the statement and its parameters.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass

from headwater.services.dynamodb import lookup, store
from headwater.services.dynamodb.expressions.paths import get_path
from headwater.services.dynamodb.partiql import keys
from headwater.services.dynamodb.partiql.lexer import invalid
from headwater.services.dynamodb.partiql.syntax import Select
from headwater.services.dynamodb.partiql.translate import Translation
from headwater.services.dynamodb.query_scan import HASH_SPACE, read_page, sort_bounds
from headwater.services.dynamodb.reads import Reader
from headwater.services.dynamodb.schema import Table

ORDER_NEEDS_WHERE = "Must have WHERE clause in the statement when using ORDER BY clause."
ORDER_NEEDS_HASH = "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."
ORDER_NAMES_HASH = ("Must have hash key in ORDER BY clause when more than one hash key condition specified "
                    "in WHERE clause.")
ORDER_HASH_FIRST = ("Unsupported ORDER BY: when the WHERE clause names more than one partition key value, "
                    "the partition key must come first in ORDER BY")


@dataclass
class Plan:
    reader: Reader
    partitions: list | None  # partition-key AttributeValues, in reading order; None to scan
    bounds: list  # sort-key bounds for store.query_rows
    forward: bool
    condition: object | None  # the bound WHERE
    columns: list | None  # (column name, path) per projected path; None for *


def plan(ctx, select: Select, translation: Translation, consistent: bool) -> Plan:
    table = lookup.active_table(ctx, select.source.table)
    reader = _reader(ctx, table, select.source.index, consistent)
    condition = None if select.where is None else translation.condition(translation.node(select.where))
    partitions, bounds = None, []
    if select.where is not None:
        partitions = keys.partitions(select.where, reader.hash_part, translation)
    if partitions is not None and reader.range_part is not None:
        for key_condition in keys.sort_ranges(select.where, reader.hash_part.name, reader.range_part, translation):
            bounds += sort_bounds(reader, key_condition)
    forward = _order(select, reader, partitions)
    if partitions is not None:
        _check_index_projection(reader, condition)
    reader.select = "ALL_PROJECTED_ATTRIBUTES" if reader.index is not None else "ALL_ATTRIBUTES"
    return Plan(reader, partitions, bounds, forward, condition, columns(select.projection))


def _reader(ctx, table: Table, index_name: str | None, consistent: bool) -> Reader:
    if index_name is None:
        return Reader(table, None)
    index = table.indexes.get(index_name)
    if index is not None and index.is_global and consistent:
        raise invalid("Strongly consistent read is not supported on Global Secondary Indexes")
    return Reader.for_request(ctx, table, {"IndexName": index_name})


def _order(select: Select, reader: Reader, partitions: list | None) -> bool:
    """Whether the sort key is read ascending; orders ``partitions`` as ORDER BY asks."""
    if not select.order_by:
        return True
    if select.where is None:
        raise invalid(ORDER_NEEDS_WHERE)
    if partitions is None:
        raise invalid(ORDER_NEEDS_HASH)
    for name, _ in select.order_by:
        if name not in reader.key_names:
            raise invalid(f"Variable reference {name} in ORDER BY clause must be part of the primary key")
    descending = dict(select.order_by)
    hash_name = reader.hash_part.name
    if len(partitions) > 1:
        if hash_name not in descending:
            raise invalid(ORDER_NAMES_HASH)
        if select.order_by[0][0] != hash_name:
            raise invalid(ORDER_HASH_FIRST)
    if hash_name in descending:
        partitions.sort(key=reader.hash_part.value_of, reverse=descending[hash_name])
    range_part = reader.range_part
    return not (range_part is not None and descending.get(range_part.name, False))


def _check_index_projection(reader: Reader, condition) -> None:
    """A keyed read of a global index may filter only on the attributes it projects."""
    index = reader.index
    if condition is None or index is None or not index.is_global or index.projected is None:
        return
    missing = [name for name in condition.top_level_names if name not in index.projected]
    if missing:
        raise invalid(f"One or more parameter values were invalid: Secondary index {index.name} does not project "
                      f"one or more filter attributes: [{', '.join(missing)}]")


# --- projection ---------------------------------------------------------------------------


def column_name(elements: tuple) -> str:
    """The attribute a projected path is answered as: its last name and the indexes after it
    (``a.b[0]`` is answered as ``b[0]``)."""
    last = max(position for position, element in enumerate(elements) if type(element) is str)
    return elements[last] + "".join(f"[{index}]" for index in elements[last + 1:])


def columns(paths: tuple | None) -> list | None:
    if paths is None:
        return None
    result, seen = [], set()
    for path in paths:
        name = column_name(path.elements)
        if name in seen:
            raise invalid(f"Duplicate identifiers in select clause: {name}")
        seen.add(name)
        result.append((name, path.elements))
    return result


def project(item: dict, selected: list | None) -> dict:
    if selected is None:
        return item
    answer = {}
    for name, path in selected:
        value = get_path(item, path)
        if value is not None:
            answer[name] = value
    return answer


# --- one page -----------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    size: int  # bytes read
    resume: tuple | None  # (partition position, last key) to continue from


def read(ctx, plan: Plan, limit: int | None, resume: tuple | None) -> Page:
    if resume is not None and plan.partitions is not None and not 0 <= resume[0] < len(plan.partitions):
        raise invalid("Invalid NextToken")
    page = read_page(_rows(ctx, plan, limit, resume), plan.reader, limit, plan.condition)
    items = [project(item, plan.columns) for item in page.items]
    if page.last is None:
        return Page(items, page.size, None)
    return Page(items, page.size, (_partition_of(plan, page.last), plan.reader.last_key(page.last)))


def _rows(ctx, plan: Plan, limit: int | None, resume: tuple | None):
    reader = plan.reader
    if plan.partitions is None:
        start = reader.scan_start(resume[1]) if resume else None
        yield from store.scan_rows(ctx.db, reader.table, reader.index, (0, HASH_SPACE - 1), start=start, limit=limit)
        return
    first = resume[0] if resume else 0
    for position in range(first, len(plan.partitions)):
        hash_value = reader.hash_part.value_of(plan.partitions[position])
        start = reader.query_start(resume[1], hash_value) if resume and position == first else None
        yield from store.query_rows(ctx.db, reader.table, reader.index, hash_value, plan.bounds,
                                    forward=plan.forward, start=start, limit=limit)


def _partition_of(plan: Plan, item: dict) -> int:
    if plan.partitions is None:
        return -1
    part = plan.reader.hash_part
    encoded = part.value_of(item[part.name])
    return next(position for position, value in enumerate(plan.partitions) if part.value_of(value) == encoded)


# --- NextToken ----------------------------------------------------------------------------


def fingerprint(statement: str, parameters: list, consistent: bool) -> str:
    text = json.dumps([statement, parameters, consistent], default=lambda value: value.hex(), sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def next_token(print_: str, resume: tuple) -> str:
    payload = {"f": print_, "p": resume[0], "k": store.encode_item(resume[1])}
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def resume_from(token: str, print_: str) -> tuple:
    try:
        payload = json.loads(base64.urlsafe_b64decode(token.encode()))
        position, key = payload["p"], store.decode_item(payload["k"])
        found = payload["f"]
    except (binascii.Error, ValueError, KeyError, TypeError, AttributeError):
        raise invalid("Invalid NextToken") from None
    if found != print_ or not isinstance(position, int):
        raise invalid("NextToken does not match request")
    return position, key


# --- one item (BatchExecuteStatement and ExecuteTransaction reads) ---------------------------


def single_item(select: Select, table: Table, translation: Translation, refusal: str) -> dict:
    """The Key of a SELECT whose WHERE names exactly the primary key (``=`` or a one-value
    ``IN``) and nothing else; ``refusal`` is the error otherwise."""
    found = keys.item_key(select.where, table.key_names, translation, in_lists=True)
    key = found.first_key(table.key_names)
    if key is None or found.rest or any(found.conflicting(name) for name in table.key_names):
        raise invalid(refusal)
    return key
