"""Routing picks the right service and operation for every operation of the JSON, query and
ec2 services, from requests built by botocore's own client serializer and signer."""

from urllib.parse import urlsplit

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.serialize import create_serializer

from headwater.http.message import Body, HttpRequest
from headwater.protocol import routing, specs
from headwater.registry import SERVICE_NAMES
from tests.protocol.examples import example_input

NON_REST = [name for name in SERVICE_NAMES if specs.protocol(name) != "rest-xml"]
CASES = [(service, op) for service in NON_REST for op in specs.load(service).operation_names]


def signed_request(service: str, operation: str) -> HttpRequest:
    """The request botocore's client would send, signed with the root test key."""
    model = specs.operation(service, operation)
    serialized = create_serializer(model.metadata["protocol"]).serialize_to_request(example_input(model, minimal=True), model)
    serialized["url_path"] = "http://127.0.0.1:4566" + serialized["url_path"]
    aws_request = AWSRequest(
        method=serialized["method"], url=serialized["url_path"], data=serialized["body"],
        headers=dict(serialized["headers"]), params=serialized["query_string"],
    )
    SigV4Auth(Credentials("test", "test"), model.service_model.signing_name, "us-east-1").add_auth(aws_request)
    prepared = aws_request.prepare()
    url = urlsplit(prepared.url)
    body = prepared.body or b""
    return HttpRequest(
        method=prepared.method,
        raw_path=url.path,
        query_string=url.query,
        headers={k.lower(): v for k, v in prepared.headers.items()},
        body=Body.of(body.encode() if isinstance(body, str) else body),
    )


@pytest.mark.parametrize("service, operation", CASES, ids=[f"{s}.{o}" for s, o in CASES])
def test_every_operation_routes(service, operation):
    request = signed_request(service, operation)
    assert routing.identify_service(request) == service
    found, labels = routing.find_operation(service, request)
    assert found.name == operation and labels == {}


def test_unknown_json_target_is_unknown_operation():
    request = HttpRequest("POST", "/", headers={"x-amz-target": "DynamoDB_20120810.Nope"})
    with pytest.raises(Exception) as caught:
        routing.find_operation(routing.identify_service(request), request)
    assert caught.value.code == "UnknownOperationException"


def test_query_without_action_is_missing_action():
    request = HttpRequest("POST", "/", headers={"authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"})
    assert routing.identify_service(request) == "iam"
    with pytest.raises(Exception) as caught:
        routing.find_operation("iam", request)
    assert caught.value.code == "MissingAction"
