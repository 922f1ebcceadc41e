"""Generated example values for any botocore shape, to drive round-trip tests.

The values cover every shape type and exercise encodings: strings with spaces,
slashes, unicode and XML/JSON metacharacters; blobs with non-UTF-8 bytes; timestamps;
nested structures, lists and maps; respecting min/max and enum constraints.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

from botocore.model import Shape

TRICKY = "a b/c ü&<x>\"'%+=?#"
MAX_DEPTH = 4


class ExampleMaker:
    """Builds one example input for a shape; ``minimal`` keeps only required members."""

    def __init__(self, minimal: bool = False, seed: int = 0):
        self.minimal = minimal
        self.counter = itertools.count(seed)

    def value(self, shape: Shape, location: str | None = None, depth: int = 0):
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, depth)
        if kind == "list":
            return self.list(shape, location, depth)
        if kind == "map":
            return self.map(shape, location, depth)
        return getattr(self, kind)(shape, location)

    def structure(self, shape: Shape, depth: int) -> dict:
        if shape.is_document_type:
            return {"k": [1, "two", True, None, {"n": 1.5}]}
        members = shape.members
        if shape.is_tagged_union:
            name = next(iter(members))
            return {name: self.value(members[name], None, depth + 1)}
        required = set(shape.required_members)
        result = {}
        for name, member in members.items():
            if member.serialization.get("eventstream") or member.metadata.get("eventstream"):
                continue
            if name not in required and (self.minimal or depth >= MAX_DEPTH):
                continue
            result[name] = self.value(member, member.serialization.get("location"), depth + 1)
        return result

    def _count(self, shape: Shape, default: int = 2) -> int:
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", default)
        return max(low, min(default, high))

    def list(self, shape: Shape, location, depth: int) -> list:
        count = 1 if depth >= MAX_DEPTH else self._count(shape)
        return [self.value(shape.member, location, depth + 1) for _ in range(count)]

    def map(self, shape: Shape, location, depth: int) -> dict:
        count = 1 if depth >= MAX_DEPTH else self._count(shape)
        result = {}
        for _ in range(count):
            key = self.string(shape.key, "map-key" if location != "headers" else "headers")
            result[key] = self.value(shape.value, location, depth + 1)
        return result

    def string(self, shape: Shape, location=None) -> str:
        n = next(self.counter)
        if shape.enum:
            return shape.enum[n % len(shape.enum)]
        if shape.serialization.get("jsonvalue") or shape.metadata.get("jsonvalue"):
            return {"json": [n, "v"]}  # type: ignore[return-value]
        if location in ("headers",):
            text = f"k{n}"
        elif location == "header":
            text = f"v{n} x-y"
        else:
            text = f"s{n} {TRICKY}"
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max")
        if len(text) < low:
            text = text + "x" * (low - len(text))
        if high is not None and len(text) > high:
            text = text[:high] if high >= 1 else text[:1]
        return text

    def blob(self, shape: Shape, location=None) -> bytes:
        n = next(self.counter)
        return bytes([n % 256, 0, 255, 128]) + b"blob\n\x00"

    def boolean(self, shape: Shape, location=None) -> bool:
        return next(self.counter) % 2 == 0

    def integer(self, shape: Shape, location=None) -> int:
        n = next(self.counter) + 3
        low = shape.metadata.get("min", 0)
        high = shape.metadata.get("max", 2**31 - 1)
        return max(int(low), min(n, int(high)))

    long = integer

    def float(self, shape: Shape, location=None) -> float:
        return 1.5 + next(self.counter)

    double = float

    def timestamp(self, shape: Shape, location=None) -> datetime:
        n = next(self.counter)
        return datetime(2024, 1 + n % 12, 2, 3, 4, 5, tzinfo=timezone.utc)


def example_input(operation_model, minimal: bool = False, seed: int = 0) -> dict:
    shape = operation_model.input_shape
    return ExampleMaker(minimal, seed).structure(shape, 0) if shape is not None else {}


def example_output(operation_model, minimal: bool = False, seed: int = 0) -> dict:
    shape = operation_model.output_shape
    return ExampleMaker(minimal, seed).structure(shape, 0) if shape is not None else {}
