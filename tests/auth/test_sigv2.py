"""S3 Signature Version 2 against what botocore signs: the presigned URLs boto3 writes for S3
by default, requests of a boto3 client set to ``signature_version="s3"`` (captured before
sending), and S3's answers when they are tampered with, signed with the wrong key, expired,
skewed or malformed."""

import time
from dataclasses import replace
from datetime import timedelta
from email.utils import format_datetime
from types import SimpleNamespace
from urllib.parse import quote

import boto3
import pytest
from botocore.auth import HmacV1Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from headwater.auth import keys, sigv4
from headwater.errors import ServiceError
from tests.auth.signing import ENDPOINT, SIGNED_AT, http_request, sessions, url_request

ROOT = keys.KeyStore()
#: SIGNED_AT as a V2 ``Date`` header says it, and as epoch seconds.
SIGNED_DATE = "Sat, 14 Mar 2026 15:09:26 GMT"
EPOCH = int(SIGNED_AT.timestamp())


@pytest.fixture
def clock(frozen_signing, monkeypatch):
    """botocore's V2 signers read the wall clock (``formatdate``, ``time.time``): make them
    sign at SIGNED_AT as well; the returned clock starts there."""
    monkeypatch.setattr("botocore.auth.formatdate", lambda usegmt=True: format_datetime(SIGNED_AT, usegmt=True))
    monkeypatch.setattr("botocore.auth.time", SimpleNamespace(
        time=SIGNED_AT.timestamp, strftime=time.strftime, gmtime=time.gmtime))
    return frozen_signing


def s3_client(key="test", secret="test", token=None, endpoint_url=ENDPOINT, **config):
    """A boto3 S3 client; without ``signature_version`` it presigns with V2, as boto3 does."""
    return boto3.client("s3", endpoint_url=endpoint_url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=Config(retries={"total_max_attempts": 1}, **config))


class _Captured(Exception):
    def __init__(self, request):
        self.request = request


def header_signed(operation, params, **client_args):
    """The request a boto3 client signing with V2 sends for ``operation`` (taken before sending)."""
    client = s3_client(signature_version="s3", **client_args)

    def take(request, **_):
        raise _Captured(request)

    client.meta.events.register("before-send", take)
    with pytest.raises(_Captured) as captured:
        getattr(client, operation)(**params)
    request = http_request(captured.value.request)
    assert request.headers["authorization"].startswith(f"AWS {client_args.get('key', 'test')}:")
    return request


def presigned(operation="get_object", params=None, expires=3600, **client_args):
    params = {"Bucket": "bucket", "Key": "key"} if params is None else params
    url = s3_client(**client_args).generate_presigned_url(operation, Params=params, ExpiresIn=expires)
    assert "AWSAccessKeyId=" in url and "X-Amz-" not in url
    return url_request(url, "GET" if operation.startswith(("get", "head")) else "PUT")


def authenticate(request, clock, store=ROOT, **options):
    return sigv4.authenticate(request, "s3", store, clock, **options)


def failure(request, clock, store=ROOT, **options) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        authenticate(request, clock, store, **options)
    return caught.value


def assert_error(error: ServiceError, code: str, status: int, message: str | None = None):
    assert (error.code, error.status) == (code, status)
    if message is not None:
        assert error.message == message


def assert_v2(auth, presigned_url: bool):
    """V2 has no region, scope or signing key: nothing for aws-chunked to chain from."""
    assert auth.principal == keys.root_principal()
    assert auth.region == "us-east-1" and auth.presigned == presigned_url
    assert (auth.timestamp, auth.scope, auth.signature, auth.signing_key) == (None, None, None, None)


# --- presigned URLs ------------------------------------------------------------------

KEYS = ["key with spaces.txt", "ünïcödé/漢字 🙂.txt", "dir/sub/deeper/file", "a+b=c&d;e~f.txt", "/leading/slash"]


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("operation", ["get_object", "put_object"])
def test_presigned_urls_are_accepted(clock, operation, key):
    request = presigned(operation, {"Bucket": "bucket", "Key": key})
    assert request.raw_path == "/bucket/" + quote(key, safe="/~")
    auth = authenticate(request, clock)
    assert_v2(auth, presigned_url=True)
    assert auth.signed_at is None


