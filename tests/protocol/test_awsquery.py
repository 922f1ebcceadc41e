"""awsQuery (iam, sts, rds): errors and envelopes read by botocore, a real boto3 client,
malformed input and round trips of the wire layouts the real models do not use (flattened
lists and maps, custom member names, timestamp formats). Every operation's round trip is
in test_round_trips."""

from __future__ import annotations

from datetime import datetime, timezone

import botocore.model
import pytest

from headwater.errors import ServiceError
from headwater.protocol import awsquery, specs
from tests.protocol.wire import (
    REQUEST_ID,
    body_bytes,
    botocore_parse,
    botocore_request,
    client_call,
    client_error,
    modeled_errors,
    query_request,
    raised,
    without_metadata,
)

QUERY_SERVICES = ("iam", "sts", "rds")


# --- modeled errors ---------------------------------------------------------------------


@pytest.mark.parametrize("service,code", modeled_errors(*QUERY_SERVICES))
def test_modeled_error(service, code):
    model = specs.load(service)
    shape = model.shape_for(code)
    traits = shape.metadata.get("error", {})
    error = ServiceError(code, "it went <wrong> & ü", traits.get("httpStatusCode", 400), traits.get("senderFault", True))
    response = awsquery.serialize_error(model, error, REQUEST_ID)
    parsed = botocore_parse("query", response, None)
    assert response.status == error.status
    assert parsed["Error"] == {
        "Type": "Sender" if error.sender_fault else "Receiver",
        "Code": shape.error_code,
        "Message": error.message,
    }
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


# --- the envelope as AWS writes it ---------------------------------------------------------


def test_response_envelope_has_namespace_result_wrapper_and_request_id():
    operation = specs.operation("iam", "GetUser")
    response = awsquery.serialize_response(operation, {"User": {"UserName": "bob"}}, REQUEST_ID)
    body = body_bytes(response).decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">')
    assert "<GetUserResult><User><UserName>bob</UserName></User></GetUserResult>" in body
    assert body.endswith(f"<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></GetUserResponse>")
    assert response.header("content-type") == "text/xml"
    assert response.header("x-amzn-requestid") == REQUEST_ID


def test_operation_without_output_still_answers_request_id():
    operation = specs.operation("iam", "DeleteUser")
    body = body_bytes(awsquery.serialize_response(operation, {}, REQUEST_ID)).decode()
    assert "<DeleteUserResponse xmlns=" in body and f"<RequestId>{REQUEST_ID}</RequestId>" in body


def test_error_envelope():
    model = specs.load("sts")
    error = ServiceError("ExpiredTokenException", "expired", 400)
    body = body_bytes(awsquery.serialize_error(model, error, REQUEST_ID)).decode()
    assert '<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>' in body
    assert "<Code>ExpiredTokenException</Code><Message>expired</Message></Error>" in body
    assert body.endswith(f"<RequestId>{REQUEST_ID}</RequestId></ErrorResponse>")


def test_unmodeled_error_keeps_its_code_and_receiver_fault():
    model = specs.load("iam")
    error = ServiceError("InternalFailure", "boom", 500, sender_fault=False)
    response = awsquery.serialize_error(model, error, REQUEST_ID)
    parsed = botocore_parse("query", response, None)
    assert response.status == 500
    assert parsed["Error"] == {"Type": "Receiver", "Code": "InternalFailure", "Message": "boom"}


def test_boto3_client_maps_wire_code_to_exception_class():
    error = ServiceError("NoSuchEntityException", "The user with name bob cannot be found.", 404)
    caught = client_error(awsquery, "iam", "GetUser", error, {"UserName": "bob"})
    assert type(caught).__name__ == "NoSuchEntityException"
    assert caught.response["Error"]["Code"] == "NoSuchEntity"
    assert caught.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_boto3_client_request_and_response():
    when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    user = {"Path": "/", "UserName": "ü", "UserId": "AIDA", "Arn": "arn:aws:iam::000000000000:user/ü", "CreateDate": when}
    _, parsed, answer = client_call(
        awsquery, "iam", "ListUsers", {"PathPrefix": "/a b/", "MaxItems": 5}, {"Users": [user], "IsTruncated": False}
    )
    assert parsed == {"PathPrefix": "/a b/", "MaxItems": 5}
    assert answer["Users"][0]["UserName"] == "ü"
    assert answer["Users"][0]["CreateDate"] == when


