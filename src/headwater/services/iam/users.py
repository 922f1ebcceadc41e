"""IAM users: create, describe, list, rename, delete; GetUser without a name is the caller."""

from __future__ import annotations

from headwater.services.iam import common, errors, ids, service, store
from headwater.services.iam.common import USER

#: IAM's quota of users per account.
MAX_USERS = 5000


def check_boundary(ctx, arn: str | None) -> None:
    """A permissions boundary must be a managed policy the caller can see."""
    if arn is not None:
        common.lookup_policy(ctx, arn)


@service.operation("CreateUser", resources=common.entity_resource(USER))
def create_user(ctx, req: dict) -> dict:
    name, path = req["UserName"], req.get("Path", "/")
    common.check_name_free(ctx, USER, name)
    if store.count_entities(ctx.db, ctx.account, USER.name) >= MAX_USERS:
        raise errors.limit_exceeded(f"Cannot exceed quota for UsersPerAccount: {MAX_USERS}")
    check_boundary(ctx, req.get("PermissionsBoundary"))
    user = common.create_entity(ctx, USER, name, path, req.get("Tags", []), boundary=req.get("PermissionsBoundary"))
    return {"User": common.describe_user(ctx.db, user, full=True)}


def caller_resource(ctx, req: dict) -> list[str]:
    if "UserName" in req:
        return common.entity_resource(USER)(ctx, req)
    return [ctx.principal.arn]


@service.operation("GetUser", resources=caller_resource, read_only=True)
def get_user(ctx, req: dict) -> dict:
    if "UserName" in req:
        return {"User": common.describe_user(ctx.db, common.lookup(ctx, USER, req["UserName"]), full=True)}
    principal = ctx.principal
    if principal.is_root:
        return {"User": {"UserId": principal.account, "Arn": principal.arn, "CreateDate": 0.0}}
    if principal.kind != "user":
        raise errors.validation_error("Must specify userName when calling with non-User credentials")
    return {"User": common.describe_user(ctx.db, common.lookup(ctx, USER, principal.name), full=True)}


@service.operation("ListUsers", resources="*", read_only=True)
def list_users(ctx, req: dict) -> dict:
    return common.list_page(ctx, req, USER, lambda row: common.describe_user(ctx.db, row))


@service.operation("UpdateUser", resources=common.entity_resource(USER))
def update_user(ctx, req: dict) -> dict:
    user = common.lookup(ctx, USER, req["UserName"])
    rename(ctx, USER, user, req.get("NewUserName"), req.get("NewPath"))
    return {}


def rename(ctx, kind: common.Kind, entity, new_name: str | None, new_path: str | None) -> None:
    """Give a user or group a new name and/or path (its ARN follows)."""
    name, path = new_name or entity["name"], new_path or entity["path"]
    if name.lower() != entity["name_key"]:
        common.check_name_free(ctx, kind, name)
    store.update_entity(ctx.db, entity["id"], name=name, path=path,
                        arn=ids.entity_arn(ctx.account, kind.name, path, name))


@service.operation("DeleteUser", resources=common.entity_resource(USER))
def delete_user(ctx, req: dict) -> dict:
    user = common.lookup(ctx, USER, req["UserName"])
    common.delete_entity(ctx, user, [(store.access_keys_of, "must delete access keys first."),
                                     *common.POLICIES_FIRST,
                                     (store.groups_of_user, "must remove users from group first.")])
    return {}
