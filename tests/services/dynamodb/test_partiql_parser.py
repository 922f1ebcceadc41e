"""The PartiQL parser, the planning of reads and the translation into expressions (pure modules)."""

import pytest

from headwater.errors import ServiceError
from headwater.services.dynamodb.expressions import Expressions
from headwater.services.dynamodb.partiql import keys, parse
from headwater.services.dynamodb.partiql.syntax import (
    And,
    Comparison,
    Is,
    Literal,
    Not,
    Or,
    Param,
    Path,
)
from headwater.services.dynamodb.partiql.translate import Translation, text
from headwater.services.dynamodb.schema import KeyPart

PK = KeyPart("pk", "S")
SK = KeyPart("sk", "N")


def where(condition: str):
    return parse(f'SELECT * FROM "table" WHERE {condition}').body.where


def test_comments_quotes_and_signs():
    """Comments are skipped, '' and "" escape quotes, signs apply to number literals."""
    statement = parse("SELECT/**/* FROM \"my.table\" -- comment\nWHERE \"a \"\"b\"\"\" = 'it''s' AND n = - -1.50")
    body = statement.body
    assert body.source.table == "my.table"
    assert body.where == And(Comparison("=", Path(('a "b"',)), Literal({"S": "it's"})),
                             Comparison("=", Path(("n",)), Literal({"N": "1.5"})))


def test_and_binds_tighter_than_or_and_not_applies_to_between_and_in():
    assert where("a = 1 OR b = 2 AND NOT c IS NULL") == Or(
        Comparison("=", Path(("a",)), Literal({"N": "1"})),
        And(Comparison("=", Path(("b",)), Literal({"N": "2"})), Not(Is(Path(("c",)), "NULL", False))))
    assert type(where("a NOT BETWEEN 1 AND 2")) is Not
    assert type(where("a NOT IN (1, 2)")) is Not


def test_parameters_are_numbered_in_order():
    statement = parse("UPDATE \"table\" SET a = ?, b = ? WHERE pk = ? AND m['k'][2] = 1")
    assert statement.parameters == 3
    assert statement.body.actions[1].value == Param(1)
    assert statement.body.where.right.left == Path(("m", "k", 2))


@pytest.mark.parametrize("condition, expected", [
    ("pk = 'a'", [{"S": "a"}]),
    ("'a' = pk AND x = 1", [{"S": "a"}]),
    ("pk IN ['a', 'b', 'a']", [{"S": "a"}, {"S": "b"}]),
    ("pk = 'a' OR pk = 'b'", [{"S": "a"}, {"S": "b"}]),
    ("(pk = 'a' OR pk = 'b') AND pk = 'b'", [{"S": "b"}]),
    ("pk = 'a' OR x = 1", None),
    ("pk > 'a'", None),
    ("NOT pk = 'a'", None),
    ("x = 1", None),
])
def test_partitions_are_read_only_when_the_where_fixes_them(condition, expected):
    """A Query per partition when = or IN fixes the partition key (through AND/OR), else a Scan."""
    assert keys.partitions(where(condition), PK, Translation([])) == expected


def test_partition_key_of_the_wrong_type_is_refused():
    with pytest.raises(ServiceError) as caught:
        keys.partitions(where("pk = 1 OR pk = 'a'"), PK, Translation([]))
    assert caught.value.message == "Key attribute's data type should match its data type in table's schema: Key pk"


def test_sort_key_conditions_narrow_the_read():
    ranges = keys.sort_ranges(where("pk = 'a' AND sk > 1 AND 5 >= sk AND sk BETWEEN 0 AND 9 AND (sk = 3 OR x = 1)"),
                              "pk", SK, Translation([]))
    assert [condition.range for condition in ranges] == [
        (">", [{"N": "1"}]), ("<=", [{"N": "5"}]), ("BETWEEN", [{"N": "0"}, {"N": "9"}])]


def test_translated_conditions_parse_back_in_the_expression_language():
    """The text given to the item operations is an expression with the same meaning."""
    translation = Translation([{"S": "x"}])
    tree = translation.node(where("(a = 1 OR b.c[0] <> ?) AND NOT begins_with(d, 'p') AND e IS NOT MISSING "
                                  "AND size(f) BETWEEN 1 AND 3 AND g IN [1, 2]"))
    expression = text(tree)
    assert expression == ("(#n0 = :v0 OR #n1.#n2[0] <> :v1) AND NOT begins_with(#n3, :v2) AND attribute_exists(#n4) "
                          "AND size(#n5) BETWEEN :v3 AND :v4 AND #n6 IN (:v5, :v6)")
    condition = Expressions(translation.names, translation.values).condition(expression)
    item = {"a": {"N": "2"}, "b": {"M": {"c": {"L": [{"S": "y"}]}}}, "d": {"S": "q"}, "e": {"NULL": True},
            "f": {"S": "ab"}, "g": {"N": "2"}}
    assert condition.evaluate(item)
    assert not condition.evaluate({**item, "g": {"N": "3"}})
