"""Model-constraint validation: the stage after parsing and before the handler.

Checks what botocore's model declares (required members, length and value ranges,
patterns, enums) and reports it as AWS's coral services do::

    1 validation error detected: Value null at 'tableName' failed to satisfy
    constraint: Member must not be null

with the error code each service uses. S3 reports its own errors in the service.
"""

from __future__ import annotations

import re
from functools import lru_cache

from botocore.model import OperationModel, Shape

from headwater.errors import ServiceError

#: The error code a service answers model-constraint violations with.
ERROR_CODES = {
    "iam": "ValidationError",
    "sts": "ValidationError",
    "rds": "InvalidParameterValue",
    "ec2": "InvalidParameterValue",
}
SKIPPED_SERVICES = {"s3"}
#: Coral services stop reporting after this many violations.
MAX_REPORTED = 10


def check(operation: OperationModel, params: dict) -> None:
    """Raise the service's validation error when ``params`` break the model's constraints."""
    service = operation.service_model.service_name
    if service in SKIPPED_SERVICES or operation.input_shape is None:
        return
    problems: list[str] = []
    _check_structure(operation.input_shape, params, "", problems)
    if problems:
        raise ServiceError(ERROR_CODES.get(service, "ValidationException"), _message(problems))


def _message(problems: list[str]) -> str:
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(problems[:MAX_REPORTED])


def _member_path(prefix: str, name: str) -> str:
    name = name[:1].lower() + name[1:]
    return f"{prefix}.{name}" if prefix else name


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else str(value)
    return f"'{value}'" if isinstance(value, str) else str(value)


def _fail(problems: list[str], value, path: str, constraint: str) -> None:
    problems.append(
        f"Value {_show(value)} at '{path}' failed to satisfy constraint: Member must {constraint}"
    )


def _check_structure(shape: Shape, value: dict, path: str, problems: list[str]) -> None:
    if not isinstance(value, dict) or shape.is_document_type:
        return
    for name in shape.required_members:
        if value.get(name) is None:
            _fail(problems, None, _member_path(path, name), "not be null")
    for name, member_value in value.items():
        member = shape.members.get(name)
        if member is not None and member_value is not None:
            _check(member, member_value, _member_path(path, name), problems)


def _check(shape: Shape, value, path: str, problems: list[str]) -> None:
    kind = shape.type_name
    if kind == "structure":
        _check_structure(shape, value, path, problems)
    elif kind == "list":
        _check_length(shape, value, path, problems)
        for index, item in enumerate(value, 1):
            _check(shape.member, item, f"{path}.{index}.member", problems)
    elif kind == "map":
        _check_length(shape, value, path, problems)
        for key, item in value.items():
            _check(shape.key, key, f"{path}.key", problems)
            _check(shape.value, item, f"{path}.{key}.member", problems)
    elif kind == "string":
        _check_string(shape, value, path, problems)
    elif kind in ("integer", "long", "float", "double"):
        _check_range(shape, value, path, problems)


def _check_length(shape: Shape, value, path: str, problems: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and len(value) < low:
        _fail(problems, value, path, f"have length greater than or equal to {low}")
    elif high is not None and len(value) > high:
        _fail(problems, value, path, f"have length less than or equal to {high}")


def _check_string(shape: Shape, value: str, path: str, problems: list[str]) -> None:
    if not isinstance(value, str):
        return
    before = len(problems)
    _check_length(shape, value, path, problems)
    if len(problems) > before:
        return
    if shape.enum and value not in shape.enum:
        _fail(problems, value, path, f"satisfy enum value set: [{', '.join(shape.enum)}]")
        return
    pattern = shape.metadata.get("pattern")
    if pattern and not _matches(pattern, value):
        _fail(problems, value, path, f"satisfy regular expression pattern: {pattern}")


def _check_range(shape: Shape, value, path: str, problems: list[str]) -> None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is not None and value < low:
        _fail(problems, value, path, f"have value greater than or equal to {low}")
    elif high is not None and value > high:
        _fail(problems, value, path, f"have value less than or equal to {high}")


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern | None:
    """Model patterns are Java regexes; the few Python cannot compile are not enforced."""
    try:
        return re.compile(pattern)
    except re.error:
        return None


def _matches(pattern: str, value: str) -> bool:
    compiled = _compiled(pattern)
    return compiled is None or compiled.fullmatch(value) is not None
