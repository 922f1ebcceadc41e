"""AWS's exact answers to authentication failures, per service protocol family.

Families: ``json`` (dynamodb, dynamodbstreams, kinesis, firehose, logs), ``sqs`` (JSON
with awsQueryCompatible: the JSON code plus its query code in ``x-amzn-query-error``),
``query`` (iam, sts, rds), ``ec2`` and ``s3``. Sources, all replies of real AWS quoted
in public threads or AWS documentation:

- JSON: UnrecognizedClientException 400 (aws-sdk-java v1 traces in yegor256/s3auth#237),
  InvalidSignatureException 400 with the canonical request in the message
  (aws/aws-sdk-js#168, vibe-aws#1), "Signature expired: ..." (aws/aws-sdk-js#254),
  MissingAuthenticationTokenException 400 "Request is missing Authentication Token"
  (amazon-archives/aws-dynamodb-session-tomcat#42), IncompleteSignatureException
  messages (awslabs/fhir-works-on-aws-deployment#379, aws/chalice#828).
- Query: InvalidClientTokenId 403 and MissingAuthenticationToken 403 (AWS "Common
  Errors" pages of IAM, STS, RDS, SQS), SignatureDoesNotMatch 403 with the canonical
  request (boto/boto3#756), "Signature expired: ..." (aws/aws-cli#6676), "Signature not
  yet current: ..." 403 (QT-DevOps/DevOpsIssues#989), IncompleteSignature 400
  (brendanhay/amazonka#316). STS and other non-S3 services ignore X-Amz-Expires: a
  presigned URL lives 15 minutes (aws/aws-sdk-go#2167, kubernetes-sigs/aws-iam-authenticator#160).
- EC2: AuthFailure 401 "AWS was not able to validate the provided access credentials"
  (aws/aws-sdk-java-v2#2981), SignatureDoesNotMatch 403 without details
  (mitchellh/vagrant-aws#138), RequestExpired 400 "Request has expired." for skewed
  clocks and expired credentials (aws/aws-sdk-java#1443, aws/aws-sdk-go-v2#1674).
- S3: InvalidAccessKeyId 403, SignatureDoesNotMatch 403 with StringToSign and
  CanonicalRequest, RequestTimeTooSkewed 403 (aws/aws-sdk-php#612), AccessDenied "Request
  has expired" (aws/aws-sdk-php#1333), "Request is not yet valid" (minio/minio#2638),
  AuthorizationHeaderMalformed (ex-aws/ex_aws#537, aws/aws-sdk-ruby#1276),
  XAmzContentSHA256Mismatch (s3tools/s3cmd#812), "AWS authentication requires a valid
  Date or x-amz-date header" (hubrick/vertx-s3-client#5).
- S3 Signature Version 2: SignatureDoesNotMatch with StringToSign and its bytes but no
  canonical request (the V2 reply dummies.com's "overcoming annoying signature issues"
  shows), AccessDenied "Query-string authentication requires the Signature, Expires and
  AWSAccessKeyId parameters" (boto/boto#3244), "Invalid date (should be seconds since
  epoch)" (expected by OpenStack Swift's s3api tests), InvalidArgument "Authorization header
  is invalid -- one and only one ' ' (space) required" (laurilehmijoki/s3_website#178) and
  "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature" (ceph/s3-tests,
  scality/Arsenal#178).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from headwater.errors import ServiceError
from headwater.protocol import specs

_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)
_S3_SIGNATURE = (
    "The request signature we calculated does not match the signature you provided. Check your key and signing method."
)
_INVALID_TOKEN = "The security token included in the request is invalid."
_EXPIRED_TOKEN = "The security token included in the request is expired"
_EC2_CREDENTIALS = "AWS was not able to validate the provided access credentials"
_EC2_EXPIRED = "Request has expired."
_MISSING = "Request is missing Authentication Token"

# kind → (code, HTTP status, message) for each family (S3 answers are built below).
_ANSWERS = {
    "json": {
        "unknown_key": ("UnrecognizedClientException", 400, _INVALID_TOKEN),
        "invalid_token": ("UnrecognizedClientException", 400, _INVALID_TOKEN),
        "expired_token": ("ExpiredTokenException", 400, _EXPIRED_TOKEN),
        "missing": ("MissingAuthenticationTokenException", 400, _MISSING),
        "signature": ("InvalidSignatureException", 400, _SIGNATURE),
        "skewed": ("InvalidSignatureException", 400, ""),
        "incomplete": ("IncompleteSignatureException", 400, ""),
        "access_denied": ("AccessDeniedException", 400, ""),
    },
    "query": {
        "unknown_key": ("InvalidClientTokenId", 403, _INVALID_TOKEN),
        "invalid_token": ("InvalidClientTokenId", 403, _INVALID_TOKEN),
        "expired_token": ("ExpiredToken", 403, _EXPIRED_TOKEN),
        "missing": ("MissingAuthenticationToken", 403, _MISSING),
        "signature": ("SignatureDoesNotMatch", 403, _SIGNATURE),
        "skewed": ("SignatureDoesNotMatch", 403, ""),
        "incomplete": ("IncompleteSignature", 400, ""),
        "access_denied": ("AccessDenied", 403, ""),
    },
    "ec2": {
        "unknown_key": ("AuthFailure", 401, _EC2_CREDENTIALS),
        "invalid_token": ("AuthFailure", 401, _EC2_CREDENTIALS),
        "expired_token": ("RequestExpired", 400, _EC2_EXPIRED),
        "missing": ("MissingAuthenticationToken", 401, "The request must contain valid credentials."),
        "signature": ("SignatureDoesNotMatch", 403, _SIGNATURE),
        "skewed": ("RequestExpired", 400, _EC2_EXPIRED),
        "incomplete": ("IncompleteSignature", 400, ""),
        "access_denied": ("UnauthorizedOperation", 403, "You are not authorized to perform this operation."),
    },
}


def family(service: str) -> str:
    """``json``, ``sqs``, ``query``, ``ec2`` or ``s3``: how ``service`` words auth failures."""
    if service == "s3":
        return "s3"
    metadata = specs.load(service).metadata
    if metadata["protocol"] == "json":
        return "sqs" if "awsQueryCompatible" in metadata else "json"
    return {"query": "query", "ec2": "ec2", "rest-xml": "s3"}.get(metadata["protocol"], "json")


def _answer(service: str, kind: str, message: str | None = None) -> ServiceError:
    """A non-S3 failure of ``kind``; ``message`` replaces the family's fixed wording."""
    name = family(service)
    if name == "sqs":
        code, _, default = _ANSWERS["json"][kind]
        query_code, status, _ = _ANSWERS["query"][kind]
        headers = {"x-amzn-query-error": f"{query_code};Sender"}
        return ServiceError(code, default if message is None else message, status, headers=headers)
    code, status, default = _ANSWERS[name][kind]
    # EC2 words these without details (what it says is fixed).
    if name == "ec2" and kind in ("signature", "skewed", "access_denied"):
        message = None
    return ServiceError(code, default if message is None else message, status)


