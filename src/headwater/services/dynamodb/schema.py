"""A table's shape: its keys and indexes, parsed once from the stored description.

A :class:`Table` turns items and ``Key`` parameters into storage keys ``(h, pk, sk)``:
``pk``/``sk`` are the order-preserving encodings of the key values (``sk`` empty for a
hash-only table) and ``h`` is a 32-bit hash of ``pk`` that spreads partitions over the
key space, orders Scan as DynamoDB does (by partition hash) and splits parallel scans.
Every key check answers with AWS's wording.
"""

from __future__ import annotations

import hashlib
import json
import struct
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from headwater.services.dynamodb import errors, types

MAX_HASH_KEY_BYTES = 2048
MAX_RANGE_KEY_BYTES = 1024
NOT_VALID = "One or more parameter values are not valid. "
EMPTY_KEY = {"S": "string", "B": "binary"}

Key = tuple[int, bytes, bytes]


_FIRST_WORD = struct.Struct(">I").unpack_from


def partition_hash(pk: bytes) -> int:
    """The 32-bit position of a partition in the key space: the first four bytes of the
    key's MD5, big-endian."""
    return _FIRST_WORD(hashlib.md5(pk).digest())[0]


@dataclass(frozen=True)
class KeyPart:
    name: str
    type: str  # "S", "N" or "B"

    def value_of(self, av: dict) -> bytes | None:
        """The encoded value, or None when ``av`` is not of this key's type."""
        content = av.get(self.type)
        if content is None or len(av) != 1:
            return None
        return self._encode(content)

    @cached_property
    def _encode(self):
        return types.KEY_ENCODERS[self.type]

    def decode(self, data: bytes) -> dict:
        return types.decode_key_value(data, self.type)


def _empty_key_error(part: KeyPart, index: str | None = None) -> Exception:
    kind = EMPTY_KEY[part.type]
    if index is None:
        return errors.validation(
            f"{NOT_VALID}The AttributeValue for a key attribute cannot contain an empty {kind} value. Key: {part.name}"
        )
    return errors.validation(
        f"{NOT_VALID}A value specified for a secondary index key is not supported. The AttributeValue for a key "
        f"attribute cannot contain an empty {kind} value. IndexName: {index}, IndexKey: {part.name}"
    )


@dataclass(frozen=True)
class Index:
    name: str
    is_global: bool
    hash: KeyPart
    range: KeyPart | None
    projection_type: str
    #: The top-level attributes the index holds; None when it projects ALL.
    projected: frozenset | None
    arn: str
    created: float = 0.0

    @property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash.name, self.range.name) if self.range else (self.hash.name,)

    def key_of(self, item: dict) -> tuple[int, bytes, bytes] | None:
        """``(ih, ipk, isk)`` of the item in this index, None when it lacks an index key
        (sparse indexes) or has one of another type (only while backfilling a new index:
        writes are checked by :meth:`check_item` first)."""
        hash_value = item.get(self.hash.name)
        ipk = None if hash_value is None else self.hash.value_of(hash_value)
        if ipk is None:
            return None
        if self.range is None:
            return partition_hash(ipk), ipk, b""
        range_value = item.get(self.range.name)
        isk = None if range_value is None else self.range.value_of(range_value)
        return None if isk is None else (partition_hash(ipk), ipk, isk)

    def project(self, item: dict) -> dict:
        if self.projected is None:
            return item
        return {name: value for name, value in item.items() if name in self.projected}

    def check_item(self, item: dict) -> None:
        for part in filter(None, (self.hash, self.range)):
            av = item.get(part.name)
            if av is None:
                continue
            actual = types.kind_of(av)
            if actual != part.type:
                raise errors.invalid_parameter(
                    f"Type mismatch for Index Key {part.name} Expected: {part.type} Actual: {actual} IndexName: {self.name}"
                )
            if part.type != "N":
                size = len(types.encode_key_value(av))
                if size == 0:
                    raise _empty_key_error(part, self.name)
                limit = MAX_HASH_KEY_BYTES if part is self.hash else MAX_RANGE_KEY_BYTES
                if size > limit:
                    raise errors.invalid_parameter(
                        f"Size limit exceeded for Index Key {part.name} Actual Size: {size} bytes "
                        f"Max Size: {limit} bytes IndexName: {self.name}"
                    )


