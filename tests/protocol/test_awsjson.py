"""awsJson 1.0/1.1 (dynamodb, dynamodbstreams, sqs, kinesis, firehose, logs): modeled
errors read by botocore (with SQS's query-compatible header), a real boto3 client, AWS's
deserialization errors and event streams (every operation's round trip is in
test_round_trips)."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest
from headwater.protocol import awsjson, specs
from tests.protocol.examples import ExampleMaker
from tests.protocol.wire import (
    REQUEST_ID,
    body_bytes,
    botocore_parse,
    client_call,
    client_error,
    modeled_errors,
    raised,
)

JSON_SERVICES = ("dynamodb", "dynamodbstreams", "sqs", "kinesis", "firehose", "logs")


@pytest.mark.parametrize("service,code", modeled_errors(*JSON_SERVICES))
def test_modeled_error(service, code):
    model = specs.load(service)
    shape = model.shape_for(code)
    fields = {name: value for name, value in ExampleMaker().structure(shape, 0).items() if name.lower() != "message"}
    error = ServiceError(code, "it went <wrong> & ü", 400, fields=fields)
    response = awsjson.serialize_error(model, error, REQUEST_ID)
    parsed = botocore_parse("json", response, None)
    assert response.status == 400
    assert parsed["Error"]["Code"] == code and parsed["Error"]["Message"] == error.message
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    modeled = botocore_parse("json", response, shape)
    assert {name: modeled[name] for name in fields} == fields


# --- headers and bodies as AWS writes them -----------------------------------------------


@pytest.mark.parametrize("service,version", [("dynamodb", "1.0"), ("sqs", "1.0"), ("kinesis", "1.1"), ("logs", "1.1")])
def test_content_type_follows_json_version(service, version):
    operation = specs.load(service).operation_model(specs.load(service).operation_names[0])
    response = awsjson.serialize_response(operation, {}, REQUEST_ID)
    assert response.header("content-type") == f"application/x-amz-json-{version}"
    error = awsjson.serialize_error(specs.load(service), ServiceError("ValidationException", "x"), REQUEST_ID)
    assert error.header("content-type") == f"application/x-amz-json-{version}"


def test_timestamps_are_epoch_seconds_and_blobs_base64():
    operation = specs.operation("kinesis", "GetRecords")
    record = {
        "SequenceNumber": "1", "PartitionKey": "p", "Data": b"\x00\xffhi",
        "ApproximateArrivalTimestamp": datetime(2024, 1, 2, 3, 4, 5, 678000, tzinfo=timezone.utc),
    }
    response = awsjson.serialize_response(operation, {"Records": [record, {**record, "ApproximateArrivalTimestamp": 1704164645}]}, REQUEST_ID)
    document = json.loads(body_bytes(response))
    assert document["Records"][0]["ApproximateArrivalTimestamp"] == 1704164645.678
    assert document["Records"][1]["ApproximateArrivalTimestamp"] == 1704164645
    assert document["Records"][0]["Data"] == "AP9oaQ=="


def test_error_document_with_type_hook_and_extra_fields():
    model = specs.load("dynamodb")
    error = ServiceError(
        "TransactionCanceledException", "Transaction cancelled", fields={"CancellationReasons": [{"Code": "None"}]}
    )
    hooks = {"error_type": lambda code: f"com.amazonaws.dynamodb.v20120810#{code}"}
    response = awsjson.serialize_error(model, error, REQUEST_ID, hooks)
    assert json.loads(body_bytes(response)) == {
        "__type": "com.amazonaws.dynamodb.v20120810#TransactionCanceledException",
        "message": "Transaction cancelled",
        "CancellationReasons": [{"Code": "None"}],
    }
    assert botocore_parse("json", response, None)["Error"]["Code"] == "TransactionCanceledException"
    assert response.header("x-amzn-query-error") is None


def test_sqs_error_carries_query_error_header():
    model = specs.load("sqs")
    error = ServiceError("QueueDoesNotExist", "The specified queue does not exist.")
    response = awsjson.serialize_error(model, error, REQUEST_ID)
    assert response.header("x-amzn-query-error") == "QueueDoesNotExist;Sender"
    receiver = awsjson.serialize_error(model, ServiceError("InternalError", "x", 500, sender_fault=False), REQUEST_ID)
    assert receiver.header("x-amzn-query-error") == "InternalError;Receiver"


def test_sqs_legacy_query_code_reaches_boto3_as_error_code():
    legacy = {"x-amzn-query-error": "AWS.SimpleQueueService.NonExistentQueue;Sender"}
    error = ServiceError("QueueDoesNotExist", "The specified queue does not exist.", headers=legacy)
    caught = client_error(awsjson, "sqs", "GetQueueUrl", error, {"QueueName": "missing"})
    assert type(caught).__name__ == "QueueDoesNotExist"
    assert caught.response["Error"]["Code"] == "AWS.SimpleQueueService.NonExistentQueue"
    assert caught.response["Error"]["Type"] == "Sender"


def test_boto3_client_round_trip():
    item = {"pk": {"S": "ü"}, "bin": {"B": b"\x00\x01"}, "n": {"N": "1.5"}}
    params = {"TableName": "t", "Key": {"pk": {"S": "ü"}}, "ConsistentRead": True}
    _, parsed, answer = client_call(awsjson, "dynamodb", "GetItem", params, {"Item": item})
    assert parsed == params
    assert answer["Item"]["bin"] == {"B": b"\x00\x01"}
    assert answer["ResponseMetadata"]["RequestId"] == REQUEST_ID


# --- malformed input ---------------------------------------------------------------------


def json_request(body: bytes | str) -> HttpRequest:
    data = body.encode() if isinstance(body, str) else body
    return HttpRequest("POST", "/", headers={"content-type": "application/x-amz-json-1.0"}, body=Body.of(data))


def parse(service: str, name: str, body):
    return awsjson.parse_request(specs.operation(service, name), json_request(body))


@pytest.mark.parametrize(
    "service,name,body,message",
    [
        ("dynamodb", "GetItem", "{not json", ""),
        ("dynamodb", "GetItem", b"\xff\xfe", ""),
        ("dynamodb", "GetItem", "", ""),
        ("dynamodb", "ListTables", "[1]", "Start of list found where not expected"),
        ("dynamodb", "ListTables", '"x"', "Expected null"),
        ("dynamodb", "ListTables", '{"Limit": "5"}', "class java.lang.String can not be converted to an Integer"),
        ("dynamodb", "ListTables", '{"Limit": true}', "class java.lang.Boolean can not be converted to an Integer"),
        ("dynamodb", "GetItem", '{"TableName": 5}', "class java.lang.Short can not be converted to an String"),
        ("dynamodb", "GetItem", '{"TableName": 1.5}', "class java.lang.Double can not be converted to an String"),
        ("dynamodb", "GetItem", '{"TableName": 70000}', "class java.lang.Integer can not be converted to an String"),
        ("dynamodb", "GetItem", '{"TableName": []}', "Start of list found where not expected"),
        ("dynamodb", "GetItem", '{"TableName": {}}', "Start of structure or map found where not expected."),
        ("dynamodb", "GetItem", '{"ConsistentRead": "maybe"}', "'MAYBE' can not be converted to an Boolean"),
        ("dynamodb", "GetItem", '{"ConsistentRead": 1}', "class java.lang.Short can not be converted to an Boolean"),
        ("dynamodb", "GetItem", '{"Key": []}', "Start of list found where not expected"),
        ("dynamodb", "GetItem", '{"Key": "k"}', "Expected map or null"),
        ("dynamodb", "BatchGetItem", '{"RequestItems": {"t": 3}}', "Expected null"),
        ("dynamodb", "BatchGetItem", '{"RequestItems": {"t": {"Keys": {}}}}', "Start of structure or map found where not expected."),
        ("dynamodb", "BatchGetItem", '{"RequestItems": {"t": {"Keys": 1}}}', "Expected list or null"),
        ("dynamodb", "GetItem", '{"Key": {"k": {"B": "abc"}}}', "'abc' can not be converted to a Blob: Base64 encoded length is expected a multiple of 4 bytes but found: 3"),
        ("dynamodb", "GetItem", '{"Key": {"k": {"B": "ab!="}}}', "'ab!=' can not be converted to a Blob: Invalid Base64 character"),
        ("dynamodb", "GetItem", '{"Key": {"k": {"B": 12}}}', "class java.lang.Short can not be converted to a Blob"),
        ("kinesis", "GetShardIterator", '{"Timestamp": "soon"}', "class java.lang.String can not be converted to an Date"),
    ],
)
def test_malformed_body_answers_serialization_exception(service, name, body, message):
    error = raised(parse, service, name, body)
    assert (error.code, error.status, error.message) == ("SerializationException", 400, message)


def test_serialization_exception_without_message_has_no_message_key():
    response = awsjson.serialize_error(specs.load("dynamodb"), awsjson.serialization_error(), REQUEST_ID)
    assert json.loads(body_bytes(response)) == {"__type": "SerializationException"}


def test_empty_body_without_required_members_is_empty_input():
    assert parse("dynamodb", "ListTables", "") == {}
    assert parse("sqs", "ListQueues", b"  ") == {}


def test_lenient_values_that_aws_accepts():
    assert parse("dynamodb", "ListTables", '{"Limit": 5.9, "ExclusiveStartTableName": null, "Unknown": 1}') == {"Limit": 5}
    assert parse("dynamodb", "GetItem", '{"ConsistentRead": "TRUE"}') == {"ConsistentRead": True}
    when = datetime(2024, 1, 2, 3, 4, 5, 500000, tzinfo=timezone.utc)
    for stamp in ("1704164645.5", "2024-01-02T03:04:05.500Z"):
        assert parse("kinesis", "GetShardIterator", f'{{"Timestamp": {stamp if "T" not in stamp else json.dumps(stamp)}}}') == {"Timestamp": when}


def test_documents_and_unicode_pass_through():
    body = json.dumps({"TableName": "tä", "Key": {"k": {"M": {"x": {"L": [{"NULL": True}]}}}}}, ensure_ascii=True)
    assert parse("dynamodb", "GetItem", body) == {"TableName": "tä", "Key": {"k": {"M": {"x": {"L": [{"NULL": True}]}}}}}


# --- event streams -----------------------------------------------------------------------


def test_subscribe_to_shard_streams_events():
    operation = specs.operation("kinesis", "SubscribeToShard")
    event = {
        "Records": [{"SequenceNumber": "1", "Data": b"hello", "PartitionKey": "p",
                     "ApproximateArrivalTimestamp": datetime(2024, 1, 1, tzinfo=timezone.utc)}],
        "ContinuationSequenceNumber": "1", "MillisBehindLatest": 0,
    }
    events = iter([{"SubscribeToShardEvent": event}, {"SubscribeToShardEvent": {**event, "Records": []}}])
    response = awsjson.serialize_response(operation, {"EventStream": events}, REQUEST_ID)
    assert response.header("content-type") == "application/vnd.amazon.eventstream"
    assert not isinstance(response.body, bytes)
    parsed = botocore_parse("json", response, operation.output_shape, operation.name)
    assert [item["SubscribeToShardEvent"] for item in parsed["EventStream"]] == [event, {**event, "Records": []}]


def test_event_stream_exception_member():
    operation = specs.operation("logs", "StartLiveTail")
    failure = {"SessionTimeoutException": {"message": "session timed out"}}
    response = awsjson.serialize_response(operation, {"responseStream": [failure]}, REQUEST_ID)
    events = botocore_parse("json", response, operation.output_shape, operation.name)["responseStream"]
    with pytest.raises(Exception) as caught:
        list(events)
    assert "SessionTimeoutException" in str(caught.value)
