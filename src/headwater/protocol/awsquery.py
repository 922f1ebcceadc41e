"""The awsQuery protocol (iam, sts, rds): form or query-string parameters in, XML out.

Requests carry flat ``A.member.1.B=v`` parameters; they are folded into a tree once and
read along the input shape. Responses are ``<OpResponse><OpResult>...`` documents with a
``ResponseMetadata`` request id, their members written by ``xmlshapes``. ``QueryDialect``
holds what the ec2 protocol changes (parameter names, list layouts, malformed-value error),
so ec2query reuses this module's reader, envelope helpers and error details.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Callable

from botocore.model import NoShapeFoundError, OperationModel, ServiceModel, Shape

from headwater.errors import ServiceError
from headwater.http.message import HttpRequest, HttpResponse
from headwater.protocol import scalars
from headwater.protocol.xmlshapes import XmlShapes
from headwater.protocol.xmlwriter import XmlWriter

XML_CONTENT_TYPE = "text/xml"
#: Parameters every query request carries that are not members of the input shape.
ENVELOPE_PARAMETERS = frozenset({"Action", "Version"})


def malformed_query_value(parameter: str, value: str) -> ServiceError:
    """IAM, STS and RDS reject a value their deserializer cannot convert with 400
    ``MalformedInput`` (Sender), the code AWS's query services answer for unparseable
    input (see e.g. boto/boto#37 and the Route 53/ELB ``MalformedInput`` answers); the
    services' Common Errors pages list the same 400 class for invalid parameter values.
    """
    return ServiceError("MalformedInput", f"Invalid value '{value}' for parameter {parameter}")


def query_member_name(shape: Shape, default: str) -> str:
    """awsQuery request names: the member's ``locationName``, else its name."""
    return shape.serialization.get("name", default)


@dataclass(frozen=True, eq=False)
class QueryDialect:
    """What differs between awsQuery and ec2 on the wire."""

    #: request parameter name of a member (member shape, member name)
    parameter_name: Callable[[Shape, str], str]
    #: ec2 writes every request list as ``Name.N`` (no ``member`` level)
    flat_request_lists: bool
    #: the response writer (list items the model leaves unnamed: ``member``, ec2 ``item``)
    xml: XmlShapes
    malformed: Callable[[str, str], ServiceError]


QUERY = QueryDialect(query_member_name, False, XmlShapes("member"), malformed_query_value)


# --- requests ---------------------------------------------------------------------------


def request_parameters(request: HttpRequest) -> list[tuple[str, str]]:
    """Query-string parameters followed by form-body parameters (POST)."""
    return request.query + request.form if request.method == "POST" else request.query


def parameter_tree(pairs: list[tuple[str, str]]) -> dict:
    """``[("A.member.1.B", "v")]`` → ``{"A": {"member": {"1": {"B": "v"}}}}``.

    A key that is both a value and a prefix (``A=`` then ``A.member.1=x``) keeps the
    nested parameters: the bare value is the empty-list marker botocore sends.
    """
    tree: dict = {}
    for key, value in pairs:
        if key in ENVELOPE_PARAMETERS:
            continue
        *parents, last = key.split(".")
        node = tree
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        if not isinstance(node.get(last), dict):
            node[last] = value
    return tree


class QueryReader:
    """Reads a parameter tree along an input shape, per dialect."""

    def __init__(self, dialect: QueryDialect):
        self.dialect = dialect
        self.request_names = lru_cache(maxsize=None)(self._request_names)

    def read(self, shape: Shape | None, tree: dict) -> dict:
        return self.structure(shape, tree, "") if shape is not None else {}

    def _request_names(self, shape: Shape) -> dict[str, tuple[str, Shape]]:
        """Parameter name → (member name, member shape), computed once per shape."""
        names = {}
        for name, member in shape.members.items():
            wire = self.dialect.parameter_name(member, name)
            if member.type_name == "list" and not self.dialect.flat_request_lists:
                if member.serialization.get("flattened") and "name" in member.member.serialization:
                    wire = member.member.serialization["name"]
            names[wire] = (name, member)
        return names

    def value(self, shape: Shape, node: Any, path: str) -> Any:
        kind = shape.type_name
        if kind == "structure":
            return self.structure(shape, node, path)
        if kind == "list":
            return self.list(shape, node, path)
        if kind == "map":
            return self.map(shape, node, path)
        if isinstance(node, dict):
            raise self.dialect.malformed(path, "")
        try:
            return scalars.from_text(shape, node)
        except scalars.ScalarError:
            raise self.dialect.malformed(path, node) from None

    def structure(self, shape: Shape, node: Any, path: str) -> dict:
        if not isinstance(node, dict):
            return self._empty(node, path)
        names = self.request_names(shape)
        result = {}
        for wire, child in node.items():
            entry = names.get(wire)
            if entry is not None:
                result[entry[0]] = self.value(entry[1], child, f"{path}{wire}")
        return result

    def list(self, shape: Shape, node: Any, path: str) -> list:
        if not isinstance(node, dict):
            return self._empty(node, path, [])
        if not (self.dialect.flat_request_lists or shape.serialization.get("flattened")):
            item = shape.member.serialization.get("name", "member")
            path = f"{path}.{item}"
            node = node.get(item, {})
        return [self.value(shape.member, child, f"{path}.{index}") for index, child in self._indexed(node, path)]

    def map(self, shape: Shape, node: Any, path: str) -> dict:
        if not isinstance(node, dict):
            return self._empty(node, path)
        if not shape.serialization.get("flattened"):
            path = f"{path}.entry"
            node = node.get("entry", {})
        key_name = self.dialect.parameter_name(shape.key, "key")
        value_name = self.dialect.parameter_name(shape.value, "value")
        result = {}
        for index, entry in self._indexed(node, path):
            entry_path = f"{path}.{index}"
            if not isinstance(entry, dict) or key_name not in entry:
                raise self.dialect.malformed(f"{entry_path}.{key_name}", "")
            key = self.value(shape.key, entry[key_name], f"{entry_path}.{key_name}")
            if value_name in entry:
                result[key] = self.value(shape.value, entry[value_name], f"{entry_path}.{value_name}")
        return result

    def _indexed(self, node: dict, path: str) -> list[tuple[str, Any]]:
        """The ``1``, ``2``, ... children of ``node`` in numeric order."""
        for index in node:
            if not index.isdigit():
                raise self.dialect.malformed(f"{path}.{index}", "")
        return sorted(node.items(), key=lambda item: int(item[0]))

    def _empty(self, node: Any, path: str, empty: Any = None) -> Any:
        """A bare ``Name=`` stands for an empty list, map or structure."""
        if node != "":
            raise self.dialect.malformed(path, node)
        return {} if empty is None else empty


_QUERY_READER = QueryReader(QUERY)


def parse_request(operation: OperationModel, request: HttpRequest, labels: dict[str, str] | None = None) -> dict:
    """The input of a query request, typed by ``operation``'s input shape."""
    return _QUERY_READER.read(operation.input_shape, parameter_tree(request_parameters(request)))


# --- responses --------------------------------------------------------------------------


@lru_cache(maxsize=None)
def xml_namespace(service: ServiceModel) -> str:
    """The response namespace: the model's ``xmlNamespace``, else AWS's usual pattern."""
    metadata = service.metadata
    default = f"https://{metadata.get('endpointPrefix')}.amazonaws.com/doc/{metadata.get('apiVersion')}/"
    return metadata.get("xmlNamespace", default)


def xml_response(body: bytes, request_id: str, status: int = 200, headers: list | None = None) -> HttpResponse:
    return HttpResponse(
        status,
        [("Content-Type", XML_CONTENT_TYPE), ("x-amzn-RequestId", request_id), *(headers or [])],
        body,
    )


def serialize_response(operation: OperationModel, result: dict, request_id: str) -> HttpResponse:
    """``<OpResponse xmlns><OpResult>...</OpResult><ResponseMetadata>`` for ``result``."""
    xml = XmlWriter()
    root = f"{operation.name}Response"
    xml.open(root, xmlns=xml_namespace(operation.service_model))
    shape = operation.output_shape
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper")
        if wrapper:
            xml.open(wrapper)
        QUERY.xml.write_members(xml, shape, result)
        if wrapper:
            xml.close(wrapper)
    with xml.element("ResponseMetadata"):
        xml.leaf("RequestId", request_id)
    xml.close(root)
    return xml_response(xml.to_bytes(), request_id)


@lru_cache(maxsize=None)
def error_shape(service: ServiceModel, code: str) -> Shape | None:
    """The modeled exception shape named ``code``, if the service has one."""
    try:
        shape = service.shape_for(code)
    except NoShapeFoundError:
        return None
    return shape if shape.metadata.get("exception") else None


def wire_error_code(service: ServiceModel, error: ServiceError) -> str:
    """The code on the wire: the shape's ``error.code`` trait (IAM's ``NoSuchEntity``), else the name."""
    shape = error_shape(service, error.code)
    return shape.error_code if shape is not None else error.code


def write_error_details(xml: XmlWriter, dialect: QueryDialect, service: ServiceModel, error: ServiceError) -> None:
    """``<Code/><Message/>`` and the error shape's extra members, inside ``<Error>`` where
    botocore reads them."""
    xml.leaf("Code", wire_error_code(service, error))
    xml.leaf("Message", error.message)
    shape = error_shape(service, error.code)
    if shape is not None and error.fields:
        dialect.xml.write_members(xml, shape, error.fields)


def serialize_error(
    service: ServiceModel, error: ServiceError, request_id: str, hooks: dict | None = None
) -> HttpResponse:
    """``<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>``.

    ``hooks`` is accepted so every protocol's ``serialize_error`` is called alike; the
    query envelope needs none.
    """
    xml = XmlWriter()
    with xml.element("ErrorResponse", xmlns=xml_namespace(service)):
        with xml.element("Error"):
            xml.leaf("Type", "Sender" if error.sender_fault else "Receiver")
            write_error_details(xml, QUERY, service, error)
        xml.leaf("RequestId", request_id)
    return xml_response(xml.to_bytes(), request_id, error.status, list(error.headers.items()))
