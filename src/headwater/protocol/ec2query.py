"""The ec2 protocol: awsQuery's parameters with EC2's naming, XML responses without a
result wrapper (``<OpResponse><requestId>``, lists as ``<item>``) and EC2's error envelope
``<Response><Errors><Error>...</Error></Errors><RequestID>``.
"""

from __future__ import annotations

from functools import lru_cache

from botocore.model import OperationModel, ServiceModel, Shape

from headwater.errors import ServiceError
from headwater.http.message import HttpRequest, HttpResponse
from headwater.protocol.awsquery import (
    QueryDialect,
    QueryReader,
    parameter_tree,
    request_parameters,
    write_error_details,
    xml_namespace,
    xml_response,
)
from headwater.protocol.xmlshapes import XmlShapes
from headwater.protocol.xmlwriter import XmlWriter


def ec2_parameter_name(shape: Shape, default: str) -> str:
    """EC2 request names: ``queryName``, else the ``locationName`` capitalised, else the name."""
    serialization = shape.serialization
    if "queryName" in serialization:
        return serialization["queryName"]
    name = serialization.get("name")
    return name[0].upper() + name[1:] if name else default


def malformed_ec2_value(parameter: str, value: str) -> ServiceError:
    """EC2 answers a value it cannot use with 400 ``InvalidParameterValue``, worded
    ``Value (x) for parameter name is invalid.`` (EC2 API reference, Common client error
    codes: "A value specified in a parameter is not valid, is unsupported, or cannot be used").
    """
    name = parameter[:1].lower() + parameter[1:]
    return ServiceError("InvalidParameterValue", f"Value ({value}) for parameter {name} is invalid.")


EC2 = QueryDialect(ec2_parameter_name, True, XmlShapes("item"), malformed_ec2_value)
_READER = QueryReader(EC2)


@lru_cache(maxsize=None)
def ec2_namespace(service: ServiceModel) -> str:
    """EC2 sends its namespace with a trailing slash; the model's lacks it."""
    namespace = xml_namespace(service)
    return namespace if namespace.endswith("/") else namespace + "/"


def parse_request(operation: OperationModel, request: HttpRequest, labels: dict[str, str] | None = None) -> dict:
    """The input of an ec2 request, typed by ``operation``'s input shape."""
    return _READER.read(operation.input_shape, parameter_tree(request_parameters(request)))


def serialize_response(operation: OperationModel, result: dict, request_id: str) -> HttpResponse:
    """``<OpResponse xmlns><requestId/>members...</OpResponse>``; ``<return>true</return>``
    for operations without output, as EC2 answers e.g. DeleteVpc."""
    xml = XmlWriter()
    root = f"{operation.name}Response"
    with xml.element(root, xmlns=ec2_namespace(operation.service_model)):
        xml.leaf("requestId", request_id)
        shape = operation.output_shape
        if shape is None:
            xml.leaf("return", "true")
        else:
            EC2.xml.write_members(xml, shape, result)
    return xml_response(xml.to_bytes(), request_id)


def serialize_error(
    service: ServiceModel, error: ServiceError, request_id: str, hooks: dict | None = None
) -> HttpResponse:
    """``<Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>``
    (``hooks`` accepted for a uniform call, unused)."""
    xml = XmlWriter()
    with xml.element("Response"):
        with xml.element("Errors"), xml.element("Error"):
            write_error_details(xml, EC2, service, error)
        xml.leaf("RequestID", request_id)
    return xml_response(xml.to_bytes(), request_id, error.status, list(error.headers.items()))
