"""Condition operators (spec §3.4–3.5): String, Numeric, Date, Bool, Binary, IP, ARN, Null,
with the ``…IfExists`` suffix and the ``ForAllValues:`` / ``ForAnyValue:`` set qualifiers.

A condition block is compiled once into :class:`Condition` objects; policy values are
parsed (numbers, dates, networks, patterns) at that time, never per request.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any

from headwater.auth.policy.matching import ARN, GLOB, LITERAL, Pattern


class BadConditionValue(ValueError):
    """A policy value the operator cannot read (a date that is not a date, ...)."""


# -- value readers ------------------------------------------------------------------------

def _number(text: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise BadConditionValue(text) from None
    if not value.is_finite():
        raise BadConditionValue(text)
    return value


_DATE = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ](\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d+))?)?)?)?"
    r"\s*(Z|z|[+-]\d{1,2}(?::?\d{2})?)?")
_LONG = 2 ** 63


def _instant(text: str) -> Decimal:
    """A W3C/ISO 8601 date-time or epoch seconds, as epoch seconds."""
    text = text.strip()
    if re.fullmatch(r"-?\d+", text):
        if not -_LONG <= int(text) < _LONG:
            raise BadConditionValue(text)
        return Decimal(text)
    found = _DATE.fullmatch(text)
    if not found:
        raise BadConditionValue(text)
    year, month, day, hour, minute, second, fraction, zone = found.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                          int(second or 0), tzinfo=_zone(zone))
    except ValueError:
        raise BadConditionValue(text) from None
    return Decimal(int(moment.timestamp())) + Decimal(f"0.{fraction or 0}")


def _zone(text: str | None) -> timezone:
    if not text or text in "Zz":
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = (digits[:-2], digits[-2:]) if len(digits) > 2 else (digits, "0")
    offset = timedelta(hours=int(hours), minutes=int(minutes))
    if offset >= timedelta(hours=24):
        raise ValueError(text)
    return timezone(sign * offset)


def _network(text: str):
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        raise BadConditionValue(text) from None


def _binary(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return text.encode()


# -- operators ----------------------------------------------------------------------------

def _tolerant(reader: Callable[[str], Any]) -> Callable[[str], Any]:
    """``reader`` for request values: an unreadable value is None (it matches nothing)."""
    def read(text: str):
        try:
            return reader(text)
        except (BadConditionValue, ValueError):
            return None
    return read


@dataclass(frozen=True)
class Operator:
    """``prepare(policy_value, variables)`` → compiled value; ``hit(compiled, value, context)``."""

    negated: bool
    prepare: Callable[[str, bool], Any]
    hit: Callable[[Any, str, dict], bool | None]


def _pattern_op(shape: str, negated: bool, ignore_case: bool = False) -> Operator:
    return Operator(
        negated,
        lambda text, variables: Pattern(text, shape, variables=variables, ignore_case=ignore_case),
        lambda pattern, value, context: pattern.matches(value, context))


def _compare_op(reader, compare, negated: bool = False) -> Operator:
    request_value = _tolerant(reader)

    def hit(policy_value, value, context):
        actual = request_value(value)
        return actual is not None and compare(actual, policy_value)
    return Operator(negated, lambda text, variables: reader(text), hit)


def _ip_hit(network, value, context):
    try:
        return ipaddress.ip_address(value.strip()) in network
    except ValueError:
        return False


def _comparisons(prefix: str, reader) -> dict[str, Operator]:
    return {
        f"{prefix}Equals": _compare_op(reader, lambda a, b: a == b),
        f"{prefix}NotEquals": _compare_op(reader, lambda a, b: a == b, negated=True),
        f"{prefix}LessThan": _compare_op(reader, lambda a, b: a < b),
        f"{prefix}LessThanEquals": _compare_op(reader, lambda a, b: a <= b),
        f"{prefix}GreaterThan": _compare_op(reader, lambda a, b: a > b),
        f"{prefix}GreaterThanEquals": _compare_op(reader, lambda a, b: a >= b),
    }


OPERATORS: dict[str, Operator] = {
    "StringEquals": _pattern_op(LITERAL, False),
    "StringNotEquals": _pattern_op(LITERAL, True),
    "StringEqualsIgnoreCase": _pattern_op(LITERAL, False, ignore_case=True),
    "StringNotEqualsIgnoreCase": _pattern_op(LITERAL, True, ignore_case=True),
    "StringLike": _pattern_op(GLOB, False),
    "StringNotLike": _pattern_op(GLOB, True),
    **_comparisons("Numeric", _number),
    **_comparisons("Date", _instant),
    "Bool": _pattern_op(LITERAL, False, ignore_case=True),
    "BinaryEquals": _compare_op(_binary, lambda a, b: a == b),
    "IpAddress": Operator(False, lambda text, variables: _network(text), _ip_hit),
    "NotIpAddress": Operator(True, lambda text, variables: _network(text), _ip_hit),
    "ArnEquals": _pattern_op(ARN, False),
    "ArnLike": _pattern_op(ARN, False),
    "ArnNotEquals": _pattern_op(ARN, True),
    "ArnNotLike": _pattern_op(ARN, True),
}
_NULL = "Null"
_QUALIFIERS = ("ForAllValues:", "ForAnyValue:")
_IF_EXISTS = "IfExists"


def split_operator(name: str) -> tuple[str | None, str, bool] | None:
    """``ForAnyValue:StringLikeIfExists`` → ("ForAnyValue", "StringLike", True); None if unknown."""
    qualifier = next((q for q in _QUALIFIERS if name.startswith(q)), None)
    base = name[len(qualifier):] if qualifier else name
    if_exists = base.endswith(_IF_EXISTS) and base != _IF_EXISTS
    if if_exists:
        base = base[: -len(_IF_EXISTS)]
    if base == _NULL and not if_exists:
        return (qualifier and qualifier[:-1]), base, False
    if base not in OPERATORS:
        return None
    return (qualifier and qualifier[:-1]), base, if_exists


# -- conditions ---------------------------------------------------------------------------

class Condition:
    """One ``operator: {key: values}`` pair of a condition block."""

    __slots__ = (
        "base",
        "exact",
        "fold",
        "if_exists",
        "key",
        "operator",
        "operator_name",
        "qualifier",
        "texts",
        "values",
    )

    def __init__(self, operator_name: str, key: str, texts: tuple[str, ...], variables: bool):
        self.operator_name = operator_name
        self.key = key.lower()
        self.texts = texts
        self.qualifier, self.base, self.if_exists = split_operator(operator_name)
        self.operator = OPERATORS.get(self.base)
        if self.operator is None:  # Null
            self.values = tuple(t.strip().lower() for t in texts)
        else:
            self.values = tuple(self.operator.prepare(t, variables) for t in texts)
        self.fold, self.exact = self._exact_values()

    def _exact_values(self) -> tuple[bool, frozenset | None]:
        """String/Bool values without variables compare as a set (case folded if need be)."""
        values = self.values
        if not values or not all(isinstance(v, Pattern) and v.literal is not None for v in values):
            return False, None
        fold = bool(values[0].flags & re.IGNORECASE)
        return fold, frozenset(v.literal.lower() if fold else v.literal for v in values)

    def holds(self, context: dict[str, list[str]], missing: set[str]) -> bool:
        request = context.get(self.key) or ()
        if self.operator is None:
            present = "false" if request else "true"
            return present in self.values
        if not request:
            if not self.if_exists:
                missing.add(self.key)
            if self.if_exists or self.qualifier == "ForAllValues":
                return True
            return self.qualifier is None and self.operator.negated
        if self.qualifier == "ForAllValues":
            return all(self._value_holds(v, context, missing) for v in request)
        if self.qualifier == "ForAnyValue":
            return any(self._value_holds(v, context, missing) for v in request)
        hit = any(self._hit(v, context, missing) for v in request)
        return hit != self.operator.negated

    def _value_holds(self, value: str, context, missing) -> bool:
        return self._hit(value, context, missing) != self.operator.negated

    def _hit(self, value: str, context, missing: set[str]) -> bool:
        """Does ``value`` equal / match any policy value (an unresolvable one matches nothing)."""
        if self.exact is not None:
            return (value.lower() if self.fold else value) in self.exact
        for compiled in self.values:
            found = self.operator.hit(compiled, value, context)
            if found:
                return True
            if found is None:
                missing.update(k for k in compiled.keys if not context.get(k))
        return False

    def describe(self) -> str:
        return f"{self.operator_name} {self.key} {list(self.texts)}"
