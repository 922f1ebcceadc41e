"""IAM's storage: the SQLite schema and the reads other parts of headwater rely on.

Users, groups, roles and instance profiles are rows of one ``entities`` table (their
unique id is the key every other table refers to, so a re-created user inherits
nothing). Customer managed policies keep their versions in ``policy_versions``; AWS
managed policies are not stored (``managed``). Every table carries its account.

Triggers bump ``generation`` on every write that changes who may do what, so readers
(the key resolver, the authorizer) may cache on :func:`policy_generation`.

The functions at the top are the interface the rest of headwater uses
(``access_key_credential``, ``principal_policies``, ``role``, ``principal_tags``,
``policy_generation``); the ones below serve the IAM API's handlers.
"""

from __future__ import annotations

import sqlite3

from headwater.auth.keys import Principal, root_principal
from headwater.services.iam import managed

_TABLES = """
CREATE TABLE entities (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    created REAL NOT NULL,
    description TEXT,
    trust_policy TEXT,
    max_session INTEGER,
    boundary TEXT,
    UNIQUE (account, kind, name_key)
);
CREATE TABLE policies (
    id TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    path TEXT NOT NULL,
    arn TEXT NOT NULL UNIQUE,
    description TEXT,
    created REAL NOT NULL,
    updated REAL NOT NULL,
    default_version INTEGER NOT NULL,
    next_version INTEGER NOT NULL,
    UNIQUE (account, name_key)
);
CREATE TABLE policy_versions (
    policy_id TEXT NOT NULL REFERENCES policies (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (policy_id, version)
);
CREATE TABLE attachments (
    entity_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    policy_arn TEXT NOT NULL,
    attached REAL NOT NULL,
    PRIMARY KEY (entity_id, policy_arn)
);
CREATE INDEX attachments_by_policy ON attachments (policy_arn, account);
CREATE TABLE inline_policies (
    entity_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    name TEXT NOT NULL,
    document TEXT NOT NULL,
    PRIMARY KEY (entity_id, name)
);
CREATE TABLE memberships (
    group_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    joined REAL NOT NULL,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id);
CREATE TABLE access_keys (
    access_key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    secret TEXT NOT NULL,
    status TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX access_keys_by_user ON access_keys (user_id);
CREATE TABLE key_usage (
    access_key TEXT PRIMARY KEY,
    last_used REAL NOT NULL
);
CREATE TABLE account_keys (
    access_key TEXT PRIMARY KEY,
    account TEXT NOT NULL,
    secret TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE TABLE tags (
    owner_id TEXT NOT NULL,
    account TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (owner_id, key)
);
CREATE TABLE profile_roles (
    profile_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    role_id TEXT NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    account TEXT NOT NULL,
    PRIMARY KEY (profile_id, role_id)
);
CREATE TABLE generation (only INTEGER PRIMARY KEY CHECK (only = 1), value INTEGER NOT NULL);
INSERT INTO generation VALUES (1, 0);
"""

#: Tables whose every change may change an authorization decision.
_WATCHED = ("entities", "policies", "policy_versions", "attachments", "inline_policies",
            "memberships", "access_keys", "account_keys", "tags")


def _generation_triggers() -> str:
    return "".join(
        f"CREATE TRIGGER {table}_{event.lower()}_bumps AFTER {event} ON {table} "
        "BEGIN UPDATE generation SET value = value + 1; END;\n"
        for table in _WATCHED
        for event in ("INSERT", "UPDATE", "DELETE")
    )


MIGRATIONS = [("0001_iam_core", _TABLES + _generation_triggers())]


# --- the interface other parts of headwater use -------------------------------------------


