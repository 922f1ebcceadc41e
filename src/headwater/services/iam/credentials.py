"""The IAM key resolver: IAM users' access keys and extra accounts' root keys.

Registered with the endpoint's key store at start. An Inactive key is refused like an
unknown one (AWS answers ``InvalidClientTokenId``). A key's last use is written at most
once a minute, so signing requests costs one read.
"""

from __future__ import annotations

from headwater.auth.keys import Credential, UnknownAccessKey
from headwater.services.iam import store

#: How stale ``GetAccessKeyLastUsed`` may be, in seconds.
LAST_USED_GRANULARITY = 60.0


def key_resolver(app):
    """A resolver over ``app``'s iam database."""
    database = app.database("iam")
    written: dict[str, float] = {}

    def note_use(access_key: str) -> None:
        now = app.clock.time()
        if now - written.get(access_key, float("-inf")) >= LAST_USED_GRANULARITY:
            written[access_key] = now
            with database.transaction(write=True) as conn:
                store.note_key_used(conn, access_key, now)

    def resolve(access_key: str, session_token: str | None) -> Credential | None:
        with database.transaction(write=False) as conn:
            found = store.access_key_credential(conn, access_key)
        if found is None:
            return None
        secret, principal, status = found
        if status != "Active":
            raise UnknownAccessKey(access_key)
        if principal.kind == "user":
            note_use(access_key)
        return secret, principal

    return resolve


def register(app) -> None:
    """The IAM service's startup hook."""
    app.keys.add(key_resolver(app))
