"""CORS: configuration round trip and errors (boto3), preflight answers (raw unsigned HTTP), and
the Access-Control headers of actual requests."""

from __future__ import annotations

import urllib.error
import urllib.request
from email.message import Message
from xml.etree import ElementTree

import pytest

from tests.services.s3.test_config import failure

APP = "https://app.example.com"
RULES = [
    {"ID": "app", "AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"],
     "AllowedHeaders": ["Content-Type", "x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 600},
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]


@pytest.fixture
def cors_bucket(s3, bucket):
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    return bucket


def preflight(s3, path: str, headers: dict) -> tuple[int, Message, bytes]:
    """An unsigned OPTIONS request: ``(status, headers (case-insensitive), body)``."""
    request = urllib.request.Request(f"{s3.meta.endpoint_url}/{path}", method="OPTIONS", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def error_code(body: bytes) -> tuple[str, str]:
    root = ElementTree.fromstring(body)
    return root.findtext("Code"), root.findtext("Message")


def test_round_trip_and_delete(s3, bucket):
    assert failure(s3.get_bucket_cors, Bucket=bucket) == (404, "NoSuchCORSConfiguration",
                                                           "The CORS configuration does not exist")
    s3.put_bucket_cors(Bucket=bucket, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=bucket)["CORSRules"] == RULES
    assert s3.delete_bucket_cors(Bucket=bucket)["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert failure(s3.get_bucket_cors, Bucket=bucket)[1] == "NoSuchCORSConfiguration"


@pytest.mark.parametrize("rule, message", [
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]},
     "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"),
    ({"AllowedOrigins": ["https://*.*.com"], "AllowedMethods": ["GET"]},
     'AllowedOrigin "https://*.*.com" can not have more than one wildcard.'),
    ({"AllowedOrigins": ["*"], "AllowedMethods": ["GET"], "AllowedHeaders": ["x-*-*"]},
     'AllowedHeader "x-*-*" can not have more than one wildcard.'),
])
def test_invalid_rules(s3, bucket, rule, message):
    assert failure(s3.put_bucket_cors, Bucket=bucket, CORSConfiguration={"CORSRules": [rule]}) == (
        400, "InvalidRequest", message)


def test_preflight_allowed(s3, cors_bucket):
    status, headers, _ = preflight(s3, f"{cors_bucket}/some/key.txt", {
        "Origin": APP, "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "Content-Type, X-Amz-Meta-Owner"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == APP
    assert headers["Access-Control-Allow-Methods"] == "GET, PUT"
    assert headers["Access-Control-Allow-Headers"] == "content-type, x-amz-meta-owner"
    assert headers["Access-Control-Expose-Headers"] == "ETag"
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Access-Control-Allow-Credentials"] == "true"


def test_preflight_falls_to_the_wildcard_rule(s3, cors_bucket):
    status, headers, _ = preflight(s3, cors_bucket, {"Origin": "http://elsewhere.test",
                                                     "Access-Control-Request-Method": "GET"})
    assert status == 200
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in headers


@pytest.mark.parametrize("headers", [
    {"Origin": "http://elsewhere.test", "Access-Control-Request-Method": "PUT"},
    {"Origin": APP, "Access-Control-Request-Method": "DELETE"},
    {"Origin": APP, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "Authorization"},
])
def test_preflight_refused_when_no_rule_matches(s3, cors_bucket, headers):
    status, response_headers, body = preflight(s3, f"{cors_bucket}/k", headers)
    assert status == 403
    code, message = error_code(body)
    assert code == "AccessForbidden" and message.startswith("CORSResponse: This CORS request is not allowed.")
    assert "Access-Control-Allow-Origin" not in response_headers


def test_preflight_without_a_configuration(s3, bucket):
    status, _, body = preflight(s3, f"{bucket}/k", {"Origin": APP, "Access-Control-Request-Method": "GET"})
    assert status == 403
    assert error_code(body) == ("AccessForbidden", "CORSResponse: CORS is not enabled for this bucket.")


def test_preflight_without_an_origin(s3, cors_bucket):
    status, _, body = preflight(s3, cors_bucket, {"Access-Control-Request-Method": "GET"})
    assert status == 400
    assert error_code(body) == ("BadRequest", "Insufficient information. Origin request header needed.")


def _with_origin(s3, origin: str):
    def add_origin(request, **_):
        request.headers["Origin"] = origin

    s3.meta.events.register("before-sign.s3", add_origin)
    return s3


def test_actual_requests_get_cors_headers(aws, cors_bucket):
    browser = _with_origin(aws("s3"), APP)
    browser.put_object(Bucket=cors_bucket, Key="page.html", Body=b"<p>hi</p>")
    headers = browser.get_object(Bucket=cors_bucket, Key="page.html")["ResponseMetadata"]["HTTPHeaders"]
    assert headers["access-control-allow-origin"] == APP
    assert headers["access-control-expose-headers"] == "ETag"
    deleting = browser.delete_object(Bucket=cors_bucket, Key="page.html")["ResponseMetadata"]["HTTPHeaders"]
    assert "access-control-allow-origin" not in deleting


def test_requests_without_a_matching_origin_get_none(aws, s3, cors_bucket):
    s3.put_object(Bucket=cors_bucket, Key="k", Body=b"x")
    assert "access-control-allow-origin" not in s3.get_object(Bucket=cors_bucket, Key="k")["ResponseMetadata"][
        "HTTPHeaders"]
    stranger = _with_origin(aws("s3"), "http://elsewhere.test")
    headers = stranger.put_object(Bucket=cors_bucket, Key="k", Body=b"y")["ResponseMetadata"]["HTTPHeaders"]
    assert "access-control-allow-origin" not in headers