def access_key_credential(conn: sqlite3.Connection, access_key: str) -> tuple[str, Principal, str] | None:
    """``(secret, principal, status)`` for an IAM user's key or an account's root key."""
    row = conn.execute(
        "SELECT k.secret, k.status, e.account, e.arn, e.id, e.name FROM access_keys k "
        "JOIN entities e ON e.id = k.user_id WHERE k.access_key = ?",
        (access_key,),
    ).fetchone()
    if row is not None:
        principal = Principal(row["account"], row["arn"], row["id"], access_key, "user", row["name"])
        return row["secret"], principal, row["status"]
    row = conn.execute("SELECT account, secret FROM account_keys WHERE access_key = ?", (access_key,)).fetchone()
    if row is not None:
        return row["secret"], root_principal(row["account"], access_key), "Active"
    return None


def principal_policies(
    conn: sqlite3.Connection, principal_arn: str
) -> tuple[list[tuple[str, str]], tuple[str, str] | None]:
    """A user's or role's identity policies as ``(source id, JSON)``, and its boundary.

    Identity policies are the entity's inline and attached managed policies and, for a
    user, those of its groups. Source ids are managed policy ARNs or
    ``<kind>/<name>/inline/<policy name>``. A group's ARN gives the group's policies (what
    the policy simulator evaluates for a group).
    """
    entity = conn.execute(
        "SELECT * FROM entities WHERE arn = ? AND kind IN ('user', 'role', 'group')", (principal_arn,)
    ).fetchone()
    if entity is None:
        return [], None
    holders = [entity]
    if entity["kind"] == "user":
        holders += groups_of_user(conn, entity["id"])
    found = []
    for holder in holders:
        found += inline_documents(conn, holder)
        found += [(arn, policy_document(conn, arn) or "{}") for arn in attached_arns(conn, holder["id"])]
    boundary = entity["boundary"]
    if boundary and entity["kind"] == "group":
        boundary = None
    return found, ((boundary, policy_document(conn, boundary) or "{}") if boundary else None)


def role(conn: sqlite3.Connection, role_arn: str) -> dict | None:
    """The role behind ``role_arn`` as IAM describes it (trust policy as JSON text)."""
    row = conn.execute("SELECT * FROM entities WHERE arn = ? AND kind = 'role'", (role_arn,)).fetchone()
    if row is None:
        return None
    return {
        "RoleName": row["name"],
        "Arn": row["arn"],
        "RoleId": row["id"],
        "Path": row["path"],
        "AssumeRolePolicyDocument": row["trust_policy"],
        "MaxSessionDuration": row["max_session"],
        "Tags": tags_of(conn, row["id"]),
        "Account": row["account"],
        "PermissionsBoundary": row["boundary"],
    }


def principal_tags(conn: sqlite3.Connection, principal_arn: str) -> dict[str, str]:
    """The tags of the user or role ``principal_arn`` names (``aws:PrincipalTag/*``)."""
    rows = conn.execute(
        "SELECT t.key, t.value FROM tags t JOIN entities e ON e.id = t.owner_id WHERE e.arn = ? ORDER BY t.position",
        (principal_arn,),
    )
    return {row["key"]: row["value"] for row in rows}


def policy_generation(conn: sqlite3.Connection) -> int:
    """A number that grows with every write that may change an authorization decision."""
    return conn.execute("SELECT value FROM generation").fetchone()[0]


# --- entities: users, groups, roles, instance profiles ------------------------------------


def find_entity(conn: sqlite3.Connection, account: str, kind: str, name: str) -> sqlite3.Row | None:
    """The entity of ``kind`` named ``name`` (names are unique regardless of case)."""
    return conn.execute(
        "SELECT * FROM entities WHERE account = ? AND kind = ? AND name_key = ?", (account, kind, name.lower())
    ).fetchone()