@dataclass(frozen=True)
class Table:
    id: int
    account: str
    region: str
    name: str
    #: The stored description: TableDescription members plus headwater's bookkeeping.
    description: dict = field(compare=False, hash=False)
    hash: KeyPart = None
    range: KeyPart | None = None
    indexes: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def arn(self) -> str:
        return self.description["TableArn"]

    @cached_property
    def key_names(self) -> tuple[str, ...]:
        return (self.hash.name, self.range.name) if self.range else (self.hash.name,)

    @cached_property
    def stream_view_type(self) -> str | None:
        spec = self.description.get("StreamSpecification") or {}
        return spec.get("StreamViewType") if spec.get("StreamEnabled") else None

    @property
    def local_indexes(self) -> list[Index]:
        return [index for index in self.indexes.values() if not index.is_global]

    # -- keys ---------------------------------------------------------------------

    def key_of_item(self, item: dict) -> Key:
        """The storage key of a whole item (PutItem), checking it as AWS does."""
        values = []
        for part in self.key_parts:
            av = item.get(part.name)
            if av is None:
                raise errors.invalid_parameter(f"Missing the key {part.name} in the item")
            encoded = part.value_of(av)
            if encoded is None:
                raise errors.invalid_parameter(
                    f"Type mismatch for key {part.name} expected: {part.type} actual: {types.kind_of(av)}"
                )
            values.append(self._checked_size(part, encoded))
        for index in self.indexes.values():
            index.check_item(item)
        return self._key(values)

    def key_of(self, key: dict) -> Key:
        """The storage key of a ``Key`` parameter: exactly the key attributes, right types."""
        if len(key) != len(self.key_parts):
            raise errors.key_mismatch()
        values = []
        for part in self.key_parts:
            av = key.get(part.name)
            if av is not None and part.type == "N" and "N" in av:
                types.normalize_number(av["N"])  # AWS's error for a number out of range
            encoded = None if av is None else part.value_of(av)
            if encoded is None:
                raise errors.key_mismatch()
            values.append(self._checked_size(part, encoded))
        return self._key(values)

    def key_attributes(self, item: dict) -> dict:
        """The item's key attributes (its ``Key``)."""
        return {name: item[name] for name in self.key_names}

    @cached_property
    def key_parts(self) -> tuple[KeyPart, ...]:
        return (self.hash, self.range) if self.range else (self.hash,)

    def _checked_size(self, part: KeyPart, encoded: bytes) -> bytes:
        if part.type == "N":
            return encoded
        if not encoded:
            raise _empty_key_error(part)
        if part is self.hash and len(encoded) > MAX_HASH_KEY_BYTES:
            raise errors.invalid_parameter("Size of hashkey has exceeded the maximum size limit of2048 bytes")
        if part is not self.hash and len(encoded) > MAX_RANGE_KEY_BYTES:
            raise errors.invalid_parameter(
                "Aggregated size of all range keys has exceeded the size limit of 1024 bytes"
            )
        return encoded

    @staticmethod
    def _key(values: list[bytes]) -> Key:
        pk = values[0]
        return partition_hash(pk), pk, values[1] if len(values) > 1 else b""


# --- parsing the stored description ---------------------------------------------------


def _parts(key_schema: list[dict], types_by_name: dict) -> tuple[KeyPart, KeyPart | None]:
    parts = {element["KeyType"]: KeyPart(element["AttributeName"], types_by_name[element["AttributeName"]])
             for element in key_schema}
    return parts["HASH"], parts.get("RANGE")


def _index(description: dict, is_global: bool, types_by_name: dict, table_keys: tuple[str, ...]) -> Index:
    hash_part, range_part = _parts(description["KeySchema"], types_by_name)
    projection = description["Projection"]
    kind = projection.get("ProjectionType", "ALL")
    projected = None
    if kind != "ALL":
        names = {*table_keys, hash_part.name, *([range_part.name] if range_part else [])}
        projected = frozenset(names | set(projection.get("NonKeyAttributes", ())))
    return Index(
        name=description["IndexName"], is_global=is_global, hash=hash_part, range=range_part,
        projection_type=kind, projected=projected, arn=description["IndexArn"],
        created=description.get("createdAt", 0.0),
    )


@lru_cache(maxsize=2048)
def parse(table_id: int, account: str, region: str, name: str, description_json: str) -> Table:
    """The Table of a stored row; cached, since the same description text parses the same."""
    description = json.loads(description_json)
    types_by_name = {d["AttributeName"]: d["AttributeType"] for d in description["AttributeDefinitions"]}
    hash_part, range_part = _parts(description["KeySchema"], types_by_name)
    table_keys = (hash_part.name, range_part.name) if range_part else (hash_part.name,)
    indexes = {}
    for member, is_global in (("LocalSecondaryIndexes", False), ("GlobalSecondaryIndexes", True)):
        for index in description.get(member) or ():
            indexes[index["IndexName"]] = _index(index, is_global, types_by_name, table_keys)
    return Table(table_id, account, region, name, description, hash_part, range_part, indexes)
