"""The session store and its key resolver, without a server."""

import pytest

from headwater.auth.keys import ExpiredSessionToken, InvalidSessionToken, Principal
from headwater.services.sts import sessions
from headwater.storage.clock import FrozenClock
from headwater.storage.sqlite import Database


@pytest.fixture
def store(tmp_path):
    database = Database(tmp_path / "sts.sqlite3", sessions.MIGRATIONS)
    yield database
    database.close()


def session(expires_at=2000.0):
    key = sessions.new_access_key()
    principal = Principal("000000000000", "arn:aws:sts::000000000000:assumed-role/etl/s1", "AROAX:s1", key,
                          "assumed-role", "s1", "tok", "arn:aws:iam::000000000000:role/etl")
    return sessions.Session(principal, sessions.new_secret(), "tok", 1000.0, expires_at, False, "alice",
                            (("session-policy", "{}"),), {"team": "data"}, ("team",))


def test_round_trip(store):
    saved = session()
    with store.transaction() as conn:
        sessions.save(conn, saved)
    with store.transaction(write=False) as conn:
        assert sessions.load(conn, saved.principal.access_key) == saved


def test_resolver_checks_token_and_expiry(store):
    clock = FrozenClock(1999.0)
    saved = session()
    with store.transaction() as conn:
        sessions.save(conn, saved)
    resolve = sessions.Sessions(store, clock).resolve
    key = saved.principal.access_key
    assert resolve(key, "tok") == (saved.secret, saved.principal)
    assert resolve("ASIAUNKNOWN0000000000", "tok") is None
    assert resolve("AKIALONGTERM", "tok") is None
    with pytest.raises(InvalidSessionToken):
        resolve(key, "other")
    with pytest.raises(InvalidSessionToken):
        resolve(key, None)
    clock.advance(1)
    with pytest.raises(ExpiredSessionToken):
        resolve(key, "tok")


def test_keys_look_like_aws_temporary_keys():
    key = sessions.new_access_key()
    assert key.startswith("ASIA") and len(key) == 20 and key.isalnum()
    assert len(sessions.new_secret()) == 40


def test_sweep_forgets_long_expired_sessions(store):
    old, recent = session(expires_at=10.0), session(expires_at=5000.0)
    with store.transaction() as conn:
        sessions.save(conn, old)
        sessions.save(conn, recent)
        assert sessions.sweep(conn, 10.0 + sessions.KEEP_EXPIRED_SECONDS + 1) == 1
        assert sessions.load(conn, old.principal.access_key) is None
        assert sessions.load(conn, recent.principal.access_key) is not None
