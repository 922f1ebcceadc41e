"""Seeded sampling with exact outcomes: multisets of given counts, integer vectors with a
given sum and range, and bipartite assignments with given degrees.

Every generator takes a ``random.Random`` so that a dataset is the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Sequence
from typing import TypeVar

T = TypeVar("T")
H = TypeVar("H", bound=Hashable)


def rng_for(seed: str) -> random.Random:
    """A generator seeded by a name, independent of every other one."""
    return random.Random(seed)


def shuffled_multiset(rng: random.Random, counts: dict[T, int]) -> list[T]:
    """Each value repeated its count of times, in random order."""
    values = [value for value, count in counts.items() for _ in range(count)]
    rng.shuffle(values)
    return values


def nudge(rng: random.Random, values: list, target, low, high, step=1, fixed: int = 0) -> list:
    """Move values (all but the first ``fixed``) by at most ``step`` at a time, staying within
    ``low``..``high`` (numbers or per-value sequences), until they sum to ``target``."""
    lows = low if isinstance(low, Sequence) else [low] * len(values)
    highs = high if isinstance(high, Sequence) else [high] * len(values)
    gap = target - sum(values)
    indices = list(range(fixed, len(values)))
    while gap:
        rng.shuffle(indices)
        moved = False
        for i in indices:
            room = highs[i] - values[i] if gap > 0 else values[i] - lows[i]
            delta = min(abs(gap), room, step)
            if delta > 0:
                values[i] += delta if gap > 0 else -delta
                gap += -delta if gap > 0 else delta
                moved = True
            if not gap:
                break
        if not moved:
            raise ValueError(f"cannot reach the sum {target} within the bounds")
    return values


def integers(rng: random.Random, n: int, low: int, high: int, total: int,
             draw: Callable[[random.Random], float]) -> list[int]:
    """``n`` integers in ``low``..``high`` summing to ``total``, shaped by ``draw`` and
    reaching both bounds, in random order."""
    values = [low, high] + [min(high, max(low, round(draw(rng)))) for _ in range(n - 2)]
    nudge(rng, values, total, low, high, fixed=2)
    rng.shuffle(values)
    return values


def bipartite(rng: random.Random, left: Sequence[int], right: Sequence[int]) -> list[list[int]]:
    """For each left node, the distinct right nodes it links to, so that node ``i`` on the
    left has ``left[i]`` links and node ``j`` on the right ``right[j]`` (the degrees must sum
    alike). Each left node takes the right nodes with the most links still to give, ties
    broken at random, which succeeds whenever the degrees admit a simple graph."""
    if sum(left) != sum(right):
        raise ValueError("the degrees on both sides must sum alike")
    remaining = list(right)
    order = sorted(range(len(left)), key=lambda i: (-left[i], rng.random()))
    links: list[list[int]] = [[] for _ in left]
    for i in order:
        ranked = sorted(range(len(remaining)), key=lambda j: (-remaining[j], rng.random()))
        chosen = ranked[: left[i]]
        if len(chosen) < left[i] or any(remaining[j] == 0 for j in chosen):
            raise ValueError("the degrees admit no simple bipartite graph")
        for j in chosen:
            remaining[j] -= 1
        links[i] = sorted(chosen)
    return links


def split_exactly(rng: random.Random, totals: Sequence[int], share: int, low, high) -> list[int]:
    """For each total, the part going to one side, within ``low``..``high`` (per-total
    sequences), starting from halves and nudged until the parts sum to ``share``."""
    parts = [t // 2 + (t % 2 and rng.random() < 0.5) for t in totals]
    return nudge(rng, parts, share, low, high)
