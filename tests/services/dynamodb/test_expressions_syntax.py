"""Unit tests of expression parsing: DynamoDB's syntax-error wording (token and near),
limits, reserved words, function misuse and the priority between text-only errors."""

import pytest

from headwater.services.dynamodb.expressions import Expressions
from headwater.services.dynamodb.expressions.parser import parse
from headwater.services.dynamodb.expressions.reserved import RESERVED_WORDS
from tests.protocol.wire import validation_message


def condition_error(text: str, names=None, values=None) -> str:
    return validation_message(Expressions(names, values).condition, text)


def update_error(text: str, names=None, values=None) -> str:
    return validation_message(Expressions(names, values).update, text)


def projection_error(text: str, names=None) -> str:
    return validation_message(Expressions(names).projection, text)


@pytest.mark.parametrize("kind, text, token, near", [
    ("condition", "a = ", "<EOF>", "= "),
    ("condition", "a b", "b", "a b"),
    ("condition", "things are not gonna be ok", "are", "things are not"),
    ("condition", "a = :v :w", ":w", ":v :w"),
    ("condition", "a > 4", "4", "> 4"),
    ("condition", "a + b = :v", "+", "a + b"),
    ("update", "INVALID SYNTAX HERE", "INVALID", "INVALID SYNTAX"),
    ("update", "SET path = VALUE 1", "1", "VALUE 1"),
    ("update", "ADD  SET #createdAt", "SET", "ADD  SET #createdAt"),
    ("update", "SET #attr1 = :val1, #attr2 = :val2,", "<EOF>", ","),
    ("update", "SET numx = numx / :v", "/", "numx / :v"),
    ("update", "set a = b + c + d", "+", "c + d"),
    ("update", "set a", "<EOF>", "a"),
    ("update", "delete a b", "b", "a b"),
    ("update", "set a = (b.c).d + e", ".", ").d"),
    ("projection", "!!!", "!", "!!"),
    ("projection", "a b", "b", "a b"),
    ("projection", "a,", "<EOF>", ","),
    ("projection", "a[x]", "x", "[x]"),
])
def test_syntax_errors_name_the_token_and_its_neighbours(kind, text, token, near):
    """DynamoDB's syntax errors quote the offending token with the tokens around it."""
    label = {"condition": "ConditionExpression", "update": "UpdateExpression", "projection": "ProjectionExpression"}
    call = {"condition": condition_error, "update": update_error, "projection": projection_error}[kind]
    values = {":v": {"S": "x"}, ":w": {"S": "y"}, ":val1": {"N": "1"}, ":val2": {"N": "2"}}
    message = call(text) if kind == "projection" else call(text, None, values)
    assert message == f'Invalid {label[kind]}: Syntax error; token: "{token}", near: "{near}"'


@pytest.mark.parametrize("text", ["", "   "])
def test_empty_expressions_are_refused(text):
    assert condition_error(text) == "Invalid ConditionExpression: The expression can not be empty;"
    assert update_error(text) == "Invalid UpdateExpression: The expression can not be empty;"
    assert projection_error(text) == "Invalid ProjectionExpression: The expression can not be empty;"


