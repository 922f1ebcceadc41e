"""Unit tests of the pure AttributeValue module: AWS's validation texts, number rules,
item sizes, ordering and the order-preserving key encoding."""

import decimal
import random

import pytest

from headwater.services.dynamodb import types
from tests.protocol.wire import validation_message


@pytest.mark.parametrize("text, canonical", [
    ("1", "1"), ("-7", "-7"), ("1.50", "1.5"), ("1e2", "100"), ("1E+2", "100"), ("-0", "0"),
    ("0.00", "0"), ("+5", "5"), (".5", "0.5"), ("5.", "5"), ("-1.5e-3", "-0.0015"),
    ("00012.3400", "12.34"), ("1E-130", "0." + "0" * 129 + "1"), ("9.9E125", "99" + "0" * 124),
    ("12345678901234567890123456789012345678", "12345678901234567890123456789012345678"),
    ("1" + "0" * 60, "1" + "0" * 60),
])
def test_numbers_take_dynamodb_canonical_form(text, canonical):
    """DynamoDB returns numbers without leading/trailing zeros and in plain notation."""
    assert types.normalize_number(text) == canonical


@pytest.mark.parametrize("text, message", [
    ("", "The parameter cannot be converted to a numeric value"),
    ("abc", "The parameter cannot be converted to a numeric value: abc"),
    (" 1", "The parameter cannot be converted to a numeric value:  1"),
    ("NaN", "The parameter cannot be converted to a numeric value: NaN"),
    ("Infinity", "The parameter cannot be converted to a numeric value: Infinity"),
    ("1_000", "The parameter cannot be converted to a numeric value: 1_000"),
    ("\u0663", "The parameter cannot be converted to a numeric value: \u0663"),
    ("1e126", types.NUMBER_OVERFLOW),
    ("-1e126", types.NUMBER_OVERFLOW),
    ("1e-131", types.NUMBER_UNDERFLOW),
    ("123456789012345678901234567890123456789", types.TOO_MANY_DIGITS),
    ("-1.23456789012345678901234567890123456789", types.TOO_MANY_DIGITS),
])
def test_invalid_numbers_are_refused_with_aws_text(text, message):
    """The texts dynalite recorded from DynamoDB for bad numbers."""
    assert validation_message(types.normalize_number, text) == message


def test_arithmetic_is_exact_and_checked():
    """SET a = a + :v works on 38-digit decimals without float rounding, and overflow is AWS's error."""
    assert types.add("0.1", "0.2") == "0.3"
    assert types.subtract("1", "1.000000000000000000000000000000000001") == "-0.000000000000000000000000000000000001"
    assert types.add("99999999999999999999999999999999999999", "-1") == "99999999999999999999999999999999999998"
    assert validation_message(types.add, "9.9e125", "9.9e125") == types.NUMBER_OVERFLOW
    assert validation_message(types.add, "12345678901234567890123456789012345678", "0.1") == types.TOO_MANY_DIGITS
    assert types.number("1.5") == decimal.Decimal("1.5")


