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
    if store.find_entity(ctx.db, ctx.account, USER.name, name):
        raise errors.entity_exists("User", name)
    if store.count_entities(ctx.db, ctx.account, USER.name) >= MAX_USERS:
        raise errors.limit_exceeded(f"Cannot exceed quota for UsersPerAccount: {MAX_USERS}")
    check_boundary(ctx, req.get("PermissionsBoundary"))
    user_id = ids.unique_id(USER.name)
    store.insert_entity(
        ctx.db, id=user_id, account=ctx.account, kind=USER.name, name=name, path=path,
        arn=ids.entity_arn(ctx.account, USER.name, path, name), created=common.now(ctx),
        boundary=req.get("PermissionsBoundary"),
    )
    common.tag(ctx, user_id, req.get("Tags", []))
    return {"User": common.describe_user(ctx.db, store.entity_by_id(ctx.db, user_id), full=True)}


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
    rows = store.list_entities(ctx.db, ctx.account, USER.name, req.get("PathPrefix", "/"))
    return common.page(req, "Users", [common.describe_user(ctx.db, row) for row in rows])


@service.operation("UpdateUser", resources=common.entity_resource(USER))
def update_user(ctx, req: dict) -> dict:
    user = common.lookup(ctx, USER, req["UserName"])
    rename(ctx, USER, user, req.get("NewUserName"), req.get("NewPath"))
    return {}


def rename(ctx, kind: common.Kind, entity, new_name: str | None, new_path: str | None) -> None:
    """Give a user or group a new name and/or path (its ARN follows)."""
    name, path = new_name or entity["name"], new_path or entity["path"]
    if name.lower() != entity["name_key"] and store.find_entity(ctx.db, ctx.account, kind.name, name):
        raise errors.entity_exists(kind.title, name)
    store.update_entity(ctx.db, entity["id"], name=name, path=path,
                        arn=ids.entity_arn(ctx.account, kind.name, path, name))


@service.operation("DeleteUser", resources=common.entity_resource(USER))
def delete_user(ctx, req: dict) -> dict:
    user = common.lookup(ctx, USER, req["UserName"])
    if store.access_keys_of(ctx.db, user["id"]):
        raise errors.delete_conflict("Cannot delete entity, must delete access keys first.")
    if store.inline_names(ctx.db, user["id"]):
        raise errors.delete_conflict("Cannot delete entity, must delete policies first.")
    if store.attached_arns(ctx.db, user["id"]):
        raise errors.delete_conflict("Cannot delete entity, must detach all policies first.")
    if store.groups_of_user(ctx.db, user["id"]):
        raise errors.delete_conflict("Cannot delete entity, must remove users from group first.")
    store.delete_entity(ctx.db, user["id"])
    return {}
