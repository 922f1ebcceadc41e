"""Access keys: created with a secret shown once, listed, (de)activated, deleted.

Without ``UserName`` the operations act on the caller: an IAM user's own keys, or the
root user's keys of its account.
"""

from __future__ import annotations

from headwater.services.iam import common, errors, ids, service, store
from headwater.services.iam.common import USER

#: IAM's quota of access keys per user.
MAX_KEYS = 2


def key_owner(ctx, req: dict):
    """The user row the request's keys belong to, or None for the root user."""
    if "UserName" in req:
        return common.lookup(ctx, USER, req["UserName"])
    principal = ctx.principal
    if principal.is_root:
        return None
    if principal.kind != "user":
        raise errors.validation_error("Must specify userName when calling with non-User credentials")
    return common.lookup(ctx, USER, principal.name)


def owner_resource(ctx, req: dict) -> list[str]:
    if "UserName" in req:
        return common.entity_resource(USER)(ctx, req)
    return [ctx.principal.arn]


def owned_keys(ctx, owner) -> list:
    if owner is None:
        return store.account_keys_of(ctx.db, ctx.account)
    return store.access_keys_of(ctx.db, owner["id"])


def describe_key(owner, row) -> dict:
    result = {"AccessKeyId": row["access_key"], "Status": row["status"] if owner else "Active",
              "CreateDate": row["created"]}
    if owner is not None:
        result["UserName"] = owner["name"]
    return result


def owned_key(ctx, owner, key: str):
    for row in owned_keys(ctx, owner):
        if row["access_key"] == key:
            return row
    raise errors.no_such_entity(f"The Access Key with id {key} cannot be found.")


@service.operation("CreateAccessKey", resources=owner_resource)
def create_access_key(ctx, req: dict) -> dict:
    owner = key_owner(ctx, req)
    if len(owned_keys(ctx, owner)) >= MAX_KEYS:
        raise errors.limit_exceeded(f"Cannot exceed quota for AccessKeysPerUser: {MAX_KEYS}")
    key, secret, created = ids.access_key_id(), ids.secret_access_key(), common.now(ctx)
    if owner is None:
        store.put_account_key(ctx.db, ctx.account, key, secret, created)
    else:
        store.insert_access_key(ctx.db, ctx.account, owner["id"], key, secret, created)
    result = describe_key(owner, {"access_key": key, "status": "Active", "created": created})
    return {"AccessKey": {**result, "UserName": owner["name"] if owner else "root", "SecretAccessKey": secret}}


@service.operation("ListAccessKeys", resources=owner_resource, read_only=True)
def list_access_keys(ctx, req: dict) -> dict:
    owner = key_owner(ctx, req)
    described = [describe_key(owner, row) for row in owned_keys(ctx, owner)]
    result = common.page(req, "AccessKeyMetadata", described)
    return {**result, "UserName": owner["name"]} if owner else result


@service.operation("UpdateAccessKey", resources=owner_resource)
def update_access_key(ctx, req: dict) -> dict:
    owner = key_owner(ctx, req)
    owned_key(ctx, owner, req["AccessKeyId"])
    if owner is None:
        raise errors.invalid_input("The root user's access keys cannot be deactivated in headwater; delete them instead.")
    store.set_access_key_status(ctx.db, req["AccessKeyId"], req["Status"])
    return {}


@service.operation("DeleteAccessKey", resources=owner_resource)
def delete_access_key(ctx, req: dict) -> dict:
    owner = key_owner(ctx, req)
    owned_key(ctx, owner, req["AccessKeyId"])
    if owner is None:
        store.delete_account_key(ctx.db, req["AccessKeyId"])
    else:
        store.delete_access_key(ctx.db, req["AccessKeyId"])
    return {}


@service.operation("GetAccessKeyLastUsed", resources="*", read_only=True)
def get_access_key_last_used(ctx, req: dict) -> dict:
    row = store.access_key(ctx.db, req["AccessKeyId"])
    if row is None or row["account"] != ctx.account:
        raise errors.no_such_entity(f"The Access Key with id {req['AccessKeyId']} cannot be found.")
    used = {"ServiceName": "N/A", "Region": "N/A"}
    last_used = store.key_last_used(ctx.db, row["access_key"])
    if last_used is not None:
        used["LastUsedDate"] = last_used
    return {"UserName": store.entity_by_id(ctx.db, row["user_id"])["name"], "AccessKeyLastUsed": used}
