"""SigV4 verification: who signed a request, checked by recomputing the signature.

Header-signed (``Authorization: AWS4-HMAC-SHA256 ...``) and presigned (``X-Amz-*`` query)
requests are both recomputed from exactly what the client signed: the listed
SignedHeaders, the query it sent, the raw path it sent and the payload hash it claimed.
The canonical request is built here, in the form botocore's ``SigV4Auth`` (and
``S3SigV4Auth``, whose path is not normalised) signs, without its per-request objects;
the tests check it against botocore's signer. Failures raise the service's own AWS error (:mod:`headwater.auth.errors`).
S3 also takes Signature Version 2 (:mod:`headwater.auth.sigv2`), checked here the same way.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from functools import lru_cache
from hashlib import sha256
from urllib.parse import quote, unquote

from botocore.auth import SIGV4_TIMESTAMP, UNSIGNED_PAYLOAD
from botocore.credentials import Credentials
from botocore.utils import normalize_url_path

from headwater.auth import errors, sigv2
from headwater.auth.keys import (
    CredentialError,
    ExpiredSessionToken,
    InvalidSessionToken,
    KeyStore,
    Principal,
    anonymous_principal,
)
from headwater.config import DEFAULT_REGION
from headwater.http.message import HttpRequest
from headwater.protocol import specs

ALGORITHM = "AWS4-HMAC-SHA256"
#: The longest life of a presigned S3 URL: seven days.
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600
#: ``x-amz-content-sha256`` values S3 accepts besides a hex SHA-256.
S3_PAYLOAD_MARKERS = frozenset({
    UNSIGNED_PAYLOAD,
    "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
    "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD",
    "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER",
})
_HEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_SIGV4_TIME = re.compile(r"(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z")
_SCOPE_DATE = re.compile(r"\d{8}")
#: The usual ``Authorization`` header, as every SDK writes it (values of printable ASCII
#: but commas); any other form is read piece by piece.
_USUAL_AUTHORIZATION = re.compile(
    ALGORITHM + r" Credential=([!-+\--~]+), ?SignedHeaders=([!-+\--~]+), ?Signature=([!-+\--~]+)")
_PRESIGNED_PARAMETERS = ("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date",
                         "X-Amz-SignedHeaders")


@dataclass(frozen=True)
class Authentication:
    """Who sent a request and, for a verified signature, what chunk signing chains from."""

    principal: Principal
    region: str = DEFAULT_REGION
    #: When the request was signed, and the same as SigV4 writes it (``20130524T000000Z``).
    signed_at: datetime | None = None
    timestamp: str | None = None
    #: ``20130524/us-east-1/s3/aws4_request``
    scope: str | None = None
    #: The request's own signature: the seed of a signed aws-chunked body.
    signature: str | None = None
    #: The derived SigV4 key; None when the signature was not checked.
    signing_key: bytes | None = None
    presigned: bool = False

    def sign(self, string_to_sign: str) -> str:
        """Hex HMAC-SHA256 with the signing key (chunk and trailer signatures)."""
        return hmac.new(self.signing_key, string_to_sign.encode("utf-8"), sha256).hexdigest()


@dataclass(slots=True)
class _Signed:
    """The signature a request carries, as the client wrote it."""

    credential: str
    signed_headers: tuple[str, ...]
    signature: str
    time_text: str
    signed_at: datetime
    #: ``signed_at`` as SigV4 writes it (``20130524T000000Z``).
    timestamp: str
    session_token: str | None
    query: list[tuple[str, str]]
    presigned: bool = False
    expires: str | None = None


def authenticate(request: HttpRequest, service: str, keys: KeyStore, clock, *, verify: bool = True,
                 max_skew: int = 900) -> Authentication:
    """The request's :class:`Authentication`, or the service's AWS error.

    Unsigned requests are anonymous for S3 and refused elsewhere. ``verify=False``
    (``--auth off``) only reads the region and makes any key root (or its known owner).
    """
    if service == "s3":
        _check_one_mechanism(request)
        signed_v2 = sigv2.read_signature(request)
        if signed_v2 is not None:
            return _authenticate_v2(request, signed_v2, keys, clock, verify, max_skew)
    signed = _read_signature(request, service)
    if signed is None:
        return _unsigned(service, keys, verify)
    access_key, scope_date, region, scope_service = _split_credential(service, signed.credential)
    secret, principal = _resolve(service, keys, access_key, signed.session_token, verify)
    signing_key = None
    if secret is not None:
        _check_scope(service, scope_date, scope_service, signed)
        _check_signed_headers(request, service, signed)
        _check_time(service, signed, clock.now(), max_skew)
        payload = _payload_hash(request, service, signed)
        signing_key = _verify_signature(request, service, signed, secret, region, scope_service, payload)
        _check_body(request, service, payload)
    return Authentication(principal, region, signed.signed_at, signed.timestamp,
                          f"{scope_date}/{region}/{scope_service}/aws4_request", signed.signature,
                          signing_key, signed.presigned)


def _authenticate_v2(request: HttpRequest, signed: sigv2.SignatureV2, keys: KeyStore, clock, verify: bool,
                     max_skew: int) -> Authentication:
    """S3's Signature Version 2: no region (us-east-1) and nothing for aws-chunked to chain from."""
    secret, principal = _resolve("s3", keys, signed.access_key, signed.session_token, verify)
    if secret is not None:
        sigv2.check_time(signed, clock.now(), max_skew)
        readings = sigv2.recompute(request, signed, Credentials(signed.access_key, secret))
        if not any(same_signature(expected, signed.signature) for _, expected in readings):
            raise errors.signature_mismatch("s3", signed.access_key, signed.signature, None, readings[0][0])
    return Authentication(principal, signed_at=signed.signed_at, presigned=signed.presigned)


