"""S3 Signature Version 2: what a V2-signed request carries and what its signer signed.

Two forms: the header ``Authorization: AWS <key>:<signature>`` (dated by ``Date``, or by
``x-amz-date`` which then leaves the date line empty) and the query string
``?AWSAccessKeyId=&Signature=&Expires=<epoch seconds>`` that boto3's
``generate_presigned_url`` writes for S3 by default. The string to sign is recomputed with
botocore's own V2 signers (``HmacV1Auth``, ``HmacV1QueryAuth``): the same sub-resources
and ``x-amz-*`` headers, the raw path as sent (the bucket put in front of it for
virtual-hosted requests), only the date line taken from the request instead of the clock.
:mod:`headwater.auth.sigv4` resolves the key and compares the signatures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from botocore.auth import HmacV1Auth, HmacV1QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from headwater.auth import errors
from headwater.http.message import HttpRequest
from headwater.services.s3.addressing import request_path

#: Query parameters that make a request a V2 presigned URL, and all those it needs.
_QUERY_MARKERS = ("AWSAccessKeyId", "Signature")
_QUERY_PARAMETERS = ("AWSAccessKeyId", "Signature", "Expires")
#: Headers a V2 signer signs besides ``Date``; a presigned URL may carry them as parameters.
_STANDARD_HEADERS = ("content-md5", "content-type")
_EPOCH_SECONDS = re.compile(r"[+-]?\d+")


@dataclass(frozen=True)
class SignatureV2:
    """A V2 signature as the client wrote it, with the date line it signed."""

    access_key: str
    signature: str
    #: ``Date`` as sent ("" beside an ``x-amz-date``), or a presigned URL's ``Expires``.
    date_line: str
    session_token: str | None
    #: Header form: when the request says it was signed, and that time as sent.
    signed_at: datetime | None = None
    time_text: str = ""
    #: Query form: when the URL stops working.
    expires_at: datetime | None = None

    @property
    def presigned(self) -> bool:
        return self.expires_at is not None


def in_query(request: HttpRequest) -> bool:
    """Whether the query string carries V2 presigned parameters."""
    return any(name in request.query_dict for name in _QUERY_MARKERS)


def read_signature(request: HttpRequest) -> SignatureV2 | None:
    """The request's V2 signature; None when it is not V2-signed. Malformed ones raise S3's error."""
    header = request.headers.get("authorization", "").strip()
    if header.startswith("AWS "):
        return _from_header(request, header)
    if in_query(request):
        return _from_query(request)
    return None


def _from_header(request: HttpRequest, header: str) -> SignatureV2:
    credential = header[len("AWS "):]
    if credential.startswith(" "):
        raise errors.v2_authorization_spacing(header)
    access_key, colon, signature = credential.partition(":")
    if not colon or not signature or ":" in signature:
        raise errors.v2_authorization_invalid(header)
    amz_date = request.headers.get("x-amz-date")
    time_text = request.headers.get("date", "") if amz_date is None else amz_date
    signed_at = _http_date(time_text)
    if signed_at is None:
        raise errors.missing_date("s3", header)
    return SignatureV2(access_key, signature, time_text if amz_date is None else "",
                       request.headers.get("x-amz-security-token"), signed_at=signed_at, time_text=time_text)


def _from_query(request: HttpRequest) -> SignatureV2:
    params = request.query_dict
    if any(name not in params for name in _QUERY_PARAMETERS):
        raise errors.v2_query_incomplete()
    expires = params["Expires"]
    return SignatureV2(params["AWSAccessKeyId"], params["Signature"], expires, params.get("x-amz-security-token"),
                       expires_at=_epoch(expires))


def _http_date(text: str) -> datetime | None:
    """A ``Date`` or V2 ``x-amz-date``: an HTTP date (RFC 1123, RFC 850 or asctime)."""
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _epoch(text: str) -> datetime:
    """``Expires``: whole seconds since the epoch."""
    if _EPOCH_SECONDS.fullmatch(text):
        try:
            return datetime.fromtimestamp(int(text), timezone.utc)
        except (ValueError, OverflowError, OSError):
            pass
    raise errors.v2_expires_invalid(text)


# --- time ------------------------------------------------------------------------


def check_time(signed: SignatureV2, now: datetime, max_skew: int) -> None:
    """A presigned URL lives until its ``Expires``, however far ahead; a header-signed
    request must be dated within ``max_skew`` seconds of ``now``."""
    if signed.presigned:
        if now > signed.expires_at:
            raise errors.v2_expired(signed.expires_at, now)
    elif abs((now - signed.signed_at).total_seconds()) > max_skew:
        raise errors.time_skewed("s3", signed.time_text, signed.signed_at, now, max_skew)


# --- recomputing the signature ---------------------------------------------------


class _Dated:
    """A botocore V2 signer that signs the date line the request carries, not the time now."""

    def __init__(self, credentials: Credentials, date_line: str):
        super().__init__(credentials)
        self._date_line = date_line

    def _get_date(self) -> str:
        return self._date_line


class _HeaderVerifier(_Dated, HmacV1Auth):
    pass


class _QueryVerifier(_Dated, HmacV1QueryAuth):
    pass


def recompute(request: HttpRequest, signed: SignatureV2, credentials: Credentials) -> list[tuple[str, str]]:
    """``(string to sign, signature)`` as botocore computes them, for each reading of the path
    (:func:`_resource_paths`; the path as sent first)."""
    verifier_class = _QueryVerifier if signed.presigned else _HeaderVerifier
    verifier = verifier_class(credentials, signed.date_line)
    results = []
    for path in _resource_paths(request):
        aws_request = _botocore_request(request, signed, path)
        string_to_sign = verifier.canonical_string(aws_request.method, urlsplit(aws_request.url), aws_request.headers,
                                                   auth_path=aws_request.auth_path)
        results.append((string_to_sign, verifier.sign_string(string_to_sign)))
    return results


def _resource_paths(request: HttpRequest) -> list[str]:
    """The path-style path (the bucket in front for virtual-hosted requests); for a bucket's
    own operations also with the slash after the bucket that botocore signs (the model's
    ``authPath`` ``/{Bucket}/``) but does not send in path style."""
    path = request_path(request) or "/"
    if path.count("/") == 1 and len(path) > 1:
        return [path, path + "/"]
    return [path]


def _botocore_request(request: HttpRequest, signed: SignatureV2, auth_path: str) -> AWSRequest:
    """The request as botocore held it when signing: path and query as sent, the
    path-style path as ``auth_path``, and the headers a V2 signer reads."""
    headers = dict(request.headers)
    if signed.presigned:
        for name, value in request.query:
            if _signable(name.lower()) and name.lower() not in headers:
                headers[name.lower()] = value
    query = f"?{request.query_string}" if request.query_string else ""
    aws_request = AWSRequest(method=request.method.upper(), url=f"http://localhost{request.raw_path or '/'}{query}",
                             headers=headers)
    aws_request.auth_path = auth_path
    return aws_request


def _signable(name: str) -> bool:
    """``HmacV1QueryAuth`` moves these headers into the URL it presigns."""
    return name.startswith("x-amz-") or name in _STANDARD_HEADERS
