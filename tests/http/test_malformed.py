"""Malformed requests of every protocol get the protocol's AWS error, never a 500."""

import hashlib
import urllib.error
import urllib.request

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

FORM = "application/x-www-form-urlencoded; charset=utf-8"


def send_signed(server, signing_name: str, method: str, path: str, body: bytes, headers: dict) -> tuple[int, bytes]:
    request = AWSRequest(method=method, url=f"{server.endpoint}{path}", data=body, headers=headers)
    signer = S3SigV4Auth if signing_name == "s3" else SigV4Auth
    if signing_name == "s3":
        request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    signer(Credentials("test", "test"), signing_name, "us-east-1").add_auth(request)
    prepared = request.prepare()
    http = urllib.request.Request(prepared.url, data=body or None, method=method, headers=dict(prepared.headers))
    try:
        with urllib.request.urlopen(http) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


CASES = [
    # JSON: a body that is not JSON, and a member of the wrong type.
    ("dynamodb", "POST", "/", b"{not json", {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}, 400, b"SerializationException"),
    ("dynamodb", "POST", "/", b'{"Limit": "many"}', {"X-Amz-Target": "DynamoDB_20120810.ListTables", "Content-Type": "application/x-amz-json-1.0"}, 400, b"SerializationException"),
    ("kinesis", "POST", "/", b"[1, 2]", {"X-Amz-Target": "Kinesis_20131202.ListStreams", "Content-Type": "application/x-amz-json-1.1"}, 400, b"SerializationException"),
    # query: a number that is not one; an unknown action.
    ("sts", "POST", "/", b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam::000000000000:role/r&RoleSessionName=ab&DurationSeconds=soon", {"Content-Type": FORM}, 400, b"<Code>MalformedInput</Code>"),
    ("iam", "POST", "/", b"Action=FlyToTheMoon&Version=2010-05-08", {"Content-Type": FORM}, 400, b"<Code>InvalidAction</Code>"),
    # ec2: a number that is not one.
    ("ec2", "POST", "/", b"Action=DescribeVpcs&Version=2016-11-15&MaxResults=lots", {"Content-Type": FORM}, 400, b"<Code>InvalidParameterValue</Code>"),
    # restXml: XML that is not XML.
    ("s3", "PUT", "/bucket?tagging", b"<Tagging><TagSet><Tag>", {"Content-Type": "application/xml"}, 400, b"<Code>MalformedXML</Code>"),
]


@pytest.mark.parametrize("service, method, path, body, headers, status, marker", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_malformed_request_gets_the_protocol_error(server, service, method, path, body, headers, status, marker):
    got_status, got_body = send_signed(server, service, method, path, body, headers)
    assert got_status == status, got_body
    assert marker in got_body
