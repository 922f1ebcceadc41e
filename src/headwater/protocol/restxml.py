"""The rest-xml protocol (S3): operation matching, request parsing, response and error writing.

An operation is found from the method, the ``requestUri`` template (``{Bucket}``, greedy
``{Key+}``, literal query parts such as ``?uploads`` or ``?list-type=2``) and, among
operations sharing a URI, the required query parameters and headers each declares
(``uploadId``, ``x-amz-copy-source``...); deprecated twins lose to their successors.

A service adapts matching with two optional hooks:

``request_path(request) -> str``
    the raw (still percent-encoded) path to match, e.g. S3's virtual-hosted bucket
    turned into a path-style prefix;
``choose_operation(request, candidates) -> OperationModel | None``
    picks among operations the wire cannot tell apart by URI and required members.

Root element names and the XML namespace of responses come from the model: a shape's
``locationName`` names its element (else the shape's name) and the service metadata's
``xmlNamespace`` is the default namespace (both supplied by ``data/<service>.json``); what
lies inside is read and written by ``xmlshapes``. A string payload member with its own
``locationName`` is written as that single element (S3's unwrapped ``LocationConstraint``);
without one it is the raw body.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator
from urllib.parse import unquote
from xml.etree import ElementTree

from botocore.model import OperationModel, ServiceModel, Shape

from headwater.errors import ServiceError
from headwater.http.message import CHUNK, HttpRequest, HttpResponse
from headwater.protocol import scalars
from headwater.protocol.xmlshapes import XmlShapes, local_name
from headwater.protocol.xmlwriter import XmlWriter

MALFORMED_XML = "The XML you provided was not well-formed or did not validate against our published schema"
XML_CONTENT_TYPE = "application/xml"

_LABEL = re.compile(r"\{([A-Za-z0-9_]+)(\+?)\}")
_XML = XmlShapes()


def malformed_xml() -> ServiceError:
    return ServiceError("MalformedXML", MALFORMED_XML, 400)


# --- operation matching -----------------------------------------------------------------


@dataclass(frozen=True)
class _Route:
    operation: OperationModel
    pattern: re.Pattern
    literal_query: tuple[tuple[str, str | None], ...]
    required_query: frozenset[str]
    required_headers: frozenset[str]
    specificity: tuple[int, int]

    def accepts(self, path: str, query: dict[str, str]) -> re.Match | None:
        for key, value in self.literal_query:
            if key not in query or (value is not None and query[key] != value):
                return None
        return self.pattern.match(path)

    def rank(self, query: dict[str, str], headers: dict[str, str]) -> tuple:
        """Most specific URI first, then routes whose required members are all present,
        then those using more of what the request carries."""
        complete = self.required_query <= query.keys() and self.required_headers <= headers.keys()
        used = len(self.required_query & query.keys()) + len(self.required_headers & headers.keys())
        return self.specificity, complete, used


def _path_pattern(template: str) -> tuple[re.Pattern, int]:
    """A regex over the raw path, and how many literal characters the template holds."""
    pieces = _LABEL.split(template)  # literal, (name, "+" or "", literal)*
    regex = re.escape(pieces[0])
    for name, greedy, literal in zip(pieces[1::3], pieces[2::3], pieces[3::3]):
        regex += f"(?P<{name}>{'.+' if greedy else '[^/]+'})" + re.escape(literal)
    if len(pieces) > 1 and pieces[-1] == "" and not pieces[-2]:
        regex += "/?"  # "/bucket/" is the bucket
    return re.compile(f"^{regex}$"), sum(len(literal) for literal in pieces[0::3])


def _literal_query(request_uri: str) -> tuple[tuple[str, str | None], ...]:
    """The fixed query parts of a requestUri: ``?select&select-type=2`` → select, select-type=2."""
    pairs = []
    for part in filter(None, request_uri.partition("?")[2].split("&")):
        key, sep, value = part.partition("=")
        pairs.append((key, value if sep else None))
    return tuple(pairs)


def _required_wire_names(shape: Shape | None, location: str) -> frozenset[str]:
    if shape is None:
        return frozenset()
    names = set()
    for name in shape.required_members:
        member = shape.members[name]
        if _location(member) == location:
            wire = member.serialization.get("name", name)
            names.add(wire.lower() if location == "header" else wire)
    return frozenset(names)


def _route(operation: OperationModel) -> _Route:
    request_uri = operation.http["requestUri"]
    pattern, literal_chars = _path_pattern(request_uri.partition("?")[0])
    literal_query = _literal_query(request_uri)
    return _Route(
        operation=operation,
        pattern=pattern,
        literal_query=literal_query,
        required_query=_required_wire_names(operation.input_shape, "querystring"),
        required_headers=_required_wire_names(operation.input_shape, "header"),
        specificity=(literal_chars, len(literal_query)),
    )


@lru_cache(maxsize=None)
def _routes(model: ServiceModel) -> dict[str, list[_Route]]:
    """The service's routes by HTTP method, built once per service model."""
    table: dict[str, list[_Route]] = {}
    for name in model.operation_names:
        operation = model.operation_model(name)
        table.setdefault(operation.http["method"], []).append(_route(operation))
    return table


