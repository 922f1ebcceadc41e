"""Bucket policies: Put/Get/Delete, GetBucketPolicyStatus, and the policy IAM enforcement reads.

A policy is checked as S3 checks it before it is stored (as sent): valid JSON, a known
``Version``, ``Statement`` with ``Effect``, ``Principal``, ``Action`` and ``Resource`` in
each, the IAM policy grammar, only ``s3:`` actions, only resources of this bucket, and
actions that apply to the resources named (object actions need ``bucket/…`` resources).
A public policy (an unconditioned ``Allow`` to ``*``) is refused while the bucket's public
access block has ``BlockPublicPolicy``.

The service hook ``resource_policy(conn, arn)`` gives the enforcement layer the owner
and policy of the bucket an ``arn:aws:s3:::bucket[/key]`` names.
"""

from __future__ import annotations

import json
import re
import sqlite3

from headwater.auth.policy import MalformedPolicy
from headwater.auth.policy import parse as parse_grammar
from headwater.auth.policy.document import CURRENT_VERSION, SYNTAX, VERSIONS
from headwater.services.s3 import config_errors, configs, service, store
from headwater.services.s3.lookup import BUCKET_ARN

EFFECTS = ("Allow", "Deny")
ARN_PREFIX = "arn:aws:s3:::"
_ACTION = re.compile(r"^s3:[A-Za-z*?]+$", re.IGNORECASE)
_REQUIRED = (("Effect",), ("Principal", "NotPrincipal"), ("Action", "NotAction"), ("Resource", "NotResource"))
#: Condition keys that tie a statement to known callers or networks: such a statement is
#: not public (S3's "is public" evaluation).
RESTRICTING_KEYS = frozenset(key.lower() for key in (
    "aws:SourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceArn", "aws:SourceAccount", "aws:SourceOwner",
    "aws:PrincipalAccount", "aws:PrincipalArn", "aws:PrincipalOrgID", "aws:userid", "aws:PrincipalServiceName",
    "s3:DataAccessPointArn", "s3:DataAccessPointAccount",
))


def _listed(value) -> list:
    return value if isinstance(value, list) else [value]


# --- validation ----------------------------------------------------------------------------------


def parse_policy(text: str, bucket: str) -> dict:
    """The policy document, or S3's ``MalformedPolicy`` with AWS's message.

    S3 words the common mistakes its own way (checked here first); the IAM grammar
    (``auth.policy.parse``) then checks the rest: principals, conditions, statement ids.
    """
    document = _json_document(text)
    if document.get("Version", CURRENT_VERSION) not in VERSIONS:
        raise config_errors.malformed_policy("The policy must contain a valid version string")
    if "Statement" not in document:
        raise config_errors.malformed_policy("Missing required field Statement")
    statements = _listed(document["Statement"])
    if not statements:
        raise config_errors.malformed_policy("Could not parse the policy: Statement is empty!")
    for statement in statements:
        _check_required(statement)
    try:
        parse_grammar(text, "resource")
    except MalformedPolicy as error:
        raise config_errors.malformed_policy(_s3_wording(error.message)) from None
    for statement in statements:
        _check_s3_elements(statement, bucket)
    return document


def _json_document(text: str) -> dict:
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if not isinstance(document, dict):
        raise config_errors.malformed_policy("This policy contains invalid Json")
    return document


def _check_required(statement) -> None:
    if not isinstance(statement, dict):
        raise config_errors.malformed_policy("This policy contains invalid Json")
    for names in _REQUIRED:
        if not any(name in statement for name in names):
            raise config_errors.malformed_policy(f"Missing required field {names[0]}")
    if statement["Effect"] not in EFFECTS:
        raise config_errors.malformed_policy(f"Invalid effect: {statement['Effect']}")


def _s3_wording(message: str) -> str:
    """S3's words for a reason the IAM grammar gives in IAM's."""
    if message.startswith("Invalid principal in policy"):
        return "Invalid principal in policy"
    if message == SYNTAX:
        return "This policy contains invalid Json"
    return message


def _check_s3_elements(statement: dict, bucket: str) -> None:
    """Only ``s3:`` actions, only resources of this bucket, and actions that apply to them."""
    actions = _listed(statement.get("Action", statement.get("NotAction")))
    if not all(action == "*" or _ACTION.match(action) for action in actions):
        raise config_errors.malformed_policy("Policy has invalid action")
    resources = _listed(statement.get("Resource", statement.get("NotResource")))
    if not all(_in_bucket(resource, bucket) for resource in resources):
        raise config_errors.malformed_policy("Policy has invalid resource")
    if "Action" in statement and "Resource" in statement and not _applies(actions, resources):
        raise config_errors.malformed_policy("Action does not apply to any resource(s) in statement")


