"""The awsJson 1.0/1.1 protocol (dynamodb, dynamodbstreams, sqs, kinesis, firehose, logs).

Requests are a JSON object typed by the input shape: values are checked against the
shape as AWS's deserializer does (wrong types answer ``SerializationException`` with its
wording), timestamps become datetimes and blobs bytes. Responses and errors are JSON
documents with ``x-amzn-RequestId``; query-compatible services (SQS) also get the
``x-amzn-query-error`` header their legacy SDKs read.

Both ways, each shape is read and written by a function compiled once for it (with its
members'). Data shapes (a structure that contains itself, such as DynamoDB's
AttributeValue, and lists and maps of them) are written as they are: see ``_is_data``.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache, partial
from typing import Any, Callable, Iterable, Iterator

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from headwater.errors import ServiceError
from headwater.http.message import HttpRequest, HttpResponse
from headwater.protocol import scalars
from headwater.protocol.awsquery import error_shape, wire_error_code
from headwater.protocol.eventstream import EVENT_STREAM_CONTENT_TYPE, event_frame
from headwater.protocol.jsontext import blob_text, encode_document

#: Type names in AWS's deserializer messages ("... can not be converted to an Integer").
_JAVA_TYPES = {
    "string": "String",
    "integer": "Integer",
    "long": "Long",
    "float": "Float",
    "double": "Double",
    "boolean": "Boolean",
    "timestamp": "Date",
}


def serialization_error(message: str = "") -> ServiceError:
    """What AWS's JSON services answer for a body they cannot deserialize: 400
    ``SerializationException``; an unparseable body carries no message at all
    (DynamoDB: ``{"__type":"com.amazon.coral.service#SerializationException"}``)."""
    return ServiceError("SerializationException", message)


def _java_class(value: Any) -> str:
    """The class AWS's deserializer names for a JSON value of the wrong type."""
    if isinstance(value, bool):
        return "java.lang.Boolean"
    if isinstance(value, str):
        return "java.lang.String"
    if isinstance(value, float) and not value.is_integer():
        return "java.lang.Double"
    if -(2**15) <= value < 2**15:
        return "java.lang.Short"
    return "java.lang.Integer" if -(2**31) <= value < 2**31 else "java.lang.Long"


def _type_mismatch(shape: Shape, value: Any) -> ServiceError:
    """AWS's wording for ``value`` where ``shape`` was expected (as DynamoDB answers)."""
    kind = shape.type_name
    if isinstance(value, list):
        return serialization_error("Start of list found where not expected")
    if isinstance(value, dict):
        return serialization_error("Start of structure or map found where not expected.")
    if kind == "list":
        return serialization_error("Expected list or null")
    if kind == "map":
        return serialization_error("Expected map or null")
    if kind == "structure":
        return serialization_error("Expected null")
    if kind == "boolean" and isinstance(value, str):
        return serialization_error(f"'{value.upper()}' can not be converted to an Boolean")
    if kind == "blob":
        return serialization_error(f"class {_java_class(value)} can not be converted to a Blob")
    return serialization_error(f"class {_java_class(value)} can not be converted to an {_JAVA_TYPES[kind]}")


def _invalid_blob(value: str) -> ServiceError:
    if len(value) % 4:
        detail = f"Base64 encoded length is expected a multiple of 4 bytes but found: {len(value)}"
    else:
        detail = "Invalid Base64 character"
    return serialization_error(f"'{value}' can not be converted to a Blob: {detail}")


# --- data shapes ------------------------------------------------------------------------
#
# A structure that contains itself through lists or maps (DynamoDB's AttributeValue, a
# union of S, N, B, ..., L and M) describes data of any depth, and walking it shape by
# shape is most of what a Query or a BatchWriteItem costs. When every shape it reaches is
# JSON-native (strings, booleans, integers, lists, maps, structures whose members keep
# their names) but for blobs, its value already is its JSON form once bytes are base64
# text. So responses hand data shapes (and lists and maps of them) to json.dumps as they
# are, with ``blob_text`` as the default for bytes. A service builds such values with the
# model's members only, never a None member: they are written as they are.

_CONTAINERS = frozenset({"structure", "list", "map"})
_NATIVE_SCALARS = frozenset({"string", "boolean", "integer", "long", "blob"})


