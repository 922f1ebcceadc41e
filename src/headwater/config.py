"""Settings: where data lives, what to listen on, and how strict auth and durability are."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import platformdirs

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566
DEFAULT_ACCOUNT = "000000000000"
DEFAULT_REGION = "us-east-1"
AUTH_MODES = ("verify", "off")
FSYNC_MODES = ("full", "normal", "off")
#: enforce: deny what the policies do not allow; soft: allow, but record what would be
#: denied; off: no policy evaluation at all.
IAM_MODES = ("enforce", "soft", "off")
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@lru_cache(maxsize=16)
def _tmp_dir_of(data_dir: Path) -> Path:
    """A data directory's scratch space, joined once (every request's body may spool there)."""
    return data_dir / "tmp"


def default_data_dir() -> Path:
    """``$HEADWATER_DATA_DIR`` or the per-user data directory (XDG on Linux)."""
    env = os.environ.get("HEADWATER_DATA_DIR")
    return Path(env) if env else Path(platformdirs.user_data_dir("headwater"))


@dataclass
class Settings:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    data_dir: Path = field(default_factory=default_data_dir)
    auth: str = "verify"
    #: SQLite ``synchronous`` level: "full" (every commit on disk), "normal" or "off".
    fsync: str = "full"
    #: How far a request's signing time may be from the server's clock (AWS: 15 minutes).
    max_clock_skew_seconds: int = 15 * 60
    #: How long a new resource (a DynamoDB table, an index, a stream) stays CREATING.
    create_delay_seconds: float = 0.0
    #: How often expired DynamoDB items (TTL) and stream records past retention are removed.
    ttl_sweep_seconds: float = 60.0
    iam: str = "enforce"
    #: The ``aws:SourceIp`` policies see; None for the client's real address.
    source_ip: str | None = None
    #: The ``aws:SecureTransport`` policies see (a loopback client speaks plain HTTP).
    secure_transport: bool = False
    #: Create the sample databases and tables on first start (``headwater up``).
    samples: bool = False
    #: S3: the smallest size of every part of a multipart upload but the last (AWS: 5 MiB).
    s3_min_part_size: int = 5 * 1024 * 1024

    def __post_init__(self):
        self.data_dir = Path(self.data_dir)
        if self.auth not in AUTH_MODES:
            raise ValueError(f"auth must be one of {AUTH_MODES}, not {self.auth!r}")
        if self.fsync not in FSYNC_MODES:
            raise ValueError(f"fsync must be one of {FSYNC_MODES}, not {self.fsync!r}")
        if self.iam not in IAM_MODES:
            raise ValueError(f"iam must be one of {IAM_MODES}, not {self.iam!r}")

    @property
    def endpoint(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def tmp_dir(self) -> Path:
        """Scratch space on the same file system as the data (so renames are atomic)."""
        return _tmp_dir_of(self.data_dir)

    @property
    def is_loopback(self) -> bool:
        return self.host in LOOPBACK_HOSTS or self.host.startswith("127.")