def entity_by_id(conn: sqlite3.Connection, entity_id: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM entities WHERE id = ?", (entity_id,)).fetchone()


def entity_by_arn(conn: sqlite3.Connection, arn: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM entities WHERE arn = ?", (arn,)).fetchone()


def insert_entity(conn: sqlite3.Connection, **columns) -> None:
    """A new entity row; ``name_key`` is derived from ``name``."""
    columns["name_key"] = columns["name"].lower()
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    conn.execute(f"INSERT INTO entities ({names}) VALUES ({marks})", tuple(columns.values()))


def update_entity(conn: sqlite3.Connection, entity_id: str, **columns) -> None:
    if "name" in columns:
        columns["name_key"] = columns["name"].lower()
    assignments = ", ".join(f"{name} = ?" for name in columns)
    conn.execute(f"UPDATE entities SET {assignments} WHERE id = ?", (*columns.values(), entity_id))


def delete_entity(conn: sqlite3.Connection, entity_id: str) -> None:
    conn.execute("DELETE FROM tags WHERE owner_id = ?", (entity_id,))
    conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,))


def list_entities(conn: sqlite3.Connection, account: str, kind: str, path_prefix: str = "/") -> list[sqlite3.Row]:
    """Entities of ``kind`` whose path starts with ``path_prefix``, in name order."""
    return conn.execute(
        "SELECT * FROM entities WHERE account = ? AND kind = ? AND substr(path, 1, length(?)) = ? ORDER BY name_key",
        (account, kind, path_prefix, path_prefix),
    ).fetchall()


def count_entities(conn: sqlite3.Connection, account: str, kind: str) -> int:
    return conn.execute("SELECT count(*) FROM entities WHERE account = ? AND kind = ?", (account, kind)).fetchone()[0]


# --- group membership and instance profiles -----------------------------------------------


def _linked(conn: sqlite3.Connection, links: str, wanted: str, given: str, entity_id: str) -> list[sqlite3.Row]:
    """The entities a link table (``memberships``, ``profile_roles``) pairs with ``entity_id``:
    those its ``wanted`` column names in the rows whose ``given`` column is ``entity_id``, by name."""
    return conn.execute(
        f"SELECT e.* FROM {links} l JOIN entities e ON e.id = l.{wanted} WHERE l.{given} = ? ORDER BY e.name_key",
        (entity_id,),
    ).fetchall()


def groups_of_user(conn: sqlite3.Connection, user_id: str) -> list[sqlite3.Row]:
    return _linked(conn, "memberships", "group_id", "user_id", user_id)


def users_of_group(conn: sqlite3.Connection, group_id: str) -> list[sqlite3.Row]:
    return _linked(conn, "memberships", "user_id", "group_id", group_id)


def add_member(conn: sqlite3.Connection, account: str, group_id: str, user_id: str, now: float) -> None:
    conn.execute("INSERT OR IGNORE INTO memberships VALUES (?, ?, ?, ?)", (group_id, user_id, account, now))


def remove_member(conn: sqlite3.Connection, group_id: str, user_id: str) -> None:
    conn.execute("DELETE FROM memberships WHERE group_id = ? AND user_id = ?", (group_id, user_id))


def roles_of_profile(conn: sqlite3.Connection, profile_id: str) -> list[sqlite3.Row]:
    return _linked(conn, "profile_roles", "role_id", "profile_id", profile_id)


def profiles_of_role(conn: sqlite3.Connection, role_id: str) -> list[sqlite3.Row]:
    return _linked(conn, "profile_roles", "profile_id", "role_id", role_id)


def add_profile_role(conn: sqlite3.Connection, account: str, profile_id: str, role_id: str) -> None:
    conn.execute("INSERT INTO profile_roles VALUES (?, ?, ?)", (profile_id, role_id, account))


def remove_profile_role(conn: sqlite3.Connection, profile_id: str, role_id: str) -> None:
    conn.execute("DELETE FROM profile_roles WHERE profile_id = ? AND role_id = ?", (profile_id, role_id))


# --- tags -------------------------------------------------------------------------------


def tags_of(conn: sqlite3.Connection, owner_id: str) -> list[dict]:
    """``[{"Key", "Value"}]`` in the order they were first set."""
    rows = conn.execute("SELECT key, value FROM tags WHERE owner_id = ? ORDER BY position", (owner_id,))
    return [{"Key": row["key"], "Value": row["value"]} for row in rows]