@pytest.mark.parametrize("value, message", [
    ({}, "Supplied AttributeValue is empty, must contain exactly one of the supported datatypes"),
    ({"S": "a", "N": "1"}, ("Supplied AttributeValue has more than one datatypes set, "
                           "must contain exactly one of the supported datatypes")),
    ({"S": "a", "N": "b"}, "The parameter cannot be converted to a numeric value: b"),
    ({"NULL": False}, "One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ({"SS": []}, "One or more parameter values were invalid: An string set  may not be empty"),
    ({"NS": []}, "One or more parameter values were invalid: An number set  may not be empty"),
    ({"BS": []}, "One or more parameter values were invalid: Binary sets should not be empty"),
    ({"SS": ["a", "a"]}, "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
    ({"NS": ["1", "1.0"]}, "Input collection contains duplicates"),
    ({"NS": ["1", "b"]}, "The parameter cannot be converted to a numeric value: b"),
    ({"BS": [b"b", b"b"]}, "One or more parameter values were invalid: Input collection [Yg==, Yg==]of type BS contains duplicates."),
    ({"L": [{"S": "x"}, {"NULL": False}]}, "One or more parameter values were invalid: Null attribute value types must have the value of true"),
    ({"M": {"a": {"N": "1e999"}}}, types.NUMBER_OVERFLOW),
])
def test_invalid_attribute_values_are_refused_with_aws_text(value, message):
    """The validation texts of DynamoDB, including the double space of the set messages."""
    assert validation_message(types.validate_value, value) == message


def test_valid_values_come_back_canonical():
    """Numbers inside sets, lists and maps are normalized; empty strings and binaries are allowed."""
    item = {"n": {"N": "1.0"}, "ns": {"NS": ["01", "2e0"]}, "l": {"L": [{"N": "10.50"}, {"S": ""}]},
            "m": {"M": {"b": {"B": b""}, "t": {"BOOL": False}, "z": {"NULL": True}}}}
    assert types.validate_item(item) == {
        "n": {"N": "1"}, "ns": {"NS": ["1", "2"]}, "l": {"L": [{"N": "10.5"}, {"S": ""}]},
        "m": {"M": {"b": {"B": b""}, "t": {"BOOL": False}, "z": {"NULL": True}}}}


def deep_map(wraps: int) -> dict:
    value = {"S": "leaf"}
    for _ in range(wraps):
        value = {"M": {"n": value}}
    return value


def test_nesting_is_limited_to_32_levels():
    """DynamoDB counts the attribute as level 1: 31 wraps are accepted, 32 refused."""
    types.validate_item({"data": deep_map(31)})
    assert validation_message(types.validate_item, {"data": deep_map(32)}) == types.NESTING_TOO_DEEP


def test_expression_values_errors_name_the_key():
    """ExpressionAttributeValues problems are wrapped with the key, as AWS words them."""
    assert validation_message(types.validate_item, {":ok": {"S": "x"}, ":e": {"SS": []}}, "ExpressionAttributeValues") == (
        "ExpressionAttributeValues contains invalid value: One or more parameter values were invalid: "
        "An string set  may not be empty for key :e")


@pytest.mark.parametrize("value, size", [
    ({"S": "abc"}, 3), ({"S": "é"}, 2), ({"B": b"\x00\x01"}, 2), ({"BOOL": True}, 1), ({"NULL": True}, 1),
    ({"N": "0"}, 1), ({"N": "1"}, 2), ({"N": "12"}, 2), ({"N": "100"}, 2), ({"N": "123"}, 3),
    ({"N": "-1"}, 3), ({"N": "1.5"}, 3), ({"N": "12345"}, 4),
    ({"SS": ["ab", "c"]}, 3), ({"NS": ["1", "123"]}, 5), ({"BS": [b"ab", b"c"]}, 3),
    ({"L": []}, 3), ({"M": {}}, 3), ({"L": [{"S": "ab"}, {"BOOL": True}]}, 3 + 3 + 2),
    ({"M": {"key": {"S": "ab"}}}, 3 + 3 + 2 + 1),
])
def test_value_sizes_follow_the_developer_guide(value, size):
    """CapacityUnitCalculations: UTF-8 bytes, ~1 byte per 2 digits + 1, 1 for BOOL/NULL,
    3 bytes per L/M plus 1 per element."""
    assert types.value_size(value) == size


def test_item_size_adds_names_and_values():
    assert types.item_size({"id": {"S": "abc"}, "n": {"N": "12345"}, "ünï": {"BOOL": True}}) == (2 + 3) + (1 + 4) + (5 + 1)


def number_text(rng: random.Random) -> str:
    """A valid number written any way a client may write it: sign, leading and trailing
    zeros, a decimal point anywhere, an exponent."""
    whole = "".join(rng.choice("0123456789") for _ in range(rng.randint(0, 19)))
    fraction = "".join(rng.choice("0123456789") for _ in range(rng.randint(0 if whole else 1, 19)))
    text = rng.choice(["", "-", "+"]) + whole + rng.choice([".", "." + fraction, ""] if whole else ["." + fraction])
    return text + (f"{rng.choice('eE')}{rng.choice(['', '+', '-'])}{rng.randint(0, 60)}" if rng.random() < 0.3 else "")


def reference_number_size(text: str) -> int:
    """The size rule read off Decimal's digits: base-100 digits aligned on the decimal point."""
    value = decimal.Context(prec=200).normalize(decimal.Decimal(text))
    if not value:
        return 1
    negative, digits, exponent = value.as_tuple()
    highest = exponent + len(digits) - 1
    return 1 + (highest // 2 - exponent // 2 + 1) + negative


def test_number_sizes_match_the_rule_on_generated_numbers():
    rng = random.Random(11)
    for _ in range(20000):
        text = number_text(rng)
        assert types.number_size(text) == reference_number_size(text), text
        assert types.number_size(types.normalize_number(text)) == reference_number_size(text), text


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice("az_é\u20ac\U0001f600\ud800") for _ in range(rng.randint(0, 6)))


def random_value(rng: random.Random, depth: int = 0) -> dict:
    kind = rng.choice(["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS"] + (["L", "M"] if depth < 3 else []))
    members = range(rng.randint(0, 4))
    return {
        "S": lambda: {"S": random_text(rng)}, "N": lambda: {"N": number_text(rng)},
        "B": lambda: {"B": rng.randbytes(rng.randint(0, 9))}, "BOOL": lambda: {"BOOL": False},
        "NULL": lambda: {"NULL": True}, "SS": lambda: {"SS": [random_text(rng) for _ in members]},
        "NS": lambda: {"NS": [number_text(rng) for _ in members]},
        "BS": lambda: {"BS": [rng.randbytes(3) for _ in members]},
        "L": lambda: {"L": [random_value(rng, depth + 1) for _ in members]},
        "M": lambda: {"M": {random_text(rng): random_value(rng, depth + 1) for _ in members}},
    }[kind]()


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def guide_size(av: dict) -> int:
    """An attribute value's size as the developer guide states it, nested values by ``value_size``."""
    (kind, content), = av.items()
    if kind in ("S", "SS"):
        return sum(map(utf8_size, [content] if kind == "S" else content))
    if kind in ("N", "NS"):
        return sum(map(reference_number_size, [content] if kind == "N" else content))
    if kind in ("B", "BS"):
        return sum(map(len, [content] if kind == "B" else content))
    if kind == "L":
        return 3 + sum(types.value_size(member) + 1 for member in content)
    if kind == "M":
        return 3 + sum(utf8_size(key) + types.value_size(member) + 1 for key, member in content.items())
    return 1  # BOOL, NULL


def test_sizes_of_generated_items_add_up_as_the_developer_guide_says():
    """UTF-8 bytes of names and strings, members of sets summed, 3 bytes per L/M plus 1 per
    element (and its key's bytes for M), the item the sum of its names and values."""
    rng = random.Random(13)
    for _ in range(3000):
        item = {random_text(rng): random_value(rng) for _ in range(rng.randint(0, 6))}
        assert types.item_size(item) == sum(utf8_size(name) + types.value_size(av) for name, av in item.items())
        for av in item.values():
            assert types.value_size(av) == guide_size(av), av


def test_compare_orders_like_dynamodb():
    """Strings by UTF-8 bytes, numbers numerically, binaries bytewise; None across types."""
    assert types.compare({"S": "a"}, {"S": "b"}) == -1
    assert types.compare({"S": "\uffff"}, {"S": "\U0001f600"}) == -1  # UTF-8 order, not UTF-16
    assert types.compare({"N": "10"}, {"N": "9"}) == 1
    assert types.compare({"N": "1.0"}, {"N": "1"}) == 0
    assert types.compare({"B": b"\x01"}, {"B": b"\x00\xff"}) == 1
    assert types.compare({"S": "1"}, {"N": "1"}) is None
    assert types.compare({"BOOL": True}, {"BOOL": True}) is None


def test_equal_treats_sets_as_unordered_and_numbers_numerically():
    assert types.equal({"NS": ["1", "2"]}, {"NS": ["2.0", "1"]})
    assert types.equal({"SS": ["a", "b"]}, {"SS": ["b", "a"]})
    assert not types.equal({"SS": ["a"]}, {"SS": ["a", "b"]})
    assert types.equal({"M": {"a": {"L": [{"N": "1"}]}}}, {"M": {"a": {"L": [{"N": "1.00"}]}}})
    assert not types.equal({"L": [{"N": "1"}, {"N": "2"}]}, {"L": [{"N": "2"}, {"N": "1"}]})
    assert not types.equal({"S": "1"}, {"N": "1"})
    assert types.equal({"NULL": True}, {"NULL": True})


def random_number(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 38))).lstrip("0") or "0"
    exponent = rng.randint(-120, 80)
    return types.normalize_number(f"{rng.choice(['', '-'])}{digits}e{exponent}")


