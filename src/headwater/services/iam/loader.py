"""``headwater iam load``: users with fixed access keys and policies, and extra accounts,
from one JSON file (docs/iam.md, "Loading users from a file")::

    {"accounts": [
        {"account": "000000000000",
         "root_keys": [{"access_key_id": "...", "secret_access_key": "..."}],
         "users": [
            {"name": "main", "path": "/",
             "access_keys": [{"access_key_id": "...", "secret_access_key": "..."}],
             "inline_policies": {"AllowAll": {"Version": "2012-10-17", "Statement": [...]}},
             "managed_policies": ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
             "tags": {"team": "data"}}]}]}

Loading is idempotent: users that exist are kept (their listed keys, policies and tags
are added or updated); keys are fixed, so they must not belong to anyone else.
"""

from __future__ import annotations

import json
import re
import sqlite3

from headwater.auth.keys import ROOT_ACCESS_KEY
from headwater.config import DEFAULT_ACCOUNT
from headwater.errors import ServiceError
from headwater.services.iam import common, documents, ids, store

_ACCOUNT = re.compile(r"\d{12}")
_NAME = re.compile(r"[\w+=,.@-]{1,64}")
_KEY_ID = re.compile(r"[\w]{3,128}")


class LoadError(ValueError):
    """The file asks for something headwater cannot load; the message says what and where."""


def load(conn: sqlite3.Connection, spec: dict, now: float) -> dict[str, int]:
    """Write ``spec`` (the parsed file) into the iam database; counts of what was loaded."""
    if not isinstance(spec, dict) or not isinstance(spec.get("accounts", []), list):
        raise LoadError('the file must hold an object with an "accounts" list')
    counts = {"accounts": 0, "users": 0, "access_keys": 0}
    for number, account_spec in enumerate(spec.get("accounts", []), start=1):
        where = f"accounts[{number}]"
        account = str(account_spec.get("account", DEFAULT_ACCOUNT))
        if not _ACCOUNT.fullmatch(account):
            raise LoadError(f"{where}: account must be 12 digits, not {account!r}")
        for pair in account_spec.get("root_keys", []):
            key, secret = key_pair(pair, where)
            claim_key(conn, key, account=account)
            store.put_account_key(conn, account, key, secret, now)
            counts["access_keys"] += 1
        for index, user_spec in enumerate(account_spec.get("users", []), start=1):
            counts["access_keys"] += load_user(conn, account, user_spec, now, f"{where}.users[{index}]")
            counts["users"] += 1
        counts["accounts"] += 1
    return counts


def key_pair(pair: dict, where: str) -> tuple[str, str]:
    key, secret = pair.get("access_key_id"), pair.get("secret_access_key")
    if not isinstance(key, str) or not _KEY_ID.fullmatch(key) or not isinstance(secret, str) or not secret:
        raise LoadError(f"{where}: each key needs an access_key_id (letters, digits, _) and a secret_access_key")
    if key == ROOT_ACCESS_KEY:
        raise LoadError(f"{where}: {ROOT_ACCESS_KEY!r} is the built-in root key of {DEFAULT_ACCOUNT}")
    return key, secret


def claim_key(conn: sqlite3.Connection, key: str, *, user_id: str | None = None, account: str | None = None) -> None:
    """Refuse a key that already belongs to someone else (loading the same owner again is fine)."""
    taken = store.access_key(conn, key)
    if taken is not None and taken["user_id"] != user_id:
        raise LoadError(f"access key {key} already belongs to {store.entity_by_id(conn, taken['user_id'])['arn']}")
    root = store.account_key(conn, key)
    if root is not None and (user_id is not None or root["account"] != account):
        raise LoadError(f"access key {key} already belongs to the root user of {root['account']}")


def load_user(conn: sqlite3.Connection, account: str, spec: dict, now: float, where: str) -> int:
    """Create or update one user; the number of keys it got."""
    name, path = spec.get("name"), spec.get("path", "/")
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise LoadError(f"{where}: a user needs a name of letters, digits and +=,.@_-")
    user = store.find_entity(conn, account, common.USER.name, name)
    if user is None:
        store.insert_entity(conn, id=ids.unique_id("user"), account=account, kind="user", name=name, path=path,
                            arn=ids.entity_arn(account, "user", path, name), created=now)
        user = store.find_entity(conn, account, common.USER.name, name)
    for pair in spec.get("access_keys", []):
        key, secret = key_pair(pair, where)
        claim_key(conn, key, user_id=user["id"])
        store.delete_access_key(conn, key)
        store.insert_access_key(conn, account, user["id"], key, secret, now)
    for policy_name, document in spec.get("inline_policies", {}).items():
        text = document if isinstance(document, str) else json.dumps(document)
        store.put_inline(conn, account, user["id"], policy_name, checked(text, where, policy_name))
    for arn in spec.get("managed_policies", []):
        if common.find_policy(conn, arn) is None:
            raise LoadError(f"{where}: no managed policy {arn}")
        store.attach(conn, account, user["id"], arn, now)
    store.put_tags(conn, account, user["id"], [{"Key": k, "Value": str(v)} for k, v in spec.get("tags", {}).items()])
    return len(spec.get("access_keys", []))


def checked(text: str, where: str, policy_name: str) -> str:
    try:
        return documents.checked(text)
    except ServiceError as error:
        raise LoadError(f"{where}: policy {policy_name}: {error.message}") from None
