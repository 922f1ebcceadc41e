"""The condition operator matrix (spec §3.4–3.6): every operator, IfExists, set qualifiers,
Null, missing keys, case rules and policy variables in condition values."""

from __future__ import annotations

import pytest

from headwater.auth.policy.conditions import Condition

MISSING = None
KEY = "k"


def holds(operator, values, request, context=None, variables=True):
    values = tuple(values) if isinstance(values, list) else (values,)
    context = dict(context or {})
    if request is not MISSING:
        context[KEY] = request if isinstance(request, list) else [request]
    missing: set[str] = set()
    return Condition(operator, KEY, values, variables).holds(context, missing), missing


MATRIX = [
    # strings
    ("StringEquals", "abc", "abc", True),
    ("StringEquals", "abc", "ABC", False),
    ("StringEquals", "a*", "abc", False),
    ("StringEquals", ["x", "abc"], "abc", True),
    ("StringNotEquals", "abc", "abc", False),
    ("StringNotEquals", ["x", "y"], "abc", True),
    ("StringNotEquals", ["x", "abc"], "abc", False),  # NOR over several values
    ("StringEqualsIgnoreCase", "abc", "ABC", True),
    ("StringNotEqualsIgnoreCase", "abc", "ABC", False),
    ("StringNotEqualsIgnoreCase", "abc", "abd", True),
    ("StringLike", "a*c", "abbbc", True),
    ("StringLike", "a?c", "abc", True),
    ("StringLike", "a?c", "abbc", False),
    ("StringLike", "A*", "abc", False),
    ("StringLike", "home/*", "home/a/b", True),
    ("StringNotLike", "a*", "abc", False),
    ("StringNotLike", ["x*", "y*"], "abc", True),
    # numbers
    ("NumericEquals", "10", "10.0", True),
    ("NumericNotEquals", "10", "11", True),
    ("NumericLessThan", "10", "9.5", True),
    ("NumericLessThan", "10", "10", False),
    ("NumericLessThanEquals", "10", "10", True),
    ("NumericGreaterThan", "10", "11", True),
    ("NumericGreaterThanEquals", "10", "9", False),
    ("NumericEquals", "10", "ten", False),
    # dates: ISO 8601 and epoch seconds on either side
    ("DateEquals", "2020-01-01T00:00:00Z", "1577836800", True),
    ("DateNotEquals", "2020-01-01T00:00:00Z", "2020-01-01T00:00:01Z", True),
    ("DateLessThan", "2020-06-30T23:59:59Z", "2020-07-01T00:00:00Z", False),
    ("DateLessThanEquals", "2020-01-01", "2020-01-01T00:00:00Z", True),
    ("DateGreaterThan", "2020-04-01T00:00:00Z", "2020-04-01T00:00:01Z", True),
    ("DateGreaterThanEquals", "2020-04-01T02:00:00+02:00", "2020-04-01T00:00:00Z", True),
    ("DateGreaterThan", "1577836800", "2019-12-31T23:59:59Z", False),
    ("DateEquals", "2020-01-01T00:00:00Z", "not a date", False),
    # booleans compare case-insensitively
    ("Bool", "true", "true", True),
    ("Bool", "false", "true", False),
    ("Bool", "true", "TRUE", True),
    # binary
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", "QmluYXJ5VmFsdWU=", True),
    ("BinaryEquals", "QmluYXJ5VmFsdWU=", "T3RoZXI=", False),
    # IP addresses
    ("IpAddress", "203.0.113.0/24", "203.0.113.7", True),
    ("IpAddress", "203.0.113.0/24", "198.51.100.1", False),
    ("IpAddress", "203.0.113.7", "203.0.113.7", True),
    ("IpAddress", "203.0.113.7", "203.0.113.8", False),
    ("IpAddress", "2001:db8::/32", "2001:db8::1", True),
    ("IpAddress", "2001:db8::1", "2001:db8::2", False),
    ("IpAddress", "203.0.113.0/24", "2001:db8::1", False),
    ("IpAddress", "203.0.113.0/24", "not-an-ip", False),
    ("NotIpAddress", ["192.0.2.0/24", "203.0.113.0/24"], "198.51.100.9", True),
    ("NotIpAddress", ["192.0.2.0/24", "203.0.113.0/24"], "203.0.113.9", False),
    # ARNs: six parts matched separately
    ("ArnEquals", "arn:aws:iam::123456789012:role/etl", "arn:aws:iam::123456789012:role/etl", True),
    ("ArnLike", "arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/etl", True),
    ("ArnLike", "arn:aws:s3:::b/*", "arn:aws:s3:::b/x:y", True),
    ("ArnLike", "arn:aws:*:us-east-1:*:*", "arn:aws:sqs:us-east-1:1:q", True),
    ("ArnLike", "arn:aws:*:*:123456789012:finance/*",
     "arn:aws:someservice:us-east-2:999999999999:store/abc:123456789012:finance/x", False),
    ("StringLike", "arn:aws:*:*:123456789012:finance/*",
     "arn:aws:someservice:us-east-2:999999999999:store/abc:123456789012:finance/x", True),
    ("ArnLike", "arn:aws:iam::*:role/*", "not-an-arn", False),
    ("ArnNotEquals", "arn:aws:iam::123456789012:role/etl", "arn:aws:iam::123456789012:role/etl", False),
    ("ArnNotLike", "arn:aws:iam::*:role/x*", "arn:aws:iam::123456789012:role/etl", True),
    # Null
    ("Null", "true", MISSING, True),
    ("Null", "true", "x", False),
    ("Null", "false", "x", True),
    ("Null", "false", MISSING, False),
    ("ForAnyValue:Null", "true", MISSING, True),
    ("ForAllValues:Null", "false", MISSING, False),
    # missing keys: positive false, negated true, IfExists true
    ("StringEquals", "x", MISSING, False),
    ("StringNotEquals", "x", MISSING, True),
    ("StringLike", "x*", MISSING, False),
    ("StringNotLike", "x*", MISSING, True),
    ("NumericLessThan", "1", MISSING, False),
    ("DateLessThan", "2020-01-01", MISSING, False),
    ("Bool", "false", MISSING, False),
    ("IpAddress", "10.0.0.0/8", MISSING, False),
    ("NotIpAddress", "10.0.0.0/8", MISSING, True),
    ("ArnLike", "arn:*", MISSING, False),
    ("ArnNotLike", "arn:*", MISSING, True),
    ("StringEqualsIfExists", "x", MISSING, True),
    ("StringNotEqualsIfExists", "x", MISSING, True),
    ("BoolIfExists", "false", MISSING, True),
    ("NumericGreaterThanIfExists", "1800", MISSING, True),
    ("NumericGreaterThanIfExists", "1800", "600", False),
    ("IpAddressIfExists", "10.0.0.0/8", "192.168.0.1", False),
    ("ArnLikeIfExists", "arn:aws:iam::*:role/*", "arn:aws:iam::1:role/r", True),
    # set qualifiers
    ("ForAllValues:StringEquals", ["ID", "Message", "Tags"], ["ID", "Message"], True),
    ("ForAllValues:StringEquals", ["ID", "Message", "Tags"], ["ID", "Secret"], False),
    ("ForAllValues:StringEquals", ["ID"], MISSING, True),
    ("ForAllValues:StringEquals", ["ID"], [], True),
    ("ForAnyValue:StringEquals", ["ID", "PostDateTime"], ["UserName", "PostDateTime"], True),
    ("ForAnyValue:StringEquals", ["ID", "PostDateTime"], ["UserName"], False),
    ("ForAnyValue:StringEquals", ["ID"], MISSING, False),
    ("ForAnyValue:StringEquals", ["ID"], [], False),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "d"], True),
    ("ForAllValues:StringNotEquals", ["a", "b"], ["c", "a"], False),
    ("ForAnyValue:StringNotEquals", ["a", "b"], ["a", "c"], True),
    ("ForAnyValue:StringLike", ["dev*"], ["prod", "dev1"], True),
    ("ForAnyValue:StringEquals", "x", "x", True),  # a single value acts as a one-element set
    ("ForAnyValue:StringEqualsIfExists", "x", MISSING, True),
]


