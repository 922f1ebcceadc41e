"""Query and Scan, on a table or one of its secondary indexes.

Both read rows in key order from SQLite (``store.query_rows``/``store.scan_rows``) and
stop at ``Limit`` items or once 1 MB has been read, answering LastEvaluatedKey whenever
they stopped early, as DynamoDB does (also when the limit happens to fall on the last
item). The filter applies after the limit: ScannedCount counts what was read, Count what
passed. A parallel Scan segment is a contiguous range of partition hashes, so every item
belongs to exactly one segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from headwater.services.dynamodb import capacity, errors, lookup, params, service, store
from headwater.services.dynamodb.reads import Reader, check_select

MAX_PAGE_BYTES = 1024 * 1024
HASH_SPACE = 1 << 32


@dataclass
class Page:
    items: list = field(default_factory=list)
    count: int = 0
    scanned: int = 0
    size: int = 0
    last: dict | None = None
    #: Whether ``items`` are the items' stored JSON texts rather than dicts.
    texts: bool = False


def read_page(rows, reader: Reader, limit: int | None, condition, texts: bool = False) -> Page:
    """Read rows until the limit or 1 MB; ``last`` is the item to continue after, if any.

    With ``texts``, items answered as stored are kept as their stored JSON text (decoded
    only for a filter) for ``answer`` to write as they are."""
    page = Page(texts=texts and reader.returns_stored)
    wants_items = not reader.count_only
    decodes = condition is not None or (wants_items and not page.texts)
    visible = None
    for _, _, size, text in rows:
        page.scanned += 1
        page.size += size
        if decodes:
            visible = reader.visible(store.decode_item(text))
        if condition is None or condition.evaluate(visible):
            page.count += 1
            if wants_items:
                page.items.append(text if page.texts else reader.returned(visible))
        if page.scanned == limit or page.size >= MAX_PAGE_BYTES:
            page.last = store.decode_item(text)
            break
    return page


def answer(ctx, req: dict, reader: Reader, page: Page) -> dict:
    result = {"Count": page.count, "ScannedCount": page.scanned}
    if not reader.count_only:
        result["Items"] = store.answer_items(page.items) if page.texts else page.items
    if page.last is not None:
        result["LastEvaluatedKey"] = reader.last_key(page.last)
    consumed = read_capacity(req, reader, page.size)
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def read_capacity(req: dict, reader: Reader, size: int) -> dict | None:
    """The ConsumedCapacity of reading ``size`` bytes of the table or index (None unless asked)."""
    meter = capacity.Meter(req.get("ReturnConsumedCapacity"), "read")
    if meter.mode is None:
        return None
    units = capacity.read_units(size, bool(req.get("ConsistentRead")))
    if reader.index is None:
        meter.add(reader.table, units)
    else:
        meter.add(reader.table, 0.0, {reader.index: units})
    return meter.report(reader.table.name)


# --- Query ----------------------------------------------------------------------------------


def _successor(prefix: bytes) -> bytes | None:
    """The smallest byte string greater than every string starting with ``prefix``."""
    stripped = prefix.rstrip(b"\xff")
    return stripped[:-1] + bytes([stripped[-1] + 1]) if stripped else None


def sort_bounds(reader: Reader, key_condition) -> list[tuple[str, bytes]]:
    if not key_condition.range:
        return []
    operator, values = key_condition.range
    part = reader.range_part
    encoded = [part.value_of(value) for value in values]
    if operator == "BETWEEN":
        return [(">=", encoded[0]), ("<=", encoded[1])]
    if operator == "begins_with":
        if part.type == "N":
            raise errors.validation(
                "Invalid KeyConditionExpression: Incorrect operand type for operator or function; "
                "operator or function: begins_with, operand type: N"
            )
        upper = _successor(encoded[0])
        return [(">=", encoded[0])] + ([("<", upper)] if upper is not None else [])
    return [(operator, encoded[0])]


def _check_filter_keys(req: dict, condition, reader: Reader) -> None:
    """A Query filter may not use the key attributes of the table or index queried."""
    if condition is None:
        return
    member = "Filter Expression" if req.get("FilterExpression") is not None else "QueryFilter"
    for name in condition.top_level_names:
        if name in reader.key_names:
            raise errors.validation(
                f"{member} can only contain non-primary key attributes: Primary key attribute: {name}"
            )


@service.operation("Query", resources=lookup.table_resource, read_only=True)
def query(ctx, req: dict) -> dict:
    table = lookup.active_table(ctx, req["TableName"])
    reader = Reader.for_request(ctx, table, req)
    key_condition, condition, projection = params.query_expressions(req, reader.key_schema, reader.key_types)
    _check_filter_keys(req, condition, reader)
    check_select(req, reader, projection, "Query")
    reader.projection = projection
    hash_value = reader.hash_part.value_of(key_condition.hash_value)
    start = reader.query_start(req.get("ExclusiveStartKey"), hash_value)
    rows = store.query_rows(
        ctx.db, table, reader.index, hash_value, sort_bounds(reader, key_condition),
        forward=req.get("ScanIndexForward", True), start=start, limit=req.get("Limit"),
    )
    return answer(ctx, req, reader, read_page(rows, reader, req.get("Limit"), condition, texts=True))


# --- Scan -----------------------------------------------------------------------------------


def segment_hashes(req: dict) -> tuple[int, int]:
    """The inclusive range of partition hashes of the requested segment (all of them by default)."""
    segment, total = req.get("Segment"), req.get("TotalSegments")
    if segment is None and total is None:
        return 0, HASH_SPACE - 1
    if total is None:
        raise errors.validation(
            "The TotalSegments parameter is required but was not present in the request when Segment parameter is present"
        )
    if segment is None:
        raise errors.validation(
            "The Segment parameter is required but was not present in the request when parameter TotalSegments is present"
        )
    if segment >= total:
        raise errors.validation(
            "The Segment parameter is zero-based and must be less than parameter TotalSegments: "
            f"Segment: {segment} is not less than TotalSegments: {total}"
        )
    return segment * HASH_SPACE // total, (segment + 1) * HASH_SPACE // total - 1


@service.operation("Scan", resources=lookup.table_resource, read_only=True)
def scan(ctx, req: dict) -> dict:
    hashes = segment_hashes(req)
    condition, projection = params.scan_expressions(req)
    table = lookup.active_table(ctx, req["TableName"])
    reader = Reader.for_request(ctx, table, req)
    check_select(req, reader, projection, "Scan")
    reader.projection = projection
    start = reader.scan_start(req.get("ExclusiveStartKey"))
    rows = store.scan_rows(ctx.db, table, reader.index, hashes, start=start, limit=req.get("Limit"))
    return answer(ctx, req, reader, read_page(rows, reader, req.get("Limit"), condition, texts=True))