def test_number_key_encoding_preserves_numeric_order_and_round_trips():
    """memcmp order of encoded keys is numeric order, so SQLite sorts partitions itself."""
    rng = random.Random(7)
    numbers = [random_number(rng) for _ in range(2000)] + ["0", "1", "-1", "0.5", "-0.5", "1e10", "-1e10",
                                                             "1E-130", "-1E-130", "9.9E125", "-9.9E125"]
    numbers = [types.normalize_number(n) for n in numbers]
    by_encoding = sorted(numbers, key=lambda n: types.encode_key_value({"N": n}))
    assert [decimal.Decimal(n) for n in by_encoding] == sorted(decimal.Decimal(n) for n in numbers)
    for n in numbers:
        assert types.decode_key_value(types.encode_key_value({"N": n}), "N") == {"N": n}


def test_string_and_binary_key_encoding_preserve_order():
    strings = ["", "a", "ab", "b", "é", "\uffff", "\U0001f600", "Z"]
    encoded = sorted(strings, key=lambda s: types.encode_key_value({"S": s}))
    assert encoded == sorted(strings, key=lambda s: s.encode())
    assert types.decode_key_value(types.encode_key_value({"S": "é"}), "S") == {"S": "é"}
    assert types.decode_key_value(types.encode_key_value({"B": b"\x00\xff"}), "B") == {"B": b"\x00\xff"}


def test_checked_item_is_validate_item_and_item_size_in_one_walk():
    """The same canonical item and size, or the same error, on generated and invalid items."""
    rng = random.Random(29)
    invalid = [{"NULL": False}, {}, {"S": "a", "N": "1"}, {"N": "1e999"}, {"SS": []}, {"N": "x"}, deep_map(32)]
    for _ in range(2000):
        item = {random_text(rng): random_value(rng) for _ in range(rng.randint(0, 6))}
        if rng.random() < 0.2:
            item["bad"] = rng.choice(invalid)
        try:
            expected = types.validate_item(item)
        except Exception as error:
            assert validation_message(types.checked_item, item) == error.message
        else:
            assert types.checked_item(item) == (expected, types.item_size(expected))
