"""What IAM's handlers share: the kinds of entity, lookups that raise AWS's errors,
pagination, and the shapes entities are described with."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from headwater.services.iam import errors, ids, managed, policy_store, store

#: What IAM allows on one entity (IAM quotas).
MAX_TAGS = 50
DEFAULT_MAX_ITEMS = 100


@dataclass(frozen=True)
class Kind:
    """Users, groups and roles: what differs between them in the API."""

    name: str  # "user": the ARN's resource type and the entities.kind value
    title: str  # "User": as it appears in operation and member names
    #: the largest inline policy document, whitespace not counted
    inline_limit: int

    @property
    def member(self) -> str:
        return f"{self.title}Name"


USER = Kind("user", "User", 2048)
GROUP = Kind("group", "Group", 5120)
ROLE = Kind("role", "Role", 10240)
KINDS = (USER, GROUP, ROLE)


def now(ctx) -> float:
    return ctx.clock.time()


def lookup(ctx, kind: Kind, name: str) -> sqlite3.Row:
    """The entity named ``name``, or AWS's NoSuchEntity."""
    found = store.find_entity(ctx.db, ctx.account, kind.name, name)
    if found is None:
        raise errors.missing(kind.name, name)
    return found


def check_name_free(ctx, kind: Kind, name: str) -> None:
    """AWS's EntityAlreadyExists when the account has a ``kind`` named ``name`` (any case)."""
    if store.find_entity(ctx.db, ctx.account, kind.name, name):
        raise errors.entity_exists(kind.title, name)


def create_entity(ctx, kind: Kind, name: str, path: str, tags: list[dict] | None = None, **columns) -> sqlite3.Row:
    """Store a new entity (its id, ARN and creation time made here) with ``tags``; its row."""
    entity_id = ids.unique_id(kind.name)
    store.insert_entity(ctx.db, id=entity_id, account=ctx.account, kind=kind.name, name=name, path=path,
                        arn=ids.entity_arn(ctx.account, kind.name, path, name), created=now(ctx), **columns)
    if tags is not None:
        tag(ctx, entity_id, tags)
    return store.entity_by_id(ctx.db, entity_id)


#: What keeps a user, group or role from being deleted while it has policies.
POLICIES_FIRST = ((store.inline_names, "must delete policies first."),
                  (store.attached_arns, "must detach all policies first."))


def delete_entity(ctx, entity: sqlite3.Row, blockers) -> None:
    """Delete ``entity``, unless a blocker ``(what it still has, what to do first)`` finds
    something: then AWS's DeleteConflict, the first blocker's."""
    for still_has, first in blockers:
        if still_has(ctx.db, entity["id"]):
            raise errors.delete_conflict(f"Cannot delete entity, {first}")
    store.delete_entity(ctx.db, entity["id"])


def entity_resource(kind: Kind, member: str | None = None) -> Callable[[Any, dict], list[str]]:
    """The ARN an operation on the entity named in ``member`` acts on (path from the request, if any)."""
    member = member or kind.member

    def build(ctx, req: dict) -> list[str]:
        return [ids.entity_arn(ctx.account, kind.name, req.get("Path", "/"), req.get(member, ""))]

    return build


def arn_member(member: str) -> Callable[[Any, dict], list[str]]:
    """The resource is the ARN the request names in ``member`` (``*`` for a value that is no ARN)."""

    def build(ctx, req: dict) -> list[str]:
        value = req.get(member, "")
        return [value if value.startswith("arn:") else "*"]

    return build


policy_resource = arn_member("PolicyArn")


# --- policies (customer or AWS managed) ------------------------------------------------------


@dataclass(frozen=True)
class ManagedPolicy:
    """A customer managed policy row or an AWS managed policy, described alike."""

    arn: str
    id: str
    name: str
    path: str
    description: str | None
    created: float
    updated: float
    default_version: str
    row: sqlite3.Row | None  # None for an AWS managed policy

    @property
    def is_aws(self) -> bool:
        return self.row is None


def version_id(number: int) -> str:
    return f"v{number}"


def find_policy(conn: sqlite3.Connection, arn: str) -> ManagedPolicy | None:
    aws = managed.policy(arn)
    if aws is not None:
        return ManagedPolicy(aws.arn, aws.id, aws.name, aws.path, aws.description, aws.created, aws.updated,
                             aws.version, None)
    row = policy_store.find_policy(conn, arn)
    if row is None:
        return None
    return ManagedPolicy(row["arn"], row["id"], row["name"], row["path"], row["description"], row["created"],
                         row["updated"], version_id(row["default_version"]), row)


def policy_missing(arn: str):
    return errors.no_such_entity(f"Policy {arn} does not exist or is not attachable.")


def lookup_policy(ctx, arn: str) -> ManagedPolicy:
    """A policy of the caller's account or AWS's, else NoSuchEntity."""
    found = find_policy(ctx.db, arn)
    if found is None or (not found.is_aws and found.row["account"] != ctx.account):
        raise policy_missing(arn)
    return found