def test_expressions_larger_than_4_kb_are_refused_with_their_size():
    """AWS's limit is 4096 bytes per expression string."""
    text = "é" * 2046 + " = :v"  # 4097 bytes, 2051 characters
    assert condition_error(text, None, {":v": {"S": "x"}}) == (
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size; expression size: 4097")
    Expressions(None, {":v": {"S": "x"}}).condition("x" * 4091 + " = :v")  # 4096 bytes: fine


def test_more_than_300_operators_are_refused():
    text = " AND ".join(f"attribute_exists(a{i})" for i in range(151))  # 151 functions + 150 ANDs
    assert condition_error(text) == "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size;"
    Expressions().condition(" AND ".join(f"attribute_exists(a{i})" for i in range(150)))


def test_in_takes_at_most_100_operands():
    values = {f":v{i}": {"N": str(i)} for i in range(101)}
    text = "a IN (" + ", ".join(values) + ")"
    assert condition_error(text, None, values) == (
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number of operands: 101")


def test_the_reserved_word_list_is_complete():
    """The developer guide lists 573 reserved words, case-insensitively."""
    assert len(RESERVED_WORDS) == 573
    assert {"ABORT", "VIEWS", "ZONE", "NAME", "STATUS", "COUNT", "DATA", "SIZE", "YEAR"} <= RESERVED_WORDS


@pytest.mark.parametrize("call, text, word", [
    (condition_error, "views = :v", "views"),
    (condition_error, "a.Status = :v", "Status"),
    (update_error, " set #c = :v set abOrt = :v ", "abOrt"),
    (update_error, " remove Absolute ", "Absolute"),
    (projection_error, "id, name", "name"),
])
def test_reserved_words_are_refused_as_written(call, text, word):
    message = call(text) if call is projection_error else call(text, {"#c": "c"}, {":v": {"S": "x"}})
    assert message.endswith(f": Attribute name is a reserved keyword; reserved keyword: {word}")


def test_aliases_avoid_reserved_words():
    expressions = Expressions({"#n": "name"}, {":v": {"S": "x"}})
    assert expressions.condition("#n = :v").evaluate({"name": {"S": "x"}})


@pytest.mark.parametrize("text, message", [
    ("((a = :v))", "The expression has redundant parentheses;"),
    ("((a)) = :v", "The expression has redundant parentheses;"),
    ("foo(a)", "Invalid function name; function: foo"),
    ("Attribute_Exists(a)", "Invalid function name; function: Attribute_Exists"),
    ("if_not_exists(a, :v)", "The function is not allowed in a condition expression; function: if_not_exists"),
    ("size(a)", "The function is not allowed to be used this way in an expression; function: size"),
    ("attribute_exists(a) = :v", ("The function is not allowed to be used this way in an expression; "
                                 "function: attribute_exists")),
    ("begins_with(contains(a, :v), :v)", ("The function is not allowed to be used this way in an expression; "
                                         "function: contains")),
    # Priority: parentheses before functions before misuse before reserved words.
    ("((views = foo(a)))", "The expression has redundant parentheses;"),
    ("views = foo(a)", "Invalid function name; function: foo"),
    ("views = attribute_exists(a)", ("The function is not allowed to be used this way in an expression; "
                                    "function: attribute_exists")),
])
def test_text_only_condition_errors_and_their_priority(text, message):
    assert condition_error(text, None, {":v": {"S": "x"}}) == f"Invalid ConditionExpression: {message}"


def test_useful_parentheses_are_accepted():
    expressions = Expressions(None, {":v": {"N": "1"}})
    condition = expressions.condition("((a = :v) OR (b = :v)) AND (size(c) > :v) AND (d) = :v")
    assert condition.evaluate({"a": {"N": "1"}, "c": {"S": "xy"}, "d": {"N": "1"}})
    assert not condition.evaluate({"a": {"N": "1"}, "c": {"S": "x"}, "d": {"N": "1"}})


@pytest.mark.parametrize("text, message", [
    ("set a = :v set c = :v", 'The "SET" section can only be used once in an update expression;'),
    ("remove d set a = :v remove e", 'The "REMOVE" section can only be used once in an update expression;'),
    ("set a = if_not_exist(:v)", "Invalid function name; function: if_not_exist"),
    ("set a = size(b)", "The function is not allowed in an update expression; function: size"),
    # Priority: reserved words, then functions, then repeated sections.
    ("set year = foo(a) set b = :v", "Attribute name is a reserved keyword; reserved keyword: year"),
    ("set a = foo(a) set b = :v", "Invalid function name; function: foo"),
])
def test_text_only_update_errors_and_their_priority(text, message):
    assert update_error(text, None, {":v": {"S": "x"}}) == f"Invalid UpdateExpression: {message}"


def test_keywords_are_case_insensitive_and_sections_any_order():
    expressions = Expressions(None, {":v": {"N": "1"}})
    update = expressions.update("add n :v Set a = :v rEmOvE b")
    assert update.apply({"b": {"S": "x"}}).new_item == {"n": {"N": "1"}, "a": {"N": "1"}}
    condition = expressions.condition("a = :v and not b = :v Or c = :v")
    assert condition.evaluate({"c": {"N": "1"}})


def test_parsing_is_cached_by_text():
    """Thousands of requests with the same expression parse it once."""
    assert parse("condition", "a = :v AND b < :w") is parse("condition", "a = :v AND b < :w")


def test_not_may_repeat_as_the_documented_grammar_says():
    condition = Expressions(None, {":v": {"S": "x"}}).condition("NOT NOT a = :v")
    assert condition.evaluate({"a": {"S": "x"}}) and not condition.evaluate({})


def test_pathological_nesting_is_refused_not_crashed():
    """Thousands of nested parentheses stay a ValidationException (never a server error)."""
    message = condition_error("(" * 1500 + "a = :v" + ")" * 1500, None, {":v": {"S": "x"}})
    assert message.startswith("Invalid ConditionExpression: ")
