"""awsJson's data shapes (a structure that contains itself, like DynamoDB's AttributeValue,
and lists and maps of them): which shapes are written as they are, and that this writes
exactly what the shape-by-shape walk writes, byte for byte; how items of every type are
read, and AWS's wording for each malformed value."""

from __future__ import annotations

import json

import pytest
from botocore.model import ShapeResolver

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest
from headwater.protocol import awsjson, specs
from tests.protocol.examples import example_output
from tests.protocol.wire import (
    REQUEST_ID,
    body_bytes,
    botocore_parse,
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
    """What ``call(*args)`` gives with data shapes written as they are, then walked (with
    writers compiled afresh, not the cached ones)."""
    fast = outcome(call, *args)
    with monkeypatch.context() as patch:
        patch.setattr(awsjson, "_is_data", lambda shape: False)
        patch.setattr(awsjson, "_writer", awsjson._writer.__wrapped__)
        patch.setattr(awsjson, "_fields_writer", awsjson._fields_writer.__wrapped__)
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
    assert awsjson._is_data(shape) and awsjson._writer(shape) is awsjson._as_is


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


def cannot(message: str) -> tuple:
    return ("error", "SerializationException", message)


@pytest.mark.parametrize("value,expected", [
    ({"S": "x", "N": "1", "B": "AAE=", "BOOL": "TRUE", "NULL": "false", "Unknown": 1, "L": None},
     {"S": "x", "N": "1", "B": b"\x00\x01", "BOOL": True, "NULL": False}),
    ({"M": {"a": {"L": [None, {"SS": ["a", None]}, {"BS": ["AA=="]}]}}, "NS": []},
     {"M": {"a": {"L": [{"SS": ["a"]}, {"BS": [b"\x00"]}]}}, "NS": []}),
    ({"S": 5}, cannot("class java.lang.Short can not be converted to an String")),
    ({"N": ["1"]}, cannot("Start of list found where not expected")),
    ({"B": "abc"}, cannot("'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple "
                          "of 4 bytes but found: 3")),
    ({"B": "ab!="}, cannot("'ab!=' can not be converted to a Blob: Invalid Base64 character")),
    ({"B": 12}, cannot("class java.lang.Short can not be converted to a Blob")),
    ({"BOOL": "maybe"}, cannot("'MAYBE' can not be converted to an Boolean")),
    ({"NULL": 1}, cannot("class java.lang.Short can not be converted to an Boolean")),
    ({"SS": "a"}, cannot("Expected list or null")),
    ({"SS": [1]}, cannot("class java.lang.Short can not be converted to an String")),
    ({"BS": ["%%%%"]}, cannot("'%%%%' can not be converted to a Blob: Invalid Base64 character")),
    ({"L": {}}, cannot("Start of structure or map found where not expected.")),
    ({"L": [[]]}, cannot("Start of list found where not expected")),
    ({"L": ["x"]}, cannot("Expected null")),
    ({"M": []}, cannot("Start of list found where not expected")),
    ({"M": {"a": "b"}}, cannot("Expected null")),
    ({"M": {"a": {"M": {"b": {"S": {}}}}}}, cannot("Start of structure or map found where not expected.")),
    ("text", cannot("Expected null")),
    ([], cannot("Start of list found where not expected")),
    (7, cannot("Expected null")),
])
def test_attribute_values_read_or_fail_as_dynamodb_does(value, expected):
    operation = specs.operation("dynamodb", "PutItem")
    read = outcome(parse, operation, json.dumps({"TableName": "t", "Item": {"a": value}}))
    assert (read if isinstance(read, tuple) else read["Item"]["a"]) == expected


def test_items_read_back_with_bytes_and_lenient_booleans():
    operation = specs.operation("dynamodb", "PutItem")
    body = {"TableName": "t", "Item": {"b": {"B": "AP8="}, "t": {"BOOL": "true"}, "l": {"L": [{"NULL": True}, None]}}}
    assert parse(operation, body)["Item"] == {
        "b": {"B": b"\x00\xff"}, "t": {"BOOL": True}, "l": {"L": [{"NULL": True}]}}


def test_raw_json_is_written_as_it_is_even_when_a_string_looks_like_its_mark():
    """DynamoDB answers stored items as their JSON text (RawJSON); a document string equal to
    the internal mark must not be mistaken for one, nor a text be decoded when not needed."""
    from headwater.protocol.jsontext import _RAW_MARK, RawJSON, encode_document

    items = RawJSON('[{"k":{"S":"a"}},{"k":{"B":"AAE="}}]')
    assert json.loads(encode_document({"Items": items, "Count": 2})) == {
        "Items": [{"k": {"S": "a"}}, {"k": {"B": "AAE="}}], "Count": 2}
    tricky = {"Item": RawJSON('{"k":{"S":"b"}}'), "Note": _RAW_MARK, "Blob": b"\x00\x01"}
    assert json.loads(encode_document(tricky)) == {"Item": {"k": {"S": "b"}}, "Note": _RAW_MARK, "Blob": "AAE="}


def test_values_needing_no_conversion_are_read_as_they_are():
    """Items of strings, numbers and booleans are kept as parsed; a map or list holding a
    value that does need converting (a blob, a lenient boolean, a null) is read member by
    member, to the same result as before."""
    operation = specs.operation("dynamodb", "PutItem")
    read = awsjson._reader(operation.input_shape)
    plain = {"TableName": "t", "Item": {"s": {"S": "x"}, "n": {"N": "1"}, "t": {"BOOL": True}, "z": {"NULL": True}}}
    assert read(plain)["Item"] is plain["Item"]
    nested = {"TableName": "t", "Item": {"l": {"L": [{"S": "y"}, {"N": "2"}]}, "ss": {"SS": ["a"]}}}
    assert read(nested)["Item"] == nested["Item"]
    assert read(nested)["Item"]["l"]["L"] is nested["Item"]["l"]["L"]
    assert read(nested)["Item"]["ss"]["SS"] is nested["Item"]["ss"]["SS"]
    mixed = {"TableName": "t", "Item": {"s": {"S": "x"}, "l": {"L": [{"S": "y"}, {"B": "AA=="}, {"BOOL": "true"}]},
                                        "ss": {"SS": ["a", None]}, "u": {"S": "x", "Unknown": 1}}}
    assert read(mixed)["Item"] == {"s": {"S": "x"}, "l": {"L": [{"S": "y"}, {"B": b"\x00"}, {"BOOL": True}]},
                                   "ss": {"SS": ["a"]}, "u": {"S": "x"}}
