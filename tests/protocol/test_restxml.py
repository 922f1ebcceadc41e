"""rest-xml (S3): round trips of every operation against botocore's serializer and parser,
S3's error document, malformed XML, and the wire layouts S3's model does not use (status
code members, query maps, XML maps, JSON-value headers).

Normalised where the wire legitimately changes things: a streaming ``Body`` comes back as
the request's Body object (compared by its bytes; absent means empty) with the
``Content-Length`` the client adds; botocore reads absent payloads and header maps as
empty; the deprecated notification shape's ``Event``/``Events`` share one element name;
``GetBucketLocation``'s unwrapped element is read as botocore's S3 handler reads it.
"""

from __future__ import annotations

import io
from datetime import datetime, timezone
from xml.etree import ElementTree

import botocore.model
import botocore.session
import pytest

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest
from headwater.protocol import restxml, specs
from headwater.services.s3 import service as s3
from tests.protocol.examples import example_input, example_output
from tests.protocol.wire import body_bytes, botocore_parse, botocore_request, raised, streaming_payload, without_metadata

REQUEST_ID = "4442587FB7D0A2F9"
S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"


#: What headwater serves: botocore's model with headwater's data/s3.json extras.
MODEL = specs.load("s3")
#: What clients use: botocore's own model, untouched.
CLIENT_MODEL = botocore.session.get_session().get_service_model("s3")
OPERATIONS = list(MODEL.operation_names)


def parsed_request(name: str, params: dict) -> dict:
    request = botocore_request("rest-xml", CLIENT_MODEL.operation_model(name), params)
    _, labels = restxml.match_operation(MODEL, request, s3.hooks)
    return restxml.parse_request(MODEL.operation_model(name), request, labels)


def botocore_read(response, shape) -> dict:
    return without_metadata(botocore_parse("rest-xml", response, shape))


def _absent_as_botocore_reads_it(parsed: dict, result: dict) -> dict:
    """botocore reads an absent payload or header map as empty (``''``, ``{}``) and an event
    stream payload (not written by headwater) as a stream object: count those as absent."""
    return {
        key: value
        for key, value in parsed.items()
        if key in result or (value not in ("", {}) and not hasattr(value, "_event_generator"))
    }


# --- round trips ------------------------------------------------------------------------


@pytest.mark.parametrize("minimal", [False, True], ids=["full", "minimal"])
@pytest.mark.parametrize("name", OPERATIONS)
def test_request_round_trip(name, minimal):
    params = example_input(CLIENT_MODEL.operation_model(name), minimal=minimal)
    if "RequestRoute" in params:
        params["RequestRoute"] = "route-1"  # a host label: the client allows only [A-Za-z0-9.-]
    parsed = parsed_request(name, params)
    shape = MODEL.operation_model(name).input_shape
    payload = streaming_payload(shape) if shape is not None else None
    if payload:
        assert isinstance(parsed[payload], Body)
        body = params.pop(payload, b"")
        assert parsed.pop(payload).read() == body
        if "ContentLength" in shape.members and "ContentLength" not in params:
            assert parsed.pop("ContentLength") == len(body)
    if name == "PutBucketNotification":
        _merge_single_events(parsed)
        _merge_single_events(params)
    assert parsed == params


def _drop_events(result: dict) -> None:
    """botocore's parser cannot read the deprecated ``Event`` and ``Events`` (both are
    ``<Event>`` elements: it returns raw elements), so that round trip leaves them out."""
    for config in result.values():
        config.pop("Event", None)
        config.pop("Events", None)


def _merge_single_events(params: dict) -> None:
    """The deprecated notification shape writes ``Event`` and ``Events`` as the same
    ``<Event>`` elements, so the wire keeps their union, not which was which."""
    for config in params.get("NotificationConfiguration", {}).values():
        events = set(config.pop("Events", [])) | ({config.pop("Event")} if "Event" in config else set())
        config["Events"] = sorted(events)