# --- requests beyond the client's defaults -------------------------------------------------


def test_get_request_reads_the_query_string():
    operation = specs.operation("iam", "ListUsers")
    request = query_request("Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fx%2F&MaxItems=3")
    assert awsquery.parse_request(operation, request) == {"PathPrefix": "/x/", "MaxItems": 3}


def test_post_request_merges_query_string_and_form():
    operation = specs.operation("iam", "ListUsers")
    request = query_request("Action=ListUsers", "Version=2010-05-08&MaxItems=7")
    assert awsquery.parse_request(operation, request) == {"MaxItems": 7}


def test_empty_list_marker_and_list_order():
    operation = specs.operation("rds", "AddTagsToResource")
    request = query_request(form="Action=AddTagsToResource&ResourceName=r&Tags=")
    assert awsquery.parse_request(operation, request) == {"ResourceName": "r", "Tags": []}
    form = "ResourceName=r&Tags.Tag.10.Key=j&Tags.Tag.2.Key=b&Tags.Tag.1.Key=a"
    parsed = awsquery.parse_request(operation, query_request(form=form))
    assert [tag["Key"] for tag in parsed["Tags"]] == ["a", "b", "j"]


def test_map_entries_and_unknown_parameters():
    operation = specs.operation("sts", "AssumeRole")
    form = "RoleArn=arn&RoleSessionName=s&Unknown=x&Tags.member.1.Key=k&Tags.member.1.Value=v"
    assert awsquery.parse_request(operation, query_request(form=form)) == {
        "RoleArn": "arn", "RoleSessionName": "s", "Tags": [{"Key": "k", "Value": "v"}],
    }


@pytest.mark.parametrize(
    "service,action,form,parameter",
    [
        ("iam", "ListUsers", "MaxItems=abc", "MaxItems"),
        ("iam", "ListUsers", "MaxItems=1.5", "MaxItems"),
        ("sts", "AssumeRole", "RoleArn=a&RoleSessionName=b&DurationSeconds=", "DurationSeconds"),
        ("rds", "CreateDBInstance", "DBInstanceIdentifier=d&DBInstanceClass=c&Engine=e&MultiAZ=maybe", "MultiAZ"),
        ("rds", "DescribeEvents", "StartTime=yesterday", "StartTime"),
        ("rds", "AddTagsToResource", "ResourceName=r&Tags.Tag.x.Key=k", "Tags.Tag.x"),
        ("iam", "ListUsers", "PathPrefix.nested=1", "PathPrefix"),
    ],
)
def test_malformed_value_answers_malformed_input(service, action, form, parameter):
    error = raised(awsquery.parse_request, specs.operation(service, action), query_request(form=form))
    assert (error.code, error.status, error.sender_fault) == ("MalformedInput", 400, True)
    assert parameter in error.message


# --- wire layouts the bundled models do not use --------------------------------------------

