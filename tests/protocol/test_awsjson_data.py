"""awsJson's fast path for data shapes (a structure that contains itself, like DynamoDB's
AttributeValue, and lists and maps of them): which shapes take it, and that it reads and
writes exactly what the generic shape-by-shape walk reads and writes, byte for byte and
error for error."""

from __future__ import annotations

import json

import pytest
from botocore.model import ShapeResolver

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest
from headwater.protocol import awsjson, specs
from tests.protocol.examples import example_input, example_output
from tests.protocol.wire import (
    REQUEST_ID,
    body_bytes,
    botocore_parse,
    botocore_request,
    operations,
)

ITEM = {
    "pk": {"S": "ü <&> \"quoted\" \u2028"},
    "n": {"N": "-12.50"},
    "bin": {"B": b"\x00\xff\x80 raw"},
    "flags": {"BOOL": False},
    "none": {"NULL": True},
    "names": {"SS": ["a", "é"]},
    "numbers": {"NS": ["1", "2.5"]},
    "blobs": {"BS": [b"\x01", b"", b"\xfe\xff"]},
    "list": {"L": [{"B": b"\x02"}, {"M": {"deep": {"BS": [b"\x03"]}, "empty": {"L": []}}}, {"N": "0"}]},
    "map": {"M": {"k": {"L": [{"L": [{"B": b"\x04"}]}]}, "m": {"M": {}}}},
}


def fast_and_generic(monkeypatch, call, *args):
    """What ``call(*args)`` gives with the fast path, then without it."""
    fast = outcome(call, *args)
    with monkeypatch.context() as patch:
        patch.setattr(awsjson, "_is_data", lambda shape: False)
        patch.setattr(awsjson, "_data_reader", lambda shape: None)
        generic = outcome(call, *args)
    return fast, generic


def outcome(call, *args):
    try:
        response = call(*args)
    except ServiceError as error:
        return ("error", error.code, error.message)
    return body_bytes(response) if hasattr(response, "status") else response


def resolved(shapes: dict, name: str):
    return ShapeResolver(shapes).get_shape_by_name(name)


# --- which shapes are data ---------------------------------------------------------------


@pytest.mark.parametrize("service,name", [
    ("dynamodb", "AttributeValue"), ("dynamodb", "AttributeMap"), ("dynamodb", "ItemList"),
    ("dynamodb", "Key"), ("dynamodbstreams", "AttributeValue"), ("dynamodbstreams", "AttributeMap"),
])
def test_recursive_attribute_values_are_data(service, name):
    shape = specs.load(service).shape_for(name)
    assert awsjson._is_data(shape) and awsjson._data_reader(shape) is not None


@pytest.mark.parametrize("service,name", [
    ("dynamodb", "TableDescription"), ("dynamodb", "PutItemInput"), ("dynamodb", "QueryOutput"),
    ("dynamodb", "ConsumedCapacity"), ("kinesis", "Record"), ("sqs", "Message"),
])
def test_other_shapes_are_walked(service, name):
    assert not awsjson._is_data(specs.load(service).shape_for(name))


DOCUMENT = {
    "Doc": {"type": "structure", "members": {"S": {"shape": "Text"}, "L": {"shape": "Docs"}}},
    "Docs": {"type": "list", "member": {"shape": "Doc"}},
    "Text": {"type": "string"},
    "When": {"type": "timestamp"},
    "Ratio": {"type": "double"},
    "Flat": {"type": "structure", "members": {"S": {"shape": "Text"}}},
}


@pytest.mark.parametrize("extra", [
    {"At": {"shape": "When"}},  # a timestamp is written as epoch seconds
    {"R": {"shape": "Ratio"}},  # NaN and Infinity are written as strings
    {"Renamed": {"shape": "Text", "locationName": "other"}},  # the JSON key differs from the member name
])
def test_recursive_shapes_with_non_native_members_are_walked(extra):
    assert awsjson._is_data(resolved(DOCUMENT, "Doc"))
    shapes = {**DOCUMENT, "Doc": {"type": "structure", "members": {**DOCUMENT["Doc"]["members"], **extra}}}
    assert not awsjson._is_data(resolved(shapes, "Doc"))


def test_structures_that_do_not_contain_themselves_are_walked():
    assert not awsjson._is_data(resolved(DOCUMENT, "Flat"))


# --- the same bytes and the same errors --------------------------------------------------