def match_operation(model: ServiceModel, request: HttpRequest, hooks: dict) -> tuple[OperationModel, dict]:
    """The operation ``request`` calls and its URI labels, decoded once from the raw path."""
    path = hooks["request_path"](request) if "request_path" in hooks else request.raw_path
    query = request.query_dict
    candidates = _routes(model).get(request.method, ())
    matches = [(route, found) for route in candidates if (found := route.accepts(path, query))]
    if not matches:
        raise ServiceError("MethodNotAllowed", "The specified method is not allowed against this resource.", 405)
    best = max(route.rank(query, request.headers) for route, _ in matches)
    tied = [(route, found) for route, found in matches if route.rank(query, request.headers) == best]
    route, found = _break_tie(request, tied, hooks)
    return route.operation, {name: unquote(value) for name, value in found.groupdict().items()}


def _break_tie(request: HttpRequest, tied: list, hooks: dict) -> tuple[_Route, re.Match]:
    """The service's choice among equally ranked routes, else the one not deprecated."""
    if len(tied) > 1 and "choose_operation" in hooks:
        chosen = hooks["choose_operation"](request, [route.operation for route, _ in tied])
        for route, found in tied:
            if route.operation is chosen:
                return route, found
    current = [(route, found) for route, found in tied if not route.operation.deprecated]
    return (current or tied)[0]


# --- request parsing --------------------------------------------------------------------


def parse_request(operation: OperationModel, request: HttpRequest, labels: dict[str, str] | None = None) -> dict:
    """The operation's input members found in the URI, query, headers and body."""
    shape = operation.input_shape
    if shape is None:
        return {}
    params: dict[str, Any] = {}
    labels = labels or {}
    members, query_keys = _request_plan(operation)
    for name, member, location, wire in members:
        if location == "uri" and wire in labels:
            params[name] = _text_value(member, labels[wire], wire)
        elif location == "querystring":
            _set(params, name, _query_value(member, wire, request, query_keys))
        elif location == "header" and wire.lower() in request.headers:
            params[name] = _header_value(member, request.headers[wire.lower()], wire)
        elif location == "headers":
            _set(params, name, _prefixed_headers(member, wire, request.headers))
    params.update(_body_params(shape, request))
    return params


@lru_cache(maxsize=None)
def _request_plan(operation: OperationModel) -> tuple[tuple, frozenset[str]]:
    """Per operation, once: ``(name, member, location, wire name)`` of each input member
    outside the body, and every query key the operation knows (members and literals)."""
    shape = operation.input_shape
    members = tuple((name, member, _location(member), member.serialization.get("name", name))
                    for name, member in shape.members.items() if _location(member))
    query_keys = {wire for _, _, location, wire in members if location == "querystring"}
    return members, frozenset(query_keys | {key for key, _ in _literal_query(operation.http["requestUri"])})


def _location(member: Shape) -> str | None:
    return member.serialization.get("location")


