"""SigV4 verification against requests signed by botocore itself: boto3 clients (captured
before sending), botocore's signers and presigned URLs; and AWS's answers when they are
tampered with, signed with the wrong key, too old, or malformed."""

from dataclasses import replace
from datetime import timedelta

import pytest
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from headwater.auth import keys, sigv4
from headwater.errors import ServiceError
from tests.auth.signing import ENDPOINT, capture, client, http_request, sessions, url_request

ROOT = keys.KeyStore()

#: One operation per protocol family: json, sqs (json + query codes), query, ec2, s3.
REPRESENTATIVES = {
    "dynamodb": ("list_tables", {}),
    "sqs": ("list_queues", {}),
    "sts": ("get_caller_identity", {}),
    "ec2": ("describe_vpcs", {}),
    "s3": ("get_object", {"Bucket": "bucket", "Key": "key"}),
}
FAMILIES = list(REPRESENTATIVES)


def signed(service: str, **client_args):
    operation, params = REPRESENTATIVES[service]
    return capture(service, operation, params, **client_args)


def authenticate(request, service, clock, store=ROOT, **options):
    return sigv4.authenticate(request, service, store, clock, **options)


def failure(request, service, clock, store=ROOT, **options) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        authenticate(request, service, clock, store, **options)
    return caught.value


def assert_error(error: ServiceError, code: str, status: int, query_code: str | None = None):
    assert (error.code, error.status) == (code, status)
    if query_code:
        assert error.headers == {"x-amzn-query-error": f"{query_code};Sender"}


# --- accepted ------------------------------------------------------------------------

ACCEPTED = [
    ("dynamodb", "list_tables", {}),
    ("dynamodb", "put_item", {"TableName": "t", "Item": {"k": {"S": "é ü 漢字 🙂"}}}),
    ("dynamodbstreams", "list_streams", {}),
    ("kinesis", "list_streams", {}),
    ("firehose", "list_delivery_streams", {}),
    ("logs", "describe_log_groups", {"logGroupNamePrefix": "/aws/lambda"}),
    ("sqs", "send_message", {"QueueUrl": f"{ENDPOINT}/000000000000/q", "MessageBody": "hé llo"}),
    ("sts", "get_caller_identity", {}),
    ("iam", "list_users", {"PathPrefix": "/a b/"}),
    ("rds", "describe_db_instances", {}),
    ("ec2", "describe_vpcs", {"Filters": [{"Name": "tag:Name", "Values": ["a b", "ü"]}]}),
    ("s3", "list_buckets", {}),
    ("s3", "put_object", {"Bucket": "b", "Key": "dir with spaces/ünïcödé/a+b=c&d;e.txt", "Body": b"hello"}),
    ("s3", "get_object", {"Bucket": "b", "Key": "x/y z/~tilde", "VersionId": "v1", "Range": "bytes=0-1"}),
    ("s3", "list_objects_v2", {"Bucket": "b", "Prefix": "a/b c/ü", "Delimiter": "/"}),
    ("s3", "get_bucket_acl", {"Bucket": "b"}),
    ("s3", "delete_objects", {"Bucket": "b", "Delete": {"Objects": [{"Key": "k/ü"}]}}),
]


@pytest.mark.parametrize("service,operation,params", ACCEPTED, ids=[f"{s}.{o}" for s, o, _ in ACCEPTED])
def test_boto3_requests_are_accepted(frozen_signing, service, operation, params):
    request = capture(service, operation, params, region="eu-west-2")
    auth = authenticate(request, service, frozen_signing)
    assert auth.principal == keys.root_principal()
    assert auth.region == "eu-west-2"
    assert auth.signed_at == frozen_signing.now()
    assert auth.signing_key and not auth.presigned


def test_botocore_signers_are_accepted(frozen_signing):
    json_request = AWSRequest("POST", f"{ENDPOINT}/", data=b'{"TableName": "t"}', headers={
        "X-Amz-Target": "DynamoDB_20120810.DescribeTable", "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Meta-Spaces": "  a   b  "})
    SigV4Auth(Credentials("test", "test"), "dynamodb", "ap-south-1").add_auth(json_request)
    assert authenticate(http_request(json_request), "dynamodb", frozen_signing).region == "ap-south-1"

    s3_request = AWSRequest("PUT", f"{ENDPOINT}/bucket/%C3%BC%20key", data=b"data",
                            headers={"x-amz-meta-note": "a   b", "Content-Type": "text/plain"})
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(s3_request)
    assert authenticate(http_request(s3_request), "s3", frozen_signing).principal.is_root


