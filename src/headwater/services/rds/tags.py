"""Tags on instances, snapshots and subnet groups: AddTagsToResource, ListTagsForResource,
RemoveTagsFromResource. Tags are keyed by the resource's ARN."""

from __future__ import annotations

from headwater.services.rds import arns, instances, service, snapshots, store, subnet_groups

FINDERS = {"db": instances.find, "snapshot": snapshots.find, "subgrp": subnet_groups.find}


def by_resource_name(ctx, req: dict) -> list[str]:
    """The ARN the request names (a name that is no ARN is refused by the handler)."""
    name = req["ResourceName"]
    return [name if name.startswith("arn:") else "*"]


def existing(ctx, resource_name: str) -> str:
    """The ARN, once its resource is known to exist (else the resource's not-found error)."""
    kind, name = arns.parse(ctx, resource_name)
    FINDERS[kind](ctx, name)
    return arns.arn(ctx.region, ctx.account, kind, name.lower())


@service.operation("AddTagsToResource", resources=by_resource_name)
def add_tags_to_resource(ctx, req: dict) -> dict:
    store.add_tags(ctx.db, existing(ctx, req["ResourceName"]), req["Tags"])
    return {}


@service.operation("ListTagsForResource", resources=by_resource_name, read_only=True)
def list_tags_for_resource(ctx, req: dict) -> dict:
    return {"TagList": store.tags(ctx.db, existing(ctx, req["ResourceName"]))}


@service.operation("RemoveTagsFromResource", resources=by_resource_name)
def remove_tags_from_resource(ctx, req: dict) -> dict:
    store.remove_tags(ctx.db, existing(ctx, req["ResourceName"]), req["TagKeys"])
    return {}
