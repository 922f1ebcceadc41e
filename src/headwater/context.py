"""RequestContext: everything a handler may know about the request it serves."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import sqlite3

    from headwater.auth.keys import Principal
    from headwater.config import Settings
    from headwater.http.message import HttpRequest
    from headwater.storage.blobs import BlobStore
    from headwater.storage.clock import Clock


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
