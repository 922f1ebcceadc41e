"""awsQuery (iam, sts, rds): round trips against botocore's serializer and parser, errors,
malformed input and the wire layouts the real models do not use (flattened lists and
maps, custom member names, timestamp formats).

The helpers at the top are the botocore oracle shared by the JSON and ec2 tests.
"""

from __future__ import annotations

import urllib.parse
from datetime import datetime, timezone

import boto3
import botocore.model
import pytest
from botocore.config import Config
from botocore.awsrequest import AWSResponse, HeadersDict, create_request_object, prepare_request_dict
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest, HttpResponse
from headwater.protocol import awsquery, specs
from headwater.protocol.xmlwriter import XmlWriter, escape_attribute, escape_text
from tests.protocol.examples import example_input, example_output

ENDPOINT = "http://127.0.0.1:4566"
REQUEST_ID = "9f1c2b7e-request-id"


# --- botocore as the oracle -------------------------------------------------------------


def http_request(prepared) -> HttpRequest:
    """An HttpRequest from botocore's prepared request (what would reach the server)."""
    url = urllib.parse.urlsplit(prepared.url)
    body = prepared.body or b""
    if isinstance(body, str):
        body = body.encode("utf-8")
    elif not isinstance(body, bytes):
        body = body.read()
    headers = {
        name.lower(): value.decode() if isinstance(value, bytes) else value for name, value in prepared.headers.items()
    }
    return HttpRequest(prepared.method, url.path, url.query, headers, Body.of(body))


def botocore_request(protocol: str, operation, params: dict) -> HttpRequest:
    """``params`` as botocore's client serializer puts them on the wire."""
    serialized = create_serializer(protocol).serialize_to_request(params, operation)
    prepare_request_dict(serialized, endpoint_url=ENDPOINT)
    return http_request(create_request_object(serialized).prepare())


def body_bytes(response: HttpResponse) -> bytes:
    body = response.body
    return body if isinstance(body, bytes) else b"".join(body)


def botocore_parse(protocol: str, response: HttpResponse, shape) -> dict:
    """``response`` read by botocore's client parser (headers case-insensitive, as on the wire)."""
    return create_parser(protocol).parse(
        {"status_code": response.status, "headers": HeadersDict(response.headers), "body": body_bytes(response)},
        shape,
    )


def without_metadata(parsed: dict) -> dict:
    return {key: value for key, value in parsed.items() if key != "ResponseMetadata"}


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


class _RawBody:
    def __init__(self, data: bytes):
        self.data = data

    def stream(self, **_):
        yield self.data


def stub_client(service: str, respond):
    """A real boto3 client whose requests go to ``respond(HttpRequest) -> HttpResponse``."""
    client = boto3.client(
        service, endpoint_url=ENDPOINT, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}),
    )

    def send(request, **_):
        response = respond(http_request(request))
        return AWSResponse(request.url, response.status, HeadersDict(response.headers), _RawBody(body_bytes(response)))

    client.meta.events.register("before-send", send)
    return client


def operations(*services: str):
    return [
        pytest.param(service, name, id=f"{service}.{name}")
        for service in services
        for name in specs.load(service).operation_names
    ]


def modeled_errors(*services: str):
    return [
        pytest.param(service, shape.name, id=f"{service}.{shape.name}")
        for service in services
        for shape in specs.load(service).error_shapes
    ]


def error_for(shape) -> ServiceError:
    error = shape.metadata.get("error", {})
    return ServiceError(
        shape.name, "it went <wrong> & ü", error.get("httpStatusCode", 400), error.get("senderFault", True)
    )


# --- round trips over every operation ----------------------------------------------------

QUERY_SERVICES = ("iam", "sts", "rds")


@pytest.mark.parametrize("service,name", operations(*QUERY_SERVICES))
def test_request_round_trip(service, name):
    operation = specs.operation(service, name)
    for minimal in (False, True):
        params = example_input(operation, minimal)
        parsed = awsquery.parse_request(operation, botocore_request("query", operation, params))
        assert parsed == wire_visible(params)


@pytest.mark.parametrize("service,name", operations(*QUERY_SERVICES))
def test_response_round_trip(service, name):
    operation = specs.operation(service, name)
    for minimal in (False, True):
        result = example_output(operation, minimal)
        response = awsquery.serialize_response(operation, result, REQUEST_ID)
        parsed = botocore_parse("query", response, operation.output_shape)
        assert response.status == 200
        assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
        assert without_metadata(parsed) == result


@pytest.mark.parametrize("service,code", modeled_errors(*QUERY_SERVICES))
def test_modeled_error(service, code):
    model = specs.load(service)
    shape = model.shape_for(code)
    error = error_for(shape)
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
    iam = stub_client("iam", lambda request: awsquery.serialize_error(
        specs.load("iam"), ServiceError("NoSuchEntityException", "The user with name bob cannot be found.", 404),
        REQUEST_ID,
    ))
    with pytest.raises(iam.exceptions.NoSuchEntityException) as caught:
        iam.get_user(UserName="bob")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_boto3_client_request_and_response():
    seen = {}

    def respond(request):
        operation = specs.operation("iam", "ListUsers")
        seen["input"] = awsquery.parse_request(operation, request)
        when = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
        user = {"Path": "/", "UserName": "ü", "UserId": "AIDA", "Arn": "arn:aws:iam::000000000000:user/ü", "CreateDate": when}
        return awsquery.serialize_response(operation, {"Users": [user], "IsTruncated": False}, REQUEST_ID)

    iam = stub_client("iam", respond)
    answer = iam.list_users(PathPrefix="/a b/", MaxItems=5)
    assert seen["input"] == {"PathPrefix": "/a b/", "MaxItems": 5}
    assert answer["Users"][0]["UserName"] == "ü"
    assert answer["Users"][0]["CreateDate"] == datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)


# --- requests beyond the client's defaults -------------------------------------------------


def query_request(query: str = "", form: str | None = None) -> HttpRequest:
    if form is None:
        return HttpRequest("GET", "/", query)
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    return HttpRequest("POST", "/", query, headers, Body.of(form.encode()))


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
    operation = specs.operation(service, action)
    with pytest.raises(ServiceError) as caught:
        awsquery.parse_request(operation, query_request(form=form))
    assert (caught.value.code, caught.value.status, caught.value.sender_fault) == ("MalformedInput", 400, True)
    assert parameter in caught.value.message


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


# --- the shared XML writer ---------------------------------------------------------------


def test_xml_writer_escapes_text_and_attributes():
    xml = XmlWriter(declaration=False)
    with xml.element("Root", {"a": 'x"<&>\n', "skipped": None}, xmlns="urn:x"):
        xml.leaf("Text", "a & b < c > d\r")
        xml.leaf("Empty", "")
        xml.text("&")
        xml.raw("<Raw/>")
    assert xml.to_str() == (
        '<Root xmlns="urn:x" a="x&quot;&lt;&amp;&gt;&#10;"><Text>a &amp; b &lt; c &gt; d&#13;</Text>'
        "<Empty></Empty>&amp;<Raw/></Root>"
    )
    assert XmlWriter().to_bytes() == b'<?xml version="1.0" encoding="UTF-8"?>'
    assert escape_text("ü") == "ü" and escape_attribute("\t") == "&#9;"
