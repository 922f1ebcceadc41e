"""Routing picks the right service and operation for every operation of the JSON, query and
ec2 services, from requests built by botocore's own client serializer and signer."""

import pytest

from headwater.http.message import HttpRequest
from headwater.protocol import routing, specs
from headwater.registry import SERVICE_NAMES
from tests.protocol.examples import example_input
from tests.protocol.wire import operations, raised, signed_request

NON_REST = [name for name in SERVICE_NAMES if specs.protocol(name) != "rest-xml"]


@pytest.mark.parametrize("service, operation", operations(*NON_REST))
def test_every_operation_routes(service, operation):
    model = specs.operation(service, operation)
    request = signed_request(model, example_input(model, minimal=True))
    assert routing.identify_service(request) == service
    found, labels = routing.find_operation(service, request)
    assert found.name == operation and labels == {}


def test_unknown_json_target_is_unknown_operation():
    request = HttpRequest("POST", "/", headers={"x-amz-target": "DynamoDB_20120810.Nope"})
    assert raised(routing.find_operation, routing.identify_service(request), request).code == "UnknownOperationException"


def test_query_without_action_is_missing_action():
    request = HttpRequest("POST", "/", headers={"authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"})
    assert routing.identify_service(request) == "iam"
    assert raised(routing.find_operation, "iam", request).code == "MissingAction"