@pytest.mark.parametrize("path, query", [
    ("/a/./b/../c%20d/", "b=2&a=1&a=0&x=%20y~&empty="),
    ("//double//slashes", "Action=ListUsers&PathPrefix=%2Fa%20b%2F"),
    ("/%C3%BC/%2Bplus", "z=%E2%9C%93&A=upper"),
])
def test_the_canonical_form_is_botocores(frozen_signing, path, query):
    """headwater builds the canonical request itself; botocore's signer is the oracle for
    paths that normalise, repeated and encoded query parameters and spaced header values."""
    request = AWSRequest("POST", f"{ENDPOINT}{path}?{query}", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                         headers={"Content-Type": "application/x-www-form-urlencoded", "X-Amz-Meta-Note": " a  b "})
    SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(request)
    assert authenticate(http_request(request), "sts", frozen_signing).principal.is_root


def test_an_rfc1123_date_header_may_replace_x_amz_date(frozen_signing):
    request = AWSRequest("POST", f"{ENDPOINT}/", data=b"Action=GetCallerIdentity&Version=2011-06-15",
                         headers={"Date": "placeholder", "Content-Type": "application/x-www-form-urlencoded"})
    SigV4Auth(Credentials("test", "test"), "sts", "us-east-1").add_auth(request)
    received = http_request(request)
    assert "x-amz-date" not in received.headers and received.headers["date"].startswith("Sat, 14 Mar 2026")
    assert authenticate(received, "sts", frozen_signing).signed_at == frozen_signing.now()


def test_s3_paths_sent_with_reserved_characters_unencoded_are_read_both_ways(frozen_signing):
    request = AWSRequest("GET", f"{ENDPOINT}/bucket/a%28b%29%21")
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    raw = http_request(request)
    assert authenticate(replace(raw, raw_path="/bucket/a(b)!"), "s3", frozen_signing).principal.is_root
    # A differently *encoded* path is another request.
    request = AWSRequest("GET", f"{ENDPOINT}/bucket/a%2Fb")
    S3SigV4Auth(Credentials("test", "test"), "s3", "us-east-1").add_auth(request)
    error = failure(replace(http_request(request), raw_path="/bucket/a/b"), "s3", frozen_signing)
    assert_error(error, "SignatureDoesNotMatch", 403)


# --- tampered, wrong secret, unknown key ------------------------------------------------