SYNTHETIC = {
    "metadata": {
        "protocol": "query", "apiVersion": "2020-01-01", "endpointPrefix": "synthetic",
        "serviceId": "Synthetic", "signatureVersion": "v4",
    },
    "operations": {
        "Echo": {
            "name": "Echo", "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "Shapes"},
            "output": {"shape": "Shapes", "resultWrapper": "EchoResult"},
        }
    },
    "shapes": {
        "Shapes": {
            "type": "structure",
            "members": {
                "Flat": {"shape": "FlatList"},
                "FlatNamed": {"shape": "FlatNamedList"},
                "Named": {"shape": "NamedList", "locationName": "Renamed"},
                "Nested": {"shape": "NestedList"},
                "Pairs": {"shape": "NamedMap"},
                "FlatPairs": {"shape": "FlatMap"},
                "Deep": {"shape": "Shapes"},
                "Iso": {"shape": "Timestamp", "timestampFormat": "iso8601"},
                "Epoch": {"shape": "Timestamp", "timestampFormat": "unixTimestamp"},
                "Rfc": {"shape": "Timestamp", "timestampFormat": "rfc822"},
                "Default": {"shape": "Timestamp"},
                "Number": {"shape": "Double"},
                "Data": {"shape": "Blob"},
            },
        },
        "FlatList": {"type": "list", "member": {"shape": "String"}, "flattened": True},
        "FlatNamedList": {"type": "list", "member": {"shape": "String", "locationName": "Item"}, "flattened": True},
        "NamedList": {"type": "list", "member": {"shape": "String", "locationName": "Thing"}},
        "NestedList": {"type": "list", "member": {"shape": "NamedList"}},
        "NamedMap": {
            "type": "map", "key": {"shape": "String", "locationName": "Name"},
            "value": {"shape": "String", "locationName": "Val"},
        },
        "FlatMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "String"}, "flattened": True},
        "String": {"type": "string"},
        "Timestamp": {"type": "timestamp"},
        "Double": {"type": "double"},
        "Blob": {"type": "blob"},
    },
}

MOMENT = datetime(2024, 2, 29, 23, 59, 58, tzinfo=timezone.utc)
SYNTHETIC_VALUE = {
    "Flat": ["a", "b c"],
    "FlatNamed": ["x", "ü"],
    "Named": ["one", "two"],
    "Nested": [["p", "q"], ["r"]],
    "Pairs": {"k 1": "v&1", "k2": "<v2>"},
    "FlatPairs": {"fk": "fv"},
    "Deep": {"Flat": ["deep"], "Iso": MOMENT},
    "Iso": MOMENT.replace(microsecond=250000),
    "Epoch": MOMENT,
    "Rfc": MOMENT,
    "Default": MOMENT,
    "Number": float("inf"),
    "Data": b"\x00\xff\x80bytes",
}


def synthetic_operation(protocol: str = "query"):
    data = {**SYNTHETIC, "metadata": {**SYNTHETIC["metadata"], "protocol": protocol}}
    return botocore.model.ServiceModel(data, service_name="synthetic").operation_model("Echo")


def test_synthetic_request_round_trip():
    operation = synthetic_operation()
    request = botocore_request("query", operation, SYNTHETIC_VALUE)
    form = dict(request.form)
    assert form["Flat.1"] == "a" and form["Item.2"] == "ü" and form["Renamed.Thing.2"] == "two"
    assert form["Pairs.entry.1.Name"] == "k 1" and form["FlatPairs.1.key"] == "fk"
    assert form["Nested.member.1.Thing.2"] == "q"
    assert form["Epoch"] == "1709251198" and form["Rfc"] == "Thu, 29 Feb 2024 23:59:58 GMT"
    assert awsquery.parse_request(operation, request) == SYNTHETIC_VALUE


def test_synthetic_response_round_trip():
    operation = synthetic_operation()
    response = awsquery.serialize_response(operation, SYNTHETIC_VALUE, REQUEST_ID)
    body = body_bytes(response).decode()
    assert "<Iso>2024-02-29T23:59:58.250Z</Iso>" in body and "<Epoch>1709251198</Epoch>" in body
    assert "<Rfc>Thu, 29 Feb 2024 23:59:58 GMT</Rfc>" in body and "<Default>2024-02-29T23:59:58Z</Default>" in body
    assert "<Item>x</Item><Item>ü</Item>" in body and "<Renamed><Thing>one</Thing>" in body
    assert "<Pairs><entry><Name>k 1</Name><Val>v&amp;1</Val></entry>" in body
    assert "<FlatPairs><key>fk</key><value>fv</value></FlatPairs>" in body
    assert without_metadata(botocore_parse("query", response, operation.output_shape)) == SYNTHETIC_VALUE


def test_carriage_return_survives_xml():
    operation = synthetic_operation()
    response = awsquery.serialize_response(operation, {"Flat": ["a\r\nb"]}, REQUEST_ID)
    assert without_metadata(botocore_parse("query", response, operation.output_shape)) == {"Flat": ["a\r\nb"]}
