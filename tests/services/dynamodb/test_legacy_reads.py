"""The legacy read parameters (KeyConditions, QueryFilter, ScanFilter, ConditionalOperator,
AttributesToGet) answer as their expression equivalents do."""

import pytest

from tests.services.dynamodb.conftest import error_of


@pytest.fixture
def scores(ddb, make_table):
    name = make_table(("player", "S"), ("game", "N"))
    for game, points in ((1, 5), (2, 50), (3, 500), (4, 7)):
        ddb.put_item(TableName=name, Item={"player": {"S": "p"}, "game": {"N": str(game)}, "points": {"N": str(points)}})
    return name


def test_key_conditions_and_query_filter(ddb, scores):
    answer = ddb.query(
        TableName=scores,
        KeyConditions={"player": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
                       "game": {"ComparisonOperator": "BETWEEN", "AttributeValueList": [{"N": "2"}, {"N": "4"}]}},
        QueryFilter={"points": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "100"}]}},
        AttributesToGet=["game"],
    )
    assert answer["Items"] == [{"game": {"N": "2"}}, {"game": {"N": "4"}}]
    assert (answer["Count"], answer["ScannedCount"]) == (2, 3)


def test_scan_filter_with_or(ddb, scores):
    answer = ddb.scan(TableName=scores, ConditionalOperator="OR", ScanFilter={
        "points": {"ComparisonOperator": "GE", "AttributeValueList": [{"N": "500"}]},
        "game": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "1"}]}})
    assert sorted(item["game"]["N"] for item in answer["Items"]) == ["1", "3"]


def test_legacy_and_expression_parameters_do_not_mix(ddb, scores):
    assert error_of(ddb.scan, TableName=scores, FilterExpression="points > :p", ExpressionAttributeValues={
        ":p": {"N": "1"}}, ScanFilter={"game": {"ComparisonOperator": "NOT_NULL"}}) == (
        "ValidationException", "Can not use both expression and non-expression parameters in the same request: "
                               "Non-expression parameters: {ScanFilter} Expression parameters: {FilterExpression}")
