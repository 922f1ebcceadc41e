"""Managed policies and their versions (customer managed; AWS managed ones are read-only)."""

from __future__ import annotations

from headwater.services.iam import (
    common,
    documents,
    errors,
    ids,
    managed,
    policy_store,
    service,
    store,
)

#: IAM's quotas: customer managed policies per account, versions per policy.
MAX_POLICIES = 1500
MAX_VERSIONS = 5


def policy_arn_template(ctx, req: dict) -> list[str]:
    return [f"arn:aws:iam::{ctx.account}:policy{req.get('Path', '/')}{req.get('PolicyName', '')}"]


def customer_policy(ctx, arn: str) -> common.ManagedPolicy:
    """A policy the caller may change: its account's, never AWS's."""
    policy = common.lookup_policy(ctx, arn)
    if policy.is_aws:
        raise errors.invalid_input(f"The policy {arn} is an AWS managed policy and cannot be changed.")
    return policy


@service.operation("CreatePolicy", resources=policy_arn_template)
def create_policy(ctx, req: dict) -> dict:
    name, path = req["PolicyName"], req.get("Path", "/")
    if policy_store.policy_named(ctx.db, ctx.account, name):
        raise errors.already_exists(f"A policy called {name} already exists. Duplicate names are not allowed.")
    if len(policy_store.list_policies(ctx.db, ctx.account)) >= MAX_POLICIES:
        raise errors.limit_exceeded(f"Cannot exceed quota for PoliciesPerAccount: {MAX_POLICIES}")
    document = documents.managed_document(req["PolicyDocument"])
    row = {"id": ids.unique_id("policy"), "account": ctx.account, "name": name, "path": path,
           "arn": policy_arn_template(ctx, req)[0], "description": req.get("Description"),
           "created": common.now(ctx)}
    policy_store.insert_policy(ctx.db, row, document)
    common.tag(ctx, row["id"], req.get("Tags", []))
    policy = common.describe_policy(ctx, common.find_policy(ctx.db, row["arn"]), full=True)
    policy.pop("Description", None)
    return {"Policy": policy}


@service.operation("GetPolicy", resources=common.policy_resource, read_only=True)
def get_policy(ctx, req: dict) -> dict:
    return {"Policy": common.describe_policy(ctx, common.lookup_policy(ctx, req["PolicyArn"]), full=True)}


def listed_policies(ctx, scope: str) -> list[common.ManagedPolicy]:
    aws = [common.find_policy(ctx.db, arn) for arn in managed.policies()] if scope in ("All", "AWS") else []
    local = [common.find_policy(ctx.db, row["arn"]) for row in policy_store.list_policies(ctx.db, ctx.account)]
    return aws + (local if scope in ("All", "Local") else [])


@service.operation("ListPolicies", resources="*", read_only=True)
def list_policies(ctx, req: dict) -> dict:
    prefix = req.get("PathPrefix", "/")
    described = [common.describe_policy(ctx, policy) for policy in listed_policies(ctx, req.get("Scope", "All"))
                 if policy.path.startswith(prefix)]
    usage = {"PermissionsPolicy": "AttachmentCount", "PermissionsBoundary": "PermissionsBoundaryUsageCount"}
    counter = usage.get(req.get("PolicyUsageFilter"))
    if counter:
        described = [policy for policy in described if policy[counter] > 0]
    if req.get("OnlyAttached"):
        described = [p for p in described if p["AttachmentCount"] + p["PermissionsBoundaryUsageCount"] > 0]
    return common.page(req, "Policies", described)


@service.operation("DeletePolicy", resources=common.policy_resource)
def delete_policy(ctx, req: dict) -> dict:
    policy = customer_policy(ctx, req["PolicyArn"])
    if store.attachment_count(ctx.db, ctx.account, policy.arn) or store.boundary_count(ctx.db, ctx.account, policy.arn):
        raise errors.delete_conflict("Cannot delete a policy attached to entities.")
    if len(policy_store.policy_versions(ctx.db, policy.id)) > 1:
        raise errors.delete_conflict(
            "This policy has more than one version. Before you delete a policy, you must delete the policy's "
            "versions. The default version is deleted with the policy."
        )
    policy_store.delete_policy(ctx.db, policy.id)
    return {}