def _s3(code: str, message: str, status: int = 403, **fields) -> ServiceError:
    return ServiceError(code, message, status, fields=fields)


def amz_date(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def iso_time(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _spaced_hex(text: str) -> str:
    return " ".join(f"{byte:02x}" for byte in text.encode("utf-8"))


# --- credentials ---------------------------------------------------------------


def unknown_access_key(service: str, access_key: str) -> ServiceError:
    if service == "s3":
        return _s3("InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
                   AWSAccessKeyId=access_key)
    return _answer(service, "unknown_key")


def invalid_session_token(service: str, token: str | None) -> ServiceError:
    if service == "s3":
        return _s3("InvalidToken", "The provided token is malformed or otherwise invalid.", 400,
                   **{"Token-0": token or ""})
    return _answer(service, "invalid_token")


def expired_session_token(service: str, token: str | None) -> ServiceError:
    if service == "s3":
        return _s3("ExpiredToken", "The provided token has expired.", 400, **{"Token-0": token or ""})
    return _answer(service, "expired_token")


def missing_authentication(service: str) -> ServiceError:
    """An unsigned request to a service that admits no anonymous callers."""
    return _answer(service, "missing")


def access_denied(service: str, principal_arn: str, action: str, resource: str, *, explicit: bool = False,
                  policy_type: str | None = "identity-based") -> ServiceError:
    """AWS's denial of ``action`` on ``resource`` (iam.md §4.6): an implicit deny ("because no
    <type> policy allows ...") or an explicit one ("with an explicit deny in a(n) <type> policy");
    no reason at all when ``policy_type`` is None (sts:AssumeRole). SQS lower-cases the action."""
    if service == "s3":
        return _s3("AccessDenied", "Access Denied")
    if family(service) == "sqs":
        action = action.lower()
    message = f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource}"
    if policy_type is not None:
        message += (f" with an explicit deny in a(n) {policy_type} policy" if explicit
                    else f" because no {policy_type} policy allows the {action} action")
    return _answer(service, "access_denied", message)


def access_denied_plain(service: str, message: str) -> ServiceError:
    """An access denial with AWS's fixed wording for a case (``Roles may not be assumed by root accounts.``)."""
    if service == "s3":
        return _s3("AccessDenied", message)
    return _answer(service, "access_denied", message)


# --- signatures ----------------------------------------------------------------


def signature_mismatch(service: str, access_key: str, provided: str, canonical_request: str | None,
                       string_to_sign: str) -> ServiceError:
    """``canonical_request`` is None for S3's Signature Version 2, which has none."""
    if service == "s3":
        canonical = {} if canonical_request is None else {
            "CanonicalRequest": canonical_request, "CanonicalRequestBytes": _spaced_hex(canonical_request)}
        return _s3("SignatureDoesNotMatch", _S3_SIGNATURE, AWSAccessKeyId=access_key, StringToSign=string_to_sign,
                   SignatureProvided=provided, StringToSignBytes=_spaced_hex(string_to_sign), **canonical)
    details = (f"\n\nThe Canonical String for this request should have been\n'{canonical_request}'\n\n"
               f"The String-to-Sign should have been\n'{string_to_sign}'\n")
    return _answer(service, "signature", _SIGNATURE + details)


def wrong_scope_service(service: str, expected: str, given: str) -> ServiceError:
    if service == "s3":
        return _s3("AuthorizationHeaderMalformed",
                   f'The authorization header is malformed; incorrect service "{given}". '
                   f'This endpoint belongs to "{expected}".', 400)
    return _answer(service, "signature", f"Credential should be scoped to correct service: '{expected}'. ")


def wrong_scope_date(service: str, scope_date: str, signed_at: str) -> ServiceError:
    if service == "s3":
        return _s3("AuthorizationHeaderMalformed", "The authorization header is malformed; "
                   "Invalid credential date. Date is not the same as X-Amz-Date.", 400)
    return _answer(service, "signature",
                   "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
                   f"'{scope_date}' != '{signed_at[:8]}', from '{signed_at}'.")


# --- time ----------------------------------------------------------------------


def time_skewed(service: str, request_time: str, signed_at: datetime, now: datetime, max_skew: int) -> ServiceError:
    """The signing time is more than ``max_skew`` seconds away from the server's clock."""
    if service == "s3":
        return _s3("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
                   RequestTime=request_time, ServerTime=iso_time(now), MaxAllowedSkewMilliseconds=str(max_skew * 1000))
    skew = timedelta(seconds=max_skew)
    minutes = f"{max_skew // 60} min."
    if signed_at < now:
        message = (f"Signature expired: {amz_date(signed_at)} is now earlier than {amz_date(now - skew)} "
                   f"({amz_date(now)} - {minutes})")
    else:
        message = (f"Signature not yet current: {amz_date(signed_at)} is still later than {amz_date(now + skew)} "
                   f"({amz_date(now)} + {minutes})")
    return _answer(service, "skewed", message)


def presigned_expired(expires: int, signed_at: datetime, now: datetime) -> ServiceError:
    """S3: a presigned URL used after X-Amz-Date + X-Amz-Expires."""
    return _expired(signed_at + timedelta(seconds=expires), now, **{"X-Amz-Expires": str(expires)})


def v2_expired(expires_at: datetime, now: datetime) -> ServiceError:
    """S3: a Signature Version 2 presigned URL used after its ``Expires``."""
    return _expired(expires_at, now)


def _expired(expires_at: datetime, now: datetime, **fields) -> ServiceError:
    return _s3("AccessDenied", "Request has expired", **fields, Expires=iso_time(expires_at),
               ServerTime=iso_time(now))


def presigned_not_yet_valid(expires: int, signed_at: datetime, now: datetime) -> ServiceError:
    """S3: a presigned URL dated in the future (S3 gives X-Amz-Date in epoch milliseconds)."""
    return _s3("AccessDenied", "Request is not yet valid", **{
        "X-Amz-Date": str(int(signed_at.timestamp() * 1000)),
        "Expires": iso_time(signed_at + timedelta(seconds=expires)), "ServerTime": iso_time(now)})


def presigned_parameter_invalid(service: str, message: str) -> ServiceError:
    """A presigned URL's X-Amz-Algorithm, X-Amz-Date or X-Amz-Expires out of bounds."""
    if service == "s3":
        return _s3("AuthorizationQueryParametersError", message, 400)
    return _answer(service, "incomplete", message)


# --- malformed requests --------------------------------------------------------


def incomplete_authorization(service: str, header: str, missing: list[str]) -> ServiceError:
    """An Authorization header lacking some of Credential, SignedHeaders and Signature."""
    if service == "s3":
        return _s3("AuthorizationHeaderMalformed", "The authorization header is malformed; the authorization header "
                   "requires three components: Credential, SignedHeaders, and Signature.", 400)
    needs = " ".join(f"Authorization header requires '{name}' parameter." for name in missing)
    return _answer(service, "incomplete", f"{needs} Authorization={header}")


def invalid_pair(service: str, header: str, pair: str) -> ServiceError:
    """A component of the Authorization header that is not ``key=value``."""
    if service == "s3":
        return _s3("AuthorizationHeaderMalformed",
                   f'The authorization header is malformed; the authorization component "{pair}" is malformed.', 400)
    return _answer(service, "incomplete",
                   f"'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{header}'.")


def malformed_credential(service: str, credential: str) -> ServiceError:
    if service == "s3":
        return _s3("AuthorizationHeaderMalformed", "The authorization header is malformed; the Credential is "
                   'mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".', 400)
    return _answer(service, "incomplete", "Credential must have exactly 5 slash-delimited elements, "
                   f"e.g. keyid/date/region/service/term, got '{credential}'")


def missing_date(service: str, header: str) -> ServiceError:
    if service == "s3":
        return _s3("AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
    return _answer(service, "incomplete", "Authorization header requires existence of either a 'X-Amz-Date' or "
                   f"a 'Date' header. Authorization={header}")


def incomplete_presigned(service: str, missing: list[str]) -> ServiceError:
    """A presigned URL lacking some X-Amz-* parameters."""
    if service == "s3":
        return _s3("AuthorizationQueryParametersError", "Query-string authentication version 4 requires the "
                   "X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, "
                   "and X-Amz-Expires parameters.", 400)
    needs = " ".join(f"AWS query-string parameters must include '{name}'." for name in missing)
    return _answer(service, "incomplete", f"{needs} Re-examine the query-string parameters.")


def unsupported_authorization(service: str, header: str) -> ServiceError:
    """An Authorization header of another scheme (SigV4a, Bearer...; outside S3 also SigV2's
    ``AWS key:sig``)."""
    if service != "s3":
        return incomplete_authorization(service, header, ["Credential", "Signature", "SignedHeaders"])
    return _s3("InvalidArgument", "Unsupported Authorization Type", 400, ArgumentName="Authorization",
               ArgumentValue=header)


def v2_authorization_spacing(header: str) -> ServiceError:
    """S3: ``AWS`` followed by more than one space."""
    return _s3("InvalidArgument", "Authorization header is invalid -- one and only one ' ' (space) required", 400,
               ArgumentName="Authorization", ArgumentValue=header)


def v2_authorization_invalid(header: str) -> ServiceError:
    """S3: ``AWS`` followed by something other than ``key:signature``."""
    return _s3("InvalidArgument", "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature", 400,
               ArgumentName="Authorization", ArgumentValue=header)


def v2_query_incomplete() -> ServiceError:
    """S3: a V2 presigned URL lacking AWSAccessKeyId, Signature or Expires."""
    return _s3("AccessDenied", "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
               "parameters")


def v2_expires_invalid(value: str) -> ServiceError:
    """S3: a V2 presigned URL whose ``Expires`` is not a number of seconds."""
    return _s3("AccessDenied", f"Invalid date (should be seconds since epoch): {value}")


def conflicting_authorization() -> ServiceError:
    """S3: both an Authorization header and presigned query parameters."""
    return _s3("InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, "
               "Signature query string parameter or the Authorization header should be specified", 400,
               ArgumentName="Authorization")


def headers_not_signed(names: list[str]) -> ServiceError:
    """S3: ``x-amz-*`` headers sent but left out of SignedHeaders (added after signing)."""
    return _s3("AccessDenied", "There were headers present in the request which were not signed",
               HeadersNotSigned=", ".join(names))


# --- S3 payload hashes ---------------------------------------------------------


def content_sha256_missing() -> ServiceError:
    return _s3("InvalidRequest", "Missing required header for this request: x-amz-content-sha256", 400)


def content_sha256_invalid(value: str) -> ServiceError:
    return _s3("InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, "
               "STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, "
               "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER "
               "or a valid sha256 value.", 400, ArgumentName="x-amz-content-sha256", ArgumentValue=value)


def content_sha256_mismatch(claimed: str, computed: str) -> ServiceError:
    return _s3("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was "
               "computed.", 400, ClientComputedContentSHA256=claimed, S3ComputedContentSHA256=computed)


def chunk_signature_mismatch() -> ServiceError:
    """S3: an aws-chunked chunk or trailer whose signature does not chain from the seed
    (versity/versitygw#1056 quotes S3's reply), or a signed stream without its decoded length
    (versity/versitygw#1088)."""
    return _s3("SignatureDoesNotMatch", _S3_SIGNATURE)