def _set(params: dict, name: str, value: Any) -> None:
    if value is not None:
        params[name] = value


def _invalid_argument(name: str, text: str, shape: Shape) -> ServiceError:
    if shape.type_name in ("integer", "long"):
        message = f"Provided {name} not an integer or within integer range"
    else:
        message = f"Invalid value for {name}: {text!r}"
    return ServiceError("InvalidArgument", message, 400, fields={"ArgumentName": name, "ArgumentValue": text})


def _text_value(shape: Shape, text: str, name: str) -> Any:
    """A scalar from URI, query or header text; bad text is the client's ``InvalidArgument``."""
    try:
        if shape.type_name == "string" and shape.serialization.get("jsonvalue"):
            return json.loads(scalars.parse_blob(text))
        return scalars.from_text(shape, text)
    except (scalars.ScalarError, ValueError):
        raise _invalid_argument(name, text, shape) from None


def _query_value(member: Shape, wire: str, request: HttpRequest, claimed: set[str]) -> Any:
    if member.type_name == "map":
        return _query_map(member, request, claimed)
    values = [value for key, value in request.query if key == wire]
    if not values:
        return None
    if member.type_name == "list":
        return [_text_value(member.member, value, wire) for value in values]
    return _text_value(member, values[0], wire)


def _query_map(member: Shape, request: HttpRequest, claimed: set[str]) -> dict | None:
    result: dict[str, Any] = {}
    for key, value in request.query:
        if key in claimed:
            continue
        if member.value.type_name == "list":
            result.setdefault(key, []).append(value)
        else:
            result.setdefault(key, value)
    return result or None


def _header_value(member: Shape, text: str, wire: str) -> Any:
    if member.type_name == "list":
        return [_text_value(member.member, item.strip(), wire) for item in text.split(",") if item.strip()]
    return _text_value(member, text, wire)


def _prefixed_headers(member: Shape, prefix: str, headers: dict[str, str]) -> dict | None:
    prefix = prefix.lower()
    found = {name[len(prefix) :]: value for name, value in headers.items() if name.lower().startswith(prefix)}
    return found or None


def _body_params(shape: Shape, request: HttpRequest) -> dict:
    payload = shape.serialization.get("payload")
    if payload:
        value = _payload_value(shape.members[payload], payload, request)
        return {} if value is None else {payload: value}
    if all(_location(member) for member in shape.members.values()):
        return {}
    return _xml_body(request.body.read(), shape, shape.serialization.get("name", shape.name)) or {}


def _payload_value(member: Shape, name: str, request: HttpRequest) -> Any:
    if member.type_name == "blob" and member.serialization.get("streaming"):
        return request.body
    data = request.body.read()
    if member.type_name == "blob":
        return data or None
    if member.type_name == "string":
        return data.decode("utf-8", "replace") if data else None
    return _xml_body(data, member, member.serialization.get("name", name))


def _xml_body(data: bytes, shape: Shape, root_name: str) -> Any:
    """The XML document ``data`` read as ``shape`` (None when there is no document)."""
    if not data.strip():
        return None
    try:
        root = ElementTree.fromstring(data)
        if local_name(root.tag) == root_name:
            return _XML.read(shape, root)
    except (ElementTree.ParseError, ValueError):
        pass
    raise malformed_xml()


# --- responses --------------------------------------------------------------------------


def host_id(request_id: str) -> str:
    """A stable ``x-amz-id-2`` token for a request id."""
    return base64.b64encode(hashlib.sha256(request_id.encode()).digest()).decode()


def _id_headers(request_id: str) -> list[tuple[str, str]]:
    return [("x-amz-request-id", request_id), ("x-amz-id-2", host_id(request_id))]