def _children(shape: Shape) -> list[Shape]:
    kind = shape.type_name
    if kind == "structure":
        return list(shape.members.values())
    if kind == "list":
        return [shape.member]
    if kind == "map":
        return [shape.key, shape.value]
    return []


def _reachable(shape: Shape) -> dict[str, Shape]:
    """Every shape reachable from ``shape`` (itself only if it is recursive), by name."""
    found: dict[str, Shape] = {}
    pending = _children(shape)
    while pending:
        child = pending.pop()
        if child.name not in found:
            found[child.name] = child
            pending.extend(_children(child))
    return found


def _is_native(shape: Shape) -> bool:
    kind = shape.type_name
    if kind == "structure":
        return not shape.is_document_type and not any(
            "name" in member.serialization for member in shape.members.values())
    return kind in _NATIVE_SCALARS or kind in ("list", "map")


@lru_cache(maxsize=None)
def _is_data(shape: Shape) -> bool:
    """A recursive structure of JSON-native shapes and blobs, or a list or map of data."""
    kind = shape.type_name
    if kind == "list":
        return _is_data(shape.member)
    if kind == "map":
        return _is_data(shape.value)
    if kind != "structure":
        return False
    reachable = _reachable(shape)
    return shape.name in reachable and all(map(_is_native, reachable.values()))


# --- compiled readers and writers ---------------------------------------------------------
#
# Each shape's reader and writer is compiled once, with its members'. Containers are
# compiled by name within one model, which ties recursive shapes to the function being
# built; scalars are compiled per member (a member may carry its own timestamp format).


def _as_is(value: Any) -> Any:
    return value


def _member_functions(shape: Shape, compile_member: Callable[[Shape], Callable], *, by_json_name: bool
                      ) -> dict[str, tuple[str, Callable]]:
    """A structure's members as ``{incoming key: (outgoing key, compiled function)}``:
    JSON key to member name when reading, the other way when writing."""
    functions = {}
    for name, member in shape.members.items():
        json_name = member.serialization.get("name", name)
        incoming, outgoing = (json_name, name) if by_json_name else (name, json_name)
        functions[incoming] = (outgoing, compile_member(member))
    return functions


#: The scalars a reader returns as they are when JSON gives them this type.
_READ_AS_IS = {"string": str, "boolean": bool}


def _read_as_is(shape: Shape) -> dict[str, type]:
    """The members a structure's reader keeps as they are, by JSON key: the scalars of
    ``_READ_AS_IS`` not renamed, with the JSON type that needs no conversion."""
    return {name: _READ_AS_IS[member.type_name] for name, member in shape.members.items()
            if member.type_name in _READ_AS_IS and member.serialization.get("name", name) == name}


def _compiled_structure(shape: Shape, compiled: dict[str, Callable], compile_member: Callable[[Shape], Callable],
                        *, reading: bool) -> Callable[[Any], dict]:
    """The reader (``reading``) or writer of a structure: each non-None member of the value
    the model knows, renamed and converted by its own function; the others dropped. A
    value whose members all are read as they are is itself read as it is (most of
    DynamoDB's attribute values: ``{"S": "text"}``)."""
    members: dict[str, tuple[str, Callable]] = {}  # filled below, once ``convert`` is known to recursion
    as_is = _read_as_is(shape) if reading else {}

    def convert(value: Any) -> dict:
        if reading:
            if not isinstance(value, dict):
                raise _type_mismatch(shape, value)
            for key, item in value.items():
                if type(item) is not as_is.get(key):
                    break
            else:
                return value
        result = {}
        for key, item in value.items():
            if item is not None:
                member = members.get(key)
                if member is not None:
                    result[member[0]] = member[1](item)
        return result

    if reading:
        convert.kept = as_is
    compiled[shape.name] = convert
    members.update(_member_functions(shape, compile_member, by_json_name=reading))
    return convert


# --- requests ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _reader(shape: Shape) -> Callable[[Any], Any]:
    """The compiled reader of ``shape``: the JSON value in, the typed value out."""
    return _compile_reader(shape, {})


