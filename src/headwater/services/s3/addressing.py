"""S3's addressing quirks, given to the rest-xml protocol as hooks.

* Virtual-hosted requests (``bucket.localhost:4566``, ``bucket.s3.localhost.<domain>``,
  ``bucket.s3.amazonaws.com``, ``bucket.s3.<region>.amazonaws.com``,
  ``bucket.s3-<region>.amazonaws.com``) are matched as their path-style equivalent; the
  endpoint host itself (``localhost``, ``127.0.0.1``, ``s3.localhost...``) names no bucket.
* ``ListDirectoryBuckets`` shares ``GET /`` with ``ListBuckets``: SDKs sign it for the
  ``s3express`` service and only it takes ``max-directory-buckets``.
"""

from __future__ import annotations

import re

from botocore.model import OperationModel

from headwater.http.message import HttpRequest
from headwater.protocol.routing import credential_scope

#: Tried in order; the first match names the bucket (which may itself contain dots).
_VIRTUAL_HOSTS = (
    re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9._-]*)\.s3(?:[.-][a-z0-9-]+)*\.amazonaws\.com$"),
    re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9._-]*?)\.s3\.localhost(?:\..*)?$"),
    re.compile(r"^(?P<bucket>[a-z0-9][a-z0-9._-]*)\.localhost$"),
)
#: Not a valid bucket name (too short): the first label of the endpoint ``s3.localhost``.
_ENDPOINT_LABEL = "s3"
#: S3 Object Lambda's ``WriteGetObjectResponse`` puts its route, not a bucket, in the host.
_REQUEST_ROUTE_HEADER = "x-amz-request-route"


def bucket_from_host(host: str) -> str | None:
    """The bucket a virtual-hosted ``Host`` header names, or None for the endpoint itself."""
    name = host.lower()
    if not name.startswith("["):
        name = name.rsplit(":", 1)[0]
    for pattern in _VIRTUAL_HOSTS:
        match = pattern.match(name)
        if match:
            bucket = match["bucket"]
            return None if bucket == _ENDPOINT_LABEL else bucket
    return None


def request_path(request: HttpRequest) -> str:
    """The raw path of ``request`` in path style (``/bucket/key``)."""
    bucket = bucket_from_host(request.host)
    if bucket is None or _REQUEST_ROUTE_HEADER in request.headers:
        return request.raw_path
    return f"/{bucket}{request.raw_path}"


def choose_operation(request: HttpRequest, candidates: list[OperationModel]) -> OperationModel | None:
    """Pick between operations that share a URI and required members."""
    by_name = {operation.name: operation for operation in candidates}
    if "ListDirectoryBuckets" in by_name:
        return by_name["ListDirectoryBuckets"] if _lists_directory_buckets(request) else by_name.get("ListBuckets")
    return None


def _lists_directory_buckets(request: HttpRequest) -> bool:
    scope = credential_scope(request)
    return (scope is not None and scope[3] == "s3express") or "max-directory-buckets" in request.query_dict