def serialize_response(operation: OperationModel, result: dict, request_id: str) -> HttpResponse:
    """The HTTP response for an operation's ``result`` (members in AWS's names)."""
    response = HttpResponse(status=operation.http.get("responseCode", 200), headers=_id_headers(request_id))
    shape = operation.output_shape
    if shape is None:
        return response
    for name, member in shape.members.items():
        value = result.get(name)
        if value is None:
            continue
        location = _location(member)
        if location == "statusCode":
            response.status = int(value)
        elif location == "header":
            response.headers.append((member.serialization.get("name", name), _header_safe(_header_text(member, value))))
        elif location == "headers":
            prefix = member.serialization.get("name", name)
            response.headers.extend((prefix + key, _header_safe(str(item))) for key, item in value.items())
    _write_body(operation, shape, result, response)
    return response


def _header_text(member: Shape, value: Any) -> str:
    if member.type_name == "list":
        return ",".join(_header_text(member.member, item) for item in value)
    if member.type_name == "string" and member.serialization.get("jsonvalue"):
        return scalars.format_blob(json.dumps(value, separators=(",", ":")))
    return scalars.to_text(member, value, scalars.RFC822)


def _header_safe(text: str) -> str:
    """Header text as is when ASCII, else RFC 2047 encoded (as S3 returns non-ASCII metadata)."""
    return text if text.isascii() else f"=?UTF-8?B?{scalars.format_blob(text)}?="


def _write_body(operation: OperationModel, shape: Shape, result: dict, response: HttpResponse) -> None:
    namespace = operation.metadata.get("xmlNamespace")
    payload = shape.serialization.get("payload")
    if not payload:
        if not all(_location(member) for member in shape.members.values()):
            _set_xml(response, _xml_document(shape, result, shape.serialization.get("name", shape.name), namespace))
        return
    member, value = shape.members[payload], result.get(payload)
    if member.type_name == "string" and "name" in member.serialization:
        _set_xml(response, _xml_document(member, value, member.serialization["name"], namespace))
    elif value is None:
        return
    elif member.type_name == "structure" and not member.serialization.get("eventstream"):
        _set_xml(response, _xml_document(member, value, member.serialization.get("name", payload), namespace))
    else:
        response.body = _raw_body(value)


def _set_xml(response: HttpResponse, xml: XmlWriter) -> None:
    response.body = xml.to_bytes()
    if response.header("content-type") is None:
        response.headers.append(("Content-Type", XML_CONTENT_TYPE))


def _raw_body(value: Any) -> bytes | Iterable[bytes]:
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if hasattr(value, "read"):
        return _file_chunks(value)
    return value


def _file_chunks(stream) -> Iterator[bytes]:
    try:
        while chunk := stream.read(CHUNK):
            yield chunk
    finally:
        stream.close()


def _xml_document(shape: Shape, value: Any, root: str, namespace: str | None) -> XmlWriter:
    """A document whose root element ``root`` holds ``value`` (a structure, or a scalar's text)."""
    xml = XmlWriter()
    if shape.type_name == "structure":
        _XML.write_structure(xml, root, shape, value, namespace)
    else:
        xml.leaf(root, "" if value is None else scalars.to_text(shape, value), {"xmlns": namespace})
    return xml


# --- errors -----------------------------------------------------------------------------


def serialize_error(
    service: ServiceModel, error: ServiceError, request_id: str, hooks: dict | None = None
) -> HttpResponse:
    """S3's ``<Error>`` document (the server sends no body when answering HEAD)."""
    headers = _id_headers(request_id) + list(error.headers.items())
    xml = XmlWriter()
    with xml.element("Error"):
        xml.leaf("Code", error.code)
        xml.leaf("Message", error.message)
        for name, value in error.fields.items():
            if value is not None:
                xml.leaf(name, _field_text(service, error.code, name, value))
        xml.leaf("RequestId", request_id)
        xml.leaf("HostId", host_id(request_id))
    headers.append(("Content-Type", XML_CONTENT_TYPE))
    return HttpResponse(status=error.status, headers=headers, body=xml.to_bytes())


def _field_text(service: ServiceModel, code: str, name: str, value: Any) -> str:
    """An extra error member as text, typed by the error shape when the model has it."""
    if code in service.shape_names:
        member = service.shape_for(code).members.get(name)
        if member is not None and member.type_name not in ("structure", "list", "map"):
            return scalars.to_text(member, value)
    return value if isinstance(value, str) else str(value)
