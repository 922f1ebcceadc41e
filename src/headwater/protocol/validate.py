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
from typing import Callable

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
    _checker(operation.input_shape)(params, None, problems)
    if problems:
        raise ServiceError(ERROR_CODES.get(service, "ValidationException"), _message(problems))


def _message(problems: list[str]) -> str:
    count = len(problems)
    noun = "error" if count == 1 else "errors"
    return f"{count} validation {noun} detected: " + "; ".join(problems[:MAX_REPORTED])


# A path is built only when something fails: ``(parent, segment)`` pairs, rendered as
# ``attributeDefinitions.1.member.attributeType``.
Path = tuple | None
Checker = Callable[[object, Path, list], None]


def _render(path: Path) -> str:
    segments = []
    while path is not None:
        path, segment = path
        segments.append(segment)
    return ".".join(reversed(segments))


def _show(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, (list, dict)):
        return "[" + ", ".join(map(str, value)) + "]" if isinstance(value, list) else str(value)
    return f"'{value}'" if isinstance(value, str) else str(value)


def _fail(problems: list[str], value, path: Path, constraint: str) -> None:
    problems.append(
        f"Value {_show(value)} at '{_render(path)}' failed to satisfy constraint: Member must {constraint}"
    )


#: Compiled checkers by shape identity (shapes come from the cached models of ``specs``).
_CHECKERS: dict[int, Checker | None] = {}


def _checker(shape: Shape) -> Checker | None:
    """The compiled check of ``shape``, or None when the model constrains nothing in it."""
    key = id(shape)
    if key not in _CHECKERS:
        if shape.type_name in ("structure", "list", "map"):
            cell: list[Checker] = []
            _CHECKERS[key] = lambda value, path, problems: cell[0](value, path, problems)  # recursion
            cell.append(_BUILDERS[shape.type_name](shape))
            _CHECKERS[key] = cell[0]
        else:
            _CHECKERS[key] = _BUILDERS.get(shape.type_name, lambda shape: None)(shape)
    return _CHECKERS[key]


def _structure(shape: Shape) -> Checker:
    if shape.is_document_type:
        return lambda value, path, problems: None
    required = list(shape.required_members)
    members = {name: (name[:1].lower() + name[1:], member) for name, member in shape.members.items()}

    def check(value, path, problems):
        if not isinstance(value, dict):
            return
        for name in required:
            if value.get(name) is None:
                _fail(problems, None, (path, members[name][0]), "not be null")
        for name, member_value in value.items():
            found = members.get(name)
            if found is not None and member_value is not None:
                inner = _checker(found[1])
                if inner is not None:
                    inner(member_value, (path, found[0]), problems)

    return check


def _list(shape: Shape) -> Checker:
    length = _length(shape)

    def check(value, path, problems):
        if length is not None:
            length(value, path, problems)
        inner = _checker(shape.member)
        if inner is not None:
            for index, item in enumerate(value, 1):
                inner(item, ((path, str(index)), "member"), problems)

    return check


def _map(shape: Shape) -> Checker:
    length = _length(shape)

    def check(value, path, problems):
        if length is not None:
            length(value, path, problems)
        key_check, value_check = _checker(shape.key), _checker(shape.value)
        for key, item in value.items():
            if key_check is not None:
                key_check(key, (path, "key"), problems)
            if value_check is not None:
                value_check(item, ((path, str(key)), "member"), problems)

    return check


def _length(shape: Shape) -> Checker | None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is None and high is None:
        return None

    def check(value, path, problems):
        if low is not None and len(value) < low:
            _fail(problems, value, path, f"have length greater than or equal to {low}")
        elif high is not None and len(value) > high:
            _fail(problems, value, path, f"have length less than or equal to {high}")

    return check


def _string(shape: Shape) -> Checker | None:
    length = _length(shape)
    enum = frozenset(shape.enum) if shape.enum else None
    pattern = shape.metadata.get("pattern")
    compiled = _compiled(pattern) if pattern else None
    if length is None and enum is None and compiled is None:
        return None

    def check(value, path, problems):
        if not isinstance(value, str):
            return
        if length is not None:
            before = len(problems)
            length(value, path, problems)
            if len(problems) > before:
                return
        if enum is not None and value not in enum:
            _fail(problems, value, path, f"satisfy enum value set: [{', '.join(shape.enum)}]")
        elif compiled is not None and compiled.fullmatch(value) is None:
            _fail(problems, value, path, f"satisfy regular expression pattern: {pattern}")

    return check


def _number(shape: Shape) -> Checker | None:
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    if low is None and high is None:
        return None

    def check(value, path, problems):
        if low is not None and value < low:
            _fail(problems, value, path, f"have value greater than or equal to {low}")
        elif high is not None and value > high:
            _fail(problems, value, path, f"have value less than or equal to {high}")

    return check


_BUILDERS = {
    "structure": _structure, "list": _list, "map": _map, "string": _string,
    "integer": _number, "long": _number, "float": _number, "double": _number,
}


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern | None:
    """Model patterns are Java regexes; the few Python cannot compile are not enforced."""
    try:
        return re.compile(pattern)
    except re.error:
        return None
