"""CORS: Put/Get/DeleteBucketCors, preflight answers and the headers of actual requests.

Browsers ask before a cross-origin request with an unsigned ``OPTIONS`` carrying
``Origin`` and ``Access-Control-Request-Method``; the ``preflight`` service hook answers
it from the bucket's rules before authentication (200 with the ``Access-Control-*``
headers, or S3's 403 when no rule allows it). The ``response_headers`` hook adds those
headers to any other request whose ``Origin`` a rule allows for its method.

The first rule that allows the origin, the method and every requested header decides,
as on S3; an origin or header pattern may hold one ``*``.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import unquote

from headwater.http.message import HttpRequest, HttpResponse
from headwater.services.s3 import addressing, config_errors, configs, errors, service, store
from headwater.services.s3.config_documents import Subresource, register

METHODS = ("GET", "PUT", "HEAD", "POST", "DELETE")
MAX_RULES = 100
MAX_ID_LENGTH = 255
NOT_ALLOWED = ("This CORS request is not allowed. This is usually because the evalution of Origin, request "
               "method / Access-Control-Request-Method or Access-Control-Request-Headers are not whitelisted by "
               "the resource's CORS spec.")
VARY = ("Vary", "Origin, Access-Control-Request-Headers, Access-Control-Request-Method")


# --- configuration -------------------------------------------------------------------------------


def _check_configuration(ctx, bucket, req, config: dict) -> dict:
    rules = config.get("CORSRules") or []
    if not rules or len(rules) > MAX_RULES:
        raise errors.malformed_xml()
    for rule in rules:
        _check_rule(rule)
    return {"CORSRules": rules}


def _check_rule(rule: dict) -> None:
    if not rule.get("AllowedMethods") or not rule.get("AllowedOrigins"):
        raise errors.malformed_xml()
    if len(rule.get("ID", "")) > MAX_ID_LENGTH:
        raise errors.invalid_argument("ID length should not exceed allowed limit of 255", "ID", rule["ID"])
    for method in rule["AllowedMethods"]:
        if method not in METHODS:
            raise errors.invalid_request(f"Found unsupported HTTP method in CORS config. Unsupported method is "
                                         f"{method}")
    patterns = [("AllowedOrigin", p) for p in rule["AllowedOrigins"]]
    patterns += [("AllowedHeader", p) for p in rule.get("AllowedHeaders", [])]
    for kind, pattern in patterns:
        if pattern.count("*") > 1:
            raise errors.invalid_request(f'{kind} "{pattern}" can not have more than one wildcard.')


register(Subresource(
    "cors", "PutBucketCors", "GetBucketCors", "s3:PutBucketCORS", "s3:GetBucketCORS", delete="DeleteBucketCors",
    missing=config_errors.no_such_cors, check=_check_configuration,
))


# --- matching ------------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def _pattern(text: str, ignore_case: bool) -> re.Pattern:
    regex = ".*".join(re.escape(part) for part in text.split("*"))
    return re.compile(regex, re.IGNORECASE if ignore_case else 0)


def _allows(patterns: list[str], value: str, ignore_case: bool = False) -> bool:
    return any(_pattern(pattern, ignore_case).fullmatch(value) for pattern in patterns)


def matching_rule(rules: list[dict], origin: str, method: str, headers: list[str]) -> dict | None:
    """The first rule allowing ``origin``, ``method`` and every one of ``headers``."""
    for rule in rules:
        if (_allows(rule["AllowedOrigins"], origin) and method in rule["AllowedMethods"]
                and all(_allows(rule.get("AllowedHeaders", []), header, True) for header in headers)):
            return rule
    return None


def allow_headers(rule: dict, origin: str, requested_headers: list[str]) -> list[tuple[str, str]]:
    """The ``Access-Control-*`` headers of an allowed request."""
    wildcard = "*" in rule["AllowedOrigins"]
    headers = [("Access-Control-Allow-Origin", "*" if wildcard else origin),
               ("Access-Control-Allow-Methods", ", ".join(rule["AllowedMethods"]))]
    if requested_headers:
        headers.append(("Access-Control-Allow-Headers", ", ".join(requested_headers)))
    if rule.get("ExposeHeaders"):
        headers.append(("Access-Control-Expose-Headers", ", ".join(rule["ExposeHeaders"])))
    if rule.get("MaxAgeSeconds") is not None:
        headers.append(("Access-Control-Max-Age", str(rule["MaxAgeSeconds"])))
    if not wildcard:
        headers.append(("Access-Control-Allow-Credentials", "true"))
    return headers + [VARY]


# --- hooks ---------------------------------------------------------------------------------------


def _bucket_name(request: HttpRequest) -> str:
    return unquote(addressing.request_path(request).lstrip("/").split("/", 1)[0])


def _bucket_rules(app, bucket: str) -> list[dict] | None:
    """The bucket's CORS rules ([] without a configuration), or None when there is no bucket."""
    with app.database("s3").transaction(write=False) as conn:
        if store.bucket_row(conn, bucket) is None:
            return None
        return (configs.document(conn, bucket, "cors") or {}).get("CORSRules", [])


def preflight(app, request: HttpRequest) -> HttpResponse | None:
    """The answer to a CORS preflight (``OPTIONS`` on a bucket or object), else None."""
    bucket = _bucket_name(request) if request.method == "OPTIONS" else ""
    if not bucket:
        return None
    origin = request.headers.get("origin")
    method = request.headers.get("access-control-request-method")
    if not origin:
        raise config_errors.bad_request("Insufficient information. Origin request header needed.")
    if method not in METHODS:
        raise config_errors.bad_request(f"Invalid Access-Control-Request-Method: {method or 'null'}")
    asked = request.headers.get("access-control-request-headers", "")
    requested = [header.strip().lower() for header in asked.split(",") if header.strip()]
    rules = _bucket_rules(app, bucket)
    if rules is None:
        raise config_errors.cors_forbidden("Bucket not found")
    if not rules:
        raise config_errors.cors_forbidden("CORS is not enabled for this bucket.")
    rule = matching_rule(rules, origin, method, requested)
    if rule is None:
        raise config_errors.cors_forbidden(NOT_ALLOWED)
    return HttpResponse(200, allow_headers(rule, origin, requested))


def response_headers(app, request: HttpRequest) -> list[tuple[str, str]]:
    """CORS headers for a request whose ``Origin`` the bucket's rules allow for its method."""
    origin = request.headers.get("origin")
    bucket = _bucket_name(request) if origin else ""
    if not bucket or request.method not in METHODS:
        return []
    rule = matching_rule(_bucket_rules(app, bucket) or [], origin, request.method, [])
    return allow_headers(rule, origin, []) if rule else []


service.hooks["preflight"] = preflight
service.hooks["response_headers"] = response_headers