# --- reading the signature -------------------------------------------------------


def _check_one_mechanism(request: HttpRequest) -> None:
    """S3 takes one of: an Authorization header, SigV4 presigned parameters, V2's."""
    mechanisms = (bool(request.headers.get("authorization", "").strip()), "X-Amz-Algorithm" in request.query_dict,
                  sigv2.in_query(request))
    if sum(mechanisms) > 1:
        raise errors.conflicting_authorization()


def _read_signature(request: HttpRequest, service: str) -> _Signed | None:
    header = request.headers.get("authorization", "").strip()
    if header:
        return _from_header(request, service, header)
    if "X-Amz-Algorithm" in request.query_dict:
        return _from_query(request, service)
    return None


def _from_header(request: HttpRequest, service: str, header: str) -> _Signed:
    usual = _USUAL_AUTHORIZATION.fullmatch(header)
    if usual is not None:
        credential, signed_headers, signature = usual.groups()
    else:
        parts = _authorization_parts(service, header)
        credential, signed_headers, signature = parts["Credential"], parts["SignedHeaders"], parts["Signature"]
    time_text = request.headers.get("x-amz-date") or request.headers.get("date", "")
    signing_time = _signing_time(time_text)
    if signing_time is None:
        raise errors.missing_date(service, header)
    query = request.query if request.query_string else []
    return _Signed(credential, _header_names(signed_headers), signature, time_text, *signing_time,
                   request.headers.get("x-amz-security-token"), query)


def _authorization_parts(service: str, header: str) -> dict[str, str]:
    """The ``name=value`` pieces of an Authorization header written in any accepted form."""
    algorithm, _, rest = header.partition(" ")
    if algorithm != ALGORITHM:
        raise errors.unsupported_authorization(service, header)
    parts = {}
    for piece in filter(None, (piece.strip() for piece in rest.split(","))):
        name, equals, value = piece.partition("=")
        if not equals:
            raise errors.invalid_pair(service, header, piece)
        parts[name.strip()] = value.strip()
    missing = [name for name in ("Credential", "Signature", "SignedHeaders") if name not in parts]
    if missing:
        raise errors.incomplete_authorization(service, header, missing)
    return parts