SIGNATURE_MISMATCH = {
    "dynamodb": ("InvalidSignatureException", 400, None),
    "sqs": ("InvalidSignatureException", 403, "SignatureDoesNotMatch"),
    "sts": ("SignatureDoesNotMatch", 403, None),
    "ec2": ("SignatureDoesNotMatch", 403, None),
    "s3": ("SignatureDoesNotMatch", 403, None),
}
TAMPERINGS = {
    "method": lambda r: replace(r, method="DELETE"),
    "path": lambda r: replace(r, raw_path=r.raw_path + "x"),
    "query": lambda r: replace(r, query_string=(r.query_string + "&" if r.query_string else "") + "extra=1"),
    "header": lambda r: replace(r, headers={**r.headers, "host": "elsewhere:4566"}),
    "secret": None,
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
@pytest.mark.parametrize("service", FAMILIES)
def test_tampered_requests_and_wrong_secrets_do_not_match(frozen_signing, service, tampering):
    if tampering == "secret":
        request = signed(service, secret="not-the-secret")
    else:
        request = TAMPERINGS[tampering](signed(service))
    error = failure(request, service, frozen_signing)
    assert_error(error, *SIGNATURE_MISMATCH[service])
    assert error.message.startswith("The request signature we calculated does not match")


@pytest.mark.parametrize("service", ["dynamodb", "sqs", "sts", "ec2"])
def test_a_tampered_body_does_not_match(frozen_signing, service):
    request = signed(service)
    request = replace(request, body=type(request.body).of(request.body.read() + b" "))
    assert_error(failure(request, service, frozen_signing), *SIGNATURE_MISMATCH[service])


SCOPES = [("secret", "20260314", "us-east-1", "dynamodb"), ("other-secret", "20260314", "us-east-1", "dynamodb"),
          ("secret", "20260315", "us-east-1", "dynamodb"), ("secret", "20260314", "eu-west-1", "dynamodb"),
          ("secret", "20260314", "us-east-1", "sqs")]


def test_each_secret_day_region_and_service_has_its_own_signing_key():
    """Derived keys are cached; a cached one never serves another secret, day, region or service."""
    keys_seen = set()
    for secret, day, region, service in SCOPES * 2:  # the second round reads the cache
        signer = AWSRequest("POST", ENDPOINT)
        signer.context["timestamp"] = f"{day}T000000Z"
        expected = SigV4Auth(Credentials("test", secret), service, region).signature("to sign", signer)
        signing_key = sigv4.derive_signing_key(secret, day, region, service)
        assert sigv4.Authentication(ROOT.root("test"), signing_key=signing_key).sign("to sign") == expected
        keys_seen.add(signing_key)
    assert len(keys_seen) == len(SCOPES)


def test_mismatch_messages_carry_what_aws_shows(frozen_signing):
    request = signed("dynamodb", secret="wrong")
    message = failure(request, "dynamodb", frozen_signing).message
    assert "\n\nThe Canonical String for this request should have been\n'POST\n/\n\n" in message
    assert "\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20260314T150926Z\n" in message

    assert failure(signed("ec2", secret="wrong"), "ec2", frozen_signing).message == (
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret "
        "Access Key and signing method. Consult the service documentation for details.")

    error = failure(signed("s3", secret="wrong"), "s3", frozen_signing)
    assert error.message == ("The request signature we calculated does not match the signature you provided. "
                             "Check your key and signing method.")
    fields = error.fields
    assert list(fields) == ["AWSAccessKeyId", "StringToSign", "SignatureProvided", "StringToSignBytes",
                            "CanonicalRequest", "CanonicalRequestBytes"]
    assert fields["AWSAccessKeyId"] == "test"
    assert fields["CanonicalRequest"].startswith("GET\n/bucket/key\n\nhost:127.0.0.1:4566\n")
    assert fields["StringToSignBytes"].startswith("41 57 53 34 2d")  # "AWS4-"


def test_s3_compares_the_signed_payload_hash_with_the_body(frozen_signing):
    request = capture("s3", "put_object", {"Bucket": "b", "Key": "k", "Body": b"hello"})
    tampered = replace(request, body=type(request.body).of(b"HELLO"))
    error = failure(tampered, "s3", frozen_signing)
    assert_error(error, "XAmzContentSHA256Mismatch", 400)
    assert error.fields == {"ClientComputedContentSHA256": request.body.sha256,
                            "S3ComputedContentSHA256": tampered.body.sha256}


def test_s3_requires_a_valid_payload_hash_header(frozen_signing):
    request = signed("s3")
    headers = {name: value for name, value in request.headers.items() if name != "x-amz-content-sha256"}
    error = failure(replace(request, headers=headers), "s3", frozen_signing)
    assert_error(error, "InvalidRequest", 400)
    assert error.message == "Missing required header for this request: x-amz-content-sha256"
    error = failure(replace(request, headers={**headers, "x-amz-content-sha256": "nonsense"}), "s3", frozen_signing)
    assert_error(error, "InvalidArgument", 400)
    assert error.fields == {"ArgumentName": "x-amz-content-sha256", "ArgumentValue": "nonsense"}


def test_s3_wants_every_amz_header_signed(frozen_signing):
    request = signed("s3")
    late = replace(request, headers={**request.headers, "x-amz-acl": "public-read", "x-amz-meta-late": "1"})
    error = failure(late, "s3", frozen_signing)
    assert_error(error, "AccessDenied", 403)
    assert error.fields == {"HeadersNotSigned": "x-amz-acl, x-amz-meta-late"}
    # Other headers may be added by proxies and clients after signing.
    authenticate(replace(request, headers={**request.headers, "user-agent": "x"}), "s3", frozen_signing)


def test_signatures_that_are_not_even_hex_simply_do_not_match(frozen_signing):
    request = signed("dynamodb")
    header = request.headers["authorization"].rsplit("=", 1)[0] + "=sïgnätüre"
    assert_error(failure(with_authorization(request, header), "dynamodb", frozen_signing),
                 "InvalidSignatureException", 400)


UNKNOWN_KEY = {
    "dynamodb": ("UnrecognizedClientException", 400, None),
    "sqs": ("UnrecognizedClientException", 403, "InvalidClientTokenId"),
    "sts": ("InvalidClientTokenId", 403, None),
    "ec2": ("AuthFailure", 401, None),
    "s3": ("InvalidAccessKeyId", 403, None),
}


@pytest.mark.parametrize("service", FAMILIES)
def test_unknown_access_keys(frozen_signing, service):
    error = failure(signed(service, key="AKIDUNKNOWN"), service, frozen_signing)
    assert_error(error, *UNKNOWN_KEY[service])
    if service == "s3":
        assert error.fields == {"AWSAccessKeyId": "AKIDUNKNOWN"}
        assert error.message == "The AWS Access Key Id you provided does not exist in our records."
    elif service == "ec2":
        assert error.message == "AWS was not able to validate the provided access credentials"
    else:
        assert error.message == "The security token included in the request is invalid."


def test_the_credential_scope_must_name_the_service_and_the_signing_day(frozen_signing):
    request = AWSRequest("POST", f"{ENDPOINT}/", data=b"{}", headers={"X-Amz-Target": "DynamoDB_20120810.ListTables"})
    SigV4Auth(Credentials("test", "test"), "kinesis", "us-east-1").add_auth(request)
    error = failure(http_request(request), "dynamodb", frozen_signing)
    assert_error(error, "InvalidSignatureException", 400)
    assert error.message == "Credential should be scoped to correct service: 'dynamodb'. "

    request = signed("sts")
    authorization = request.headers["authorization"].replace("/20260314/", "/20260313/")
    error = failure(replace(request, headers={**request.headers, "authorization": authorization}), "sts",
                    frozen_signing)
    assert_error(error, "SignatureDoesNotMatch", 403)
    assert error.message == ("Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from "
                             "HTTP: '20260313' != '20260314', from '20260314T150926Z'.")


# --- time ----------------------------------------------------------------------------

SKEWED = {
    "dynamodb": ("InvalidSignatureException", 400, None),
    "sqs": ("InvalidSignatureException", 403, "SignatureDoesNotMatch"),
    "sts": ("SignatureDoesNotMatch", 403, None),
    "ec2": ("RequestExpired", 400, None),
    "s3": ("RequestTimeTooSkewed", 403, None),
}


@pytest.mark.parametrize("service", FAMILIES)
def test_signatures_live_fifteen_minutes_either_way(frozen_signing, service):
    request = signed(service)
    for minutes in (14, -14):
        frozen_signing.set(frozen_signing.now() + timedelta(minutes=minutes))
        authenticate(request, service, frozen_signing)
        frozen_signing.set(frozen_signing.now() - timedelta(minutes=minutes))
    frozen_signing.advance(timedelta(minutes=16))
    assert_error(failure(request, service, frozen_signing), *SKEWED[service])


def test_skew_messages(frozen_signing):
    request = signed("dynamodb")
    frozen_signing.advance(timedelta(minutes=16))
    assert failure(request, "dynamodb", frozen_signing).message == (
        "Signature expired: 20260314T150926Z is now earlier than 20260314T151026Z (20260314T152526Z - 15 min.)")
    frozen_signing.advance(timedelta(minutes=-32))
    assert failure(request, "dynamodb", frozen_signing).message == (
        "Signature not yet current: 20260314T150926Z is still later than 20260314T150826Z "
        "(20260314T145326Z + 15 min.)")
    assert failure(signed("ec2"), "ec2", frozen_signing).message == "Request has expired."

    error = failure(signed("s3"), "s3", frozen_signing)
    assert error.message == "The difference between the request time and the current time is too large."
    assert error.fields == {"RequestTime": "20260314T150926Z", "ServerTime": "2026-03-14T14:53:26Z",
                            "MaxAllowedSkewMilliseconds": "900000"}


def test_max_skew_is_configurable(frozen_signing):
    request = signed("sts")
    frozen_signing.advance(120)
    authenticate(request, "sts", frozen_signing, max_skew=121)
    assert_error(failure(request, "sts", frozen_signing, max_skew=119), "SignatureDoesNotMatch", 403)


# --- presigned URLs --------------------------------------------------------------------


def presigned_s3(method="get_object", key="dir with spaces/ü/~x+y", expires=3600, **client_args):
    url = client("s3", **client_args).generate_presigned_url(
        method, Params={"Bucket": "bucket", "Key": key}, ExpiresIn=expires)
    return url_request(url, "GET" if method == "get_object" else "PUT")


def test_presigned_s3_urls_are_accepted_until_they_expire(frozen_signing):
    request = presigned_s3()
    auth = authenticate(request, "s3", frozen_signing)
    assert auth.presigned and auth.principal.is_root and auth.region == "us-east-1"
    frozen_signing.advance(3600)
    authenticate(request, "s3", frozen_signing)
    frozen_signing.advance(1)
    error = failure(request, "s3", frozen_signing)
    assert_error(error, "AccessDenied", 403)
    assert error.message == "Request has expired"
    assert error.fields == {"X-Amz-Expires": "3600", "Expires": "2026-03-14T16:09:26Z",
                            "ServerTime": "2026-03-14T16:09:27Z"}


def test_presigned_s3_put_signs_an_unsigned_payload(frozen_signing):
    request = presigned_s3("put_object")
    request = replace(request, body=type(request.body).of(b"any body at all"))
    assert authenticate(request, "s3", frozen_signing).presigned
    # A payload hash header the URL did not sign changes nothing.
    hashed = replace(request, headers={**request.headers, "x-amz-content-sha256": request.body.sha256})
    assert authenticate(hashed, "s3", frozen_signing).presigned


def test_presigned_s3_urls_from_the_future_are_not_yet_valid(frozen_signing):
    request = presigned_s3()
    frozen_signing.advance(timedelta(minutes=-16))
    error = failure(request, "s3", frozen_signing)
    assert_error(error, "AccessDenied", 403)
    assert error.message == "Request is not yet valid"
    assert error.fields["X-Amz-Date"] == str(int(frozen_signing.time() + 16 * 60) * 1000)


def test_presigned_s3_urls_live_at_most_a_week(frozen_signing):
    authenticate(presigned_s3(expires=604800), "s3", frozen_signing)
    error = failure(presigned_s3(expires=604801), "s3", frozen_signing)
    assert_error(error, "AuthorizationQueryParametersError", 400)
    assert error.message == "X-Amz-Expires must be less than a week (in seconds) that is 604800"


@pytest.mark.parametrize("change", [
    lambda r: replace(r, raw_path=r.raw_path.replace("bucket", "other")),
    lambda r: replace(r, query_string=r.query_string.replace("X-Amz-Expires=3600", "X-Amz-Expires=7200")),
    lambda r: replace(r, query_string=r.query_string + "&response-content-type=text%2Fhtml"),
    lambda r: replace(r, method="DELETE"),
], ids=["path", "expires", "extra-parameter", "method"])
def test_tampered_presigned_urls_do_not_match(frozen_signing, change):
    assert_error(failure(change(presigned_s3()), "s3", frozen_signing), "SignatureDoesNotMatch", 403)


def test_presigned_urls_need_all_their_parameters(frozen_signing):
    request = presigned_s3()
    without_signature = "&".join(p for p in request.query_string.split("&") if not p.startswith("X-Amz-Signature="))
    error = failure(replace(request, query_string=without_signature), "s3", frozen_signing)
    assert_error(error, "AuthorizationQueryParametersError", 400)

    url = client("sts").generate_presigned_url("get_caller_identity")
    request = url_request(url)
    without_signature = "&".join(p for p in request.query_string.split("&") if not p.startswith("X-Amz-Signature="))
    error = failure(replace(request, query_string=without_signature), "sts", frozen_signing)
    assert_error(error, "IncompleteSignature", 400)
    assert error.message == ("AWS query-string parameters must include 'X-Amz-Signature'. "
                             "Re-examine the query-string parameters.")


def test_presigned_sts_urls_live_fifteen_minutes_whatever_they_say(frozen_signing):
    # botocore presigns the operation's own method, POST.
    request = url_request(client("sts").generate_presigned_url("get_caller_identity", ExpiresIn=3600), "POST")
    assert authenticate(request, "sts", frozen_signing).presigned
    frozen_signing.advance(timedelta(minutes=16))
    error = failure(request, "sts", frozen_signing)
    assert_error(error, "SignatureDoesNotMatch", 403)
    assert error.message.startswith("Signature expired: 20260314T150926Z")


def test_botocore_query_signers_are_accepted(frozen_signing):
    sts = AWSRequest("GET", f"{ENDPOINT}/", params={"Action": "GetCallerIdentity", "Version": "2011-06-15"})
    SigV4QueryAuth(Credentials("test", "test"), "sts", "eu-central-1", expires=60).add_auth(sts)
    assert authenticate(url_request(sts.url), "sts", frozen_signing).region == "eu-central-1"

    s3 = AWSRequest("GET", f"{ENDPOINT}/bucket/a%20b/%C3%BC", params={"versionId": "v 1"})
    S3SigV4QueryAuth(Credentials("test", "test"), "s3", "us-west-2", expires=60).add_auth(s3)
    assert authenticate(url_request(s3.url), "s3", frozen_signing).presigned


def test_s3_takes_one_auth_mechanism_at_a_time(frozen_signing):
    request = presigned_s3()
    both = replace(request, headers={**request.headers, "authorization": signed("s3").headers["authorization"]})
    assert_error(failure(both, "s3", frozen_signing), "InvalidArgument", 400)


# --- unsigned and malformed ----------------------------------------------------------

MISSING = {
    "dynamodb": ("MissingAuthenticationTokenException", 400, None),
    "sqs": ("MissingAuthenticationTokenException", 403, "MissingAuthenticationToken"),
    "sts": ("MissingAuthenticationToken", 403, None),
    "ec2": ("MissingAuthenticationToken", 401, None),
}


def unsigned(request):
    return replace(request, headers={k: v for k, v in request.headers.items() if k != "authorization"})


@pytest.mark.parametrize("service", MISSING)
def test_unsigned_requests_are_refused_except_by_s3(frozen_signing, service):
    assert_error(failure(unsigned(signed(service)), service, frozen_signing), *MISSING[service])


def test_unsigned_s3_requests_are_anonymous(frozen_signing):
    auth = authenticate(unsigned(signed("s3")), "s3", frozen_signing)
    assert auth.principal.is_anonymous and auth.region == "us-east-1" and auth.signing_key is None


def with_authorization(request, value):
    return replace(request, headers={**request.headers, "authorization": value})


def test_incomplete_authorization_headers(frozen_signing):
    partial = "AWS4-HMAC-SHA256 Credential=test/20260314/us-east-1/dynamodb/aws4_request"
    error = failure(with_authorization(signed("dynamodb"), partial), "dynamodb", frozen_signing)
    assert_error(error, "IncompleteSignatureException", 400)
    assert error.message == ("Authorization header requires 'Signature' parameter. Authorization header requires "
                             f"'SignedHeaders' parameter. Authorization={partial}")
    error = failure(with_authorization(signed("sts"), partial), "sts", frozen_signing)
    assert_error(error, "IncompleteSignature", 400)
    error = failure(with_authorization(signed("s3"), partial), "s3", frozen_signing)
    assert_error(error, "AuthorizationHeaderMalformed", 400)
    assert error.message.endswith("requires three components: Credential, SignedHeaders, and Signature.")


def test_malformed_authorization_components(frozen_signing):
    request = signed("dynamodb")
    header = request.headers["authorization"].replace("Credential=", "Credential ")
    error = failure(with_authorization(request, header), "dynamodb", frozen_signing)
    assert_error(error, "IncompleteSignatureException", 400)
    assert "not a valid key=value pair (missing equal-sign) in Authorization header" in error.message

    header = request.headers["authorization"].replace("/aws4_request", "")
    error = failure(with_authorization(request, header), "dynamodb", frozen_signing)
    assert_error(error, "IncompleteSignatureException", 400)
    assert error.message.startswith("Credential must have exactly 5 slash-delimited elements")

    request = signed("s3")
    header = request.headers["authorization"].replace("/aws4_request", "/aws5_request")
    error = failure(with_authorization(request, header), "s3", frozen_signing)
    assert_error(error, "AuthorizationHeaderMalformed", 400)
    assert "the Credential is mal-formed" in error.message


def test_other_authorization_schemes(frozen_signing):
    error = failure(with_authorization(signed("s3"), "Bearer token"), "s3", frozen_signing)
    assert_error(error, "InvalidArgument", 400)
    assert error.message == "Unsupported Authorization Type"
    assert_error(failure(with_authorization(signed("sts"), "AWS test:c2ln"), "sts", frozen_signing),
                 "IncompleteSignature", 400)


def test_a_signing_time_is_required(frozen_signing):
    for service, expected in [("dynamodb", ("IncompleteSignatureException", 400)), ("s3", ("AccessDenied", 403))]:
        request = signed(service)
        request = replace(request, headers={k: v for k, v in request.headers.items() if k != "x-amz-date"})
        assert_error(failure(request, service, frozen_signing), *expected)


# --- session tokens --------------------------------------------------------------------

TEMPORARY = keys.Principal("000000000000", "arn:aws:sts::000000000000:assumed-role/reader/session",
                           "AROAEXAMPLE:session", "ASIATEMPORARY", "assumed-role", "session", "good-token")
SESSIONS = keys.KeyStore()
SESSIONS.add(sessions("good-token", "old-token", TEMPORARY))

INVALID_TOKEN = {
    "dynamodb": ("UnrecognizedClientException", 400, None),
    "sqs": ("UnrecognizedClientException", 403, "InvalidClientTokenId"),
    "sts": ("InvalidClientTokenId", 403, None),
    "ec2": ("AuthFailure", 401, None),
    "s3": ("InvalidToken", 400, None),
}
EXPIRED_TOKEN = {
    "dynamodb": ("ExpiredTokenException", 400, None),
    "sqs": ("ExpiredTokenException", 403, "ExpiredToken"),
    "sts": ("ExpiredToken", 403, None),
    "ec2": ("RequestExpired", 400, None),
    "s3": ("ExpiredToken", 400, None),
}


@pytest.mark.parametrize("service", FAMILIES)
def test_session_tokens(frozen_signing, service):
    credentials = {"key": "ASIATEMPORARY", "secret": "temporary-secret"}
    auth = authenticate(signed(service, token="good-token", **credentials), service, frozen_signing, SESSIONS)
    assert auth.principal == TEMPORARY
    error = failure(signed(service, token="forged", **credentials), service, frozen_signing, SESSIONS)
    assert_error(error, *INVALID_TOKEN[service])
    error = failure(signed(service, token="old-token", **credentials), service, frozen_signing, SESSIONS)
    assert_error(error, *EXPIRED_TOKEN[service])
    if service == "s3":
        assert error.fields == {"Token-0": "old-token"}


def test_presigned_urls_carry_session_tokens(frozen_signing):
    url = client("s3", key="ASIATEMPORARY", secret="temporary-secret", token="good-token").generate_presigned_url(
        "get_object", Params={"Bucket": "b", "Key": "k"})
    request = url_request(url)
    assert "X-Amz-Security-Token=good-token" in request.query_string
    assert authenticate(request, "s3", frozen_signing, SESSIONS).principal == TEMPORARY


# --- auth off --------------------------------------------------------------------------


@pytest.mark.parametrize("service", FAMILIES)
def test_without_verification_any_key_is_root(frozen_signing, service):
    request = signed(service, key="anything", secret="whatever", region="sa-east-1")
    frozen_signing.advance(timedelta(days=3))
    auth = authenticate(request, service, frozen_signing, verify=False)
    assert auth.principal == keys.root_principal(access_key="anything")
    assert auth.region == "sa-east-1" and auth.signing_key is None
    store = keys.KeyStore.anything_goes()
    assert authenticate(request, service, frozen_signing, store).principal.is_root
    assert authenticate(signed(service), service, frozen_signing, store).signing_key is None


def test_without_verification_unsigned_requests_are_root_except_for_s3(frozen_signing):
    assert authenticate(unsigned(signed("sts")), "sts", frozen_signing, verify=False).principal.is_root
    assert authenticate(unsigned(signed("s3")), "s3", frozen_signing, verify=False).principal.is_anonymous
