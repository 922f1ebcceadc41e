"""Tags on users, roles, customer managed policies and instance profiles.

Tag/Untag/List work alike for each: they are registered once per taggable thing,
which only differ in how the request names their owner.
"""

from __future__ import annotations

from collections.abc import Callable

from headwater.services.iam import common, errors, service, store
from headwater.services.iam.common import ROLE, USER
from headwater.services.iam.profiles import PROFILE


def entity_owner(kind: common.Kind) -> Callable:
    return lambda ctx, req: common.lookup(ctx, kind, req[kind.member])["id"]


def policy_owner(ctx, req: dict) -> str:
    policy = common.lookup_policy(ctx, req["PolicyArn"])
    if policy.is_aws:
        raise errors.invalid_input(f"The policy {policy.arn} is an AWS managed policy and cannot be tagged.")
    return policy.id


#: thing (as in TagUser) → (how to find its id, the resource it is authorized as)
TAGGABLE = {
    "User": (entity_owner(USER), common.entity_resource(USER)),
    "Role": (entity_owner(ROLE), common.entity_resource(ROLE)),
    "InstanceProfile": (entity_owner(PROFILE), common.entity_resource(PROFILE)),
    "Policy": (policy_owner, common.policy_resource),
}


def tag_handler(owner: Callable):
    def tag(ctx, req: dict) -> dict:
        common.tag(ctx, owner(ctx, req), req["Tags"])
        return {}

    return tag


def untag_handler(owner: Callable):
    def untag(ctx, req: dict) -> dict:
        store.remove_tags(ctx.db, owner(ctx, req), req["TagKeys"])
        return {}

    return untag


def list_handler(owner: Callable):
    def list_tags(ctx, req: dict) -> dict:
        return common.page(req, "Tags", store.tags_of(ctx.db, owner(ctx, req)))

    return list_tags


for _thing, (_owner, _resource) in TAGGABLE.items():
    service.operation(f"Tag{_thing}", resources=_resource)(tag_handler(_owner))
    service.operation(f"Untag{_thing}", resources=_resource)(untag_handler(_owner))
    service.operation(f"List{_thing}Tags", resources=_resource, read_only=True)(list_handler(_owner))