@pytest.mark.parametrize("minimal", [False, True], ids=["full", "minimal"])
@pytest.mark.parametrize("name", OPERATIONS)
def test_response_round_trip(name, minimal):
    operation = MODEL.operation_model(name)
    result = example_output(operation, minimal=minimal)
    response = restxml.serialize_response(operation, result, REQUEST_ID)
    assert response.header("x-amz-request-id") == REQUEST_ID
    if name == "GetBucketLocation":
        root = ElementTree.fromstring(body_bytes(response))
        assert (root.tag, root.text) == (f"{{{S3_NAMESPACE}}}LocationConstraint", result.get("LocationConstraint"))
        return
    client_shape = CLIENT_MODEL.operation_model(name).output_shape
    parsed = _absent_as_botocore_reads_it(botocore_read(response, client_shape), result)
    if name == "GetBucketNotification":
        _drop_events(result)
        _drop_events(parsed)
    payload = streaming_payload(operation.output_shape) if operation.output_shape is not None else None
    if payload:
        assert parsed.pop(payload).read() == result.pop(payload, b"")
    status = _pop_status_code(operation, result)
    assert parsed == result
    assert response.status == (status or operation.http.get("responseCode", 200))


def _pop_status_code(operation, result: dict) -> int | None:
    """A member located at ``statusCode`` (S3's 206 for ranged reads, an extra of ours) sets
    the HTTP status; botocore's client model has no such member to read it back into."""
    shape = operation.output_shape
    for name, member in (shape.members.items() if shape is not None else ()):
        if member.serialization.get("location") == "statusCode":
            return result.pop(name, None)
    return None


# --- response layout --------------------------------------------------------------------

ROOTS = {
    "ListObjectsV2": "ListBucketResult",
    "ListObjects": "ListBucketResult",
    "ListBuckets": "ListAllMyBucketsResult",
    "ListObjectVersions": "ListVersionsResult",
    "CopyObject": "CopyObjectResult",
    "UploadPartCopy": "CopyPartResult",
    "CreateMultipartUpload": "InitiateMultipartUploadResult",
    "CompleteMultipartUpload": "CompleteMultipartUploadResult",
    "DeleteObjects": "DeleteResult",
    "GetBucketAcl": "AccessControlPolicy",
    "GetObjectTagging": "Tagging",
    "GetBucketVersioning": "VersioningConfiguration",
    "GetObjectLegalHold": "LegalHold",
    "GetBucketNotification": "NotificationConfiguration",
    "ListBucketIntelligentTieringConfigurations": "ListBucketIntelligentTieringConfigurationsOutput",
    "GetObjectAttributes": "GetObjectAttributesResponse",
}


@pytest.mark.parametrize("name, root", sorted(ROOTS.items()))
def test_output_root_element_and_namespace(name, root):
    operation = MODEL.operation_model(name)
    response = restxml.serialize_response(operation, example_output(operation), REQUEST_ID)
    assert ElementTree.fromstring(body_bytes(response)).tag == f"{{{S3_NAMESPACE}}}{root}"
    assert response.header("content-type") == "application/xml"


def test_grantee_carries_its_xsi_type_attribute():
    operation = MODEL.operation_model("GetBucketAcl")
    grant = {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "READ"}
    body = body_bytes(restxml.serialize_response(operation, {"Grants": [grant]}, REQUEST_ID))
    grantee = ElementTree.fromstring(body).find(f".//{{{S3_NAMESPACE}}}Grantee")
    assert grantee.get("{http://www.w3.org/2001/XMLSchema-instance}type") == "CanonicalUser"


def test_non_ascii_header_values_are_rfc2047_encoded():
    operation = MODEL.operation_model("HeadObject")
    result = {"Metadata": {"city": "Zürich"}, "ContentType": "text/plain"}
    response = restxml.serialize_response(operation, result, REQUEST_ID)
    assert response.header("x-amz-meta-city") == "=?UTF-8?B?WsO8cmljaA==?="
    assert response.header("Content-Type") == "text/plain"


def test_bodiless_outputs_send_no_body():
    for name in ("PutObject", "DeleteObject", "HeadObject", "HeadBucket"):
        operation = MODEL.operation_model(name)
        response = restxml.serialize_response(operation, example_output(operation), REQUEST_ID)
        assert response.body == b"", name
    response = restxml.serialize_response(MODEL.operation_model("GetObject"), {"ContentLength": 0}, REQUEST_ID)
    assert response.body == b""


def test_empty_list_output_round_trips():
    operation = MODEL.operation_model("GetObjectTagging")
    response = restxml.serialize_response(operation, {"TagSet": []}, REQUEST_ID)
    assert botocore_read(response, CLIENT_MODEL.operation_model("GetObjectTagging").output_shape) == {"TagSet": []}


