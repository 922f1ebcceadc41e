"""DynamoDB's attribute values: validation, numbers, sizes, ordering and key encoding.

An AttributeValue is the dict the protocol layer parses: exactly one of ``S`` (str),
``N`` (str, as on the wire), ``B`` (bytes), ``BOOL``, ``NULL``, ``L``, ``M``, ``SS``,
``NS``, ``BS``. Everything here is pure; errors are ``ValidationException``s worded
as DynamoDB words them.

Numbers follow DynamoDB's rules: up to 38 significant digits, magnitude between
1E-130 and 9.99...E+125, returned in plain notation without leading or trailing
zeros ("1.50" → "1.5", "1e2" → "100", "-0" → "0").
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable

from headwater.errors import ServiceError
from headwater.protocol.scalars import format_blob
from headwater.services.dynamodb.errors import INVALID
from headwater.services.dynamodb.errors import validation as invalid

MAX_DIGITS = 38
MAX_EXPONENT = 125
MIN_EXPONENT = -130
MAX_NESTING = 32

SET_TYPES = frozenset({"SS", "NS", "BS"})
KEY_TYPES = frozenset({"S", "N", "B"})

_NUMBER = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)
_SIMPLE_INTEGER = re.compile(r"-?[1-9]\d{0,37}", re.ASCII)
_WIDE = decimal.Context(prec=400, Emax=999999, Emin=-999999)

NUMBER_OVERFLOW = "Number overflow. Attempting to store a number with magnitude larger than supported range"
NUMBER_UNDERFLOW = "Number underflow. Attempting to store a number with magnitude smaller than supported range"
TOO_MANY_DIGITS = "Attempting to store more than 38 significant digits in a Number"
NOT_A_NUMBER = "The parameter cannot be converted to a numeric value"
NESTING_TOO_DEEP = (
    "Nesting Levels have exceeded supported limits: "
    "Attributes in the item have nested levels beyond supported limit"
)


# --- numbers ---------------------------------------------------------------------------

def _split_number(text: str) -> tuple[bool, str, int]:
    """(negative, significant digits without leading/trailing zeros, exponent of the last digit).

    Zero is ``(False, "", 0)``. Raises the AWS error for text that is not a number.
    Plain notation is split with string methods; only an exponent needs the regex.
    """
    negative = text.startswith("-")
    whole, _, fraction = (text[1:] if negative or text.startswith("+") else text).partition(".")
    mantissa = whole + fraction
    if not (mantissa.isdigit() and mantissa.isascii()):
        return _split_scientific(text)
    return _significant(negative, mantissa, len(fraction), 0)


def _split_scientific(text: str) -> tuple[bool, str, int]:
    match = _NUMBER.fullmatch(text) if text else None
    if match is None or not (match.group(2) or match.group(3)):
        raise invalid(f"{NOT_A_NUMBER}: {text}" if text else NOT_A_NUMBER)
    sign, whole, fraction, exponent = match.groups()
    fraction = fraction or ""
    return _significant(sign == "-", whole + fraction, len(fraction), int(exponent or 0))


def _significant(negative: bool, mantissa: str, fraction_digits: int, exponent: int) -> tuple[bool, str, int]:
    digits = mantissa.lstrip("0")
    if not digits:
        return False, "", 0
    stripped = digits.rstrip("0")
    return negative, stripped, exponent - fraction_digits + len(digits) - len(stripped)


def _check_range(digits: str, scale: int) -> None:
    magnitude = scale + len(digits) - 1
    if magnitude > MAX_EXPONENT:
        raise invalid(NUMBER_OVERFLOW)
    if magnitude < MIN_EXPONENT:
        raise invalid(NUMBER_UNDERFLOW)
    if len(digits) > MAX_DIGITS:
        raise invalid(TOO_MANY_DIGITS)


def _plain(negative: bool, digits: str, scale: int) -> str:
    if not digits:
        return "0"
    if scale >= 0:
        text = digits + "0" * scale
    elif len(digits) + scale > 0:
        point = len(digits) + scale
        text = f"{digits[:point]}.{digits[point:]}"
    else:
        text = "0." + "0" * -(len(digits) + scale) + digits
    return "-" + text if negative else text


def normalize_number(text: str) -> str:
    """DynamoDB's canonical text of a number, or its ValidationException."""
    if _SIMPLE_INTEGER.fullmatch(text):
        return text
    negative, digits, scale = _split_number(text)
    if digits:
        _check_range(digits, scale)
    return _plain(negative, digits, scale)


def number(text: str) -> decimal.Decimal:
    """The exact value of a (valid) number's text."""
    return decimal.Decimal(text)


def format_number(value: decimal.Decimal) -> str:
    """The canonical text of a computed number, with AWS's range and precision checks."""
    return normalize_number(format(value, "f") if value.is_finite() else "x")


