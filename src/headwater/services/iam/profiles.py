"""Instance profiles: a name that carries (at most) one role to an EC2 instance."""

from __future__ import annotations

from headwater.services.iam import common, errors, service, store
from headwater.services.iam.common import ROLE

PROFILE = common.Kind("instance-profile", "InstanceProfile", 0)
#: IAM's quota: one role per instance profile.
MAX_ROLES_PER_PROFILE = 1


def lookup_profile(ctx, name: str):
    found = store.find_entity(ctx.db, ctx.account, PROFILE.name, name)
    if found is None:
        raise errors.no_such_entity(f"Instance Profile {name} cannot be found.")
    return found


@service.operation("CreateInstanceProfile", resources=common.entity_resource(PROFILE))
def create_instance_profile(ctx, req: dict) -> dict:
    name, path = req["InstanceProfileName"], req.get("Path", "/")
    if store.find_entity(ctx.db, ctx.account, PROFILE.name, name):
        raise errors.already_exists(f"Instance Profile {name} already exists.")
    profile = common.create_entity(ctx, PROFILE, name, path, req.get("Tags", []))
    return {"InstanceProfile": common.describe_profile(ctx.db, profile)}


@service.operation("GetInstanceProfile", resources=common.entity_resource(PROFILE), read_only=True)
def get_instance_profile(ctx, req: dict) -> dict:
    return {"InstanceProfile": common.describe_profile(ctx.db, lookup_profile(ctx, req["InstanceProfileName"]))}


@service.operation("ListInstanceProfiles", resources="*", read_only=True)
def list_instance_profiles(ctx, req: dict) -> dict:
    return common.list_page(ctx, req, PROFILE, lambda row: common.describe_profile(ctx.db, row))


@service.operation("ListInstanceProfilesForRole", resources=common.entity_resource(ROLE), read_only=True)
def list_instance_profiles_for_role(ctx, req: dict) -> dict:
    role = common.lookup(ctx, ROLE, req["RoleName"])
    rows = store.profiles_of_role(ctx.db, role["id"])
    return common.page(req, "InstanceProfiles", [common.describe_profile(ctx.db, row) for row in rows])


@service.operation("AddRoleToInstanceProfile", resources=common.entity_resource(PROFILE))
def add_role_to_instance_profile(ctx, req: dict) -> dict:
    profile = lookup_profile(ctx, req["InstanceProfileName"])
    role = common.lookup(ctx, ROLE, req["RoleName"])
    if len(store.roles_of_profile(ctx.db, profile["id"])) >= MAX_ROLES_PER_PROFILE:
        raise errors.limit_exceeded(f"Cannot exceed quota for InstanceSessionsPerInstanceProfile: {MAX_ROLES_PER_PROFILE}")
    store.add_profile_role(ctx.db, ctx.account, profile["id"], role["id"])
    return {}


@service.operation("RemoveRoleFromInstanceProfile", resources=common.entity_resource(PROFILE))
def remove_role_from_instance_profile(ctx, req: dict) -> dict:
    profile = lookup_profile(ctx, req["InstanceProfileName"])
    role = common.lookup(ctx, ROLE, req["RoleName"])
    if role["id"] not in {row["id"] for row in store.roles_of_profile(ctx.db, profile["id"])}:
        raise errors.no_such_entity(f"The role with name {role['name']} cannot be found in instance profile "
                                    f"{profile['name']}.")
    store.remove_profile_role(ctx.db, profile["id"], role["id"])
    return {}


@service.operation("DeleteInstanceProfile", resources=common.entity_resource(PROFILE))
def delete_instance_profile(ctx, req: dict) -> dict:
    profile = lookup_profile(ctx, req["InstanceProfileName"])
    common.delete_entity(ctx, profile, [(store.roles_of_profile, "must remove roles from instance profile first.")])
    return {}
