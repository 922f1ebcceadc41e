"""The awsJson 1.0/1.1 protocol (dynamodb, dynamodbstreams, sqs, kinesis, firehose, logs).

Requests are a JSON object typed by the input shape: values are checked against the
shape as AWS's deserializer does (wrong types answer ``SerializationException`` with its
wording), timestamps become datetimes and blobs bytes. Responses and errors are JSON
documents with ``x-amzn-RequestId``; query-compatible services (SQS) also get the
``x-amzn-query-error`` header their legacy SDKs read.

Data shapes (a structure that contains itself, such as DynamoDB's AttributeValue, and
lists and maps of them) take a fast path both ways: see ``_is_data``.
"""

from __future__ import annotations

import json
import math
import struct
import zlib
from functools import lru_cache, partial
from typing import Any, Callable, Iterable, Iterator

from botocore.model import OperationModel, ServiceModel, Shape, StructureShape

from headwater.errors import ServiceError
from headwater.http.message import HttpRequest, HttpResponse
from headwater.protocol import scalars
from headwater.protocol.awsquery import error_shape, wire_error_code

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
# are, with ``_blob_text`` as the default for bytes, and requests read them with readers
# compiled once per shape. A service builds such values with the model's members only,
# never a None member: they are written as they are.

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


@lru_cache(maxsize=None)
def _data_reader(shape: Shape) -> Callable[[Any], Any] | None:
    """The compiled reader of a data shape; None for any other shape."""
    return _compile_reader(shape, {}) if shape.type_name in _CONTAINERS and _is_data(shape) else None


def _compile_reader(shape: Shape, compiled: dict[str, Callable]) -> Callable[[Any], Any]:
    """A reader doing what ``_read`` does for ``shape``; ``compiled`` (by shape name, within
    one model) ties recursive references to the reader being built."""
    if shape.name in compiled:
        return compiled[shape.name]
    kind = shape.type_name
    if kind == "structure":
        return _structure_reader(shape, compiled)
    if kind == "list":
        return _list_reader(shape, compiled)
    if kind == "map":
        return _map_reader(shape, compiled)
    if kind == "string":
        return partial(_read_string, shape)
    return partial(_read_scalar, shape)


def _read_string(shape: Shape, value: Any) -> str:
    if isinstance(value, str):
        return value
    raise _type_mismatch(shape, value)


def _structure_reader(shape: Shape, compiled: dict) -> Callable[[Any], dict]:
    members: dict[str, Callable] = {}  # filled below, once ``read`` is known to recursion

    def read(value: Any) -> dict:
        if not isinstance(value, dict):
            raise _type_mismatch(shape, value)
        result = {}
        for key, item in value.items():
            if item is not None:
                member = members.get(key)
                if member is not None:
                    result[key] = member(item)
        return result

    compiled[shape.name] = read
    members.update((name, _compile_reader(member, compiled)) for name, member in shape.members.items())
    return read


def _list_reader(shape: Shape, compiled: dict) -> Callable[[Any], list]:
    def read(value: Any) -> list:
        if not isinstance(value, list):
            raise _type_mismatch(shape, value)
        return [member(item) for item in value if item is not None]

    compiled[shape.name] = read
    member = _compile_reader(shape.member, compiled)
    return read


def _map_reader(shape: Shape, compiled: dict) -> Callable[[Any], dict]:
    def read(value: Any) -> dict:
        if not isinstance(value, dict):
            raise _type_mismatch(shape, value)
        return {key: member(item) for key, item in value.items() if item is not None}

    compiled[shape.name] = read
    member = _compile_reader(shape.value, compiled)
    return read


# --- requests ---------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _json_names(shape: Shape) -> dict[str, tuple[str, Shape]]:
    """JSON key → (member name, member shape), computed once per structure shape."""
    return {member.serialization.get("name", name): (name, member) for name, member in shape.members.items()}


def _read(shape: Shape, value: Any) -> Any:
    data_reader = _data_reader(shape)
    if data_reader is not None:
        return data_reader(value)
    reader = _READERS.get(shape.type_name)
    return reader(shape, value) if reader else _read_scalar(shape, value)


def _read_structure(shape: Shape, value: Any) -> Any:
    if shape.is_document_type:
        return value
    if not isinstance(value, dict):
        raise _type_mismatch(shape, value)
    names = _json_names(shape)
    result = {}
    for key, item in value.items():
        entry = names.get(key)
        if entry is not None and item is not None:
            result[entry[0]] = _read(entry[1], item)
    return result


def _read_list(shape: Shape, value: Any) -> list:
    if not isinstance(value, list):
        raise _type_mismatch(shape, value)
    member = shape.member
    return [_read(member, item) for item in value if item is not None]


def _read_map(shape: Shape, value: Any) -> dict:
    if not isinstance(value, dict):
        raise _type_mismatch(shape, value)
    return {key: _read(shape.value, item) for key, item in value.items() if item is not None}


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
_READERS: dict[str, Callable[[Shape, Any], Any]] = {
    "structure": _read_structure,
    "list": _read_list,
    "map": _read_map,
}