def test_presigned_urls_sign_sub_resources_and_response_overrides(clock):
    params = {"Bucket": "bucket", "Key": "k", "VersionId": "v 1+2", "ResponseContentDisposition": "attachment; x=ü",
              "ResponseContentType": "text/plain"}
    request = presigned("get_object", params)
    assert "versionId=" in request.query_string and "response-content-disposition=" in request.query_string
    assert authenticate(request, clock).presigned
    for name, value in [("versionId", "v2"), ("response-content-type", "text/html")]:
        changed = request.query_string.replace(f"{name}=", f"{name}={value}", 1)
        assert_error(failure(replace(request, query_string=changed), clock), "SignatureDoesNotMatch", 403)


def test_parameters_v2_does_not_sign_may_be_added(clock):
    request = presigned()
    added = replace(request, query_string=request.query_string + "&utm_source=mail")
    assert authenticate(added, clock).presigned
    sub_resource = replace(request, query_string=request.query_string + "&acl")
    assert_error(failure(sub_resource, clock), "SignatureDoesNotMatch", 403)


def test_presigned_put_signs_its_content_type_and_metadata(clock):
    params = {"Bucket": "bucket", "Key": "k", "ContentType": "text/plain", "Metadata": {"owner": "ana"}}
    request = presigned("put_object", params)
    assert "content-type=text%2Fplain" in request.query_string and "x-amz-meta-owner=ana" in request.query_string
    assert authenticate(request, clock).presigned
    sent_as_signed = replace(request, headers={**request.headers, "content-type": "text/plain"})
    assert authenticate(sent_as_signed, clock).presigned
    other_type = replace(request, headers={**request.headers, "content-type": "text/html"})
    assert_error(failure(other_type, clock), "SignatureDoesNotMatch", 403)
    other_metadata = replace(request, query_string=request.query_string.replace("owner=ana", "owner=bob"))
    assert_error(failure(other_metadata, clock), "SignatureDoesNotMatch", 403)


def test_presigned_urls_live_until_their_expires(clock):
    request = presigned(expires=60)
    assert request.query_dict["Expires"] == str(EPOCH + 60)
    clock.advance(60)
    assert authenticate(request, clock).presigned
    clock.advance(1)
    error = failure(request, clock)
    assert_error(error, "AccessDenied", 403, "Request has expired")
    assert error.fields == {"Expires": "2026-03-14T15:10:26Z", "ServerTime": "2026-03-14T15:10:27Z"}


def test_presigned_urls_have_no_clock_skew_limit(clock):
    request = presigned(expires=7 * 24 * 3600)
    clock.advance(timedelta(days=-30))
    assert authenticate(request, clock).presigned
    far = presigned(expires=10 * 365 * 24 * 3600)
    clock.advance(timedelta(days=3000))
    assert authenticate(far, clock).presigned


URL_TAMPERINGS = {
    "path": lambda r: replace(r, raw_path=r.raw_path.replace("/key", "/other")),
    "bucket": lambda r: replace(r, raw_path=r.raw_path.replace("/bucket", "/bucket2")),
    "expiry": lambda r: replace(r, query_string=r.query_string.replace(f"Expires={EPOCH + 3600}",
                                                                       f"Expires={EPOCH + 7200}")),
    "signature": lambda r: replace(r, query_string=r.query_string.replace("Signature=", "Signature=A")),
    "method": lambda r: replace(r, method="DELETE"),
}


@pytest.mark.parametrize("tampering", URL_TAMPERINGS)
def test_tampered_urls_do_not_match(clock, tampering):
    assert_error(failure(URL_TAMPERINGS[tampering](presigned()), clock), "SignatureDoesNotMatch", 403)


