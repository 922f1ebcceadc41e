"""IAM groups and their members."""

from __future__ import annotations

from headwater.services.iam import common, errors, service, store
from headwater.services.iam.common import GROUP, USER
from headwater.services.iam.users import rename

#: IAM's quotas: groups per account, groups one user may be in.
MAX_GROUPS = 300
MAX_GROUPS_PER_USER = 10


@service.operation("CreateGroup", resources=common.entity_resource(GROUP))
def create_group(ctx, req: dict) -> dict:
    name, path = req["GroupName"], req.get("Path", "/")
    common.check_name_free(ctx, GROUP, name)
    if store.count_entities(ctx.db, ctx.account, GROUP.name) >= MAX_GROUPS:
        raise errors.limit_exceeded(f"Cannot exceed quota for GroupsPerAccount: {MAX_GROUPS}")
    return {"Group": common.describe_group(common.create_entity(ctx, GROUP, name, path))}


@service.operation("GetGroup", resources=common.entity_resource(GROUP), read_only=True)
def get_group(ctx, req: dict) -> dict:
    group = common.lookup(ctx, GROUP, req["GroupName"])
    users = [common.describe_user(ctx.db, row) for row in store.users_of_group(ctx.db, group["id"])]
    return {"Group": common.describe_group(group), **common.page(req, "Users", users)}


@service.operation("ListGroups", resources="*", read_only=True)
def list_groups(ctx, req: dict) -> dict:
    return common.list_page(ctx, req, GROUP, common.describe_group)


@service.operation("ListGroupsForUser", resources=common.entity_resource(USER), read_only=True)
def list_groups_for_user(ctx, req: dict) -> dict:
    user = common.lookup(ctx, USER, req["UserName"])
    groups = [common.describe_group(row) for row in store.groups_of_user(ctx.db, user["id"])]
    return common.page(req, "Groups", groups)


@service.operation("UpdateGroup", resources=common.entity_resource(GROUP))
def update_group(ctx, req: dict) -> dict:
    group = common.lookup(ctx, GROUP, req["GroupName"])
    rename(ctx, GROUP, group, req.get("NewGroupName"), req.get("NewPath"))
    return {}


@service.operation("DeleteGroup", resources=common.entity_resource(GROUP))
def delete_group(ctx, req: dict) -> dict:
    group = common.lookup(ctx, GROUP, req["GroupName"])
    common.delete_entity(ctx, group, [(store.users_of_group, "must remove users from group first."),
                                      *common.POLICIES_FIRST])
    return {}


@service.operation("AddUserToGroup", resources=common.entity_resource(GROUP))
def add_user_to_group(ctx, req: dict) -> dict:
    group = common.lookup(ctx, GROUP, req["GroupName"])
    user = common.lookup(ctx, USER, req["UserName"])
    memberships = store.groups_of_user(ctx.db, user["id"])
    if group["id"] not in {row["id"] for row in memberships} and len(memberships) >= MAX_GROUPS_PER_USER:
        raise errors.limit_exceeded(f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}")
    store.add_member(ctx.db, ctx.account, group["id"], user["id"], common.now(ctx))
    return {}


@service.operation("RemoveUserFromGroup", resources=common.entity_resource(GROUP))
def remove_user_from_group(ctx, req: dict) -> dict:
    group = common.lookup(ctx, GROUP, req["GroupName"])
    user = common.lookup(ctx, USER, req["UserName"])
    if user["id"] not in {row["id"] for row in store.users_of_group(ctx.db, group["id"])}:
        raise errors.no_such_entity(f"User {user['name']} is not in group {group['name']}.")
    store.remove_member(ctx.db, group["id"], user["id"])
    return {}
