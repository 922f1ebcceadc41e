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
from itertools import chain
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
    checker = _input_checker(operation.input_shape)
    if checker is None:
        return
    problems: list[str] = []
    checker(params, None, problems)
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


# --- compiling ---------------------------------------------------------------------------
#
# An input shape's check is compiled once, with its members': a container (structure, list
# or map) is checked only for what is constrained in it, and not walked at all when nothing
# in it is. Containers are compiled by name within one input shape, which ties recursive
# shapes (DynamoDB's AttributeValue) to the check being built.
#
# Lists and maps of data (a BatchWriteItem's items) first look at all their members at once,
# at C speed: keys only length-checked are measured together, and structures with nothing
# required are skipped when none of their keys names a constrained member. Only a list or
# map that fails this look is walked member by member, which finds the same problems in the
# same order.


@lru_cache(maxsize=None)
def _input_checker(shape: Shape) -> Checker | None:
    """The compiled check of an operation's input shape; None when it constrains nothing."""
    constrained = _constrained_names(shape)
    compiled: dict[str, Checker] = {}

    def compile_shape(inner: Shape) -> Checker | None:
        if inner.name not in constrained:
            return None
        if inner.name in compiled:
            return compiled[inner.name]
        kind = inner.type_name
        if kind in _CONTAINER_BUILDERS:
            return _CONTAINER_BUILDERS[kind](inner, compiled, compile_shape)
        return _SCALAR_BUILDERS.get(kind, lambda shape: None)(inner)

    return compile_shape(shape)


def _children(shape: Shape) -> list[Shape]:
    kind = shape.type_name
    if kind == "structure":
        return [] if shape.is_document_type else list(shape.members.values())
    if kind == "list":
        return [shape.member]
    if kind == "map":
        return [shape.key, shape.value]
    return []


def _constrained_names(root: Shape) -> set[str]:
    """The names of the shapes under ``root`` (itself included) that constrain something,
    themselves or in a shape they contain."""
    shapes = {root.name: root}
    pending = [root]
    while pending:
        for child in _children(pending.pop()):
            if child.name not in shapes:
                shapes[child.name] = child
                pending.append(child)
    contains = {name: {child.name for child in _children(shape)} for name, shape in shapes.items()}
    constrained = {name for name, shape in shapes.items() if _constrains(shape)}
    grown = True
    while grown:
        grown = False
        for name, inner in contains.items():
            if name not in constrained and not inner.isdisjoint(constrained):
                constrained.add(name)
                grown = True
    return constrained


def _constrains(shape: Shape) -> bool:
    """Whether the model puts a constraint on ``shape`` itself (not on what it contains)."""
    kind = shape.type_name
    if kind == "structure":
        return not shape.is_document_type and bool(shape.required_members)
    has_range = shape.metadata.get("min") is not None or shape.metadata.get("max") is not None
    if kind == "string":
        pattern = shape.metadata.get("pattern")
        return has_range or bool(shape.enum) or (bool(pattern) and _compiled(pattern) is not None)
    return has_range and kind in ("list", "map", "integer", "long", "float", "double")


Compile = Callable[[Shape], "Checker | None"]


def _structure(shape: Shape, compiled: dict, compile_shape: Compile) -> Checker:
    required = list(shape.required_members)
    segments = {name: name[:1].lower() + name[1:] for name in shape.members}
    members: dict[str, tuple[str, Checker]] = {}  # the constrained ones; filled below

    def check(value, path, problems):
        if not isinstance(value, dict):
            return
        for name in required:
            if value.get(name) is None:
                _fail(problems, None, (path, segments[name]), "not be null")
        for name, member_value in value.items():
            found = members.get(name)
            if found is not None and member_value is not None:
                found[1](member_value, (path, found[0]), problems)

    compiled[shape.name] = check
    # A value none of whose keys is one of these has nothing to check (a live view: the
    # members are compiled below, after recursion may already have taken it).
    check.checked_keys = None if required else members.keys()
    for name, member in shape.members.items():
        inner = compile_shape(member)
        if inner is not None:
            members[name] = (segments[name], inner)
    return check


def _list(shape: Shape, compiled: dict, compile_shape: Compile) -> Checker:
    length = _length(shape)

    def check(value, path, problems):
        if length is not None:
            length(value, path, problems)
        if inner is not None and not _members_pass(inner, value):
            for index, item in enumerate(value, 1):
                inner(item, ((path, str(index)), "member"), problems)

    compiled[shape.name] = check
    inner = compile_shape(shape.member)
    return check


def _map(shape: Shape, compiled: dict, compile_shape: Compile) -> Checker:
    length = _length(shape)

    def check(value, path, problems):
        if length is not None:
            length(value, path, problems)
        if key_check is None and value_check is None:
            return
        if _members_pass(key_check, value) and _members_pass(value_check, value.values()):
            return
        for key, item in value.items():
            if key_check is not None:
                key_check(key, (path, "key"), problems)
            if value_check is not None:
                value_check(item, ((path, str(key)), "member"), problems)

    compiled[shape.name] = check
    key_check, value_check = compile_shape(shape.key), compile_shape(shape.value)
    return check


def _members_pass(check: Checker | None, members) -> bool:
    """Whether ``check`` is sure to find nothing in any of ``members``, looked at together
    (False: they are to be checked one by one)."""
    if check is None or not members:
        return True
    bounds = getattr(check, "length_bounds", None)
    # What is not a string (or a dict) has nothing to check either, so members of another
    # type passing these looks change nothing; those they cannot measure are walked.
    try:
        if bounds is not None:
            low, high = bounds
            return (low is None or min(map(len, members)) >= low) and (high is None or max(map(len, members)) <= high)
        keys = getattr(check, "checked_keys", None)
        return keys is not None and keys.isdisjoint(chain.from_iterable(members))
    except TypeError:
        return False


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

    if enum is None and compiled is None:  # only its length is checked: strings measured at once pass
        check.length_bounds = (shape.metadata.get("min"), shape.metadata.get("max"))
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


_CONTAINER_BUILDERS = {"structure": _structure, "list": _list, "map": _map}
_SCALAR_BUILDERS = {"string": _string, "integer": _number, "long": _number, "float": _number, "double": _number}


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> re.Pattern | None:
    """Model patterns are Java regexes; the few Python cannot compile are not enforced."""
    try:
        return re.compile(pattern)
    except re.error:
        return None
