"""Authentication through the whole server: each protocol's AWS answer to bad credentials."""

import time
import urllib.error
import urllib.request

import pytest

from headwater.storage.clock import FrozenClock
from tests.http.test_pipeline import error_of
from tests.server import start_server

CALLS = {
    "sts": ("get_caller_identity", {}),
    "dynamodb": ("list_tables", {}),
    "kinesis": ("list_streams", {}),
    "sqs": ("list_queues", {}),
    "iam": ("list_users", {}),
    "ec2": ("describe_vpcs", {}),
    "s3": ("list_buckets", {}),
}

WRONG_SECRET = {
    "sts": ("SignatureDoesNotMatch", 403),
    "iam": ("SignatureDoesNotMatch", 403),
    "dynamodb": ("InvalidSignatureException", 400),
    "kinesis": ("InvalidSignatureException", 400),
    "sqs": ("SignatureDoesNotMatch", 403),
    "ec2": ("SignatureDoesNotMatch", 403),
    "s3": ("SignatureDoesNotMatch", 403),
}
UNKNOWN_KEY = {
    "sts": ("InvalidClientTokenId", 403),
    "iam": ("InvalidClientTokenId", 403),
    "dynamodb": ("UnrecognizedClientException", 400),
    "kinesis": ("UnrecognizedClientException", 400),
    "sqs": ("InvalidClientTokenId", 403),
    "ec2": ("AuthFailure", 401),
    "s3": ("InvalidAccessKeyId", 403),
}
SKEWED = {
    "sts": ("SignatureDoesNotMatch", 403),
    "dynamodb": ("InvalidSignatureException", 400),
    "ec2": ("RequestExpired", 400),
    "s3": ("RequestTimeTooSkewed", 403),
}


def call(client, service):
    method, kwargs = CALLS[service]
    return error_of(getattr(client, method), **kwargs)


@pytest.mark.parametrize("service", sorted(WRONG_SECRET))
def test_wrong_secret_gets_the_signature_error(server, service):
    code, message, status = call(server.client(service, secret_key="not-the-secret"), service)
    assert (code, status) == WRONG_SECRET[service]
    assert "signature we calculated does not match" in message


@pytest.mark.parametrize("service", sorted(UNKNOWN_KEY))
def test_unknown_access_key_gets_the_unknown_key_error(server, service):
    code, _, status = call(server.client(service, access_key="AKIAUNKNOWN0000000000"), service)
    assert (code, status) == UNKNOWN_KEY[service]


@pytest.fixture(scope="module")
def skewed_server(tmp_path_factory):
    running = start_server(tmp_path_factory.mktemp("skewed"), clock=FrozenClock(time.time() + 3600))
    yield running
    running.stop()


@pytest.mark.parametrize("service", sorted(SKEWED))
def test_a_request_signed_an_hour_ago_is_refused(skewed_server, service):
    code, _, status = call(skewed_server.client(service), service)
    assert (code, status) == SKEWED[service]


def test_auth_off_accepts_any_key_as_root(tmp_path):
    running = start_server(tmp_path, auth="off")
    try:
        identity = running.client("sts", access_key="whatever", secret_key="nope").get_caller_identity()
        assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    finally:
        running.stop()


def test_presigned_url_passes_auth_and_a_tampered_one_does_not(server):
    s3 = server.client("s3")
    s3.create_bucket(Bucket="presigned-bucket")
    s3.put_object(Bucket="presigned-bucket", Key="dir/a key ü.txt", Body=b"signed")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "presigned-bucket", "Key": "dir/a key ü.txt"},
                                    ExpiresIn=60)
    with urllib.request.urlopen(url) as good:
        assert good.read() == b"signed"
    with pytest.raises(urllib.error.HTTPError) as tampered:
        urllib.request.urlopen(url.replace("a%20key", "b%20key"))
    assert tampered.value.code == 403
    assert b"<Code>SignatureDoesNotMatch</Code>" in tampered.value.read()