def add(a: str, b: str) -> str:
    """a + b, exact, as DynamoDB's ``SET x = a + b`` and ``ADD`` compute it."""
    return format_number(_WIDE.add(decimal.Decimal(a), decimal.Decimal(b)))


def subtract(a: str, b: str) -> str:
    """a - b, exact."""
    return format_number(_WIDE.subtract(decimal.Decimal(a), decimal.Decimal(b)))


# --- validation ------------------------------------------------------------------------

def _show(values: Iterable) -> str:
    return "[" + ", ".join(values) + "]"


def _check_set(kind: str, members: list) -> list:
    if not members:
        raise invalid(INVALID + {
            "SS": "An string set  may not be empty",
            "NS": "An number set  may not be empty",
            "BS": "Binary sets should not be empty",
        }[kind])
    if kind == "NS":
        members = [normalize_number(member) for member in members]
        if len(set(members)) != len(members):
            raise invalid("Input collection contains duplicates")
    elif len(set(members)) != len(members):
        if kind == "SS":
            raise invalid(f"{INVALID}Input collection {_show(members)} contains duplicates.")
        raise invalid(f"{INVALID}Input collection {_show(map(format_blob, members))}of type BS contains duplicates.")
    return members


def _canonical(kind: str, content, depth: int):
    if kind == "N":
        return normalize_number(content)
    if kind == "NULL" and content is not True:
        raise invalid(INVALID + "Null attribute value types must have the value of true")
    if kind in SET_TYPES:
        return _check_set(kind, content)
    if kind == "L":
        return [_validate(member, depth + 1) for member in content]
    if kind == "M":
        return {name: _validate(member, depth + 1) for name, member in content.items()}
    return content


#: Types whose values are canonical as given (never changed in place, so shared, not copied).
_AS_GIVEN = frozenset({"S", "B", "BOOL"})


def _validate(av: dict, depth: int) -> dict:
    if depth > MAX_NESTING and av:
        raise invalid(NESTING_TOO_DEEP)
    if len(av) == 1:
        (kind, content), = av.items()
        if kind in _AS_GIVEN:
            return av
        return {kind: _canonical(kind, content, depth)}
    if not av:
        raise invalid("Supplied AttributeValue is empty, must contain exactly one of the supported datatypes")
    canonical = {kind: _canonical(kind, content, depth) for kind, content in av.items()}
    if len(canonical) > 1:
        raise invalid(
            "Supplied AttributeValue has more than one datatypes set, "
            "must contain exactly one of the supported datatypes"
        )
    return canonical


def validate_value(av: dict) -> dict:
    """Check one AttributeValue; returns it in canonical form (numbers normalized)."""
    return _validate(av, 1)


def validate_item(item: dict, what: str = "item") -> dict:
    """Check every value of a map of attribute values; returns the canonical copy.

    ``what`` names the request member when AWS's message names it: for
    ``"ExpressionAttributeValues"`` the message is AWS's
    "ExpressionAttributeValues contains invalid value: <reason> for key :k".
    """
    if what != "ExpressionAttributeValues":
        return {name: _validate(av, 1) for name, av in item.items()}
    canonical = {}
    for name, av in item.items():
        try:
            canonical[name] = _validate(av, 1)
        except ServiceError as error:
            raise invalid(f"ExpressionAttributeValues contains invalid value: {error.message} for key {name}") from None
    return canonical


def checked_item(item: dict) -> tuple[dict, int]:
    """``validate_item(item)`` and the canonical item's size, in one walk over its values."""
    canonical = {}
    size = name_size("".join(item))
    for name, av in item.items():
        if len(av) == 1:  # the common scalars without a call each
            (kind, content), = av.items()
            if kind == "S":
                canonical[name] = av
                size += name_size(content)
                continue
            if kind == "N":
                text = normalize_number(content)
                canonical[name] = av if text == content else {"N": text}
                size += number_size(text)
                continue
            if kind == "BOOL":
                canonical[name] = av
                size += 1
                continue
        value = canonical[name] = _validate(av, 1)
        size += value_size(value)
    return canonical, size


# --- sizes (CapacityUnitCalculations: "DynamoDB item sizes and formats") ----------------

def number_size(text: str) -> int:
    """Bytes of a number: one per pair of significant digits (pairs aligned on the decimal
    point, as DynamoDB stores base-100 digits), one for the exponent, one more if negative."""
    if text.isdigit() and text.isascii():  # a whole number, most often: no sign nor point to split
        negative, digits, scale = _significant(False, text, 0, 0)
    else:
        negative, digits, scale = _split_number(text)
    if not digits:
        return 1
    highest = scale + len(digits) - 1
    pairs = highest // 2 - scale // 2 + 1
    return 1 + pairs + negative


