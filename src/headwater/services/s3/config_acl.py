"""Access control lists of buckets and objects, kept as stored values (not enforced).

An ACL is given as a canned name (``x-amz-acl``), as ``x-amz-grant-*`` headers or as an
``AccessControlPolicy`` document, and answered as AWS does: the owner and the grants, the
owner's FULL_CONTROL grant first. A bucket's ACL is its ``acl`` document; an object
version's lives in the version's attributes (``attrs["Acl"]``, a list of grants), so it
goes when the version goes. With ``BucketOwnerEnforced`` ownership (every new bucket's
default) only ACLs that grant nobody else are accepted; with ``BlockPublicAcls`` no public
ones.
"""

from __future__ import annotations

import re
import sqlite3

from headwater.services.s3 import config_errors, configs, errors, lookup, service, store
from headwater.services.s3.lookup import BUCKET_ARN, OBJECT_ARN

GROUPS = "http://acs.amazonaws.com/groups/"
ALL_USERS = GROUPS + "global/AllUsers"
AUTHENTICATED_USERS = GROUPS + "global/AuthenticatedUsers"
LOG_DELIVERY = GROUPS + "s3/LogDelivery"
PUBLIC_GROUPS = (ALL_USERS, AUTHENTICATED_USERS)
PERMISSIONS = ("FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP")
GRANT_HEADERS = {
    "GrantFullControl": "FULL_CONTROL", "GrantRead": "READ", "GrantReadACP": "READ_ACP",
    "GrantWrite": "WRITE", "GrantWriteACP": "WRITE_ACP",
}
_GRANTEE = re.compile(r'\s*(id|uri|emailAddress)\s*=\s*"?([^",]*)"?\s*(?:,|$)', re.IGNORECASE)

#: Canned ACL → the grants besides the owner's FULL_CONTROL: (grantee kind, value, permission);
#: kind "group" names a group URI, "bucket-owner" the bucket owner.
CANNED = {
    "private": (),
    "public-read": (("group", ALL_USERS, "READ"),),
    "public-read-write": (("group", ALL_USERS, "READ"), ("group", ALL_USERS, "WRITE")),
    "authenticated-read": (("group", AUTHENTICATED_USERS, "READ"),),
    "log-delivery-write": (("group", LOG_DELIVERY, "WRITE"), ("group", LOG_DELIVERY, "READ_ACP")),
    "aws-exec-read": (),
    "bucket-owner-read": (("bucket-owner", None, "READ"),),
    "bucket-owner-full-control": (("bucket-owner", None, "FULL_CONTROL"),),
}


def user_grant(account: str, permission: str) -> dict:
    return {"Grantee": {**lookup.owner(account), "Type": "CanonicalUser"}, "Permission": permission}


def group_grant(uri: str, permission: str) -> dict:
    return {"Grantee": {"Type": "Group", "URI": uri}, "Permission": permission}


def canned_grants(name: str, owner_account: str, bucket_account: str | None = None) -> list[dict]:
    """The grants of canned ACL ``name`` for an owner (and, for objects, the bucket's owner)."""
    grants = [user_grant(owner_account, "FULL_CONTROL")]
    for kind, value, permission in CANNED[name]:
        if kind == "group":
            grants.append(group_grant(value, permission))
        elif bucket_account and bucket_account != owner_account:
            grants.append(user_grant(bucket_account, permission))
    return grants


def is_public(grants: list[dict]) -> bool:
    return any(grant["Grantee"].get("URI") in PUBLIC_GROUPS for grant in grants)


def grants_others(conn: sqlite3.Connection, bucket: sqlite3.Row) -> bool:
    """Whether the bucket's ACL grants anything to anyone but its owner."""
    grants = (configs.document(conn, bucket["name"], "acl") or {}).get("Grants", [])
    own_id = lookup.canonical_id(bucket["account"])
    return any(grant["Grantee"].get("ID") != own_id for grant in grants)


# --- reading an ACL from a request --------------------------------------------------------------


def requested_grants(req: dict, owner_account: str, bucket_account: str | None = None) -> list[dict]:
    """The grants a Put*Acl request sets, from exactly one of: canned ACL, grant headers, body."""
    headers = [name for name in GRANT_HEADERS if name in req]
    sources = ("ACL" in req) + bool(headers) + ("AccessControlPolicy" in req)
    if sources == 0:
        raise errors.malformed_xml()
    if sources > 1:
        raise errors.invalid_request("Specifying both Canned ACLs and Header Grants is not allowed")
    if "ACL" in req:
        if req["ACL"] not in CANNED:
            raise errors.invalid_argument("", "x-amz-acl", req["ACL"])
        return canned_grants(req["ACL"], owner_account, bucket_account)
    if headers:
        return [grant for name in headers for grant in _header_grants(req[name], GRANT_HEADERS[name])]
    return _document_grants(req["AccessControlPolicy"], owner_account)