@pytest.mark.parametrize("service,name", operations("dynamodb", "dynamodbstreams"))
def test_responses_are_the_bytes_the_generic_walk_writes(service, name, monkeypatch):
    operation = specs.operation(service, name)
    for minimal in (False, True):
        result = example_output(operation, minimal)
        fast, generic = fast_and_generic(monkeypatch, awsjson.serialize_response, operation, result, REQUEST_ID)
        assert fast == generic


def test_items_with_every_type_are_the_bytes_the_generic_walk_writes(monkeypatch):
    operation = specs.operation("dynamodb", "Query")
    result = {"Items": [ITEM, {"pk": {"S": "2"}}], "Count": 2, "ScannedCount": 2, "LastEvaluatedKey": {"pk": ITEM["pk"]}}
    fast, generic = fast_and_generic(monkeypatch, awsjson.serialize_response, operation, result, REQUEST_ID)
    assert fast == generic
    assert json.loads(fast)["Items"][0]["list"]["L"][1]["M"]["deep"] == {"BS": ["Aw=="]}
    response = awsjson.serialize_response(operation, result, REQUEST_ID)
    assert botocore_parse("json", response, operation.output_shape)["Items"][0] == ITEM


def test_error_fields_with_items_are_the_bytes_the_generic_walk_writes(monkeypatch):
    model = specs.load("dynamodb")
    reasons = [{"Code": "ConditionalCheckFailed", "Message": "no", "Item": ITEM}, {"Code": "None"}]
    error = ServiceError("TransactionCanceledException", "cancelled", fields={"CancellationReasons": reasons})
    fast, generic = fast_and_generic(monkeypatch, awsjson.serialize_error, model, error, REQUEST_ID)
    assert fast == generic


def parse(operation, document) -> dict:
    """``parse_request`` of a JSON body (``document`` as text or as the object to dump)."""
    body = document if isinstance(document, str) else json.dumps(document)
    request = HttpRequest("POST", "/", headers={"content-type": "application/x-amz-json-1.0"}, body=Body.of(body.encode()))
    return awsjson.parse_request(operation, request)


def body_bytes_of(operation, params: dict) -> bytes:
    """``params`` as botocore's client serializer writes them (blobs as base64)."""
    return botocore_request("json", operation, params).body.read()


@pytest.mark.parametrize("service,name", operations("dynamodb", "dynamodbstreams"))
def test_requests_read_as_the_generic_walk_reads_them(service, name, monkeypatch):
    operation = specs.operation(service, name)
    for minimal in (False, True):
        document = json.loads(body_bytes_of(operation, example_input(operation, minimal)))
        fast, generic = fast_and_generic(monkeypatch, parse, operation, document)
        assert fast == generic


@pytest.mark.parametrize("value", [
    {"S": "x", "N": "1", "B": "AAE=", "BOOL": "TRUE", "NULL": "false", "Unknown": 1, "L": None},
    {"M": {"a": {"L": [None, {"SS": ["a", None]}, {"BS": ["AA=="]}]}}, "NS": []},
    {"S": 5}, {"N": ["1"]}, {"B": "abc"}, {"B": "ab!="}, {"B": 12}, {"BOOL": "maybe"}, {"NULL": 1},
    {"SS": "a"}, {"SS": [1]}, {"BS": ["%%%%"]}, {"L": {}}, {"L": [[]]}, {"L": ["x"]}, {"M": []},
    {"M": {"a": "b"}}, {"M": {"a": {"M": {"b": {"S": {}}}}}}, "text", [], 7,
])
def test_malformed_values_fail_as_the_generic_walk_fails(value, monkeypatch):
    operation = specs.operation("dynamodb", "PutItem")
    body = json.dumps({"TableName": "t", "Item": {"a": value}})
    fast, generic = fast_and_generic(monkeypatch, parse, operation, body)
    assert fast == generic


def test_items_read_back_with_bytes_and_lenient_booleans():
    operation = specs.operation("dynamodb", "PutItem")
    body = {"TableName": "t", "Item": {"b": {"B": "AP8="}, "t": {"BOOL": "true"}, "l": {"L": [{"NULL": True}, None]}}}
    assert parse(operation, body)["Item"] == {
        "b": {"B": b"\x00\xff"}, "t": {"BOOL": True}, "l": {"L": [{"NULL": True}]}}