def name_size(text: str) -> int:
    """UTF-8 bytes of a name or string (ASCII text is one byte a character; the size of
    several strings is the size of the string they make together)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _list_size(members: list) -> int:
    return 3 + sum(map(value_size, members)) + len(members)


def _map_size(members: dict) -> int:
    return 3 + name_size("".join(members)) + sum(map(value_size, members.values())) + len(members)


def _one(_) -> int:
    return 1


_SIZES = {
    "S": name_size, "N": number_size, "B": len, "BOOL": _one, "NULL": _one,
    "SS": lambda members: name_size("".join(members)),
    "NS": lambda members: sum(map(number_size, members)),
    "BS": lambda members: sum(map(len, members)),
    "L": _list_size, "M": _map_size,
}


def value_size(av: dict) -> int:
    """Bytes of an attribute value (without its name)."""
    (kind, content), = av.items()
    if kind == "S":
        return len(content) if content.isascii() else name_size(content)
    size = _SIZES.get(kind)
    if size is None:
        raise ValueError(f"not an AttributeValue: {av!r}")
    return size(content)


def item_size(item: dict) -> int:
    """Bytes of an item: the sum of its attribute names and values."""
    size = name_size("".join(item))
    for av in item.values():
        text = av.get("S")
        # An ASCII string (most values) is one byte a character: no call needed.
        size += len(text) if type(text) is str and text.isascii() and len(av) == 1 else value_size(av)
    return size


# --- ordering and equality -------------------------------------------------------------

def kind_of(av: dict) -> str:
    return next(iter(av))


def compare(a: dict, b: dict) -> int | None:
    """-1, 0 or 1 as DynamoDB orders S (UTF-8 bytes), N (numerically) and B (bytes);
    None when the types differ or are not ordered."""
    (kind, left), = a.items()
    right = b.get(kind)
    if right is None or len(b) != 1 or kind not in KEY_TYPES:
        return None
    if kind == "N":
        left, right = decimal.Decimal(left), decimal.Decimal(right)
    # Python orders str by code point, which is UTF-8 byte order.
    return (left > right) - (left < right)


def _set_key(kind: str, members: list) -> frozenset:
    return frozenset(map(decimal.Decimal, members)) if kind == "NS" else frozenset(members)


def equal(a: dict, b: dict) -> bool:
    """DynamoDB's equality: same type and value; sets unordered, numbers numerically."""
    (kind, left), = a.items()
    if kind not in b or len(b) != 1:
        return False
    right = b[kind]
    if kind == "N":
        return left == right or decimal.Decimal(left) == decimal.Decimal(right)
    if kind in SET_TYPES:
        return len(left) == len(right) and _set_key(kind, left) == _set_key(kind, right)
    if kind == "L":
        return len(left) == len(right) and all(map(equal, left, right))
    if kind == "M":
        return left.keys() == right.keys() and all(equal(value, right[name]) for name, value in left.items())
    return left == right


# --- order-preserving key encoding ----------------------------------------------------
# S: UTF-8 bytes; B: the bytes; N: a sign tag (negative < zero < positive), then the
# exponent as one byte, then the digits as ASCII; negatives invert exponent and digits and
# end with 0xFF so that a longer magnitude sorts first.

_NEGATIVE, _ZERO, _POSITIVE = 1, 2, 3
_INVERT = bytes.maketrans(b"0123456789", b"9876543210")


def _encode_string(content: str) -> bytes:
    return content.encode("utf-8", "surrogatepass")


def _encode_number(content: str) -> bytes:
    negative, digits, scale = _split_number(content)
    if not digits:
        return bytes([_ZERO])
    magnitude = scale + len(digits) - 1 - MIN_EXPONENT  # 0 .. 255
    if not negative:
        return bytes([_POSITIVE, magnitude]) + digits.encode()
    return bytes([_NEGATIVE, 255 - magnitude]) + digits.encode().translate(_INVERT) + b"\xff"


#: The key encoding of each key type's content.
KEY_ENCODERS = {"S": _encode_string, "B": bytes, "N": _encode_number}


def encode_key_value(av: dict) -> bytes:
    """Bytes whose memcmp order equals DynamoDB's order of key values of one type."""
    (kind, content), = av.items()
    encode = KEY_ENCODERS.get(kind)
    if encode is None:
        raise ValueError(f"not a key type: {kind}")
    return encode(content)


def decode_key_value(data: bytes, kind: str) -> dict:
    """The AttributeValue ``encode_key_value`` encoded."""
    if kind == "S":
        return {"S": data.decode("utf-8", "surrogatepass")}
    if kind == "B":
        return {"B": bytes(data)}
    tag = data[0]
    if tag == _ZERO:
        return {"N": "0"}
    if tag == _POSITIVE:
        digits, magnitude = data[2:].decode(), data[1]
        negative = False
    else:
        digits, magnitude = data[2:-1].translate(_INVERT).decode(), 255 - data[1]
        negative = True
    scale = magnitude + MIN_EXPONENT - len(digits) + 1
    return {"N": _plain(negative, digits, scale)}