def test_streaming_output_is_passed_through_unread():
    chunks = iter([b"part one ", b"part two"])
    response = restxml.serialize_response(MODEL.operation_model("GetObject"), {"Body": chunks}, REQUEST_ID)
    assert response.body is chunks
    stream = io.BytesIO(b"x" * 600_000)
    response = restxml.serialize_response(MODEL.operation_model("GetObject"), {"Body": stream}, REQUEST_ID)
    assert not isinstance(response.body, bytes)
    assert b"".join(response.body) == b"x" * 600_000


def test_epoch_seconds_and_timestamp_formats():
    moment = datetime(2024, 5, 6, 7, 8, 9, tzinfo=timezone.utc)
    operation = MODEL.operation_model("HeadObject")
    response = restxml.serialize_response(
        operation, {"LastModified": moment.timestamp(), "ObjectLockRetainUntilDate": moment}, REQUEST_ID
    )
    assert response.header("Last-Modified") == "Mon, 06 May 2024 07:08:09 GMT"
    assert response.header("x-amz-object-lock-retain-until-date") == "2024-05-06T07:08:09Z"
    result = {"CopyObjectResult": {"LastModified": moment}}
    body = body_bytes(restxml.serialize_response(MODEL.operation_model("CopyObject"), result, REQUEST_ID))
    assert b"<LastModified>2024-05-06T07:08:09Z</LastModified>" in body


# --- request details --------------------------------------------------------------------


def test_streaming_body_is_the_request_body_object_unread():
    params = {"Bucket": "b1", "Key": "k", "Body": b"hello"}
    request = botocore_request("rest-xml", CLIENT_MODEL.operation_model("PutObject"), params)
    operation, labels = restxml.match_operation(MODEL, request, s3.hooks)
    parsed = restxml.parse_request(operation, request, labels)
    assert parsed["Body"] is request.body


def test_metadata_headers_and_list_headers():
    params = {"Bucket": "b1", "Key": "k", "Metadata": {"colour": "blue", "size": "xl"}}
    assert parsed_request("PutObject", params)["Metadata"] == {"colour": "blue", "size": "xl"}
    params = {"Bucket": "b1", "Key": "k", "ObjectAttributes": ["ETag", "ObjectSize", "StorageClass"]}
    assert parsed_request("GetObjectAttributes", params)["ObjectAttributes"] == ["ETag", "ObjectSize", "StorageClass"]


def test_timestamps_in_headers_query_and_body():
    moment = datetime(2024, 2, 3, 4, 5, 6, tzinfo=timezone.utc)
    params = {"Bucket": "b1", "Key": "k", "IfModifiedSince": moment, "ResponseExpires": moment}
    parsed = parsed_request("GetObject", params)
    assert parsed["IfModifiedSince"] == moment and parsed["ResponseExpires"] == moment
    retention = {"Bucket": "b1", "Key": "k", "Retention": {"Mode": "GOVERNANCE", "RetainUntilDate": moment}}
    assert parsed_request("PutObjectRetention", retention)["Retention"]["RetainUntilDate"] == moment


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


def test_acl_payload_with_namespaced_grantee_type():
    policy = {
        "Owner": {"ID": "owner"},
        "Grants": [
            {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"},
            {"Grantee": {"Type": "CanonicalUser", "ID": "abc"}, "Permission": "FULL_CONTROL"},
        ],
    }
    parsed = parsed_request("PutBucketAcl", {"Bucket": "b1", "AccessControlPolicy": policy})
    assert parsed["AccessControlPolicy"] == policy


def test_flattened_lists_and_unicode_in_xml():
    delete = {"Objects": [{"Key": "ü/a b&<c>"}, {"Key": "日本/x", "VersionId": "v1"}], "Quiet": True}
    assert parsed_request("DeleteObjects", {"Bucket": "b1", "Delete": delete})["Delete"] == delete
    tags = {"TagSet": []}
    assert parsed_request("PutBucketTagging", {"Bucket": "b1", "Tagging": tags})["Tagging"] == tags


def test_xml_written_by_hand_with_prefixes_and_whitespace():
    body = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<s3:Tagging xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">\n'
        b"  <s3:TagSet>\n    <s3:Tag><s3:Key>k</s3:Key><s3:Value> v </s3:Value></s3:Tag>\n  </s3:TagSet>\n</s3:Tagging>"
    )
    request = HttpRequest("PUT", "/b1", "tagging", {"host": "localhost:4566"}, Body.of(body))
    operation, labels = restxml.match_operation(MODEL, request, s3.hooks)
    assert restxml.parse_request(operation, request, labels)["Tagging"] == {"TagSet": [{"Key": "k", "Value": " v "}]}