def put_tags(conn: sqlite3.Connection, account: str, owner_id: str, tags: list[dict]) -> None:
    """Add or overwrite tags; an existing key keeps its place."""
    (position,) = conn.execute("SELECT coalesce(max(position), 0) FROM tags WHERE owner_id = ?", (owner_id,)).fetchone()
    for offset, tag in enumerate(tags, start=1):
        conn.execute(
            "INSERT INTO tags VALUES (?, ?, ?, ?, ?) ON CONFLICT (owner_id, key) DO UPDATE SET value = excluded.value",
            (owner_id, account, tag["Key"], tag["Value"], position + offset),
        )


def remove_tags(conn: sqlite3.Connection, owner_id: str, keys: list[str]) -> None:
    conn.executemany("DELETE FROM tags WHERE owner_id = ? AND key = ?", [(owner_id, key) for key in keys])


# --- inline and attached policies -------------------------------------------------------------


def inline_source(holder: sqlite3.Row, policy_name: str) -> str:
    """The source id of an inline policy: ``user/alice/inline/ReadOrders``."""
    return f"{holder['kind']}/{holder['name']}/inline/{policy_name}"


def inline_documents(conn: sqlite3.Connection, holder: sqlite3.Row) -> list[tuple[str, str]]:
    rows = conn.execute("SELECT name, document FROM inline_policies WHERE entity_id = ? ORDER BY name", (holder["id"],))
    return [(inline_source(holder, row["name"]), row["document"]) for row in rows]


def inline_names(conn: sqlite3.Connection, entity_id: str) -> list[str]:
    rows = conn.execute("SELECT name FROM inline_policies WHERE entity_id = ? ORDER BY name", (entity_id,))
    return [row["name"] for row in rows]


def inline_document(conn: sqlite3.Connection, entity_id: str, name: str) -> str | None:
    row = conn.execute(
        "SELECT document FROM inline_policies WHERE entity_id = ? AND name = ?", (entity_id, name)
    ).fetchone()
    return row["document"] if row else None


def put_inline(conn: sqlite3.Connection, account: str, entity_id: str, name: str, document: str) -> None:
    conn.execute(
        "INSERT INTO inline_policies VALUES (?, ?, ?, ?) "
        "ON CONFLICT (entity_id, name) DO UPDATE SET document = excluded.document",
        (entity_id, account, name, document),
    )


def delete_inline(conn: sqlite3.Connection, entity_id: str, name: str) -> bool:
    cursor = conn.execute("DELETE FROM inline_policies WHERE entity_id = ? AND name = ?", (entity_id, name))
    return cursor.rowcount > 0


def attached_arns(conn: sqlite3.Connection, entity_id: str) -> list[str]:
    rows = conn.execute("SELECT policy_arn FROM attachments WHERE entity_id = ? ORDER BY attached, policy_arn", (entity_id,))
    return [row["policy_arn"] for row in rows]


def attach(conn: sqlite3.Connection, account: str, entity_id: str, policy_arn: str, now: float) -> None:
    conn.execute("INSERT OR IGNORE INTO attachments VALUES (?, ?, ?, ?)", (entity_id, account, policy_arn, now))


def detach(conn: sqlite3.Connection, entity_id: str, policy_arn: str) -> bool:
    cursor = conn.execute("DELETE FROM attachments WHERE entity_id = ? AND policy_arn = ?", (entity_id, policy_arn))
    return cursor.rowcount > 0


def policy_users(conn: sqlite3.Connection, account: str, policy_arn: str) -> list[sqlite3.Row]:
    """Entities that have ``policy_arn`` attached, in kind then name order."""
    return conn.execute(
        "SELECT e.* FROM attachments a JOIN entities e ON e.id = a.entity_id "
        "WHERE a.policy_arn = ? AND a.account = ? ORDER BY e.kind, e.name_key",
        (policy_arn, account),
    ).fetchall()