# --- versions --------------------------------------------------------------------------------


def version_number(policy: common.ManagedPolicy, version_id: str) -> int:
    """``v3`` → 3; an id that cannot exist is reported as missing."""
    digits = version_id[1:].split(".", 1)[0]
    if not digits.isdigit():
        raise version_missing(policy.arn, version_id)
    return int(digits)


def version_missing(arn: str, version_id: str):
    return errors.no_such_entity(f"Policy {arn} version {version_id} does not exist or is not attachable.")


def describe_version(policy: common.ManagedPolicy, number: int, document: str | None, created: float) -> dict:
    result = {"VersionId": common.version_id(number),
              "IsDefaultVersion": common.version_id(number) == policy.default_version, "CreateDate": created}
    if document is not None:
        result["Document"] = common.encoded(document)
    return result


def versions(ctx, policy: common.ManagedPolicy) -> list[tuple[int, str, float]]:
    """``(number, document, created)`` of every version, newest first."""
    if policy.is_aws:
        aws = managed.policy(policy.arn)
        return [(version_number(policy, aws.version), aws.document, aws.updated)]
    return [(row["version"], row["document"], row["created"]) for row in policy_store.policy_versions(ctx.db, policy.id)]


@service.operation("CreatePolicyVersion", resources=common.policy_resource)
def create_policy_version(ctx, req: dict) -> dict:
    policy = customer_policy(ctx, req["PolicyArn"])
    if len(policy_store.policy_versions(ctx.db, policy.id)) >= MAX_VERSIONS:
        raise errors.limit_exceeded(
            f"A managed policy can have up to {MAX_VERSIONS} versions. Before you create a new version, "
            "you must delete an existing version."
        )
    document = documents.managed_document(req["PolicyDocument"])
    default = bool(req.get("SetAsDefault"))
    number = policy_store.add_policy_version(ctx.db, policy.row, document, common.now(ctx), default)
    policy = common.find_policy(ctx.db, policy.arn)
    return {"PolicyVersion": describe_version(policy, number, None, common.now(ctx))}


@service.operation("GetPolicyVersion", resources=common.policy_resource, read_only=True)
def get_policy_version(ctx, req: dict) -> dict:
    policy = common.lookup_policy(ctx, req["PolicyArn"])
    wanted = version_number(policy, req["VersionId"])
    for number, document, created in versions(ctx, policy):
        if number == wanted:
            return {"PolicyVersion": describe_version(policy, number, document, created)}
    raise version_missing(policy.arn, req["VersionId"])


@service.operation("ListPolicyVersions", resources=common.policy_resource, read_only=True)
def list_policy_versions(ctx, req: dict) -> dict:
    policy = common.lookup_policy(ctx, req["PolicyArn"])
    found = [describe_version(policy, number, None, created) for number, _, created in versions(ctx, policy)]
    return common.page(req, "Versions", found)


def _changed_version(ctx, req: dict) -> tuple[common.ManagedPolicy, int]:
    """The customer policy ``PolicyArn`` and the number of its existing version ``VersionId``."""
    policy = customer_policy(ctx, req["PolicyArn"])
    number = version_number(policy, req["VersionId"])
    if policy_store.policy_version(ctx.db, policy.id, number) is None:
        raise version_missing(policy.arn, req["VersionId"])
    return policy, number


@service.operation("DeletePolicyVersion", resources=common.policy_resource)
def delete_policy_version(ctx, req: dict) -> dict:
    policy, number = _changed_version(ctx, req)
    if common.version_id(number) == policy.default_version:
        raise errors.delete_conflict("Cannot delete the default version of a policy.")
    policy_store.delete_policy_version(ctx.db, policy.id, number)
    return {}


@service.operation("SetDefaultPolicyVersion", resources=common.policy_resource)
def set_default_policy_version(ctx, req: dict) -> dict:
    policy, number = _changed_version(ctx, req)
    policy_store.set_default_version(ctx.db, policy.id, number, common.now(ctx))
    return {}