def parse_request(operation: OperationModel, request: HttpRequest, labels: dict[str, str] | None = None) -> dict:
    """The input of a JSON request; an empty body is ``{}`` when no member is required."""
    shape = operation.input_shape
    raw = request.body.read()
    if not raw.strip():
        if shape is not None and shape.required_members:
            raise serialization_error()
        return {}
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise serialization_error() from None
    return _read_structure(shape or _NO_INPUT, document)


# --- responses --------------------------------------------------------------------------


def _write(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind in _CONTAINERS and _is_data(shape):
        return value  # already its JSON form; json.dumps base64-encodes its bytes
    if kind == "structure":
        if shape.is_document_type:
            return value
        names = _output_names(shape)
        return {
            names[name][0]: _write(names[name][1], item)
            for name, item in value.items()
            if item is not None and name in names
        }
    if kind == "list":
        member = shape.member
        return [_write(member, item) for item in value]
    if kind == "map":
        value_shape = shape.value
        return {key: _write(value_shape, item) for key, item in value.items()}
    if kind == "timestamp":
        return scalars.format_timestamp(value, scalars.timestamp_format(shape, scalars.UNIX_TIMESTAMP))
    if kind == "blob":
        return scalars.format_blob(value)
    if kind in ("float", "double"):
        special = scalars.special_float(value)
        return value if special is None else special
    return value


@lru_cache(maxsize=None)
def _output_names(shape: Shape) -> dict[str, tuple[str, Shape]]:
    """Member name → (JSON key, member shape), computed once per structure shape."""
    return {name: (member.serialization.get("name", name), member) for name, member in shape.members.items()}


def _content_type(service: ServiceModel) -> str:
    return f"application/x-amz-json-{service.metadata.get('jsonVersion', '1.0')}"


def _blob_text(value: Any) -> str:
    """json.dumps' ``default``: bytes left in data shapes become base64 text."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return scalars.format_blob(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


_encode_document = json.JSONEncoder(
    separators=(",", ":"), ensure_ascii=False, check_circular=False, default=_blob_text
).encode


def _response(service: ServiceModel, document: dict, request_id: str, status: int = 200, headers=()) -> HttpResponse:
    body = _encode_document(document).encode("utf-8")
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
        return _response(service, _write(shape, result), request_id)
    initial = {name: value for name, value in result.items() if name != stream_name}
    frames = _event_frames(shape, stream_name, initial, result.get(stream_name, ()), _content_type(service))
    headers = [("Content-Type", EVENT_STREAM_CONTENT_TYPE), ("x-amzn-RequestId", request_id)]
    return HttpResponse(200, headers, frames)


# --- event streams ----------------------------------------------------------------------

EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream"
_STRING_HEADER = 7


def event_frame(headers: dict[str, str], payload: bytes) -> bytes:
    """One ``application/vnd.amazon.eventstream`` message: prelude, string headers,
    payload and the two CRC32 checksums."""
    encoded = b"".join(
        struct.pack(">B", len(name)) + name.encode() + struct.pack(">BH", _STRING_HEADER, len(value.encode()))
        + value.encode()
        for name, value in headers.items()
    )
    prelude = struct.pack(">II", 16 + len(encoded) + len(payload), len(encoded))
    message = prelude + struct.pack(">I", zlib.crc32(prelude)) + encoded + payload
    return message + struct.pack(">I", zlib.crc32(message))


def _event_frames(
    shape: Shape, stream_name: str, initial: dict, events: Iterable[dict], content_type: str
) -> Iterator[bytes]:
    """Frames for the initial response and for each ``{EventName: value}`` of ``events``
    (an exception member of the stream is sent as an exception message)."""
    stream_shape = shape.members[stream_name]
    yield event_frame(
        {":message-type": "event", ":event-type": "initial-response", ":content-type": content_type},
        json.dumps(_write(shape, initial), default=_blob_text).encode(),
    )
    for event in events:
        for name, value in event.items():
            member = stream_shape.members[name]
            kind = "exception" if member.metadata.get("exception") else "event"
            headers = {":message-type": kind, f":{kind}-type": name, ":content-type": "application/json"}
            yield event_frame(headers, json.dumps(_write(member, value), default=_blob_text).encode())


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
    shape = error_shape(service, error.code)
    if error.fields:
        document.update(_write(shape, error.fields) if shape is not None else error.fields)
    headers = dict(error.headers)
    if service.is_query_compatible and "x-amzn-query-error" not in {k.lower() for k in headers}:
        fault = "Sender" if error.sender_fault else "Receiver"
        headers["x-amzn-query-error"] = f"{wire_error_code(service, error)};{fault}"
    return _response(service, document, request_id, error.status, list(headers.items()))
