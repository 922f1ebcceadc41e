"""Notation and policy fixtures of spec §11.1–11.2, and helpers to build requests."""

from __future__ import annotations

from headwater.auth.policy import Policies, PrincipalFacts, Request, parse

ACCT = "123456789012"
OTHER = "999999999999"


def U(name: str, account: str = ACCT) -> str:
    return f"arn:aws:iam::{account}:user/{name}"


def R(name: str, account: str = ACCT) -> str:
    return f"arn:aws:iam::{account}:role/{name}"


def S(role: str, session: str = "s1", account: str = ACCT) -> str:
    return f"arn:aws:sts::{account}:assumed-role/{role}/{session}"


def T(name: str) -> str:
    return f"arn:aws:dynamodb:us-east-1:{ACCT}:table/{name}"


def B(path: str) -> str:
    return f"arn:aws:s3:::{path}"


ROOT_ARN = f"arn:aws:iam::{ACCT}:root"


def user(name: str, account: str = ACCT) -> PrincipalFacts:
    return PrincipalFacts(U(name, account), account, "user", f"AIDA{name.upper():X<17}", name)


def session(role: str, name: str = "s1", account: str = ACCT) -> PrincipalFacts:
    role_id = f"AROA{role.upper().replace('-', ''):X<17}"
    return PrincipalFacts(S(role, name, account), account, "assumed-role", f"{role_id}:{name}",
                          name, role_arn=R(role, account))


def federated(name: str, by: str, account: str = ACCT) -> PrincipalFacts:
    return PrincipalFacts(f"arn:aws:sts::{account}:federated-user/{name}", account, "federated",
                          f"{account}:{name}", name, federated_by=U(by, account))


def root(account: str = ACCT) -> PrincipalFacts:
    return PrincipalFacts(f"arn:aws:iam::{account}:root", account, "root", account, "root")


ANONYMOUS = PrincipalFacts("anonymous", ACCT, "anonymous", "anonymous", "anonymous")


def context_for(caller: PrincipalFacts, tags: dict | None = None, keys: dict | None = None) -> dict:
    """The request context of the §11.1 notation (us-east-1, TLS, long-term keys)."""
    context = {
        "aws:principalarn": [caller.role_arn or caller.arn],
        "aws:principalaccount": [caller.account],
        "aws:principaltype": [caller.kind],
        "aws:userid": [caller.user_id],
        "aws:requestedregion": ["us-east-1"],
        "aws:securetransport": ["true"],
        "aws:viaawsservice": ["false"],
    }
    if caller.kind == "user":
        context["aws:username"] = [caller.name]
    for key, value in (tags or {}).items():
        context[f"aws:principaltag/{key.lower()}"] = [value]
    for key, value in (keys or {}).items():
        if value is None:
            context.pop(key.lower(), None)
        else:
            context[key.lower()] = value if isinstance(value, list) else [value]
    return context


def statement(effect: str, action, resource=None, **elements) -> dict:
    body = {"Effect": effect}
    body["NotAction" if elements.pop("not_action", False) else "Action"] = action
    if resource is not None:
        body["NotResource" if elements.pop("not_resource", False) else "Resource"] = resource
    body.update(elements)
    return body


def document(*statements: dict, version: str | None = "2012-10-17") -> dict:
    body = {"Statement": list(statements)}
    if version:
        body["Version"] = version
    return body


def Allow(action, resource, **elements) -> dict:
    return document(statement("Allow", action, resource, **elements))


def Deny(action, resource, **elements) -> dict:
    return document(statement("Deny", action, resource, **elements))


ALLOW_ALL = Allow("*", "*")


def policies(identity=(), rp=None, pb=None, sp=None, resource_account=None,
             rp_kind="resource") -> Policies:
    return Policies(
        identity=[(f"identity-{i}", parse(doc, "identity")) for i, doc in enumerate(identity)],
        boundary=("boundary", parse(pb, "boundary")) if pb else None,
        session=[("session", parse(sp, "session"))] if sp else None,
        resource=(rp_kind, parse(rp, rp_kind)) if rp else None,
        resource_account=resource_account)


def request(caller: PrincipalFacts, action: str, resource: str = "*", tags=None,
            keys: dict | None = None) -> Request:
    return Request(action, resource, caller, context_for(caller, tags, keys))


# -- §11.2 fixtures -----------------------------------------------------------------------

P_CARLOS = document(
    statement("Allow", ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock",
                        "s3:ListAccessPoints", "s3:ListAllMyBuckets"], "arn:aws:s3:::*",
              Sid="AllowS3ListRead"),
    statement("Allow", "s3:*", ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"],
              Sid="AllowS3Self"),
    statement("Deny", "s3:*", "arn:aws:s3:::*log*", Sid="DenyS3Logs"))

P_DENY_EXCEPT_BUCKET = document(
    statement("Allow", "s3:*", ["arn:aws:s3:::bucket-name", "arn:aws:s3:::bucket-name/*"]),
    statement("Deny", "s3:*", ["arn:aws:s3:::bucket-name", "arn:aws:s3:::bucket-name/*"],
              not_action=True, not_resource=True))

P_DENY_IP = {"Version": "2012-10-17", "Statement": {
    "Effect": "Deny", "Action": "*", "Resource": "*",
    "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"]},
                  "Bool": {"aws:ViaAWSService": "false"}}}}

P_DENY_REGION = document(statement(
    "Deny", ["cloudfront:*", "iam:*", "route53:*", "support:*"], "*", not_action=True,
    Sid="DenyAllOutsideRequestedRegions",
    Condition={"StringNotEquals": {"aws:RequestedRegion": [
        "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3"]}}))

P_PROD_MFA = document(
    statement("Allow", "s3:GetObject", "arn:aws:s3:::*/*"),
    statement("Deny", "s3:*", ["arn:aws:s3:::amzn-s3-demo-bucket-production/*",
                               "arn:aws:s3:::amzn-s3-demo-bucket-production"],
              Sid="RequireMFAForProductionBucket",
              Condition={"NumericGreaterThanIfExists": {"aws:MultiFactorAuthAge": "1800"}}))

P_USERNAME_HOME = Allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::mybucket/${aws:username}/*")

P_PREFIX = Allow("s3:ListBucket", "arn:aws:s3:::mybucket",
                 Condition={"StringLike": {"s3:prefix": ["", "home/", "home/${aws:username}/"]}})

P_THREAD_FORALL = Allow("dynamodb:GetItem", T("Thread"), Condition={
    "ForAllValues:StringEquals": {"dynamodb:Attributes": ["ID", "Message", "Tags"]}})

P_THREAD_FORANY = document(
    statement("Allow", "dynamodb:PutItem", T("Thread")),
    statement("Deny", "dynamodb:PutItem", T("Thread"), Condition={
        "ForAnyValue:StringEquals": {"dynamodb:Attributes": ["ID", "PostDateTime"]}}))


def resource_statement(effect: str, principal, action, resource, **elements) -> dict:
    key = "NotPrincipal" if elements.pop("not_principal", False) else "Principal"
    return statement(effect, action, resource, **{key: principal}, **elements)


def bucket_policy(*statements: dict) -> dict:
    return document(*statements)


def trust(principal, action="sts:AssumeRole") -> dict:
    return document({"Effect": "Allow", "Principal": principal, "Action": action})
