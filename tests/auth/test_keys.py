"""Access keys and principals."""

import pytest

from headwater.auth import keys


def test_the_bootstrap_root_key():
    """A store built without resolvers knows the root key test/test."""
    secret, principal = keys.KeyStore().resolve("test")
    assert secret == "test"
    assert principal == keys.Principal("000000000000", "arn:aws:iam::000000000000:root", "000000000000", "test",
                                       "root", "root")
    assert principal.is_root and not principal.is_anonymous


def test_the_account_is_configurable():
    store = keys.KeyStore(account="123456789012")
    assert store.resolve("test")[1].arn == "arn:aws:iam::123456789012:root"
    assert store.root("other").account == "123456789012"


def test_unknown_keys_raise():
    with pytest.raises(keys.UnknownAccessKey):
        keys.KeyStore().resolve("AKIDUNKNOWN")


def test_resolvers_are_asked_in_order():
    user = keys.Principal("000000000000", "arn:aws:iam::000000000000:user/alice", "AIDAALICE", "AKIAALICE",
                          "user", "alice")
    store = keys.KeyStore()
    store.add(keys.static_key("AKIAALICE", "alice-secret", user))
    assert store.resolve("AKIAALICE") == ("alice-secret", user)
    store.add(keys.static_key("AKIAALICE", "shadow", user), first=True)
    assert store.resolve("AKIAALICE")[0] == "shadow"
    assert store.resolve("test")[1].is_root


def test_session_token_errors_come_from_resolvers():
    def temporary(key, token):
        if key != "ASIAX":
            return None
        raise keys.ExpiredSessionToken(key) if token == "old" else keys.InvalidSessionToken(key)

    store = keys.KeyStore()
    store.add(temporary)
    with pytest.raises(keys.ExpiredSessionToken):
        store.resolve("ASIAX", "old")
    with pytest.raises(keys.InvalidSessionToken):
        store.resolve("ASIAX", "forged")


def test_anything_goes_checks_nothing():
    store = keys.KeyStore.anything_goes()
    assert store.resolve("test") == (None, keys.root_principal())
    assert store.resolve("whoever", "token") == (None, keys.root_principal(access_key="whoever"))


def test_anonymous():
    anonymous = keys.anonymous_principal()
    assert anonymous.is_anonymous and not anonymous.is_root and anonymous.kind in keys.KINDS
