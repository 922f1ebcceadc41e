"""Managed policies attached to users, groups and roles; permissions boundaries.

The Attach/Detach/ListAttached operations are the same for the three kinds of
entity, so they are registered once per kind.
"""

from __future__ import annotations

from headwater.services.iam import common, errors, service, store
from headwater.services.iam.common import GROUP, KINDS, ROLE, USER

#: IAM's default quota of managed policies attached to one user, group or role.
MAX_ATTACHED = 10


def attach_handler(kind: common.Kind):
    def attach_policy(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        policy = common.lookup_policy(ctx, req["PolicyArn"])
        arns = store.attached_arns(ctx.db, entity["id"])
        if policy.arn not in arns and len(arns) >= MAX_ATTACHED:
            raise errors.limit_exceeded(f"Cannot exceed quota for PoliciesPer{kind.title}: {MAX_ATTACHED}")
        store.attach(ctx.db, ctx.account, entity["id"], policy.arn, common.now(ctx))
        return {}

    return attach_policy


def detach_handler(kind: common.Kind):
    def detach_policy(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        if not store.detach(ctx.db, entity["id"], req["PolicyArn"]):
            raise errors.no_such_entity(f"Policy {req['PolicyArn']} was not found.")
        return {}

    return detach_policy


def list_attached_handler(kind: common.Kind):
    def list_attached_policies(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        prefix = req.get("PathPrefix", "/")
        found = [entry for entry in common.attached(ctx.db, entity["id"])
                 if (policy := common.find_policy(ctx.db, entry["PolicyArn"])) and policy.path.startswith(prefix)]
        return common.page(req, "AttachedPolicies", found)

    return list_attached_policies


for _kind in KINDS:
    _resource = common.entity_resource(_kind)
    service.operation(f"Attach{_kind.title}Policy", resources=_resource)(attach_handler(_kind))
    service.operation(f"Detach{_kind.title}Policy", resources=_resource)(detach_handler(_kind))
    service.operation(f"ListAttached{_kind.title}Policies", resources=_resource, read_only=True)(
        list_attached_handler(_kind))


@service.operation("ListEntitiesForPolicy", resources=common.policy_resource, read_only=True)
def list_entities_for_policy(ctx, req: dict) -> dict:
    policy = common.lookup_policy(ctx, req["PolicyArn"])
    wanted = req.get("EntityFilter")
    prefix = req.get("PathPrefix", "/")
    if req.get("PolicyUsageFilter") == "PermissionsBoundary":
        rows = store.boundary_users(ctx.db, ctx.account, policy.arn)
    else:
        rows = store.policy_users(ctx.db, ctx.account, policy.arn)
    listed = {USER.name: [], GROUP.name: [], ROLE.name: []}
    for row in rows:
        if row["path"].startswith(prefix) and wanted in (None, row["kind"].title()):
            title = row["kind"].title()
            listed[row["kind"]].append({f"{title}Name": row["name"], f"{title}Id": row["id"]})
    result = common.page(req, "PolicyUsers", listed[USER.name])
    result["PolicyGroups"] = listed[GROUP.name]
    result["PolicyRoles"] = listed[ROLE.name]
    return result


# --- permissions boundaries ------------------------------------------------------------------


def put_boundary_handler(kind: common.Kind):
    def put_permissions_boundary(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        policy = common.lookup_policy(ctx, req["PermissionsBoundary"])
        store.update_entity(ctx.db, entity["id"], boundary=policy.arn)
        return {}

    return put_permissions_boundary


def delete_boundary_handler(kind: common.Kind):
    def delete_permissions_boundary(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        store.update_entity(ctx.db, entity["id"], boundary=None)
        return {}

    return delete_permissions_boundary


for _kind in (USER, ROLE):
    _resource = common.entity_resource(_kind)
    service.operation(f"Put{_kind.title}PermissionsBoundary", resources=_resource)(put_boundary_handler(_kind))
    service.operation(f"Delete{_kind.title}PermissionsBoundary", resources=_resource)(delete_boundary_handler(_kind))
