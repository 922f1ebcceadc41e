"""botocore as the oracle of the wire, shared by the protocol tests.

Requests come from botocore's own client serializer (optionally signed) or from a real
boto3 client whose sends are answered in-process by a protocol module; responses are read
by botocore's client parser. Also: parameters over every operation or modeled error of
some services, and ``raised``, the ServiceError a call raises.
"""

from __future__ import annotations

import io
from typing import Callable
from urllib.parse import urlsplit

import boto3
import pytest
from botocore import xform_name
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest, AWSResponse, HeadersDict, create_request_object, prepare_request_dict
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest, HttpResponse
from headwater.protocol import specs

ENDPOINT = "http://127.0.0.1:4566"
REQUEST_ID = "9f1c2b7e-request-id"


# --- requests as clients send them -------------------------------------------------------


def http_request(prepared, host: str | None = None) -> HttpRequest:
    """The HttpRequest a botocore prepared request (or AWSRequest) arrives as."""
    if isinstance(prepared, AWSRequest):
        prepared = prepared.prepare()
    url = urlsplit(prepared.url)
    headers = {
        name.lower(): value.decode() if isinstance(value, bytes) else value for name, value in prepared.headers.items()
    }
    headers.setdefault("host", host or url.netloc)
    body = prepared.body or b""
    if hasattr(body, "read"):
        body = body.read()
    return HttpRequest(
        prepared.method, url.path or "/", url.query, headers, Body.of(body.encode() if isinstance(body, str) else body)
    )


def query_request(query: str = "", form: str | None = None) -> HttpRequest:
    """A query-protocol request: a GET with ``query``, or a POST of the ``form`` body."""
    if form is None:
        return HttpRequest("GET", "/", query)
    headers = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
    return HttpRequest("POST", "/", query, headers, Body.of(form.encode()))


def _serialized(operation, params: dict, protocol: str | None = None) -> AWSRequest:
    serialized = create_serializer(protocol or operation.metadata["protocol"]).serialize_to_request(params, operation)
    prepare_request_dict(serialized, endpoint_url=ENDPOINT)
    return create_request_object(serialized)


def botocore_request(protocol: str, operation, params: dict) -> HttpRequest:
    """``params`` as botocore's client serializer puts them on the wire."""
    return http_request(_serialized(operation, params, protocol))


def signed_request(operation, params: dict, region: str = "us-east-1") -> HttpRequest:
    """``params`` serialized for ``operation``'s protocol and signed with the root test key."""
    request = _serialized(operation, params)
    SigV4Auth(Credentials("test", "test"), operation.service_model.signing_name, region).add_auth(request)
    return http_request(request)


# --- responses as clients read them ------------------------------------------------------


def body_bytes(response: HttpResponse) -> bytes:
    body = response.body
    return body if isinstance(body, bytes) else b"".join(body)


class RawBody:
    """A received body as botocore's ``AWSResponse`` and event-stream reader take it."""

    def __init__(self, data: bytes):
        self.data = data

    def stream(self, **_):
        yield self.data


def botocore_parse(protocol: str, response: HttpResponse, shape, operation_name: str = "") -> dict:
    """``response`` read by botocore's client parser as a client receives it: headers
    case-insensitive, a streaming payload as a file, an event stream as raw chunks."""
    body = body_bytes(response)
    if shape is not None and shape.event_stream_name:
        body = RawBody(body)
    elif shape is not None and streaming_payload(shape):
        body = io.BytesIO(body)
    return create_parser(protocol).parse(
        {
            "status_code": response.status,
            "headers": HeadersDict(response.headers),
            "body": body,
            "context": {"operation_name": operation_name},
        },
        shape,
    )


def streaming_payload(shape) -> str | None:
    """The name of ``shape``'s streaming payload member, if it has one."""
    payload = shape.serialization.get("payload")
    return payload if payload and shape.members[payload].serialization.get("streaming") else None


def without_metadata(parsed: dict) -> dict:
    return {key: value for key, value in parsed.items() if key != "ResponseMetadata"}


# --- real boto3 clients answered in-process ----------------------------------------------


def stub_client(service: str, respond: Callable[[HttpRequest], HttpResponse], endpoint: str = ENDPOINT, **config):
    """A real boto3 client whose requests go to ``respond(HttpRequest) -> HttpResponse``;
    ``config`` adds botocore ``Config`` options (e.g. ``s3={"addressing_style": "virtual"}``)."""
    client = boto3.client(
        service, endpoint_url=endpoint, region_name="us-east-1",
        aws_access_key_id="test", aws_secret_access_key="test",
        config=Config(retries={"total_max_attempts": 1}, **config),
    )

    def send(request, **_):
        response = respond(http_request(request))
        return AWSResponse(request.url, response.status, HeadersDict(response.headers), RawBody(body_bytes(response)))

    client.meta.events.register("before-send", send)
    return client


def client_call(protocol_module, service: str, operation: str, params: dict, result: dict):
    """A boto3 call of ``operation`` served by ``protocol_module``: the request the client
    sent, the input ``parse_request`` read from it, and the answer the client got for ``result``."""
    seen = {}
    model = specs.operation(service, operation)

    def respond(request):
        seen["request"] = request
        seen["input"] = protocol_module.parse_request(model, request)
        return protocol_module.serialize_response(model, result, REQUEST_ID)

    answer = getattr(stub_client(service, respond), xform_name(operation))(**params)
    return seen["request"], seen["input"], answer


def client_error(protocol_module, service: str, operation: str, error: ServiceError, params: dict | None = None):
    """The exception a boto3 client raises when ``protocol_module`` answers ``error``."""
    model = specs.load(service)
    client = stub_client(service, lambda request: protocol_module.serialize_error(model, error, REQUEST_ID))
    with pytest.raises(ClientError) as caught:
        getattr(client, xform_name(operation))(**(params or {}))
    return caught.value



#END


# --- test parameters and errors ---------------------------------------------------------


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


def raised(call, *args, **kwargs) -> ServiceError:
    """The ServiceError ``call(*args, **kwargs)`` raises (the test fails if it raises none)."""
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    return caught.value


def validation_message(call, *args, **kwargs) -> str:
    """The message of the ValidationException ``call(*args, **kwargs)`` raises."""
    error = raised(call, *args, **kwargs)
    assert error.code == "ValidationException", error
    return error.message
