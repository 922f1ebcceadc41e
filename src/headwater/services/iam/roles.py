"""IAM roles: trust policies, session duration limits, descriptions."""

from __future__ import annotations

import json

from headwater.services.iam import common, documents, errors, ids, service, store
from headwater.services.iam.common import ROLE
from headwater.services.iam.users import check_boundary

#: IAM's quota of roles per account.
MAX_ROLES = 1000
DEFAULT_MAX_SESSION = 3600


def named_principals(document: str) -> list[str]:
    """The ``AWS`` principal entries of a (valid) trust policy."""
    statements = json.loads(document).get("Statement", [])
    found = []
    for statement in statements if isinstance(statements, list) else [statements]:
        for element in ("Principal", "NotPrincipal"):
            principal = statement.get(element)
            entries = principal.get("AWS", []) if isinstance(principal, dict) else []
            found += [entries] if isinstance(entries, str) else entries
    return found


def checked_trust(ctx, document: str) -> str:
    """A trust policy may only name IAM users and roles that exist (as AWS checks on write)."""
    documents.trust_document(document)
    for principal in named_principals(document):
        parts = ids.split_arn(principal)
        if parts and parts[1] in ("user", "role") and store.entity_by_arn(ctx.db, principal) is None:
            raise errors.malformed_policy(f'Invalid principal in policy: "AWS":"{principal}"')
    return document


@service.operation("CreateRole", resources=common.entity_resource(ROLE))
def create_role(ctx, req: dict) -> dict:
    name, path = req["RoleName"], req.get("Path", "/")
    common.check_name_free(ctx, ROLE, name)
    if store.count_entities(ctx.db, ctx.account, ROLE.name) >= MAX_ROLES:
        raise errors.limit_exceeded(f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES}")
    trust = checked_trust(ctx, req["AssumeRolePolicyDocument"])
    check_boundary(ctx, req.get("PermissionsBoundary"))
    row = common.create_entity(
        ctx, ROLE, name, path, req.get("Tags", []), description=req.get("Description"), trust_policy=trust,
        max_session=req.get("MaxSessionDuration", DEFAULT_MAX_SESSION), boundary=req.get("PermissionsBoundary"),
    )
    role = common.describe_role(ctx.db, row, full=True)
    role.pop("RoleLastUsed")
    return {"Role": role}


@service.operation("GetRole", resources=common.entity_resource(ROLE), read_only=True)
def get_role(ctx, req: dict) -> dict:
    return {"Role": common.describe_role(ctx.db, common.lookup(ctx, ROLE, req["RoleName"]), full=True)}


@service.operation("ListRoles", resources="*", read_only=True)
def list_roles(ctx, req: dict) -> dict:
    return common.list_page(ctx, req, ROLE, lambda row: common.describe_role(ctx.db, row))


@service.operation("UpdateRole", resources=common.entity_resource(ROLE))
def update_role(ctx, req: dict) -> dict:
    role = common.lookup(ctx, ROLE, req["RoleName"])
    changes = {"description": req.get("Description"), "max_session": req.get("MaxSessionDuration")}
    changes = {column: value for column, value in changes.items() if value is not None}
    if changes:
        store.update_entity(ctx.db, role["id"], **changes)
    return {}


@service.operation("UpdateRoleDescription", resources=common.entity_resource(ROLE))
def update_role_description(ctx, req: dict) -> dict:
    role = common.lookup(ctx, ROLE, req["RoleName"])
    store.update_entity(ctx.db, role["id"], description=req["Description"])
    return {"Role": common.describe_role(ctx.db, store.entity_by_id(ctx.db, role["id"]), full=True)}


@service.operation("UpdateAssumeRolePolicy", resources=common.entity_resource(ROLE))
def update_assume_role_policy(ctx, req: dict) -> dict:
    role = common.lookup(ctx, ROLE, req["RoleName"])
    store.update_entity(ctx.db, role["id"], trust_policy=checked_trust(ctx, req["PolicyDocument"]))
    return {}


@service.operation("DeleteRole", resources=common.entity_resource(ROLE))
def delete_role(ctx, req: dict) -> dict:
    role = common.lookup(ctx, ROLE, req["RoleName"])
    common.delete_entity(ctx, role, [(store.profiles_of_role, "must remove roles from instance profile first."),
                                     *common.POLICIES_FIRST])
    return {}
