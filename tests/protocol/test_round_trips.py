"""Round trips of every operation of the json, query and ec2 services, botocore as the
oracle, for the full and the minimal example values: botocore's client serializer →
``parse_request`` gives the input back; ``serialize_response`` → botocore's client parser
gives the output back, with the request id where clients read it. (rest-xml's round trips,
with S3's quirks, are in test_restxml.)

Normalised where the wire legitimately changes things: the query and ec2 serializers send
no parameter for an empty structure (or a list of only those), so those come back absent.
"""

from __future__ import annotations

import pytest

from headwater.protocol import awsjson, awsquery, ec2query, specs
from headwater.registry import SERVICE_NAMES
from tests.protocol.examples import example_input, example_output
from tests.protocol.wire import REQUEST_ID, botocore_parse, botocore_request, operations, without_metadata

PROTOCOL_MODULES = {"json": awsjson, "query": awsquery, "ec2": ec2query}
SERVICES = [name for name in SERVICE_NAMES if specs.protocol(name) in PROTOCOL_MODULES]


@pytest.mark.parametrize("service,name", operations(*SERVICES))
def test_request_round_trip(service, name):
    operation = specs.operation(service, name)
    protocol = specs.protocol(service)
    for minimal in (False, True):
        params = example_input(operation, minimal)
        parsed = PROTOCOL_MODULES[protocol].parse_request(operation, botocore_request(protocol, operation, params))
        assert parsed == (params if protocol == "json" else wire_visible(params))


@pytest.mark.parametrize("service,name", operations(*SERVICES))
def test_response_round_trip(service, name):
    operation = specs.operation(service, name)
    protocol = specs.protocol(service)
    shape = operation.output_shape
    stream = shape.event_stream_name if shape is not None else None
    for minimal in (False, True):
        result = example_output(operation, minimal)
        response = PROTOCOL_MODULES[protocol].serialize_response(operation, result, REQUEST_ID)
        assert (response.status, response.header("x-amzn-requestid")) == (200, REQUEST_ID)
        parsed = botocore_parse(protocol, response, shape, operation.name)
        if stream:  # an event stream carries its request id in the header only; no events were sent
            assert list(parsed.pop(stream)) == []
        else:
            assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
        assert without_metadata(parsed) == result


_GONE = object()


def wire_visible(value):
    """``value`` minus what the query serializer cannot express: empty structures (and
    lists holding only those) send no parameter at all, so they come back absent."""
    cleaned = _visible(value)
    return {} if cleaned is _GONE else cleaned


def _visible(value):
    if isinstance(value, dict):
        kept = {key: _visible(item) for key, item in value.items()}
        return {key: item for key, item in kept.items() if item is not _GONE} or _GONE
    if isinstance(value, list) and value:
        kept = [item for item in map(_visible, value) if item is not _GONE]
        return kept or _GONE
    return value
