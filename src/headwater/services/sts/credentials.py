"""sts:AssumeRole and sts:GetSessionToken: temporary credentials that expire by the clock.

Who may assume a role (its trust policy, the caller's own sts:AssumeRole permission, the
ExternalId condition) is decided by the endpoint's authorizer before the handler runs;
the handlers check what AWS checks of the request itself: durations, role chaining,
session policies and tags.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone

from headwater.auth import errors as auth_errors
from headwater.auth.keys import Principal
from headwater.errors import ServiceError
from headwater.services.sts import endpoint_of, service
from headwater.services.sts.sessions import Session, new_access_key, new_secret, new_token, save

DEFAULT_ROLE_SECONDS = 3600
#: A role session assuming another role (role chaining) gets at most an hour.
CHAINED_MAX_SECONDS = 3600
DEFAULT_SESSION_TOKEN_SECONDS = 43200
ROOT_SESSION_TOKEN_MAX_SECONDS = 3600
SESSION_POLICY_MAX_CHARS = 2048
#: What AWS packs session policies and tags into (PackedPolicySize is a percentage of it).
PACKED_POLICY_BUDGET = 2048


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationError", message, 400)


def _iam(ctx):
    """A read transaction of the IAM database, and the IAM store that reads it."""
    from headwater.services.iam import store

    app, _ = endpoint_of(ctx.settings)
    return app.database("iam").transaction(write=False), store


def _role_resource(ctx, req: dict) -> list[str]:
    """The role's ARN (a bare name, which AWS refuses anyway, read as a role of the caller's account)."""
    role_arn = req.get("RoleArn") or ""
    return [role_arn if role_arn.startswith("arn:") else f"arn:aws:iam::{ctx.account}:role/{role_arn}"]


@service.operation("AssumeRole", resources=_role_resource)
def assume_role(ctx, req: dict) -> dict:
    caller = ctx.principal
    if caller.is_root:
        raise auth_errors.access_denied_plain("sts", "Roles may not be assumed by root accounts.")
    transaction, store = _iam(ctx)
    with transaction as conn:
        role = store.role(conn, req["RoleArn"])
        if role is None:
            raise auth_errors.access_denied("sts", caller.arn, "sts:AssumeRole", req["RoleArn"])
        policies = _session_policies(conn, store, req)
    duration = _role_duration(ctx, req, role)
    previous = _caller_session(ctx)
    tags, transitive = _session_tags(req, previous)
    name = req["RoleSessionName"]
    account = role["Arn"].split(":")[4]
    role_name = role["Arn"].rsplit("/", 1)[-1]
    arn = f"arn:aws:sts::{account}:assumed-role/{role_name}/{name}"
    user_id = f"{role['RoleId']}:{name}"
    source_identity = req.get("SourceIdentity") or (previous.source_identity if previous else None)
    session = _issue(ctx, account, arn, user_id, "assumed-role", name, duration, role_arn=role["Arn"],
                     policies=policies, tags=tags, transitive_tag_keys=transitive, source_identity=source_identity)
    result = {"Credentials": _credentials(session), "AssumedRoleUser": {"AssumedRoleId": user_id, "Arn": arn}}
    if policies or tags:
        result["PackedPolicySize"] = _packed_size(policies, tags)
    if source_identity:
        result["SourceIdentity"] = source_identity
    return result


# GetSessionToken needs no permission: any IAM user (or root) may call it with long-term keys.
@service.operation("GetSessionToken", resources="*", needs_permission=False)
def get_session_token(ctx, req: dict) -> dict:
    caller = ctx.principal
    if caller.is_temporary or caller.kind not in ("user", "root"):
        raise auth_errors.access_denied_plain("sts", "Cannot call GetSessionToken with session credentials")
    duration = req.get("DurationSeconds", DEFAULT_SESSION_TOKEN_SECONDS)
    if caller.is_root:
        duration = min(duration, ROOT_SESSION_TOKEN_MAX_SECONDS)
    mfa = bool(req.get("SerialNumber") and req.get("TokenCode"))
    session = _issue(ctx, caller.account, caller.arn, caller.user_id, caller.kind, caller.name, duration, mfa=mfa)
    return {"Credentials": _credentials(session)}


# --- the pieces -----------------------------------------------------------------------


def _caller_session(ctx) -> Session | None:
    if not ctx.principal.is_temporary:
        return None
    _, sessions = endpoint_of(ctx.settings)
    return sessions.get(ctx.principal.access_key)


def _role_duration(ctx, req: dict, role: dict) -> int:
    duration = req.get("DurationSeconds", DEFAULT_ROLE_SECONDS)
    if ctx.principal.kind == "assumed-role" and duration > CHAINED_MAX_SECONDS:
        raise validation("The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by "
                         "role chaining.")
    if duration > int(role.get("MaxSessionDuration") or DEFAULT_ROLE_SECONDS):
        raise validation("The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
    return duration


def _session_policies(conn, store, req: dict) -> list[tuple[str, str]]:
    """The inline ``Policy`` and the managed ``PolicyArns``, checked as AWS checks them."""
    from headwater.auth.policy import MalformedPolicy, parse

    policies = []
    text = req.get("Policy")
    if text is not None:
        if len(text) > SESSION_POLICY_MAX_CHARS:
            raise ServiceError("PackedPolicyTooLarge", "Packed policy consumes more than 100% of allotted space.",
                               400)
        try:
            parse(text, "session")
        except MalformedPolicy as error:
            raise ServiceError("MalformedPolicyDocument", str(error), 400) from None
        policies.append(("session-policy", text))
    for entry in req.get("PolicyArns") or []:
        arn = entry.get("arn", "")
        document = store.policy_document(conn, arn)
        if document is None:
            raise ServiceError("InvalidParameterValue", f"Policy {arn} does not exist or is not attachable.", 400)
        policies.append((arn, document))
    return policies


def _session_tags(req: dict, previous: Session | None) -> tuple[dict[str, str], list[str]]:
    """Session tags: the request's, plus the transitive tags of the calling role session."""
    tags = {tag["Key"]: tag["Value"] for tag in req.get("Tags") or []}
    if len({key.lower() for key in tags}) != len(tags):
        raise validation("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
    transitive = list(req.get("TransitiveTagKeys") or [])
    unknown = [key for key in transitive if key not in tags]
    if unknown:
        raise validation("The specified transitive tag key must be included in the requested tags.")
    if previous is not None and previous.is_role_session:
        for key in previous.transitive_tag_keys:
            if key.lower() in {name.lower() for name in tags}:
                raise ServiceError("InvalidParameterValue", "One of the specified transitive tag keys can't be "
                                   "set because it conflicts with a transitive tag key from the calling session.",
                                   400)
            tags[key] = previous.tags[key]
            transitive.append(key)
    return tags, transitive


def _issue(ctx, account: str, arn: str, user_id: str, kind: str, name: str, duration: int, *,
           role_arn: str | None = None, mfa: bool = False, policies=(), tags=None, transitive_tag_keys=(),
           source_identity: str | None = None) -> Session:
    now = ctx.clock.time()
    token = new_token()
    principal = Principal(account, arn, user_id, new_access_key(), kind, name, token, role_arn)
    session = Session(principal, new_secret(), token, now, now + duration, mfa, source_identity,
                      tuple(tuple(pair) for pair in policies), dict(tags or {}), tuple(transitive_tag_keys))
    save(ctx.db, session)
    return session


def _credentials(session: Session) -> dict:
    return {
        "AccessKeyId": session.principal.access_key,
        "SecretAccessKey": session.secret,
        "SessionToken": session.token,
        "Expiration": datetime.fromtimestamp(int(session.expires_at), timezone.utc),
    }


def _packed_size(policies, tags: dict) -> int:
    """How much of AWS's packed-policy budget the session policies and tags use, in percent."""
    packed = sum(len(json.dumps(json.loads(text), separators=(",", ":"))) for _, text in policies)
    packed += sum(len(key) + len(value) for key, value in tags.items()) * 4
    return max(1, 100 * packed // (PACKED_POLICY_BUDGET * 4))