def _from_query(request: HttpRequest, service: str) -> _Signed:
    params = request.query_dict
    required = _PRESIGNED_PARAMETERS + (("X-Amz-Expires",) if service == "s3" else ())
    missing = [name for name in required if name not in params]
    if missing:
        raise errors.incomplete_presigned(service, missing)
    if params["X-Amz-Algorithm"] != ALGORITHM:
        raise errors.presigned_parameter_invalid(
            service, 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256"')
    signing_time = _signing_time(params["X-Amz-Date"], header=False)
    if signing_time is None:
        raise errors.presigned_parameter_invalid(
            service, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
    query = [(name, value) for name, value in request.query if name != "X-Amz-Signature"]
    return _Signed(params["X-Amz-Credential"], _header_names(params["X-Amz-SignedHeaders"]),
                   params["X-Amz-Signature"], params["X-Amz-Date"], *signing_time,
                   params.get("X-Amz-Security-Token"), query, presigned=True, expires=params.get("X-Amz-Expires"))


@lru_cache(maxsize=256)
def _header_names(signed_headers: str) -> tuple[str, ...]:
    """The names of a SignedHeaders list (a client sends the same few lists again and again)."""
    return tuple(name.strip().lower() for name in signed_headers.split(";") if name.strip())


@lru_cache(maxsize=64)
def _signing_time(text: str, header: bool = True) -> tuple[datetime, str] | None:
    """``(when, SigV4 timestamp)`` of a signing time, None if it is not one (cached: the
    requests of one second share it)."""
    signed_at = _parse_time(text, header)
    return None if signed_at is None else (signed_at, signed_at.strftime(SIGV4_TIMESTAMP))


def _parse_time(text: str, header: bool = True) -> datetime | None:
    """An ``x-amz-date`` (``20130524T000000Z``), or for headers also an RFC 1123 ``Date``."""
    match = _SIGV4_TIME.fullmatch(text)
    if match:
        try:
            return datetime(*map(int, match.groups()), tzinfo=timezone.utc)
        except ValueError:
            return None
    if not header:
        return None
    try:
        return parsedate_to_datetime(text).astimezone(timezone.utc)
    except (TypeError, ValueError, IndexError):
        return None


@lru_cache(maxsize=256)
def _split_credential(service: str, credential: str) -> tuple[str, str, str, str]:
    """``(access key, date, region, service)`` of ``KEY/20130524/us-east-1/s3/aws4_request``
    (cached: a client signs with one credential scope all day)."""
    parts = credential.rsplit("/", 4)
    if len(parts) != 5 or parts[4] != "aws4_request" or not _SCOPE_DATE.fullmatch(parts[1]):
        raise errors.malformed_credential(service, credential)
    return parts[0], parts[1], parts[2] or DEFAULT_REGION, parts[3]


# --- who signed ------------------------------------------------------------------


def _unsigned(service: str, keys: KeyStore, verify: bool) -> Authentication:
    if service == "s3":
        return Authentication(anonymous_principal(keys.account))
    if not verify:
        return Authentication(keys.root(""))
    raise errors.missing_authentication(service)


def _resolve(service: str, keys: KeyStore, access_key: str, token: str | None,
             verify: bool) -> tuple[str | None, Principal]:
    """``(secret, principal)``; the secret is None when the signature is not to be checked."""
    try:
        secret, principal = keys.resolve(access_key, token)
    except CredentialError as error:
        if not verify:
            return None, keys.root(access_key)
        if isinstance(error, InvalidSessionToken):
            raise errors.invalid_session_token(service, token) from None
        if isinstance(error, ExpiredSessionToken):
            raise errors.expired_session_token(service, token) from None
        raise errors.unknown_access_key(service, access_key) from None
    return (secret if verify else None), principal


# --- checks ----------------------------------------------------------------------


@lru_cache(maxsize=None)
def _signing_name(service: str) -> str:
    metadata = specs.load(service).metadata
    return metadata.get("signingName") or metadata["endpointPrefix"]


def _check_scope(service: str, scope_date: str, scope_service: str, signed: _Signed) -> None:
    expected = _signing_name(service)
    if scope_service != expected:
        raise errors.wrong_scope_service(service, expected, scope_service)
    if scope_date != signed.timestamp[:8]:
        raise errors.wrong_scope_date(service, scope_date, signed.timestamp)


def _check_signed_headers(request: HttpRequest, service: str, signed: _Signed) -> None:
    """S3 wants every ``x-amz-*`` header of a header-signed request signed."""
    if service != "s3" or signed.presigned:
        return
    signed_names = set(signed.signed_headers)
    unsigned = sorted(name for name in request.headers if name.startswith("x-amz-") and name not in signed_names)
    if unsigned:
        raise errors.headers_not_signed(unsigned)


def _check_time(service: str, signed: _Signed, now: datetime, max_skew: int) -> None:
    """Header signatures and non-S3 presigned URLs live ``max_skew`` seconds (STS ignores
    X-Amz-Expires); S3 presigned URLs live X-Amz-Expires seconds, at most seven days."""
    if signed.presigned and service == "s3":
        expires = _presigned_expires(signed.expires)
        if now > signed.signed_at + timedelta(seconds=expires):
            raise errors.presigned_expired(expires, signed.signed_at, now)
        if signed.signed_at > now + timedelta(seconds=max_skew):
            raise errors.presigned_not_yet_valid(expires, signed.signed_at, now)
    elif abs((now - signed.signed_at).total_seconds()) > max_skew:
        raise errors.time_skewed(service, signed.time_text, signed.signed_at, now, max_skew)


def _presigned_expires(text: str) -> int:
    try:
        expires = int(text)
    except ValueError:
        raise errors.presigned_parameter_invalid("s3", "X-Amz-Expires should be a number") from None
    if expires < 0:
        raise errors.presigned_parameter_invalid("s3", "X-Amz-Expires must be non-negative")
    if expires > MAX_PRESIGNED_EXPIRES:
        raise errors.presigned_parameter_invalid(
            "s3", f"X-Amz-Expires must be less than a week (in seconds) that is {MAX_PRESIGNED_EXPIRES}")
    return expires


def payload_hash_expected(headers: dict[str, str], query_string: str) -> bool:
    """Whether verifying this request may need its body's SHA-256, judged before the body
    arrives: not when the header names an unsigned or streaming payload, nor for a
    presigned URL that signs no payload hash (both S3 uploads). Only a hint: the body
    computes the hash later if it is asked for it anyway."""
    claimed = headers.get("x-amz-content-sha256")
    if claimed is not None:
        return claimed not in S3_PAYLOAD_MARKERS
    return not ("X-Amz-Signature=" in query_string and "X-Amz-Content-Sha256=" not in query_string)


def _payload_hash(request: HttpRequest, service: str, signed: _Signed) -> str:
    """The payload hash the client put in its canonical request.

    S3 signs the ``x-amz-content-sha256`` it sends (a hex hash, UNSIGNED-PAYLOAD or a
    STREAMING-* marker); presigned S3 URLs sign UNSIGNED-PAYLOAD unless they signed that
    header or an X-Amz-Content-Sha256 parameter. Other services sign the body's hash,
    unless the header names a marker.
    """
    claimed = request.headers.get("x-amz-content-sha256")
    if service == "s3":
        if signed.presigned:
            if "x-amz-content-sha256" in signed.signed_headers:
                return claimed
            return request.query_dict.get("X-Amz-Content-Sha256") or UNSIGNED_PAYLOAD
        if claimed is None:
            raise errors.content_sha256_missing()
        if claimed not in S3_PAYLOAD_MARKERS and not _HEX_SHA256.match(claimed):
            raise errors.content_sha256_invalid(claimed)
        return claimed
    if claimed is None or _HEX_SHA256.match(claimed):
        return request.body.sha256
    return claimed


def _check_body(request: HttpRequest, service: str, payload: str) -> None:
    """S3 compares a signed hex payload hash with the body it received (any other service
    signs the hash of the body it sent: see :func:`_payload_hash`)."""
    if service == "s3" and _HEX_SHA256.match(payload) and payload != request.body.sha256:
        raise errors.content_sha256_mismatch(payload, request.body.sha256)


# --- recomputing the signature ----------------------------------------------------


def _verify_signature(request: HttpRequest, service: str, signed: _Signed, secret: str, region: str,
                      scope_service: str, payload: str) -> bytes:
    """The signing key, once the signature is found right for one reading of the path."""
    scope = f"{signed.timestamp[:8]}/{region}/{scope_service}/aws4_request"
    key = derive_signing_key(secret, signed.timestamp[:8], region, scope_service)
    rest = "\n".join([canonical_query(signed.query), canonical_headers(request.headers, signed.signed_headers),
                      ";".join(signed.signed_headers), payload])
    first = None
    for path in _path_readings(request.raw_path, service):
        canonical = f"{request.method.upper()}\n{path}\n{rest}"
        string_to_sign = f"AWS4-HMAC-SHA256\n{signed.timestamp}\n{scope}\n{sha256(canonical.encode()).hexdigest()}"
        if same_signature(hmac.digest(key, string_to_sign.encode(), "sha256").hex(), signed.signature):
            return key
        first = first or (canonical, string_to_sign)
    raise errors.signature_mismatch(service, signed.credential.split("/", 1)[0], signed.signature, *first)


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    """SigV4's canonical query string: each name and value URI-encoded, sorted."""
    if not pairs:
        return ""
    return "&".join(f"{name}={value}" for name, value in
                    sorted((quote(name, safe="-_.~"), quote(value, safe="-_.~")) for name, value in pairs))


def canonical_headers(headers: dict[str, str], names: Sequence[str]) -> str:
    """The signed headers as ``name:value`` lines, values trimmed and inner spaces collapsed
    (``names`` are lower-case and sorted, as SignedHeaders lists them)."""
    return "".join(f"{name}:{' '.join(headers.get(name, '').split())}\n" for name in names)


@lru_cache(maxsize=256)
def derive_signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    """SigV4's key derivation; a client reuses one key all day, so it is cached."""
    key = f"AWS4{secret}".encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.digest(key, part.encode("utf-8"), "sha256")
    return key


def same_signature(expected: str, given: str) -> bool:
    """Constant-time comparison of a computed hex signature with whatever was sent."""
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "replace"))


def _path_readings(raw_path: str, service: str) -> list[str]:
    """The canonical URI: for S3 the raw path the client sent, and also its canonical
    re-encoding for clients that send characters such as ``(`` or ``!`` unencoded but sign
    them encoded; for every other service the normalised path, encoded once more, as
    botocore's ``SigV4Auth`` signs it."""
    raw_path = raw_path or "/"
    if service != "s3":
        return [_canonical_path(raw_path)]
    encoded = quote(unquote(raw_path), safe="/~")
    return [raw_path] if encoded == raw_path else [raw_path, encoded]


@lru_cache(maxsize=256)
def _canonical_path(raw_path: str) -> str:
    """The canonical URI of a service other than S3 (most only ever see ``/``)."""
    return quote(normalize_url_path(raw_path), safe="/~")