def _compile_reader(shape: Shape, compiled: dict[str, Callable]) -> Callable[[Any], Any]:
    if shape.name in compiled:
        return compiled[shape.name]
    kind = shape.type_name
    if kind == "structure":
        if shape.is_document_type:
            return _as_is
        return _compiled_structure(shape, compiled, lambda member: _compile_reader(member, compiled), reading=True)
    if kind == "list":
        return _list_reader(shape, compiled)
    if kind == "map":
        return _map_reader(shape, compiled)
    reader = partial(_read_string if kind == "string" else _read_scalar, shape)
    if kind in _READ_AS_IS:
        reader.kept = _READ_AS_IS[kind]
    return reader


def _read_string(shape: Shape, value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _type_mismatch(shape, value)


def _read_as_they_are(reader: Callable, items) -> bool:
    """Whether ``reader`` would return each of ``items`` as it is: scalars of the type it
    keeps, or structures whose members all are (this loop is the structure reader's,
    without a call per structure)."""
    kept = getattr(reader, "kept", None)
    if kept is None or not items:
        return False
    if isinstance(kept, type):
        return set(map(type, items)) == {kept}
    get = kept.get
    for item in items:
        if type(item) is not dict:
            return False
        for key, member in item.items():
            if type(member) is not get(key):
                return False
    return True


def _list_reader(shape: Shape, compiled: dict) -> Callable[[Any], list]:
    def read(value: Any) -> list:
        if not isinstance(value, list):
            raise _type_mismatch(shape, value)
        if _read_as_they_are(member, value):
            return value
        return [member(item) for item in value if item is not None]

    compiled[shape.name] = read
    member = _compile_reader(shape.member, compiled)
    return read


def _map_reader(shape: Shape, compiled: dict) -> Callable[[Any], dict]:
    def read(value: Any) -> dict:
        if not isinstance(value, dict):
            raise _type_mismatch(shape, value)
        if _read_as_they_are(member, value.values()):
            return value
        return {key: member(item) for key, item in value.items() if item is not None}

    compiled[shape.name] = read
    member = _compile_reader(shape.value, compiled)
    return read


def _read_scalar(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "string":
        if isinstance(value, str):
            return value
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
    elif kind in ("integer", "long"):
        if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
            return int(value)
    elif kind in ("float", "double"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value in ("NaN", "Infinity", "-Infinity"):
            return scalars.parse_float(value)
    elif kind == "timestamp":
        if not isinstance(value, (bool, list, dict)):
            try:
                return scalars.parse_timestamp(value)
            except scalars.ScalarError:
                pass
    elif kind == "blob":
        if isinstance(value, str):
            try:
                return scalars.parse_blob(value)
            except scalars.ScalarError:
                raise _invalid_blob(value) from None
    raise _type_mismatch(shape, value)


_NO_INPUT = StructureShape("NoInput", {"type": "structure", "members": {}})


def parse_request(operation: OperationModel, request: HttpRequest, labels: dict[str, str] | None = None) -> dict:
    """The input of a JSON request; an empty body is ``{}`` when no member is required."""
    shape = operation.input_shape
    raw = request.body.read()
    if not raw or raw.isspace():
        if shape is not None and shape.required_members:
            raise serialization_error()
        return {}
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise serialization_error() from None
    return _reader(shape or _NO_INPUT)(document)


# --- responses --------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _writer(shape: Shape) -> Callable[[Any], Any]:
    """The compiled writer of ``shape``: a service's value in, its JSON form out."""
    return _compile_writer(shape, {})


def _compile_writer(shape: Shape, compiled: dict[str, Callable]) -> Callable[[Any], Any]:
    if shape.name in compiled:
        return compiled[shape.name]
    kind = shape.type_name
    if kind in _CONTAINERS and _is_data(shape):
        return _as_is  # already its JSON form; json.dumps base64-encodes its bytes
    if kind == "structure":
        if shape.is_document_type:
            return _as_is
        return _compiled_structure(shape, compiled, lambda member: _compile_writer(member, compiled), reading=False)
    if kind == "list":
        return _list_writer(shape, compiled)
    if kind == "map":
        return _map_writer(shape, compiled)
    if kind == "timestamp":
        return partial(_write_timestamp, scalars.timestamp_format(shape, scalars.UNIX_TIMESTAMP))
    if kind == "blob":
        return scalars.format_blob
    if kind in ("float", "double"):
        return _write_float
    return _as_is


def _list_writer(shape: Shape, compiled: dict) -> Callable[[Any], list]:
    def write(value: Any) -> list:
        return [member(item) for item in value]

    compiled[shape.name] = write
    member = _compile_writer(shape.member, compiled)
    return write


def _map_writer(shape: Shape, compiled: dict) -> Callable[[Any], dict]:
    def write(value: Any) -> dict:
        return {key: member(item) for key, item in value.items()}

    compiled[shape.name] = write
    member = _compile_writer(shape.value, compiled)
    return write


def _write_timestamp(fmt: str, value: Any) -> Any:
    return scalars.format_timestamp(value, fmt)


def _write_float(value: Any) -> Any:
    special = scalars.special_float(value)
    return value if special is None else special


def _content_type(service: ServiceModel) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


def _response(service: ServiceModel, document: dict, request_id: str, status: int = 200, headers=()) -> HttpResponse:
    body = encode_document(document).encode("utf-8")
    return HttpResponse(
        status,
        [("Content-Type", _content_type(service)), ("x-amzn-RequestId", request_id), *headers],
        body,
    )


def serialize_response(operation: OperationModel, result: dict, request_id: str) -> HttpResponse:
    """The JSON output document; an event-stream output (Kinesis SubscribeToShard, Logs
    StartLiveTail) streams its ``initial-response`` and then one frame per event."""
    shape = operation.output_shape
    service = operation.service_model
    if shape is None:
        return _response(service, {}, request_id)
    stream_name = shape.event_stream_name
    if stream_name is None:
        return _response(service, _writer(shape)(result), request_id)
    initial = {name: value for name, value in result.items() if name != stream_name}
    frames = _event_frames(shape, stream_name, initial, result.get(stream_name, ()), _content_type(service))
    headers = [("Content-Type", EVENT_STREAM_CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    return HttpResponse(200, headers, frames)


# --- event streams ----------------------------------------------------------------------

def _event_frames(
    shape: Shape, stream_name: str, initial: dict, events: Iterable[dict], content_type: str
) -> Iterator[bytes]:
    """Frames for the initial response and for each ``{EventName: value}`` of ``events``
    (an exception member of the stream is sent as an exception message)."""
    stream_shape = shape.members[stream_name]
    yield event_frame(
        {":message-type": "event", ":event-type": "initial-response", ":content-type": content_type},
        json.dumps(_writer(shape)(initial), default=blob_text).encode(),
    )
    for event in events:
        for name, value in event.items():
            member = stream_shape.members[name]
            kind = "exception" if member.metadata.get("exception") else "event"
            headers = {":message-type": kind, f":{kind}-type": name, ":content-type": "application/json"}
            yield event_frame(headers, json.dumps(_writer(member)(value), default=blob_text).encode())


@lru_cache(maxsize=1024)
def _fields_writer(service: ServiceModel, code: str) -> Callable[[dict], Any]:
    """How the extra fields of error ``code`` are written: by its modeled exception shape,
    if it has one (looked up once: each lookup makes a new shape)."""
    shape = error_shape(service, code)
    return _as_is if shape is None else _compile_writer(shape, {})


def serialize_error(
    service: ServiceModel, error: ServiceError, request_id: str, hooks: dict | None = None
) -> HttpResponse:
    """``{"__type": ..., "message": ..., extra members}``.

    ``hooks["error_type"]``, a function of the error code, gives the ``__type`` a service
    sends (DynamoDB: ``com.amazonaws.dynamodb.v20120810#ResourceNotFoundException``);
    by default it is the bare code. Query-compatible services add ``x-amzn-query-error:
    <code>;Sender|Receiver`` unless the error brings its own.
    """
    error_type = (hooks or {}).get("error_type")
    document: dict[str, Any] = {"__type": error_type(error.code) if error_type else error.code}
    if error.message:
        document["message"] = error.message
    if error.fields:
        document.update(_fields_writer(service, error.code)(error.fields))
    headers = dict(error.headers)
    if service.is_query_compatible and "x-amzn-query-error" not in {k.lower() for k in headers}:
        fault = "Sender" if error.sender_fault else "Receiver"
        headers["x-amzn-query-error"] = f"{wire_error_code(service, error)};{fault}"
    return _response(service, document, request_id, error.status, list(headers.items()))
