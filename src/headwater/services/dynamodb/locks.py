"""Items held by in-flight TransactWriteItems, so that a concurrent transaction on one of
them is refused as DynamoDB refuses it (TransactionConflict).

Writers are serialized by the database, but reads run beside a writing transaction: a
TransactGetItems that meets an item a write transaction holds is cancelled with a
TransactionConflict reason instead of reading around it.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterable, Iterator

ItemId = tuple[int, bytes, bytes]  # (table id, pk, sk)


class ItemLocks:
    def __init__(self):
        self._held: dict[ItemId, object] = {}
        self._lock = threading.Lock()

    @contextmanager
    def hold(self, items: Iterable[ItemId]) -> Iterator[list[bool]]:
        """Hold ``items`` for the block; yields, per item, whether another owner holds it
        (those are not taken)."""
        owner = object()
        items = list(items)
        with self._lock:
            conflicts = [self._held.get(item, owner) is not owner for item in items]
            taken = [item for item, conflict in zip(items, conflicts) if not conflict]
            for item in taken:
                self._held[item] = owner
        try:
            yield conflicts
        finally:
            with self._lock:
                for item in taken:
                    if self._held.get(item) is owner:
                        del self._held[item]

    def held(self, item: ItemId) -> bool:
        return item in self._held


#: The items of this process's in-flight write transactions.
IN_FLIGHT = ItemLocks()