def test_a_mismatch_shows_the_string_to_sign_as_s3_does_for_v2(clock):
    request = presigned(secret="not-the-secret")
    error = failure(request, clock)
    assert_error(error, "SignatureDoesNotMatch", 403)
    assert error.message.startswith("The request signature we calculated does not match")
    string_to_sign = f"GET\n\n\n{EPOCH + 3600}\n/bucket/key"
    assert error.fields == {
        "AWSAccessKeyId": "test", "StringToSign": string_to_sign,
        "SignatureProvided": request.query_dict["Signature"],
        "StringToSignBytes": " ".join(f"{byte:02x}" for byte in string_to_sign.encode()),
    }


def test_unknown_access_keys(clock):
    for request in (presigned(key="AKIAUNKNOWN"), header_signed("list_buckets", {}, key="AKIAUNKNOWN")):
        error = failure(request, clock)
        assert_error(error, "InvalidAccessKeyId", 403,
                     "The AWS Access Key Id you provided does not exist in our records.")
        assert error.fields == {"AWSAccessKeyId": "AKIAUNKNOWN"}


def test_presigned_urls_need_all_three_parameters(clock):
    request = presigned()
    for name in ("AWSAccessKeyId", "Signature", "Expires"):
        query = "&".join(pair for pair in request.query_string.split("&") if not pair.startswith(f"{name}="))
        assert_error(failure(replace(request, query_string=query), clock), "AccessDenied", 403,
                     "Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters")


@pytest.mark.parametrize("expires", ["soon", "12.5", "", "99999999999999999999"])
def test_expires_must_be_epoch_seconds(clock, expires):
    request = presigned()
    query = request.query_string.replace(f"Expires={EPOCH + 3600}", f"Expires={expires}")
    assert_error(failure(replace(request, query_string=query), clock), "AccessDenied", 403,
                 f"Invalid date (should be seconds since epoch): {expires}")


# --- header-signed requests ------------------------------------------------------------

HEADER_SIGNED = [
    ("list_buckets", {}),
    ("list_objects", {"Bucket": "bucket", "Prefix": "a b/ü"}),
    ("get_bucket_acl", {"Bucket": "bucket"}),
    ("get_object", {"Bucket": "bucket", "Key": "dir/ü key+1", "VersionId": "v1", "Range": "bytes=0-1",
                    "ResponseCacheControl": "no-cache"}),
    ("put_object", {"Bucket": "bucket", "Key": "a+b/ünïcödé key.txt", "Body": b"hello", "ContentType": "text/plain",
                    "Metadata": {"owner": "ana", "note": "  spaced  value "}}),
    ("create_multipart_upload", {"Bucket": "bucket", "Key": "big"}),
    ("upload_part", {"Bucket": "bucket", "Key": "big", "UploadId": "u/1+2", "PartNumber": 2, "Body": b"part"}),
    ("delete_objects", {"Bucket": "bucket", "Delete": {"Objects": [{"Key": "k/ü"}]}}),
    ("put_object_tagging", {"Bucket": "bucket", "Key": "k", "Tagging": {"TagSet": [{"Key": "a", "Value": "b"}]}}),
]


@pytest.mark.parametrize("operation,params", HEADER_SIGNED, ids=[operation for operation, _ in HEADER_SIGNED])
def test_boto3_v2_requests_are_accepted(clock, operation, params):
    request = header_signed(operation, params)
    assert request.headers["date"] == SIGNED_DATE
    auth = authenticate(request, clock)
    assert_v2(auth, presigned_url=False)
    assert auth.signed_at == clock.now()


@pytest.mark.parametrize("operation,params", [
    ("get_object", {"Bucket": "bucket", "Key": "dir/a key"}),
    ("list_objects", {"Bucket": "bucket"}),
], ids=["object", "bucket"])
def test_virtual_hosted_requests_sign_the_bucket_in_the_path(clock, operation, params):
    request = header_signed(operation, params, endpoint_url="http://s3.localhost:4566",
                            s3={"addressing_style": "virtual"})
    assert request.host == "bucket.s3.localhost:4566" and not request.raw_path.startswith("/bucket")
    assert authenticate(request, clock).principal.is_root
    moved = replace(request, headers={**request.headers, "host": "other.s3.localhost:4566"})
    assert_error(failure(moved, clock), "SignatureDoesNotMatch", 403)


