"""What a Query or Scan reads: the table or an index, which attributes it returns (Select
and projections, with AWS's rules), and where it starts and stops (ExclusiveStartKey,
LastEvaluatedKey)."""

from __future__ import annotations

from headwater.services.dynamodb import errors, lookup, types
from headwater.services.dynamodb.schema import Index, KeyPart, Table

BAD_START = "The provided starting key is invalid: The provided key element does not match the schema"
OUTSIDE_QUERY = "The provided starting key is outside query boundaries based on provided conditions"


class Reader:
    """The table or index a request reads, and how each item read is answered."""

    def __init__(self, table: Table, index: Index | None):
        self.table = table
        self.index = index
        self.select = "ALL_ATTRIBUTES"
        self.projection = None

    @classmethod
    def for_request(cls, ctx, table: Table, req: dict) -> "Reader":
        name = req.get("IndexName")
        if name is None:
            return cls(table, None)
        index = table.indexes.get(name)
        if index is None:
            raise errors.validation(f"The table does not have the specified index: {name}")
        if index.is_global and req.get("ConsistentRead"):
            raise errors.validation("Consistent reads are not supported on global secondary indexes")
        if index.is_global and lookup.index_status(ctx, index) == "CREATING":
            raise errors.validation(f"Cannot read from backfilling global secondary index: {name}")
        return cls(table, index)

    # -- the key read by ---------------------------------------------------------------

    @property
    def hash_part(self) -> KeyPart:
        return (self.index or self.table).hash

    @property
    def range_part(self) -> KeyPart | None:
        return (self.index or self.table).range

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.index or self.table).key_names

    @property
    def key_schema(self) -> list[dict]:
        schema = [{"AttributeName": self.hash_part.name, "KeyType": "HASH"}]
        if self.range_part:
            schema.append({"AttributeName": self.range_part.name, "KeyType": "RANGE"})
        return schema

    @property
    def key_types(self) -> dict:
        return {part.name: part.type for part in (self.hash_part, self.range_part) if part}

    # -- answers -------------------------------------------------------------------------

    @property
    def count_only(self) -> bool:
        return self.select == "COUNT"

    def visible(self, item: dict) -> dict:
        """The item as the read sees it: a global index holds only its projection."""
        return self.index.project(item) if self.index is not None and self.index.is_global else item

    @property
    def returns_stored(self) -> bool:
        """Whether every item is answered exactly as stored (no projection applies)."""
        if self.select == "SPECIFIC_ATTRIBUTES":
            return False
        projects = self.index is not None and self.index.projected is not None
        return not projects or (self.select == "ALL_ATTRIBUTES" and not self.index.is_global)

    def returned(self, visible: dict) -> dict:
        if self.select == "SPECIFIC_ATTRIBUTES":
            return self.projection.apply(visible)
        if self.select == "ALL_PROJECTED_ATTRIBUTES":
            return self.index.project(visible)
        return visible

    def last_key(self, item: dict) -> dict:
        key = self.table.key_attributes(item)
        if self.index is not None:
            key.update({name: item[name] for name in self.index.key_names})
        return key

    # -- where to start ------------------------------------------------------------------

    def _start_key(self, start: dict) -> tuple[tuple, tuple | None]:
        """The table key ``(h, pk, sk)`` and index key ``(ih, ipk, isk)`` of an ExclusiveStartKey."""
        names = set(self.table.key_names) | set(self.index.key_names if self.index else ())
        if set(start) != names:
            raise errors.validation(BAD_START)
        try:
            start = types.validate_item(start)
        except errors.ServiceError as error:
            raise errors.validation(f"The provided starting key is invalid: {error.message}") from None
        try:
            table_key = self.table.key_of({name: start[name] for name in self.table.key_names})
        except errors.ServiceError:
            raise errors.validation(BAD_START) from None
        if self.index is None:
            return table_key, None
        index_key = self.index.key_of(start)
        if index_key is None:
            raise errors.validation(BAD_START)
        return table_key, index_key

    def query_start(self, start: dict | None, hash_value: bytes) -> tuple | None:
        if start is None:
            return None
        (_, pk, sk), index_key = self._start_key(start)
        if (index_key[1] if index_key else pk) != hash_value:
            raise errors.validation(OUTSIDE_QUERY)
        return (index_key[2], pk, sk) if index_key else (sk,)

    def scan_start(self, start: dict | None) -> tuple | None:
        if start is None:
            return None
        table_key, index_key = self._start_key(start)
        return (*index_key, table_key[1], table_key[2]) if index_key else table_key


def check_select(req: dict, reader: Reader, projection, operation: str) -> None:
    """AWS's rules for Select with projections and indexes; sets ``reader.select``."""
    select = req.get("Select")
    what = "ProjectionExpression" if req.get("ProjectionExpression") is not None else "AttributesToGet"
    index = reader.index
    if projection is not None and select in ("COUNT", "ALL_ATTRIBUTES", "ALL_PROJECTED_ATTRIBUTES"):
        if select == "COUNT":
            prefix = "1 validation error detected: " if operation == "Query" else ""
            raise errors.validation(f"{prefix}Cannot specify the {what} when choosing to get only the Count")
        raise errors.validation(f"Cannot specify the {what} when choosing to get {select}")
    if select == "ALL_PROJECTED_ATTRIBUTES" and index is None:
        raise errors.validation("ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName")
    if select == "SPECIFIC_ATTRIBUTES" and projection is None:
        raise errors.validation(
            "Must specify the AttributesToGet or ProjectionExpression when choosing to get SPECIFIC_ATTRIBUTES"
        )
    partial_global = index is not None and index.is_global and index.projected is not None
    if select == "ALL_ATTRIBUTES" and partial_global:
        raise errors.invalid_parameter(
            f"Select type ALL_ATTRIBUTES is not supported for global secondary index {index.name} "
            "because its projection type is not ALL"
        )
    if projection is not None and partial_global:
        missing = [name for name in projection.top_level_names if name not in index.projected]
        if missing:
            raise errors.invalid_parameter(
                f"Global secondary index {index.name} does not project [{', '.join(missing)}]"
            )
    if select is None:
        select = "SPECIFIC_ATTRIBUTES" if projection is not None else \
            "ALL_PROJECTED_ATTRIBUTES" if index is not None else "ALL_ATTRIBUTES"
    reader.select = select