def attachment_count(conn: sqlite3.Connection, account: str, policy_arn: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM attachments WHERE policy_arn = ? AND account = ?", (policy_arn, account)
    ).fetchone()[0]


def boundary_users(conn: sqlite3.Connection, account: str, policy_arn: str) -> list[sqlite3.Row]:
    """Users and roles whose permissions boundary is ``policy_arn``."""
    return conn.execute(
        "SELECT * FROM entities WHERE account = ? AND boundary = ? ORDER BY kind, name_key", (account, policy_arn)
    ).fetchall()


def boundary_count(conn: sqlite3.Connection, account: str, policy_arn: str) -> int:
    return conn.execute(
        "SELECT count(*) FROM entities WHERE boundary = ? AND account = ?", (policy_arn, account)
    ).fetchone()[0]


# --- managed policy documents ---------------------------------------------------------------


def policy_document(conn: sqlite3.Connection, arn: str) -> str | None:
    """The default version's document of a customer or AWS managed policy."""
    aws = managed.policy(arn)
    if aws is not None:
        return aws.document
    row = conn.execute(
        "SELECT v.document FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.default_version "
        "WHERE p.arn = ?",
        (arn,),
    ).fetchone()
    return row["document"] if row else None


# --- access keys and accounts --------------------------------------------------------------


def access_keys_of(conn: sqlite3.Connection, user_id: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM access_keys WHERE user_id = ? ORDER BY created, access_key", (user_id,)).fetchall()


def access_key(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM access_keys WHERE access_key = ?", (key,)).fetchone()


def insert_access_key(conn: sqlite3.Connection, account: str, user_id: str, key: str, secret: str,
                      now: float, status: str = "Active") -> None:
    conn.execute("INSERT INTO access_keys VALUES (?, ?, ?, ?, ?, ?)", (key, account, user_id, secret, status, now))


def set_access_key_status(conn: sqlite3.Connection, key: str, status: str) -> None:
    conn.execute("UPDATE access_keys SET status = ? WHERE access_key = ?", (status, key))


def delete_access_key(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM access_keys WHERE access_key = ?", (key,))
    conn.execute("DELETE FROM key_usage WHERE access_key = ?", (key,))


def key_last_used(conn: sqlite3.Connection, key: str) -> float | None:
    row = conn.execute("SELECT last_used FROM key_usage WHERE access_key = ?", (key,)).fetchone()
    return row["last_used"] if row else None


def note_key_used(conn: sqlite3.Connection, key: str, when: float) -> None:
    """Record a use of ``key`` (``key_usage`` is not watched: it changes no decision)."""
    conn.execute(
        "INSERT INTO key_usage VALUES (?, ?) ON CONFLICT (access_key) DO UPDATE SET last_used = "
        "max(last_used, excluded.last_used)",
        (key, when),
    )


def put_account_key(conn: sqlite3.Connection, account: str, key: str, secret: str, now: float) -> None:
    """An account's root access key (a second account, or another key of this one)."""
    conn.execute(
        "INSERT INTO account_keys VALUES (?, ?, ?, ?) ON CONFLICT (access_key) DO UPDATE "
        "SET account = excluded.account, secret = excluded.secret",
        (key, account, secret, now),
    )


def account_key(conn: sqlite3.Connection, key: str) -> sqlite3.Row | None:
    return conn.execute("SELECT * FROM account_keys WHERE access_key = ?", (key,)).fetchone()


def account_keys_of(conn: sqlite3.Connection, account: str) -> list[sqlite3.Row]:
    return conn.execute("SELECT * FROM account_keys WHERE account = ? ORDER BY created, access_key",
                        (account,)).fetchall()


def delete_account_key(conn: sqlite3.Connection, key: str) -> None:
    conn.execute("DELETE FROM account_keys WHERE access_key = ?", (key,))