HEADER_TAMPERINGS = {
    "path": lambda r: replace(r, raw_path=r.raw_path + "x"),
    "sub-resource": lambda r: replace(r, query_string="tagging"),
    "metadata": lambda r: replace(r, headers={**r.headers, "x-amz-meta-owner": "bob"}),
    "added amz header": lambda r: replace(r, headers={**r.headers, "x-amz-acl": "public-read"}),
    "content type": lambda r: replace(r, headers={**r.headers, "content-type": "text/html"}),
    "date": lambda r: replace(r, headers={**r.headers, "date": "Sat, 14 Mar 2026 15:09:27 GMT"}),
    "method": lambda r: replace(r, method="DELETE"),
}


@pytest.mark.parametrize("tampering", HEADER_TAMPERINGS)
def test_tampered_header_signed_requests_do_not_match(clock, tampering):
    request = header_signed("put_object", {"Bucket": "bucket", "Key": "k", "Body": b"x", "ContentType": "text/plain",
                                           "Metadata": {"owner": "ana"}})
    assert authenticate(request, clock).principal.is_root
    error = failure(HEADER_TAMPERINGS[tampering](request), clock)
    assert_error(error, "SignatureDoesNotMatch", 403)
    assert set(error.fields) == {"AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes"}


def test_sub_resources_of_header_signed_requests_are_signed(clock):
    request = header_signed("get_object", {"Bucket": "bucket", "Key": "k", "VersionId": "v1"})
    assert authenticate(replace(request, query_string=request.query_string + "&utm_source=mail"), clock)
    other_version = replace(request, query_string=request.query_string.replace("versionId=v1", "versionId=v2"))
    assert_error(failure(other_version, clock), "SignatureDoesNotMatch", 403)


def test_wrong_secret_does_not_match(clock):
    error = failure(header_signed("get_object", {"Bucket": "bucket", "Key": "k"}, secret="nope"), clock)
    assert_error(error, "SignatureDoesNotMatch", 403)
    assert error.fields["StringToSign"] == f"GET\n\n\n{SIGNED_DATE}\nx-amz-checksum-mode:ENABLED\n/bucket/k"


def test_header_signatures_live_fifteen_minutes_either_way(clock):
    request = header_signed("list_buckets", {})
    for offset in (900, -900):
        clock.set(SIGNED_AT + timedelta(seconds=offset))
        assert authenticate(request, clock).principal.is_root
    clock.set(SIGNED_AT + timedelta(seconds=901))
    error = failure(request, clock)
    assert_error(error, "RequestTimeTooSkewed", 403,
                 "The difference between the request time and the current time is too large.")
    assert error.fields == {"RequestTime": SIGNED_DATE, "ServerTime": "2026-03-14T15:24:27Z",
                            "MaxAllowedSkewMilliseconds": "900000"}
    clock.set(SIGNED_AT - timedelta(seconds=901))
    assert_error(failure(request, clock), "RequestTimeTooSkewed", 403)


class _AmzDateSigner(HmacV1Auth):
    """A V2 signer dated by ``x-amz-date``: its date line is empty, as AWS specifies."""

    def _get_date(self):
        return ""


def amz_dated(when: str) -> AWSRequest:
    request = AWSRequest("GET", f"{ENDPOINT}/bucket/k", headers={"x-amz-date": when})
    _AmzDateSigner(Credentials("test", "test")).add_auth(request)
    del request.headers["Date"]
    return request


def test_x_amz_date_replaces_date_and_leaves_the_date_line_empty(clock):
    request = http_request(amz_dated(SIGNED_DATE))
    assert "date" not in request.headers
    assert authenticate(request, clock).signed_at == clock.now()
    # Sent beside it, a Date is not what was signed.
    with_date = replace(request, headers={**request.headers, "date": SIGNED_DATE})
    assert authenticate(with_date, clock).principal.is_root
    clock.advance(timedelta(minutes=16))
    error = failure(request, clock)
    assert_error(error, "RequestTimeTooSkewed", 403)
    assert error.fields["RequestTime"] == SIGNED_DATE


