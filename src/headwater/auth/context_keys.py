"""The request context policies are evaluated against (iam.md §1, §3.7): condition keys,
lower-cased, each with its list of values.

Three layers, cheapest first: what a principal always carries (:func:`principal_keys`,
cached by the authorizer), what every request carries (:func:`request_keys`) and what an
operation's parameters carry (:func:`parameter_keys`: tags, S3, DynamoDB and STS keys).
:func:`request_context` joins them, computing only the request keys the policies in force
read, and the parameters' keys only when the policies may read one.
:func:`authorization_requests` lists the (action, resource) questions one operation asks,
for operations that have no IAM action of their own (DynamoDB transactions).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import parse_qsl

from headwater.auth.keys import Principal

Context = dict[str, list[str]]

_PRINCIPAL_TYPES = {"user": "User", "assumed-role": "AssumedRole", "root": "Account",
                    "federated": "FederatedUser", "anonymous": "Anonymous"}
#: DynamoDB's transactions authorize each item as the action of its kind.
_TRANSACTION_ACTIONS = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem",
                        "ConditionCheck": "ConditionCheckItem", "Get": "GetItem"}
_PROJECTED_NAME = re.compile(r"^\s*([^.\[\s]+)")
#: The global keys :func:`parameter_keys` gives (besides every service's own keys).
_PARAMETER_PREFIXES = ("aws:requesttag/", "aws:tagkeys")


def request_context(ctx, operation: str, params: dict, principal: Context,
                    wanted: frozenset[str] | None = None) -> Context:
    """The ``principal`` keys, then the request's and its parameters' keys.

    With ``wanted`` (the keys the policies in force read), only the request keys wanted are
    computed, and the parameters' keys only when one of them may be; the answer may then be
    ``principal`` itself (do not change it).
    """
    with_request, with_parameters = (True, True) if wanted is None else _layers(wanted)
    if not (with_request or with_parameters):
        return principal
    context = dict(principal)
    if with_request:
        context.update(request_keys(ctx, wanted))
    if with_parameters:
        context.update(parameter_keys(ctx.service, operation, params))
    return context


@lru_cache(maxsize=1024)
def _layers(wanted: frozenset[str]) -> tuple[bool, bool]:
    """Whether ``wanted`` holds a key of the request layer, and one of the parameter layer."""
    return (not wanted.isdisjoint(REQUEST_KEYS),
            any(key.startswith(_PARAMETER_PREFIXES) or not key.startswith("aws:") for key in wanted))


def principal_keys(principal: Principal, tags: dict[str, str], session=None) -> Context:
    """Keys that depend only on who calls: ``aws:PrincipalArn`` ... ``aws:PrincipalTag/*``,
    and for temporary credentials ``aws:TokenIssueTime`` and ``aws:MultiFactorAuthPresent``."""
    keys: Context = {"aws:principaltype": [_PRINCIPAL_TYPES.get(principal.kind, principal.kind)],
                     "aws:userid": [principal.user_id]}
    if principal.is_anonymous:
        return keys
    keys["aws:principalarn"] = [principal.role_arn or principal.arn]
    keys["aws:principalaccount"] = [principal.account]
    if principal.kind == "user":
        keys["aws:username"] = [principal.name]
    for key, value in tags.items():
        keys[f"aws:principaltag/{key.lower()}"] = [value]
    if session is not None:
        keys["aws:tokenissuetime"] = [_iso(session.issued_at)]
        keys["aws:multifactorauthpresent"] = ["true" if session.mfa else "false"]
        if session.mfa:
            keys["aws:multifactorauthage"] = ["0"]
        if session.source_identity:
            keys["aws:sourceidentity"] = [session.source_identity]
    return keys


def request_keys(ctx, wanted=None) -> Context:
    """Keys every request carries (only those ``wanted``, when given): time, source address,
    transport, region, user agent."""
    now = ctx.clock.time()
    keys: Context = {}
    for key in REQUEST_KEYS if wanted is None else wanted:
        read = _REQUEST_READERS.get(key)
        value = read(ctx, now) if read is not None else None
        if value:
            keys[key] = [value]
    return keys


def _secure_transport(ctx, now) -> str:
    return "true" if ctx.settings.secure_transport or ctx.request.scheme == "https" else "false"


_REQUEST_READERS = {
    "aws:currenttime": lambda ctx, now: _iso(now),
    "aws:epochtime": lambda ctx, now: str(int(now)),
    "aws:sourceip": lambda ctx, now: ctx.settings.source_ip or ctx.request.client_ip,
    "aws:securetransport": _secure_transport,
    "aws:requestedregion": lambda ctx, now: ctx.region,
    "aws:viaawsservice": lambda ctx, now: "false",
    "aws:useragent": lambda ctx, now: ctx.request.headers.get("user-agent"),
    "aws:referer": lambda ctx, now: ctx.request.headers.get("referer"),
}
#: The keys :func:`request_keys` gives.
REQUEST_KEYS = frozenset(_REQUEST_READERS)


def parameter_keys(service: str, operation: str, params: dict) -> Context:
    """Keys an operation's parameters give: request tags and the service's own keys."""
    keys = tag_keys(params)
    builder = _SERVICE_KEYS.get(service)
    if builder is not None:
        keys.update(builder(operation, params))
    return keys


def authorization_requests(service: str, operation, params: dict, resources: list) -> list[tuple[str, str, Context]]:
    """``(action, resource, extra keys)`` for each question the operation asks.

    A resource builder may answer ``(action, arn)`` pairs for operations that need several
    actions (S3 CopyObject); DynamoDB transactions ask each item's own action.
    """
    if service == "dynamodb" and operation.name in ("TransactWriteItems", "TransactGetItems"):
        return list(_transaction_requests(operation.name, params, resources))
    return [(entry[0], entry[1], {}) if isinstance(entry, tuple) else (operation.action, entry, {})
            for entry in resources]


# --- tags ------------------------------------------------------------------------------


def tag_keys(params: dict) -> Context:
    """``aws:RequestTag/<key>`` and ``aws:TagKeys`` from whatever tag member the request has."""
    tags = request_tags(params)
    if tags is None:
        return {}
    keys: Context = {f"aws:requesttag/{key.lower()}": [value] for key, value in tags.items()}
    keys["aws:tagkeys"] = list(tags)
    return keys


def request_tags(params: dict) -> dict[str, str] | None:
    """Tags in a request, in any of AWS's spellings: ``Tags``/``tags`` (a list of Key/Value
    pairs or a map), S3's ``Tagging`` (a TagSet, or ``k=v&...`` on PutObject)."""
    for name in ("Tags", "tags", "TagList"):
        if name in params:
            return _tag_map(params[name])
    tagging = params.get("Tagging")
    if isinstance(tagging, dict):
        return _tag_map(tagging.get("TagSet", []))
    if isinstance(tagging, str):
        return dict(parse_qsl(tagging, keep_blank_values=True))
    return None


def _tag_map(value) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(key): str(item) for key, item in value.items()}
    return {entry.get("Key", entry.get("key", "")): entry.get("Value", entry.get("value", ""))
            for entry in value or [] if isinstance(entry, dict)}


# --- service keys ----------------------------------------------------------------------


def _s3_keys(operation: str, params: dict) -> Context:
    keys: Context = {}
    for member, key in (("Prefix", "s3:prefix"), ("Delimiter", "s3:delimiter"), ("MaxKeys", "s3:max-keys"),
                        ("VersionId", "s3:versionid"), ("ACL", "s3:x-amz-acl"),
                        ("ServerSideEncryption", "s3:x-amz-server-side-encryption"),
                        ("StorageClass", "s3:x-amz-storage-class"), ("CopySource", "s3:x-amz-copy-source")):
        if params.get(member) is not None:
            keys[key] = [str(params[member])]
    if operation.startswith("ListObjects") and "s3:prefix" not in keys:
        keys["s3:prefix"] = [""]
    return keys


def _dynamodb_keys(operation: str, params: dict) -> Context:
    keys: Context = {}
    attributes = _dynamodb_attributes(params)
    if attributes:
        keys["dynamodb:attributes"] = sorted(attributes)
    for member in ("Select", "ReturnValues", "ReturnConsumedCapacity"):
        if params.get(member):
            keys[f"dynamodb:{member.lower()}"] = [params[member]]
    return keys


def _dynamodb_attributes(params: dict) -> set[str]:
    """Top-level attribute names a request reads or writes (``dynamodb:Attributes``)."""
    names = set(params.get("AttributesToGet") or [])
    names.update((params.get("Item") or {}).keys())
    names.update((params.get("AttributeUpdates") or {}).keys())
    aliases = params.get("ExpressionAttributeNames") or {}
    projection = params.get("ProjectionExpression")
    if projection:
        for part in projection.split(","):
            match = _PROJECTED_NAME.match(part)
            if match:
                names.add(aliases.get(match.group(1), match.group(1)))
    if params.get("Key") and names:
        names.update(params["Key"].keys())
    return names


def leading_keys(params: dict, partition_key: str) -> list[str]:
    """``dynamodb:LeadingKeys``: the partition key values a request names."""
    values = []
    for item in [params.get("Key"), params.get("Item")]:
        if isinstance(item, dict) and partition_key in item:
            values.extend(str(value) for value in item[partition_key].values())
    for condition in (params.get("KeyConditions") or {}).get(partition_key, {}).get("AttributeValueList", []):
        values.extend(str(value) for value in condition.values())
    return values


def _sts_keys(operation: str, params: dict) -> Context:
    keys: Context = {}
    for member, key in (("ExternalId", "sts:externalid"), ("RoleSessionName", "sts:rolesessionname"),
                        ("SourceIdentity", "sts:sourceidentity"), ("DurationSeconds", "sts:durationseconds")):
        if params.get(member) is not None:
            keys[key] = [str(params[member])]
    if params.get("TransitiveTagKeys"):
        keys["sts:transitivetagkeys"] = list(params["TransitiveTagKeys"])
    return keys


_SERVICE_KEYS = {"s3": _s3_keys, "dynamodb": _dynamodb_keys, "sts": _sts_keys}


def _transaction_requests(name: str, params: dict, resources: list[str]):
    """Each transaction item as its own action on its table's ARN (the builder's order)."""
    by_table = {arn.rsplit("/", 1)[-1]: arn for arn in resources}
    enclosing = {"dynamodb:enclosingoperation": [name]}
    for entry in params.get("TransactItems", []):
        for kind, item in entry.items():
            table = item.get("TableName", "")
            arn = table if table.startswith("arn:") else by_table.get(table, resources[0] if resources else "*")
            extra = {**enclosing, **_dynamodb_keys(name, item)}
            yield f"dynamodb:{_TRANSACTION_ACTIONS.get(kind, kind)}", arn, extra


@lru_cache(maxsize=4)
def _iso_second(second: int) -> str:
    return datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso(epoch: float) -> str:
    """ISO 8601 to the second (requests within one second share the text)."""
    return _iso_second(int(epoch))