def test_missing_payload_is_absent():
    request = HttpRequest("PUT", "/b1", "acl", {"host": "localhost:4566", "x-amz-acl": "private"}, Body.of(b""))
    operation, labels = restxml.match_operation(MODEL, request, s3.hooks)
    assert restxml.parse_request(operation, request, labels) == {"Bucket": "b1", "ACL": "private"}


# --- malformed input --------------------------------------------------------------------

MALFORMED_BODIES = [
    b"<Tagging><TagSet>",
    b"not xml at all",
    b"<Other><TagSet/></Other>",
    b"<Tagging><TagSet><Tag><Key>a</Key></Tag></TagSet></Tagging>\x00",
    b'<?xml version="1.0" encoding="UTF-8"?><Tagging>\xff\xfe</Tagging>',
]


@pytest.mark.parametrize("body", MALFORMED_BODIES)
def test_malformed_xml(body):
    request = HttpRequest("PUT", "/b1", "tagging", {"host": "localhost:4566"}, Body.of(body))
    error = raised(restxml.parse_request, MODEL.operation_model("PutBucketTagging"), request, {"Bucket": "b1"})
    assert (error.code, error.status, error.message) == ("MalformedXML", 400, restxml.MALFORMED_XML)


def test_badly_typed_xml_value_is_malformed_xml():
    body = b"<Delete><Object><Key>k</Key></Object><Quiet>perhaps</Quiet></Delete>"
    request = HttpRequest("POST", "/b1", "delete", {"host": "localhost:4566"}, Body.of(body))
    assert raised(restxml.parse_request, MODEL.operation_model("DeleteObjects"), request, {"Bucket": "b1"}).code == "MalformedXML"


@pytest.mark.parametrize(
    "path, query, headers, argument, value",
    [
        ("/b1", "max-keys=lots", {}, "max-keys", "lots"),
        ("/b1", "list-type=2&fetch-owner=maybe", {}, "fetch-owner", "maybe"),
        ("/b1/k", "attributes", {"x-amz-max-parts": "1.5"}, "x-amz-max-parts", "1.5"),
    ],
)
def test_badly_typed_query_or_header_is_invalid_argument(path, query, headers, argument, value):
    request = HttpRequest("GET", path, query, {"host": "localhost:4566", **headers})
    operation, labels = restxml.match_operation(MODEL, request, s3.hooks)
    error = raised(restxml.parse_request, operation, request, labels)
    assert (error.code, error.status) == ("InvalidArgument", 400)
    assert error.fields == {"ArgumentName": argument, "ArgumentValue": value}


# --- errors -----------------------------------------------------------------------------

ERROR_CODES = [name for name in MODEL.shape_names if MODEL.shape_for(name).metadata.get("exception")]


