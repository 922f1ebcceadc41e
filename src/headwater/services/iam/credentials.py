"""The IAM key resolver: IAM users' access keys and extra accounts' root keys.

Registered with the endpoint's key store at start. An Inactive key is refused like an
unknown one (AWS answers ``InvalidClientTokenId``). What the store answers for a key (or
that it knows no such key) is remembered until the IAM generation moves
(:meth:`~headwater.auth.enforce.Authorizer.generation`: every write that creates, changes
or deletes a key moves it), so signing requests costs no read; the resolver then vouches
for the principal to the authorizer, which needs no read of the generation of its own. A
key's last use is written at most once a minute.
"""

from __future__ import annotations

from headwater.auth.keys import Credential, UnknownAccessKey
from headwater.services.iam import store

#: How stale ``GetAccessKeyLastUsed`` may be, in seconds.
LAST_USED_GRANULARITY = 60.0
#: Keys remembered at most (unknown keys included); all are forgotten beyond that.
REMEMBERED_KEYS = 10_000


def key_resolver(app):
    """A resolver over ``app``'s iam database."""
    database = app.database("iam")
    written: dict[str, float] = {}
    remembered: dict[str, tuple[int, tuple | None]] = {}

    def note_use(access_key: str) -> None:
        now = app.clock.time()
        if now - written.get(access_key, float("-inf")) >= LAST_USED_GRANULARITY:
            written[access_key] = now
            with database.transaction(write=True) as conn:
                store.note_key_used(conn, access_key, now)

    def lookup(access_key: str, generation: int):
        """``(secret, principal, status)`` or None, as of ``generation``."""
        known = remembered.get(access_key)
        if known is not None and known[0] == generation:
            return known[1]
        with database.transaction(write=False) as conn:
            found = store.access_key_credential(conn, access_key)
        if len(remembered) >= REMEMBERED_KEYS:
            remembered.clear()
        remembered[access_key] = (generation, found)
        return found

    def resolve(access_key: str, session_token: str | None) -> Credential | None:
        generation = app.authorizer.generation()
        found = lookup(access_key, generation)
        if found is None:
            return None
        secret, principal, status = found
        if status != "Active":
            raise UnknownAccessKey(access_key)
        if principal.kind == "user":
            note_use(access_key)
        app.authorizer.vouch(principal, generation)
        return secret, principal

    return resolve


def register(app) -> None:
    """The IAM service's startup hook."""
    app.keys.add(key_resolver(app))
