"""Projections: which attributes (or parts of them) a read returns."""

from __future__ import annotations

from headwater.services.dynamodb.expressions.binding import Binding
from headwater.services.dynamodb.expressions.paths import check_overlaps, project


class Projection:
    """``apply(item)`` keeps the selected paths; ``top_level_names`` lists their attributes."""

    __slots__ = ("_flat", "paths", "top_level_names")

    def __init__(self, paths: list[tuple]):
        self.paths = tuple(paths)
        self.top_level_names = list(dict.fromkeys(path[0] for path in paths))
        self._flat = all(len(path) == 1 for path in paths)

    def apply(self, item: dict) -> dict:
        if self._flat:
            return {name: item[name] for name in self.top_level_names if name in item}
        return project(item, self.paths)


def bind_projection(raw_paths: tuple, binding: Binding) -> Projection:
    paths = [binding.path(raw) for raw in raw_paths]
    check_overlaps(paths)
    return Projection(paths)
