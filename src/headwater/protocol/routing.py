"""Routing: which service and which operation an HTTP request is for.

The service comes from, in order: the ``X-Amz-Target`` prefix (JSON protocols), the
SigV4 credential scope, the host name, the query ``Action``; S3 is the fallback (browsers
and anonymous object requests). The operation comes from the protocol: the target's
suffix, the ``Action`` parameter, or the REST method/URI/query match (``restxml``).
"""

from __future__ import annotations

import re
from functools import lru_cache

from botocore.model import OperationModel

from headwater.errors import ServiceError
from headwater.http.message import HttpRequest
from headwater.protocol import specs
from headwater.registry import SERVICE_NAMES

_CREDENTIAL = re.compile(r"Credential=([^,\s]+)")
_HOST_SERVICE = re.compile(r"^(?:[^.]+\.)?([a-z0-9-]+)\.(?:[a-z]{2}-[a-z]+-\d\.)?(?:amazonaws\.com|localhost)")


def credential_scope(request: HttpRequest) -> list[str] | None:
    """``[access key, date, region, service, "aws4_request"]`` from the header or a presigned query."""
    match = _CREDENTIAL.search(request.headers.get("authorization", ""))
    credential = match.group(1) if match else request.query_dict.get("X-Amz-Credential")
    if not credential:
        return None
    parts = credential.split("/")
    return parts if len(parts) == 5 else None


@lru_cache(maxsize=None)
def _json_targets() -> dict[str, str]:
    targets = {}
    for name in SERVICE_NAMES:
        prefix = specs.load(name).metadata.get("targetPrefix")
        if prefix:
            targets[prefix] = name
    return targets


@lru_cache(maxsize=None)
def _signing_names() -> dict[str, str]:
    """Credential-scope service name → botocore service name (json services by target)."""
    names = {}
    for name in SERVICE_NAMES:
        metadata = specs.load(name).metadata
        for alias in (metadata.get("endpointPrefix"), metadata.get("signingName")):
            if alias:
                names.setdefault(alias, name)
    names["dynamodb"] = "dynamodb"
    return names


@lru_cache(maxsize=None)
def _action_services() -> dict[str, str]:
    """Query-protocol action name → the service that defines it (first listed wins)."""
    actions: dict[str, str] = {}
    for name in SERVICE_NAMES:
        if specs.protocol(name) in ("query", "ec2"):
            for operation in specs.load(name).operation_names:
                actions.setdefault(operation, name)
    return actions


@lru_cache(maxsize=None)
def _operation_names(model) -> frozenset[str]:
    """A service model's operation names, for a quick membership test."""
    return frozenset(model.operation_names)


def identify_service(request: HttpRequest) -> str:
    target = request.headers.get("x-amz-target")
    if target:
        service = _json_targets().get(target.rsplit(".", 1)[0])
        if service:
            return service
    scope = credential_scope(request)
    if scope and scope[3] in _signing_names():
        return _signing_names()[scope[3]]
    host_match = _HOST_SERVICE.match(request.host)
    if host_match and host_match.group(1) in _signing_names():
        return _signing_names()[host_match.group(1)]
    action = action_name(request)
    if action and action in _action_services():
        return _action_services()[action]
    return "s3"


def action_name(request: HttpRequest) -> str | None:
    """The ``Action`` of a query/ec2 request, from the query string or the form body."""
    return request.query_dict.get("Action") or dict(request.form).get("Action")


def find_operation(service: str, request: HttpRequest, hooks: dict | None = None) -> tuple[OperationModel, dict]:
    """The operation model and the URI labels (REST only) of ``request``."""
    model = specs.load(service)
    protocol = model.metadata["protocol"]
    if protocol == "json":
        return _json_operation(model, request), {}
    if protocol in ("query", "ec2"):
        return _query_operation(model, request), {}
    from headwater.protocol import restxml

    return restxml.match_operation(model, request, hooks or {})


def _json_operation(model, request: HttpRequest) -> OperationModel:
    target = request.headers.get("x-amz-target", "")
    prefix, _, name = target.rpartition(".")
    if prefix != model.metadata["targetPrefix"] or name not in _operation_names(model):
        raise ServiceError("UnknownOperationException", "", 400)
    return model.operation_model(name)


def _query_operation(model, request: HttpRequest) -> OperationModel:
    action = action_name(request)
    if not action:
        raise ServiceError("MissingAction", "Missing Action", 400)
    if action not in _operation_names(model):
        version = model.metadata.get("apiVersion")
        raise ServiceError("InvalidAction", f"Could not find operation {action} for version {version}", 400)
    return model.operation_model(action)
