"""RequestContext: everything a handler may know about the request it serves."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from headwater.auth.keys import Principal
    from headwater.config import Settings
    from headwater.http.message import HttpRequest
    from headwater.storage.blobs import BlobStore
    from headwater.storage.clock import Clock


#: The variant nibble of a UUID (``10xx``) for any hex digit.
_UUID_VARIANT = dict(zip("0123456789abcdef", "89ab" * 4))


def new_request_id() -> str:
    """A random UUID-4, as text: what ``str(uuid.uuid4())`` gives, made with less work."""
    digits = os.urandom(16).hex()
    return (f"{digits[:8]}-{digits[8:12]}-4{digits[13:16]}-"
            f"{_UUID_VARIANT[digits[16]]}{digits[17:20]}-{digits[20:]}")


@dataclass
class RequestContext:
    service: str
    operation: str
    region: str
    principal: "Principal"
    clock: "Clock"
    request_id: str
    settings: "Settings"
    request: "HttpRequest"
    blobs: "BlobStore | None" = None
    db: "sqlite3.Connection | None" = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def account(self) -> str:
        return self.principal.account
