"""Unit tests of the pure AttributeValue module: AWS's validation texts, number rules,
item sizes, ordering and the order-preserving key encoding."""

import decimal
import random

import pytest

from headwater.errors import ServiceError
from headwater.services.dynamodb import types


def message_of(call, *args, **kwargs) -> str:
    with pytest.raises(ServiceError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == "ValidationException"
    return caught.value.message


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
    assert message_of(types.normalize_number, text) == message


def test_arithmetic_is_exact_and_checked():
    """SET a = a + :v works on 38-digit decimals without float rounding, and overflow is AWS's error."""
    assert types.add("0.1", "0.2") == "0.3"
    assert types.subtract("1", "1.000000000000000000000000000000000001") == "-0.000000000000000000000000000000000001"
    assert types.add("99999999999999999999999999999999999999", "-1") == "99999999999999999999999999999999999998"
    assert message_of(types.add, "9.9e125", "9.9e125") == types.NUMBER_OVERFLOW
    assert message_of(types.add, "12345678901234567890123456789012345678", "0.1") == types.TOO_MANY_DIGITS
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
    assert message_of(types.validate_value, value) == message


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
    assert message_of(types.validate_item, {"data": deep_map(32)}) == types.NESTING_TOO_DEEP


def test_expression_values_errors_name_the_key():
    """ExpressionAttributeValues problems are wrapped with the key, as AWS words them."""
    assert message_of(types.validate_item, {":ok": {"S": "x"}, ":e": {"SS": []}}, "ExpressionAttributeValues") == (
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
