"""Temporary credentials: durable sessions in sts.sqlite3 and the resolver of their keys.

A session is written once (AssumeRole, GetSessionToken) and never changed, so what a
request needs of it (secret, principal, session policies and tags) is cached by access
key; only its expiry is checked against the clock on every request.
"""

from __future__ import annotations

import base64
import json
import secrets
import sqlite3
import string
from dataclasses import dataclass, field

from headwater.auth.keys import ExpiredSessionToken, InvalidSessionToken, Principal

MIGRATIONS = [
    ("0001_sessions", """
        CREATE TABLE sessions (
            access_key TEXT PRIMARY KEY,
            secret TEXT NOT NULL,
            token TEXT NOT NULL,
            account TEXT NOT NULL,
            kind TEXT NOT NULL,
            arn TEXT NOT NULL,
            user_id TEXT NOT NULL,
            name TEXT NOT NULL,
            role_arn TEXT,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            mfa INTEGER NOT NULL DEFAULT 0,
            source_identity TEXT,
            policies TEXT NOT NULL DEFAULT '[]',
            tags TEXT NOT NULL DEFAULT '{}',
            transitive_tag_keys TEXT NOT NULL DEFAULT '[]'
        );
        CREATE INDEX sessions_by_expiry ON sessions (expires_at);
    """),
]

#: Sessions are kept this long after they expire (so that their expired token is still
#: answered as expired rather than unknown), then swept.
KEEP_EXPIRED_SECONDS = 7 * 24 * 3600
_KEY_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class Session:
    """One set of temporary credentials and what it carries into policy evaluation."""

    principal: Principal
    secret: str
    token: str
    issued_at: float
    expires_at: float
    mfa: bool = False
    source_identity: str | None = None
    #: Session policies as ``(source id, JSON text)``; empty when none was passed.
    policies: tuple[tuple[str, str], ...] = ()
    tags: dict[str, str] = field(default_factory=dict)
    transitive_tag_keys: tuple[str, ...] = ()

    @property
    def is_role_session(self) -> bool:
        return self.principal.kind == "assumed-role"


def new_access_key() -> str:
    return "ASIA" + "".join(secrets.choice(_KEY_ALPHABET) for _ in range(16))


def new_secret() -> str:
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def new_token() -> str:
    return base64.b64encode(b"hw" + secrets.token_bytes(222)).decode("ascii")


def save(conn: sqlite3.Connection, session: Session) -> None:
    who = session.principal
    conn.execute(
        "INSERT INTO sessions (access_key, secret, token, account, kind, arn, user_id, name, role_arn, issued_at,"
        " expires_at, mfa, source_identity, policies, tags, transitive_tag_keys)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (who.access_key, session.secret, session.token, who.account, who.kind, who.arn, who.user_id, who.name,
         who.role_arn, session.issued_at, session.expires_at, int(session.mfa), session.source_identity,
         json.dumps([list(pair) for pair in session.policies]), json.dumps(session.tags),
         json.dumps(list(session.transitive_tag_keys))))


def load(conn: sqlite3.Connection, access_key: str) -> Session | None:
    row = conn.execute("SELECT * FROM sessions WHERE access_key = ?", (access_key,)).fetchone()
    if row is None:
        return None
    principal = Principal(row["account"], row["arn"], row["user_id"], access_key, row["kind"], row["name"],
                          row["token"], row["role_arn"])
    return Session(principal, row["secret"], row["token"], row["issued_at"], row["expires_at"], bool(row["mfa"]),
                   row["source_identity"], tuple(tuple(pair) for pair in json.loads(row["policies"])),
                   json.loads(row["tags"]), tuple(json.loads(row["transitive_tag_keys"])))


def sweep(conn: sqlite3.Connection, now: float) -> int:
    """Forget sessions that expired more than :data:`KEEP_EXPIRED_SECONDS` ago."""
    return conn.execute("DELETE FROM sessions WHERE expires_at < ?", (now - KEEP_EXPIRED_SECONDS,)).rowcount


class Sessions:
    """The sessions of one running endpoint, cached by access key (they never change)."""

    def __init__(self, database, clock):
        self.database = database
        self.clock = clock
        self._cache: dict[str, Session] = {}

    def get(self, access_key: str) -> Session | None:
        session = self._cache.get(access_key)
        if session is None and access_key.startswith("ASIA"):
            with self.database.transaction(write=False) as conn:
                session = load(conn, access_key)
            if session is not None:
                self._cache[access_key] = session
        return session

    def resolve(self, access_key: str, token: str | None) -> tuple[str, Principal] | None:
        """The key resolver (see :mod:`headwater.auth.keys`): a temporary key works only with
        its own session token, and only until it expires."""
        session = self.get(access_key)
        if session is None:
            return None
        if token is None or not secrets.compare_digest(token, session.token):
            raise InvalidSessionToken(access_key)
        if self.clock.time() >= session.expires_at:
            raise ExpiredSessionToken(access_key)
        return session.secret, session.principal