def _in_bucket(resource: str, bucket: str) -> bool:
    """``arn:aws:s3:::bucket`` or ``arn:aws:s3:::bucket/…``: a bucket policy names only its bucket."""
    if not resource.startswith(ARN_PREFIX):
        return False
    return resource[len(ARN_PREFIX):].split("/", 1)[0] == bucket


def _is_object_action(action: str) -> bool:
    name = action.partition(":")[2].lower()
    return ("object" in name or "multipartupload" in name) and not name.startswith("listbucket")


def _applies(actions: list[str], resources: list[str]) -> bool:
    """Whether some action can act on some resource (object actions on ``bucket/…``, bucket
    actions on the bucket; wildcards on either)."""
    wants_objects = any("*" in a or "?" in a or _is_object_action(a) for a in actions)
    wants_bucket = any("*" in a or "?" in a or not _is_object_action(a) for a in actions)
    names_objects = any("/" in r for r in resources)
    names_bucket = any("/" not in r for r in resources)
    return (wants_objects and names_objects) or (wants_bucket and names_bucket)


def is_public(policy: dict) -> bool:
    """S3's notion of a public policy: an Allow to everyone not tied to known callers or networks."""
    return any(_is_public_statement(statement) for statement in _listed(policy["Statement"]))


def _is_public_statement(statement: dict) -> bool:
    if statement["Effect"] != "Allow" or "Principal" not in statement:
        return False
    keys = {key.lower() for block in statement.get("Condition", {}).values() for key in block}
    return _names_everyone(statement["Principal"]) and not keys & RESTRICTING_KEYS


def _names_everyone(principal) -> bool:
    if isinstance(principal, dict):
        return "*" in _listed(principal.get("AWS", []))
    return principal == "*"


# --- operations ----------------------------------------------------------------------------------


@service.operation("PutBucketPolicy", resources=BUCKET_ARN)
def put_bucket_policy(ctx, req: dict) -> dict:
    bucket = configs.requested_bucket(ctx, req)
    policy = parse_policy(req.get("Policy") or "", bucket["name"])
    if is_public(policy) and configs.public_access_block(ctx.db, bucket["name"]).get("BlockPublicPolicy"):
        raise config_errors.blocked_by_public_access(ctx.principal.arn, "s3:PutBucketPolicy", bucket["name"],
                                                     "BlockPublicPolicy")
    configs.save(ctx.db, bucket["name"], "policy", req["Policy"])
    return {}


def _stored_policy(ctx, req: dict) -> str:
    bucket = configs.requested_bucket(ctx, req)
    text = configs.document(ctx.db, bucket["name"], "policy")
    if text is None:
        raise config_errors.no_such_bucket_policy(bucket["name"])
    return text


@service.operation("GetBucketPolicy", resources=BUCKET_ARN, read_only=True)
def get_bucket_policy(ctx, req: dict) -> dict:
    return {"Policy": _stored_policy(ctx, req)}


@service.operation("GetBucketPolicyStatus", resources=BUCKET_ARN, read_only=True)
def get_bucket_policy_status(ctx, req: dict) -> dict:
    return {"PolicyStatus": {"IsPublic": is_public(json.loads(_stored_policy(ctx, req)))}}


@service.operation("DeleteBucketPolicy", resources=BUCKET_ARN)
def delete_bucket_policy(ctx, req: dict) -> dict:
    bucket = configs.requested_bucket(ctx, req)
    configs.remove(ctx.db, bucket["name"], "policy")
    return {}


# --- enforcement hook ----------------------------------------------------------------------------


def resource_policy(conn: sqlite3.Connection, arn: str) -> tuple[str, str | None] | None:
    """``(owning account, policy JSON or None)`` of the bucket ``arn`` names (the bucket's or one
    of its objects'), or None when there is no such bucket."""
    if not arn.startswith(ARN_PREFIX):
        return None
    bucket = store.bucket_row(conn, arn[len(ARN_PREFIX):].split("/", 1)[0])
    if bucket is None:
        return None
    return bucket["account"], configs.document(conn, bucket["name"], "policy")


service.hooks["resource_policy"] = resource_policy