@pytest.mark.parametrize("dates", [{}, {"date": "yesterday"}, {"x-amz-date": "20260314T150926Z", "date": SIGNED_DATE}],
                         ids=["none", "unreadable", "sigv4-format-x-amz-date"])
def test_a_readable_http_date_is_required(clock, dates):
    request = header_signed("list_buckets", {})
    headers = {name: value for name, value in request.headers.items() if name != "date"}
    error = failure(replace(request, headers={**headers, **dates}), clock)
    assert_error(error, "AccessDenied", 403, "AWS authentication requires a valid Date or x-amz-date header")


@pytest.mark.parametrize("value,message", [
    ("AWS  test:c2ln", "Authorization header is invalid -- one and only one ' ' (space) required"),
    ("AWS test", "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"),
    ("AWS test:", "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"),
    ("AWS test:c2ln:extra", "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature"),
])
def test_malformed_v2_authorization_headers(clock, value, message):
    request = header_signed("list_buckets", {})
    error = failure(replace(request, headers={**request.headers, "authorization": value}), clock)
    assert_error(error, "InvalidArgument", 400, message)
    assert error.fields == {"ArgumentName": "Authorization", "ArgumentValue": value}


# --- one mechanism, other services, session tokens, auth off -----------------------------


def test_s3_takes_one_auth_mechanism_at_a_time(clock):
    url = presigned()
    with_header = replace(url, headers={**url.headers, "authorization": header_signed("list_buckets", {}).headers[
        "authorization"]})
    assert_error(failure(with_header, clock), "InvalidArgument", 400)
    with_v4 = replace(url, query_string=url.query_string + "&X-Amz-Algorithm=AWS4-HMAC-SHA256")
    assert_error(failure(with_v4, clock), "InvalidArgument", 400)


def test_other_services_answer_v2_as_before(clock):
    url = presigned()
    error = failure_of_sts(url, clock)
    assert_error(error, "MissingAuthenticationToken", 403)
    header = header_signed("list_buckets", {}).headers["authorization"]
    error = failure_of_sts(replace(url, query_string="", headers={**url.headers, "authorization": header}), clock)
    assert_error(error, "IncompleteSignature", 400)


def failure_of_sts(request, clock) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        sigv4.authenticate(request, "sts", ROOT, clock)
    return caught.value


TEMPORARY = keys.Principal("000000000000", "arn:aws:sts::000000000000:assumed-role/reader/session",
                           "AROAEXAMPLE:session", "ASIATEMPORARY", "assumed-role", "session", "good-token")
SESSIONS = keys.KeyStore()
SESSIONS.add(sessions("good-token", "old-token", TEMPORARY))
TEMPORARY_KEY = {"key": "ASIATEMPORARY", "secret": "temporary-secret"}


def test_session_tokens_travel_in_a_header_or_the_url(clock):
    url = presigned(token="good-token", **TEMPORARY_KEY)
    assert url.query_dict["x-amz-security-token"] == "good-token"
    assert authenticate(url, clock, SESSIONS).principal == TEMPORARY
    request = header_signed("list_buckets", {}, token="good-token", **TEMPORARY_KEY)
    assert request.headers["x-amz-security-token"] == "good-token"
    assert authenticate(request, clock, SESSIONS).principal == TEMPORARY
    error = failure(presigned(token="forged", **TEMPORARY_KEY), clock, SESSIONS)
    assert_error(error, "InvalidToken", 400)
    error = failure(header_signed("list_buckets", {}, token="old-token", **TEMPORARY_KEY), clock, SESSIONS)
    assert_error(error, "ExpiredToken", 400)


def test_without_verification_any_key_is_root_and_nothing_expires(clock):
    url = presigned(expires=1, key="anything", secret="whatever")
    request = header_signed("list_buckets", {}, key="anything", secret="whatever")
    clock.advance(timedelta(days=3))
    for signed in (url, request):
        auth = authenticate(signed, clock, verify=False)
        assert auth.principal == keys.root_principal(access_key="anything") and auth.signing_key is None
        assert authenticate(signed, clock, keys.KeyStore.anything_goes()).principal.is_root