@pytest.mark.parametrize("operator, values, request_value, expected", MATRIX,
                         ids=[f"{i}-{row[0]}" for i, row in enumerate(MATRIX)])
def test_operator(operator, values, request_value, expected):
    assert holds(operator, values, request_value)[0] is expected


def test_missing_key_is_reported_unless_ifexists_or_null():
    assert holds("StringEquals", "x", MISSING)[1] == {KEY}
    assert holds("StringNotEquals", "x", MISSING)[1] == {KEY}
    assert holds("StringEqualsIfExists", "x", MISSING)[1] == set()
    assert holds("Null", "true", MISSING)[1] == set()
    assert holds("StringEquals", "x", "x")[1] == set()


def test_condition_key_names_are_case_insensitive():
    condition = Condition("StringEquals", "AWS:PrincipalTag/Team", ("data",), True)
    assert condition.key == "aws:principaltag/team"
    assert condition.holds({"aws:principaltag/team": ["data"]}, set())


# -- policy variables in condition values ------------------------------------------------

def test_variable_is_substituted():
    context = {"aws:username": ["David"]}
    assert holds("StringLike", "home/${aws:username}/*", "home/David/x", context)[0]
    assert not holds("StringLike", "home/${aws:username}/*", "home/Eve/x", context)[0]


def test_unresolved_variable_fails_positive_and_satisfies_negated_operators():
    result, missing = holds("StringEquals", "${aws:username}", "alice")
    assert result is False and missing == {"aws:username"}
    assert holds("StringNotEquals", "${aws:username}", "alice")[0] is True
    assert holds("ArnLike", "arn:aws:iam::1:user/${aws:username}", "arn:aws:iam::1:user/a")[0] is False


def test_variable_default_value():
    values = "${aws:PrincipalTag/team, 'company-wide'}"
    assert holds("StringEquals", values, "company-wide")[0]
    assert holds("StringEquals", values, "data", {"aws:principaltag/team": ["data"]})[0]


def test_substituted_value_is_literal_not_a_wildcard():
    context = {"aws:principaltag/prefix": ["*"]}
    assert not holds("StringLike", "${aws:PrincipalTag/prefix}", "anything", context)[0]
    assert holds("StringLike", "${aws:PrincipalTag/prefix}", "*", context)[0]


def test_escapes_produce_literal_characters():
    assert holds("StringLike", "a${*}b", "a*b")[0]
    assert not holds("StringLike", "a${*}b", "axxb")[0]
    assert holds("StringEquals", "${?}${$}", "?$")[0]


def test_variables_are_literal_text_in_old_policies():
    context = {"aws:username": ["David"]}
    assert holds("StringEquals", "${aws:username}", "${aws:username}", context, variables=False)[0]
    assert not holds("StringEquals", "${aws:username}", "David", context, variables=False)[0]


def test_variables_work_in_bool_and_arn_values():
    context = {"aws:principaltag/mfa": ["true"], "aws:principaltag/acct": ["123456789012"]}
    assert holds("Bool", "${aws:PrincipalTag/mfa}", "true", context)[0]
    assert holds("ArnEquals", "arn:aws:iam::${aws:PrincipalTag/acct}:role/r",
                 "arn:aws:iam::123456789012:role/r", context)[0]
