"""Account-wide views: GetAccountAuthorizationDetails and GetAccountSummary."""

from __future__ import annotations

from headwater.services.iam import common, managed, policy_store, service, store
from headwater.services.iam.access_keys import MAX_KEYS
from headwater.services.iam.attachments import MAX_ATTACHED
from headwater.services.iam.common import GROUP, ROLE, USER
from headwater.services.iam.groups import MAX_GROUPS, MAX_GROUPS_PER_USER
from headwater.services.iam.policies import (
    MAX_POLICIES,
    MAX_VERSIONS,
    describe_version,
    listed_policies,
    versions,
)
from headwater.services.iam.profiles import PROFILE
from headwater.services.iam.roles import MAX_ROLES
from headwater.services.iam.users import MAX_USERS

FILTERS = ("User", "Group", "Role", "LocalManagedPolicy", "AWSManagedPolicy")


def inline_list(ctx, entity) -> list[dict]:
    return [{"PolicyName": name, "PolicyDocument": common.encoded(store.inline_document(ctx.db, entity["id"], name))}
            for name in store.inline_names(ctx.db, entity["id"])]


def user_detail(ctx, row) -> dict:
    return {
        **common.describe_user(ctx.db, row, full=True),
        "UserPolicyList": inline_list(ctx, row),
        "GroupList": [group["name"] for group in store.groups_of_user(ctx.db, row["id"])],
        "AttachedManagedPolicies": common.attached(ctx.db, row["id"]),
    }


def group_detail(ctx, row) -> dict:
    return {**common.describe_group(row), "GroupPolicyList": inline_list(ctx, row),
            "AttachedManagedPolicies": common.attached(ctx.db, row["id"])}


def role_detail(ctx, row) -> dict:
    return {
        **common.describe_role(ctx.db, row, full=True),
        "InstanceProfileList": [common.describe_profile(ctx.db, p) for p in store.profiles_of_role(ctx.db, row["id"])],
        "RolePolicyList": inline_list(ctx, row),
        "AttachedManagedPolicies": common.attached(ctx.db, row["id"]),
    }


def policy_detail(ctx, policy: common.ManagedPolicy) -> dict:
    detail = common.describe_policy(ctx, policy, full=True)
    detail.pop("Tags", None)
    detail["PolicyVersionList"] = [describe_version(policy, number, document, created)
                                   for number, document, created in versions(ctx, policy)]
    return detail


@service.operation("GetAccountAuthorizationDetails", resources="*", read_only=True)
def get_account_authorization_details(ctx, req: dict) -> dict:
    wanted = set(req.get("Filter") or FILTERS)
    result = {"IsTruncated": False}
    for kind, member, describe in ((USER, "UserDetailList", user_detail), (GROUP, "GroupDetailList", group_detail),
                                   (ROLE, "RoleDetailList", role_detail)):
        if kind.title in wanted:
            result[member] = [describe(ctx, row) for row in store.list_entities(ctx.db, ctx.account, kind.name)]
    policies = []
    for policy in listed_policies(ctx, "All"):
        in_use = store.attachment_count(ctx.db, ctx.account, policy.arn) or store.boundary_count(
            ctx.db, ctx.account, policy.arn)
        if ("AWSManagedPolicy" in wanted and policy.is_aws and in_use) or (
                "LocalManagedPolicy" in wanted and not policy.is_aws):
            policies.append(policy_detail(ctx, policy))
    if wanted & {"AWSManagedPolicy", "LocalManagedPolicy"}:
        result["Policies"] = policies
    return result


@service.operation("GetAccountSummary", resources="*", read_only=True)
def get_account_summary(ctx, req: dict) -> dict:
    count = lambda kind: store.count_entities(ctx.db, ctx.account, kind.name)
    attached_aws = sum(1 for arn in managed.policies() if store.attachment_count(ctx.db, ctx.account, arn))
    summary = {
        "Users": count(USER), "UsersQuota": MAX_USERS, "Groups": count(GROUP), "GroupsQuota": MAX_GROUPS,
        "Roles": count(ROLE), "RolesQuota": MAX_ROLES, "InstanceProfiles": count(PROFILE),
        "Policies": len(policy_store.list_policies(ctx.db, ctx.account)), "PoliciesQuota": MAX_POLICIES,
        "AttachedPoliciesPerUserQuota": MAX_ATTACHED, "AttachedPoliciesPerGroupQuota": MAX_ATTACHED,
        "AttachedPoliciesPerRoleQuota": MAX_ATTACHED, "AccessKeysPerUserQuota": MAX_KEYS,
        "GroupsPerUserQuota": MAX_GROUPS_PER_USER, "VersionsPerPolicyQuota": MAX_VERSIONS,
        "PolicyVersionsInUse": attached_aws, "AccountAccessKeysPresent": int(bool(store.account_keys_of(ctx.db, ctx.account))),
        "AccountMFAEnabled": 0, "MFADevices": 0, "MFADevicesInUse": 0, "ServerCertificates": 0,
    }
    return {"SummaryMap": summary}