def _header_grants(text: str, permission: str) -> list[dict]:
    grants = []
    for kind, value in _GRANTEE.findall(text):
        kind = kind.lower()
        if kind == "uri":
            grants.append(group_grant(value, permission))
        elif kind == "id":
            grants.append({"Grantee": {"ID": value, "Type": "CanonicalUser"}, "Permission": permission})
        else:
            grants.append({"Grantee": {"EmailAddress": value, "Type": "AmazonCustomerByEmail"},
                           "Permission": permission})
    if not grants:
        raise errors.invalid_argument("Invalid id", "id", text)
    return grants


def _document_grants(policy: dict, owner_account: str) -> list[dict]:
    owner_id = (policy.get("Owner") or {}).get("ID")
    if owner_id is not None and owner_id != lookup.canonical_id(owner_account):
        raise errors.access_denied()
    grants = []
    for grant in policy.get("Grants") or []:
        grantee = grant.get("Grantee") or {}
        if grant.get("Permission") not in PERMISSIONS or grantee.get("Type") not in ("CanonicalUser", "Group",
                                                                                     "AmazonCustomerByEmail"):
            raise errors.malformed_xml()
        if grantee["Type"] == "Group" and not str(grantee.get("URI", "")).startswith(GROUPS):
            raise errors.invalid_argument("Invalid group uri", "uri", grantee.get("URI"))
        grants.append({"Grantee": grantee, "Permission": grant["Permission"]})
    return grants


def check_allowed(ctx, bucket: sqlite3.Row, grants: list[dict], action: str) -> None:
    """ACLs must be off (grant nobody else) under BucketOwnerEnforced, and not public when blocked."""
    own_id = lookup.canonical_id(bucket["account"])
    foreign = any(grant["Grantee"].get("ID") != own_id for grant in grants)
    if foreign and configs.object_ownership(ctx.db, bucket["name"]) == "BucketOwnerEnforced":
        raise config_errors.acls_not_supported()
    if is_public(grants) and configs.public_access_block(ctx.db, bucket["name"]).get("BlockPublicAcls"):
        raise config_errors.blocked_by_public_access(ctx.principal.arn, action, bucket["name"], "BlockPublicAcls")


# --- operations ----------------------------------------------------------------------------------


@service.operation("PutBucketAcl", resources=BUCKET_ARN)
def put_bucket_acl(ctx, req: dict) -> dict:
    bucket = configs.requested_bucket(ctx, req)
    grants = requested_grants(req, bucket["account"])
    check_allowed(ctx, bucket, grants, "s3:PutBucketAcl")
    configs.save(ctx.db, bucket["name"], "acl", {"Grants": grants})
    return {}


@service.operation("GetBucketAcl", resources=BUCKET_ARN, read_only=True)
def get_bucket_acl(ctx, req: dict) -> dict:
    bucket = configs.requested_bucket(ctx, req)
    stored = configs.document(ctx.db, bucket["name"], "acl")
    grants = stored["Grants"] if stored else canned_grants("private", bucket["account"])
    return {"Owner": lookup.owner(bucket["account"]), "Grants": grants}


@service.operation("PutObjectAcl", resources=OBJECT_ARN)
def put_object_acl(ctx, req: dict) -> dict:
    bucket = configs.requested_bucket(ctx, req)
    row = lookup.find_version(ctx, bucket["name"], req["Key"], req.get("VersionId"))
    grants = requested_grants(req, bucket["account"], bucket["account"])
    check_allowed(ctx, bucket, grants, "s3:PutObjectAcl")
    store.set_attrs(ctx.db, row["id"], {**store.attrs_of(row), "Acl": grants})
    return {}


@service.operation("GetObjectAcl", resources=OBJECT_ARN, read_only=True)
def get_object_acl(ctx, req: dict) -> dict:
    bucket = configs.requested_bucket(ctx, req)
    row = lookup.find_version(ctx, bucket["name"], req["Key"], req.get("VersionId"))
    grants = store.attrs_of(row).get("Acl") or canned_grants("private", bucket["account"])
    return {"Owner": lookup.owner(bucket["account"]), "Grants": grants}