@pytest.mark.parametrize("code", ERROR_CODES + ["MalformedXML", "InvalidArgument", "SignatureDoesNotMatch"])
def test_error_round_trip(code):
    error = ServiceError(code, f"about {code} & <more>", 404 if code.startswith("NoSuch") else 400)
    response = restxml.serialize_error(MODEL, error, REQUEST_ID)
    parsed = botocore_parse("rest-xml", response, None)
    assert parsed["Error"] == {"Code": code, "Message": f"about {code} & <more>"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
    assert parsed["ResponseMetadata"]["HostId"] == restxml.host_id(REQUEST_ID)
    assert parsed["ResponseMetadata"]["HTTPStatusCode"] == error.status


def test_error_document_layout_and_extra_fields():
    error = ServiceError("NoSuchBucket", "The specified bucket does not exist", 404, fields={"BucketName": "b1"})
    response = restxml.serialize_error(MODEL, error, REQUEST_ID)
    root = ElementTree.fromstring(body_bytes(response))
    assert [child.tag for child in root] == ["Code", "Message", "BucketName", "RequestId", "HostId"]
    assert root.tag == "Error" and root.findtext("BucketName") == "b1"
    assert response.header("x-amz-id-2") == restxml.host_id(REQUEST_ID)
    assert response.header("content-type") == "application/xml"
    assert botocore_parse("rest-xml", response, None)["Error"]["BucketName"] == "b1"


# --- layouts S3's model does not use ----------------------------------------------------

SYNTHETIC = botocore.model.ServiceModel(
    {
        "metadata": {
            "protocol": "rest-xml", "apiVersion": "2020-01-01", "endpointPrefix": "demo", "xmlNamespace": "urn:demo"
        },
        "operations": {
            "Echo": {
                "name": "Echo",
                "http": {"method": "POST", "requestUri": "/things/{Id}/{Path+}?echo"},
                "input": {"shape": "EchoInput", "locationName": "EchoRequest"},
                "output": {"shape": "EchoOutput"},
            }
        },
        "shapes": {
            "EchoInput": {
                "type": "structure",
                "locationName": "EchoRequest",
                "members": {
                    "Id": {"shape": "Integer", "location": "uri", "locationName": "Id"},
                    "Path": {"shape": "String", "location": "uri", "locationName": "Path"},
                    "Filters": {"shape": "StringListMap", "location": "querystring"},
                    "Tags": {"shape": "StringList", "location": "querystring", "locationName": "tag"},
                    "Doc": {"shape": "JsonString", "location": "header", "locationName": "x-doc"},
                    "Secret": {"shape": "Blob", "location": "header", "locationName": "x-secret"},
                    "Labels": {"shape": "LabelMap"},
                    "Flat": {"shape": "FlatMap", "flattened": True},
                    "Ratio": {"shape": "Double"},
                    "When": {"shape": "Stamp"},
                },
            },
            "EchoOutput": {
                "type": "structure",
                "members": {
                    "Code": {"shape": "Integer", "location": "statusCode"},
                    "Doc": {"shape": "JsonString", "location": "header", "locationName": "x-doc"},
                    "Labels": {"shape": "LabelMap"},
                    "Flat": {"shape": "FlatMap", "flattened": True},
                    "When": {"shape": "Stamp"},
                },
            },
            "Integer": {"type": "integer"},
            "Double": {"type": "double"},
            "String": {"type": "string"},
            "Blob": {"type": "blob"},
            "Stamp": {"type": "timestamp", "timestampFormat": "unixTimestamp"},
            "JsonString": {"type": "string", "jsonvalue": True},
            "StringList": {"type": "list", "member": {"shape": "String"}},
            "StringListMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "StringList"}},
            "LabelMap": {
                "type": "map",
                "key": {"shape": "String", "locationName": "name"},
                "value": {"shape": "String", "locationName": "text"},
            },
            "FlatMap": {"type": "map", "key": {"shape": "String"}, "value": {"shape": "Integer"}},
        },
    },
    service_name="demo",
)


def test_synthetic_request_with_query_maps_json_headers_and_xml_maps():
    operation = SYNTHETIC.operation_model("Echo")
    params = {
        "Id": 7,
        "Path": "a b/ü/..",
        "Filters": {"colour": ["red", "blue"], "size": ["m"]},
        "Tags": ["x", "y"],
        "Doc": {"k": [1, "two"]},
        "Labels": {"a": "1", "b": "2"},
        "Ratio": 2.5,
        "When": datetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc),
    }
    request = botocore_request("rest-xml", operation, params)
    found, labels = restxml.match_operation(SYNTHETIC, request, {})
    assert found.name == "Echo" and labels == {"Id": "7", "Path": "a b/ü/.."}
    assert restxml.parse_request(operation, request, labels) == params


def test_blob_headers_are_base64():
    operation = SYNTHETIC.operation_model("Echo")
    request = HttpRequest("POST", "/things/1/p", "echo", {"x-secret": "AP9rZXk="})
    assert restxml.parse_request(operation, request, {"Id": "1", "Path": "p"})["Secret"] == b"\x00\xffkey"
    request = HttpRequest("POST", "/things/1/p", "echo", {"x-secret": "not base64!"})
    assert raised(restxml.parse_request, operation, request, {"Id": "1", "Path": "p"}).code == "InvalidArgument"


def test_synthetic_response_with_status_code_json_header_and_maps():
    operation = SYNTHETIC.operation_model("Echo")
    result = {"Code": 202, "Doc": {"k": [1, "two"]}, "Labels": {"a": "1"}, "Flat": {"x": 1, "y": 2}, "When": 1704164645}
    response = restxml.serialize_response(operation, result, REQUEST_ID)
    assert response.status == 202
    parsed = botocore_read(response, operation.output_shape)
    assert parsed.pop("When").timestamp() == result.pop("When")
    assert parsed == result
    root = ElementTree.fromstring(body_bytes(response))
    assert root.tag == "{urn:demo}EchoOutput"
