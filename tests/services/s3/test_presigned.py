"""Presigned GET and PUT URLs (tampered or expired ones refused with S3's errors) and
virtual-hosted addressing, spoken over plain HTTP as a browser or curl would."""

from __future__ import annotations

import http.client
from datetime import timedelta
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from headwater.storage.clock import FrozenClock
from tests.server import start_server
from tests.services.s3.conftest import unique


def fetch(url: str, method: str = "GET", body: bytes | None = None, host: str | None = None):
    """``(status, body)`` of a plain HTTP request (to 127.0.0.1, whatever host the URL names)."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection("127.0.0.1", parts.port, timeout=30)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    connection.request(method, target, body=body, headers={"Host": host or parts.netloc})
    response = connection.getresponse()
    return response.status, response.read()


def test_presigned_get_and_put(s3, bucket):
    s3.put_object(Bucket=bucket, Key="doc.txt", Body=b"shared")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "doc.txt"}, ExpiresIn=300)
    assert fetch(url) == (200, b"shared")
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "up.txt"}, ExpiresIn=300)
    status, _ = fetch(put_url, "PUT", b"uploaded")
    assert status == 200
    assert s3.get_object(Bucket=bucket, Key="up.txt")["Body"].read() == b"uploaded"


def test_tampered_url_is_refused(s3, bucket):
    s3.put_object(Bucket=bucket, Key="a", Body=b"a")
    s3.put_object(Bucket=bucket, Key="b", Body=b"b")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "a"}, ExpiresIn=300)
    status, body = fetch(url.replace(f"/{bucket}/a?", f"/{bucket}/b?"))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body
    query = dict(pair.split("=", 1) for pair in urlsplit(url).query.split("&"))
    later = str(int(query["Expires"]) + 600)
    status, body = fetch(url.replace(f"Expires={query['Expires']}", f"Expires={later}"))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


def test_sigv4_presigned_url(local, bucket):
    v4 = boto3.client("s3", endpoint_url=local.endpoint, region_name="us-east-1", aws_access_key_id="test",
                      aws_secret_access_key="test", config=Config(signature_version="s3v4"))
    v4.put_object(Bucket=bucket, Key="k", Body=b"v4")
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=300)
    assert "X-Amz-Signature=" in url and fetch(url) == (200, b"v4")
    status, body = fetch(url.replace("X-Amz-Expires=300", "X-Amz-Expires=900"))
    assert status == 403 and b"<Code>SignatureDoesNotMatch</Code>" in body


@pytest.fixture
def frozen(tmp_path):
    clock = FrozenClock()
    running = start_server(tmp_path / "data", clock=clock)
    yield running, clock
    running.stop()


def test_expired_url_is_access_denied(frozen):
    running, clock = frozen
    s3 = running.client("s3")
    name = unique()
    s3.create_bucket(Bucket=name)
    s3.put_object(Bucket=name, Key="k", Body=b"v")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": name, "Key": "k"}, ExpiresIn=60)
    assert fetch(url)[0] == 200
    clock.advance(timedelta(minutes=10))
    status, body = fetch(url)
    assert status == 403 and b"<Code>AccessDenied</Code>" in body and b"Request has expired" in body


def test_virtual_hosted_addressing(local, bucket):
    port = urlsplit(local.endpoint).port
    virtual = boto3.client("s3", endpoint_url=f"http://localhost:{port}", region_name="us-east-1",
                           aws_access_key_id="test", aws_secret_access_key="test",
                           config=Config(s3={"addressing_style": "virtual"}))
    url = virtual.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "v/k"}, ExpiresIn=300)
    assert urlsplit(url).hostname == f"{bucket}.localhost"
    assert fetch(url, "PUT", b"virtual")[0] == 200
    get_url = virtual.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "v/k"})
    assert fetch(get_url) == (200, b"virtual")
    list_url = virtual.generate_presigned_url("list_objects_v2", Params={"Bucket": bucket})
    status, body = fetch(list_url)
    assert status == 200 and b"<Key>v/k</Key>" in body