def describe_policy(ctx, policy: ManagedPolicy, full: bool = False) -> dict:
    """The ``Policy`` shape; ``full`` (GetPolicy, CreatePolicy) adds description and tags."""
    result = {
        "PolicyName": policy.name,
        "PolicyId": policy.id,
        "Arn": policy.arn,
        "Path": policy.path,
        "DefaultVersionId": policy.default_version,
        "AttachmentCount": store.attachment_count(ctx.db, ctx.account, policy.arn),
        "PermissionsBoundaryUsageCount": store.boundary_count(ctx.db, ctx.account, policy.arn),
        "IsAttachable": True,
        "CreateDate": policy.created,
        "UpdateDate": policy.updated,
    }
    if full:
        if policy.description:
            result["Description"] = policy.description
        if not policy.is_aws:
            result["Tags"] = store.tags_of(ctx.db, policy.id)
    return result


def attached(conn: sqlite3.Connection, entity_id: str) -> list[dict]:
    """``AttachedPolicies`` of an entity: ``[{"PolicyName", "PolicyArn"}]``."""
    return [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in store.attached_arns(conn, entity_id)]


# --- entity shapes -------------------------------------------------------------------------


def encoded(document: str) -> str:
    """A policy document as IAM returns it: URL-encoded JSON (botocore decodes it)."""
    return quote(document, safe="")


def boundary_shape(arn: str | None) -> dict:
    return {"PermissionsBoundary": {"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}} if arn else {}


def describe_user(conn: sqlite3.Connection, row: sqlite3.Row, full: bool = False) -> dict:
    result = {"Path": row["path"], "UserName": row["name"], "UserId": row["id"], "Arn": row["arn"],
              "CreateDate": row["created"]}
    if full:
        result.update(boundary_shape(row["boundary"]))
        tags = store.tags_of(conn, row["id"])
        if tags:
            result["Tags"] = tags
    return result


def describe_group(row: sqlite3.Row) -> dict:
    return {"Path": row["path"], "GroupName": row["name"], "GroupId": row["id"], "Arn": row["arn"],
            "CreateDate": row["created"]}


def describe_role(conn: sqlite3.Connection, row: sqlite3.Row, full: bool = False) -> dict:
    result = {
        "Path": row["path"], "RoleName": row["name"], "RoleId": row["id"], "Arn": row["arn"],
        "CreateDate": row["created"], "AssumeRolePolicyDocument": encoded(row["trust_policy"]),
        "MaxSessionDuration": row["max_session"],
    }
    if row["description"] is not None:
        result["Description"] = row["description"]
    if full:
        result.update(boundary_shape(row["boundary"]))
        tags = store.tags_of(conn, row["id"])
        if tags:
            result["Tags"] = tags
        result["RoleLastUsed"] = {}
    return result


def describe_profile(conn: sqlite3.Connection, row: sqlite3.Row) -> dict:
    result = {
        "Path": row["path"], "InstanceProfileName": row["name"], "InstanceProfileId": row["id"],
        "Arn": row["arn"], "CreateDate": row["created"],
        "Roles": [describe_role(conn, role) for role in store.roles_of_profile(conn, row["id"])],
    }
    tags = store.tags_of(conn, row["id"])
    if tags:
        result["Tags"] = tags
    return result


# --- tags ------------------------------------------------------------------------------------


def check_tags(conn: sqlite3.Connection, owner_id: str, tags: list[dict]) -> None:
    """AWS's limit of 50 tags on one entity, counting the ones it already has."""
    keys = {tag["Key"] for tag in store.tags_of(conn, owner_id)} | {tag["Key"] for tag in tags}
    if len(keys) > MAX_TAGS:
        raise errors.limit_exceeded(f"The number of tags has reached the maximum limit of {MAX_TAGS}.")


def tag(ctx, owner_id: str, tags: list[dict]) -> None:
    check_tags(ctx.db, owner_id, tags)
    store.put_tags(ctx.db, ctx.account, owner_id, tags)


# --- pagination --------------------------------------------------------------------------------


def _marker(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode()


def _offset(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        text = base64.urlsafe_b64decode(marker.encode()).decode()
        kind, _, number = text.partition(":")
        if kind == "offset" and number.isdigit():
            return int(number)
    except (ValueError, UnicodeDecodeError):
        pass
    raise errors.validation_error("Invalid Marker.")


def list_page(ctx, req: dict, kind: Kind, describe: Callable[[sqlite3.Row], dict]) -> dict:
    """ListUsers, ListGroups, ...: one page of the account's ``kind`` under ``PathPrefix``, described."""
    rows = store.list_entities(ctx.db, ctx.account, kind.name, req.get("PathPrefix", "/"))
    return page(req, f"{kind.title}s", [describe(row) for row in rows])


def page(req: dict, member: str, items: list) -> dict:
    """One page of ``items`` as ``{member: [...], "IsTruncated": ..., "Marker": ...}``."""
    start = _offset(req.get("Marker"))
    size = req.get("MaxItems") or DEFAULT_MAX_ITEMS
    chunk = items[start:start + size]
    result = {member: chunk, "IsTruncated": start + size < len(items)}
    if result["IsTruncated"]:
        result["Marker"] = _marker(start + size)
    return result
