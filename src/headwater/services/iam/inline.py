"""Inline policies of users, groups and roles (Put/Get/List/Delete, registered per kind)."""

from __future__ import annotations

from headwater.services.iam import common, documents, errors, service, store
from headwater.services.iam.common import KINDS


def inline_missing(kind: common.Kind, name: str):
    return errors.no_such_entity(f"The {kind.name} policy with name {name} cannot be found.")


def put_handler(kind: common.Kind):
    def put_policy(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        document = documents.inline_document(req["PolicyDocument"], kind, entity["name"])
        store.put_inline(ctx.db, ctx.account, entity["id"], req["PolicyName"], document)
        return {}

    return put_policy


def get_handler(kind: common.Kind):
    def get_policy(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        document = store.inline_document(ctx.db, entity["id"], req["PolicyName"])
        if document is None:
            raise inline_missing(kind, req["PolicyName"])
        return {kind.member: entity["name"], "PolicyName": req["PolicyName"],
                "PolicyDocument": common.encoded(document)}

    return get_policy


def list_handler(kind: common.Kind):
    def list_policies(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        return common.page(req, "PolicyNames", store.inline_names(ctx.db, entity["id"]))

    return list_policies


def delete_handler(kind: common.Kind):
    def delete_policy(ctx, req: dict) -> dict:
        entity = common.lookup(ctx, kind, req[kind.member])
        if not store.delete_inline(ctx.db, entity["id"], req["PolicyName"]):
            raise inline_missing(kind, req["PolicyName"])
        return {}

    return delete_policy


for _kind in KINDS:
    _resource = common.entity_resource(_kind)
    service.operation(f"Put{_kind.title}Policy", resources=_resource)(put_handler(_kind))
    service.operation(f"Get{_kind.title}Policy", resources=_resource, read_only=True)(get_handler(_kind))
    service.operation(f"List{_kind.title}Policies", resources=_resource, read_only=True)(list_handler(_kind))
    service.operation(f"Delete{_kind.title}Policy", resources=_resource)(delete_handler(_kind))
