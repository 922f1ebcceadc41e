"""ExecuteStatement: PartiQL SELECT, INSERT, UPDATE and DELETE, and their errors."""

import pytest

from tests.services.dynamodb.conftest import error_of, raised

MALFORMED = "Statement wasn't well formed, can't be processed: "


@pytest.fixture
def music(ddb, make_table):
    """Artist (S) / SongTitle (S); two songs by "Acme Band", one by "No One You Know"."""
    name = make_table(("Artist", "S"), ("SongTitle", "S"))
    for artist, title, year, extra in (
        ("Acme Band", "Happy Day", 2019, {"Tags": {"SS": ["pop", "rock"]}, "Plays": {"N": "10"}}),
        ("Acme Band", "PartiQL Rocks", 2021, {"Awards": {"M": {"Grammys": {"L": [{"N": "2020"}]}}}}),
        ("No One You Know", "Call Me Today", 2015, {"Genre": {"S": "Country"}}),
    ):
        ddb.put_item(TableName=name, Item={"Artist": {"S": artist}, "SongTitle": {"S": title},
                                           "Year": {"N": str(year)}, **extra})
    return name


def run(ddb, statement, *parameters, **extra):
    arguments = {"Statement": statement, **extra}
    if parameters:
        arguments["Parameters"] = list(parameters)
    return ddb.execute_statement(**arguments)


def titles(answer) -> list[str]:
    return [item["SongTitle"]["S"] for item in answer["Items"]]


def get(ddb, table, artist, title):
    return ddb.get_item(TableName=table, Key={"Artist": {"S": artist}, "SongTitle": {"S": title}},
                        ConsistentRead=True).get("Item")


# --- SELECT ------------------------------------------------------------------------------


def test_select_by_partition_key_reads_the_partition_in_sort_key_order(ddb, music):
    """A WHERE fixing the partition key reads that partition only, ordered by the sort key."""
    answer = run(ddb, f'SELECT * FROM "{music}" WHERE Artist = ?', {"S": "Acme Band"})
    assert titles(answer) == ["Happy Day", "PartiQL Rocks"]
    assert answer["Items"][0] == {"Artist": {"S": "Acme Band"}, "SongTitle": {"S": "Happy Day"}, "Year": {"N": "2019"},
                                  "Tags": {"SS": ["pop", "rock"]}, "Plays": {"N": "10"}}
    assert "NextToken" not in answer


def test_select_projects_attributes_and_names_paths_by_their_last_component(ddb, music):
    """A projected document path comes back under its last name and indexes, as AWS names it."""
    answer = run(ddb, f"SELECT SongTitle, Awards.Grammys[0], Absent FROM \"{music}\" "
                      "WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks'")
    assert answer["Items"] == [{"SongTitle": {"S": "PartiQL Rocks"}, "Grammys[0]": {"N": "2020"}}]


@pytest.mark.parametrize("where, expected", [
    ("Artist = 'Acme Band' AND SongTitle > 'I'", ["PartiQL Rocks"]),
    ("Artist = 'Acme Band' AND SongTitle BETWEEN 'A' AND 'M'", ["Happy Day"]),
    ("Artist = 'Acme Band' AND begins_with(SongTitle, 'Part')", ["PartiQL Rocks"]),
    ("Artist = 'Acme Band' AND Year >= 2020", ["PartiQL Rocks"]),
    ("Artist = 'Acme Band' AND Year <> 2019", ["PartiQL Rocks"]),
    ("Artist = 'Acme Band' AND contains(Tags, 'rock')", ["Happy Day"]),
    ("Artist = 'Acme Band' AND size(Tags) = 2", ["Happy Day"]),
    ("Artist = 'Acme Band' AND attribute_type(Plays, 'N')", ["Happy Day"]),
    ("Artist = 'Acme Band' AND Awards IS MISSING", ["Happy Day"]),
    ("Artist = 'Acme Band' AND Awards IS NOT MISSING", ["PartiQL Rocks"]),
    ("Artist = 'Acme Band' AND Awards.Grammys[0] = 2020", ["PartiQL Rocks"]),
    ("Artist = 'Acme Band' AND NOT (Year = 2019 OR Year = 2015)", ["PartiQL Rocks"]),
    ("Artist IN ['Acme Band', 'No One You Know'] AND Year < 2020", ["Happy Day", "Call Me Today"]),
    ("Artist = 'No One You Know' OR Artist = 'Acme Band'", ["Call Me Today", "Happy Day", "PartiQL Rocks"]),
    ("Year BETWEEN 2016 AND 2020", ["Happy Day"]),
    ("Genre = 'Country'", ["Call Me Today"]),
    ("Tags = <<'rock', 'pop'>>", ["Happy Day"]),
    ("Year IN [2015, 2021] AND Genre IS MISSING", ["PartiQL Rocks"]),
])
def test_where_conditions_follow_dynamodb_comparison_rules(ddb, music, where, expected):
    """WHERE supports the comparison operators, BETWEEN, IN, AND/OR/NOT, the functions, IS
    [NOT] MISSING and nested paths, on a Query (partition fixed) as on a Scan."""
    answer = run(ddb, f'SELECT SongTitle FROM "{music}" WHERE {where}')
    assert sorted(titles(answer)) == sorted(expected)
    if where.startswith(("Artist IN", "Artist = 'No One")):
        assert titles(answer) == expected  # partitions are read in the order the WHERE gives them


def test_select_without_where_scans_the_table(ddb, music):
    assert sorted(titles(run(ddb, f'SELECT SongTitle FROM "{music}"'))) == \
        ["Call Me Today", "Happy Day", "PartiQL Rocks"]


def test_order_by_the_keys_sorts_partitions_and_sort_keys(ddb, music):
    """ORDER BY the partition key orders the partitions, the sort key (DESC) each partition."""
    statement = (f"SELECT SongTitle FROM \"{music}\" WHERE Artist IN ['Acme Band', 'No One You Know'] "
                 "ORDER BY Artist DESC, SongTitle DESC")
    assert titles(run(ddb, statement)) == ["Call Me Today", "PartiQL Rocks", "Happy Day"]
    assert titles(run(ddb, f"SELECT * FROM \"{music}\" WHERE Artist = 'Acme Band' ORDER BY SongTitle DESC")) == \
        ["PartiQL Rocks", "Happy Day"]


@pytest.mark.parametrize("statement, message", [
    ("SELECT * FROM \"{t}\" ORDER BY Artist", "Must have WHERE clause in the statement when using ORDER BY clause."),
    ("SELECT * FROM \"{t}\" WHERE Year = 1 ORDER BY Artist",
     "Must have at least one non-optional hash key condition in WHERE clause when using ORDER BY clause."),
    ("SELECT * FROM \"{t}\" WHERE Artist = 'a' ORDER BY Year",
     "Variable reference Year in ORDER BY clause must be part of the primary key"),
    ("SELECT * FROM \"{t}\" WHERE Artist IN ['a', 'b'] ORDER BY SongTitle",
     "Must have hash key in ORDER BY clause when more than one hash key condition specified in WHERE clause."),
])
def test_order_by_needs_the_partition_key(ddb, music, statement, message):
    """ORDER BY is only for key-ordered reads of fixed partitions, as AWS allows it."""
    assert error_of(run, ddb, statement.format(t=music)) == ("ValidationException", message)


def test_limit_and_next_token_page_through_partitions(ddb, make_table):
    """Limit counts items evaluated; NextToken resumes exactly where the page stopped, also
    across the partitions of an IN; a token of another statement is refused."""
    name = make_table(("pk", "S"), ("sk", "N"))
    for pk in ("a", "b"):
        for sk in range(3):
            ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "sk": {"N": str(sk)}, "odd": {"BOOL": sk % 2 == 1}})
    statement = f"SELECT * FROM \"{name}\" WHERE pk IN ['b', 'a'] AND odd = false"
    seen, token, pages = [], None, []
    while True:
        answer = run(ddb, statement, Limit=2, **({"NextToken": token} if token else {}))
        seen += [(item["pk"]["S"], item["sk"]["N"]) for item in answer["Items"]]
        pages.append(len(answer["Items"]))
        token = answer.get("NextToken")
        if token is None:
            break
        assert "LastEvaluatedKey" in answer
    assert seen == [("b", "0"), ("b", "2"), ("a", "0"), ("a", "2")]
    assert pages == [1, 2, 1, 0]  # two items evaluated per page; the last page finds nothing more
    first = run(ddb, statement, Limit=1)
    assert error_of(run, ddb, f'SELECT * FROM "{name}"', NextToken=first["NextToken"]) == \
        ("ValidationException", "NextToken does not match request")
    assert error_of(run, ddb, statement, NextToken="not-a-token") == ("ValidationException", "Invalid NextToken")


def test_select_from_an_index(ddb, make_table):
    """FROM "table"."index" queries the index by its own keys and sees its projection."""
    name = make_table(("pk", "S"), AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                        {"AttributeName": "g", "AttributeType": "S"}],
                      GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                               "Projection": {"ProjectionType": "KEYS_ONLY"}}])
    for pk, g in (("1", "x"), ("2", "x"), ("3", "y")):
        ddb.put_item(TableName=name, Item={"pk": {"S": pk}, "g": {"S": g}, "other": {"S": "hidden"}})
    answer = run(ddb, f"SELECT * FROM \"{name}\".\"by-g\" WHERE g = 'x'")
    assert sorted(item["pk"]["S"] for item in answer["Items"]) == ["1", "2"]
    assert all("other" not in item for item in answer["Items"])
    code, message = error_of(run, ddb, f"SELECT * FROM \"{name}\".\"by-g\" WHERE g = 'x'", ConsistentRead=True)
    assert (code, message) == ("ValidationException", "Strongly consistent read is not supported on Global Secondary Indexes")
    assert error_of(run, ddb, f"SELECT * FROM \"{name}\".\"by-g\" WHERE g = 'x' AND other = 'hidden'") == (
        "ValidationException", ("One or more parameter values were invalid: Secondary index by-g does not project "
                                "one or more filter attributes: [other]"))


def test_select_reports_consumed_capacity(ddb, music):
    """A read consumes units for the bytes read (halved when eventually consistent)."""
    answer = run(ddb, f"SELECT * FROM \"{music}\" WHERE Artist = 'Acme Band'", ReturnConsumedCapacity="TOTAL",
                 ConsistentRead=True)
    assert answer["ConsumedCapacity"] == {"TableName": music, "CapacityUnits": 1.0, "ReadCapacityUnits": 1.0}
    eventual = run(ddb, f"SELECT * FROM \"{music}\"", ReturnConsumedCapacity="TOTAL")
    assert eventual["ConsumedCapacity"]["CapacityUnits"] == 0.5


# --- INSERT, UPDATE, DELETE -----------------------------------------------------------------


def test_insert_writes_literals_of_every_type(ddb, music):
    """INSERT's tuple takes strings, numbers, booleans, NULL, lists, maps and sets (and ?)."""
    run(ddb, f"INSERT INTO \"{music}\" VALUE {{'Artist': ?, 'SongTitle': 'Types', 'n': -1.50, 'b': TRUE, "
             "'z': null, 'l': [1, 'two', [3]], 'm': {'k': 'v', 'e': ''}, 'ns': <<1, 2.5>>, 'ss': <<'a', 'b'>>, "
             "'q': 'it''s'}", {"S": "New Band"})
    assert get(ddb, music, "New Band", "Types") == {
        "Artist": {"S": "New Band"}, "SongTitle": {"S": "Types"}, "n": {"N": "-1.5"}, "b": {"BOOL": True},
        "z": {"NULL": True}, "l": {"L": [{"N": "1"}, {"S": "two"}, {"L": [{"N": "3"}]}]},
        "m": {"M": {"k": {"S": "v"}, "e": {"S": ""}}}, "ns": {"NS": ["1", "2.5"]}, "ss": {"SS": ["a", "b"]},
        "q": {"S": "it's"}}


def test_insert_of_an_existing_key_is_a_duplicate(ddb, music):
    """INSERT never overwrites: AWS answers DuplicateItemException."""
    statement = f"INSERT INTO \"{music}\" VALUE {{'Artist': 'Acme Band', 'SongTitle': 'Happy Day'}}"
    assert error_of(run, ddb, statement) == ("DuplicateItemException", "Duplicate primary key exists in table")
    assert get(ddb, music, "Acme Band", "Happy Day")["Year"] == {"N": "2019"}


def test_update_sets_removes_and_computes(ddb, music):
    """UPDATE's SET takes values, arithmetic, list_append, set_add and set_delete; REMOVE removes."""
    where = "WHERE Artist = 'Acme Band' AND SongTitle = 'Happy Day'"
    run(ddb, f"UPDATE \"{music}\" SET Plays = Plays + 5, Year = 2020 SET Tags = set_add(Tags, <<'jazz'>>) "
             f"SET Log = list_append([0], [1]) REMOVE Absent {where}")
    run(ddb, f"UPDATE \"{music}\" SET Tags = set_delete(Tags, <<'pop'>>) {where}")
    item = get(ddb, music, "Acme Band", "Happy Day")
    assert item["Plays"] == {"N": "15"} and item["Year"] == {"N": "2020"}
    assert sorted(item["Tags"]["SS"]) == ["jazz", "rock"]
    assert item["Log"] == {"L": [{"N": "0"}, {"N": "1"}]}
    run(ddb, f"UPDATE \"{music}\" SET Awards.Grammys = list_append(Awards.Grammys, [2016]) REMOVE Year "
             "WHERE Artist = 'Acme Band' AND SongTitle = 'PartiQL Rocks'")
    item = get(ddb, music, "Acme Band", "PartiQL Rocks")
    assert item["Awards"] == {"M": {"Grammys": {"L": [{"N": "2020"}, {"N": "2016"}]}}} and "Year" not in item


@pytest.mark.parametrize("returning, expected", [
    ("ALL OLD", [{"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}, "Year": {"N": "2015"},
                  "Genre": {"S": "Country"}}]),
    ("MODIFIED OLD", [{"Year": {"N": "2015"}}]),
    ("ALL NEW", [{"Artist": {"S": "No One You Know"}, "SongTitle": {"S": "Call Me Today"}, "Year": {"N": "2016"},
                  "Genre": {"S": "Country"}, "New": {"S": "x"}}]),
    ("MODIFIED NEW", [{"Year": {"N": "2016"}, "New": {"S": "x"}}]),
])
def test_update_returning(ddb, music, returning, expected):
    """RETURNING ALL|MODIFIED OLD|NEW * answers the item as UpdateItem's ReturnValues would."""
    answer = run(ddb, f"UPDATE \"{music}\" SET Year = Year + 1 SET New = 'x' "
                      f"WHERE Artist = 'No One You Know' AND SongTitle = 'Call Me Today' RETURNING {returning} *")
    assert answer["Items"] == expected


def test_update_of_a_missing_item_or_failing_condition_fails(ddb, music):
    """An UPDATE finds its item or fails; extra WHERE conditions are its condition."""
    missing = f"UPDATE \"{music}\" SET a = 1 WHERE Artist = 'Nobody' AND SongTitle = 'Nothing'"
    assert error_of(run, ddb, missing) == ("ConditionalCheckFailedException", "The conditional request failed")
    assert get(ddb, music, "Nobody", "Nothing") is None
    failing = f"UPDATE \"{music}\" SET a = 1 WHERE Artist = 'Acme Band' AND SongTitle = 'Happy Day' AND Year > 2019"
    response = raised(run, ddb, failing, ReturnValuesOnConditionCheckFailure="ALL_OLD")
    assert response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert response["Item"]["Year"] == {"N": "2019"}
    assert "a" not in get(ddb, music, "Acme Band", "Happy Day")


def test_update_errors_use_the_expression_rules(ddb, music):
    """Type errors of an update are DynamoDB's; a key attribute cannot be set."""
    where = "WHERE Artist = 'Acme Band' AND SongTitle = 'Happy Day'"
    assert error_of(run, ddb, f"UPDATE \"{music}\" SET Tags = set_add(Tags, <<1>>) {where}") == (
        "ValidationException", "An operand in the update expression has an incorrect data type")
    assert error_of(run, ddb, f"UPDATE \"{music}\" SET Year = 'a' + 1 {where}") == (
        "ValidationException", "Incorrect operand type for operator or function; operator or function: +, operand type: S")
    assert error_of(run, ddb, f"UPDATE \"{music}\" SET SongTitle = 'x' {where}") == (
        "ValidationException", ("One or more parameter values were invalid: Cannot update attribute SongTitle. "
                                "This attribute is part of the key"))


def test_delete_removes_the_item_and_returns_it_when_asked(ddb, music):
    """DELETE of a missing item succeeds; a failing condition is ConditionalCheckFailed."""
    statement = f"DELETE FROM \"{music}\" WHERE Artist = 'Acme Band' AND SongTitle = 'Happy Day'"
    assert error_of(run, ddb, statement + " AND Year = 1") == (
        "ConditionalCheckFailedException", "The conditional request failed")
    answer = run(ddb, statement + " RETURNING ALL OLD *")
    assert answer["Items"][0]["Plays"] == {"N": "10"}
    assert get(ddb, music, "Acme Band", "Happy Day") is None
    assert run(ddb, statement + " RETURNING ALL OLD *")["Items"] == []
    assert run(ddb, statement)["Items"] == []


def test_writes_keep_indexes_and_stream_records(ddb, make_table, local):
    """PartiQL writes take the core write path: a global index and the stream see them."""
    name = make_table(("pk", "S"), AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                                                        {"AttributeName": "g", "AttributeType": "S"}],
                      GlobalSecondaryIndexes=[{"IndexName": "by-g", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                               "Projection": {"ProjectionType": "ALL"}}],
                      StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})
    run(ddb, f"INSERT INTO \"{name}\" VALUE {{'pk': 'a', 'g': 'x'}}")
    run(ddb, f"UPDATE \"{name}\" SET g = 'y' WHERE pk = 'a'")
    assert ddb.query(TableName=name, IndexName="by-g", KeyConditionExpression="g = :g",
                     ExpressionAttributeValues={":g": {"S": "y"}})["Count"] == 1
    run(ddb, f"DELETE FROM \"{name}\" WHERE pk = 'a'")
    connection = local.app.stores.database("dynamodb").connection()
    events = [row[0] for row in connection.execute(
        "SELECT r.event_name FROM stream_records r JOIN streams s ON s.arn = r.stream_arn WHERE s.table_name = ?"
        " ORDER BY r.seq", (name,))]
    assert events == ["INSERT", "MODIFY", "REMOVE"]


def test_write_reports_consumed_capacity(ddb, music):
    answer = run(ddb, f"INSERT INTO \"{music}\" VALUE {{'Artist': 'x', 'SongTitle': 'y'}}", ReturnConsumedCapacity="TOTAL")
    assert answer["ConsumedCapacity"] == {"TableName": music, "CapacityUnits": 1.0, "WriteCapacityUnits": 1.0}


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize("statement, message", [
    ("SELEC * FROM \"{t}\"", MALFORMED + "Expected data manipulation"),
    ("SELECT * FROM \"{t}\" WHERE Artist = 'a' garbage", MALFORMED + "Unexpected token after expression"),
    ("SELECT * FROM \"{t}\" WHERE begins_with(Artist, 'a'", MALFORMED + "Expected RIGHT_PAREN"),
    ("SELECT * FROM \"{t}\" WHERE Artist = 'a", MALFORMED + "Unterminated quoted text"),
])
def test_syntax_errors_use_aws_wording(ddb, music, statement, message):
    assert error_of(run, ddb, statement.format(t=music)) == ("ValidationException", message)


@pytest.mark.parametrize("statement, message", [
    ("SELECT DISTINCT Artist FROM \"{t}\"", "Unsupported token in expression: DISTINCT"),
    ("SELECT * FROM \"{t}\" GROUP BY Artist", "Unsupported clause: GROUP BY"),
    ("SELECT * FROM \"{t}\" LIMIT 1", "Unsupported clause: LIMIT"),
    ("SELECT * FROM \"{t}\" AS m", "Aliasing is not supported"),
    ("SELECT *, Artist FROM \"{t}\"", "Other attributes should not be present in the projection when '*' is used."),
    ("SELECT * FROM \"{t}\", \"{t}\"", "Only select from a single table or index is supported."),
    ("SELECT * FROM \"{t}\" WHERE Artist LIKE 'a%'", "Unsupported operator in Condition Expression. Operator: LIKE"),
    ("SELECT * FROM \"{t}\" WHERE upper(Artist) = 'A'", "Unrecognized function: upper at 1:{column}:5"),
    ("SELECT * FROM \"{t}\" WHERE Artist = MISSING", "MISSING must be compared using IS operator"),
    ("SELECT * FROM \"{t}\" WHERE Artist IS DATE", ("Unsupported data type for IS operator: DATE. Supported data "
                                                  "types are [MISSING, NULL, BOOLEAN, BLOB, STRING, NUMERIC, STRUCT, "
                                                  "TUPLE, LIST]")),
    ("SELECT * FROM \"{t}\" WHERE Year = <<>>", "Empty bags are not supported"),
    ("SELECT * FROM \"{t}\" WHERE Year = <<1, 'a'>>",
     "Unsupported data type in Bag. DynamoDB only supports either numbers or strings in bags"),
    ("SELECT * FROM \"{t}\" WHERE Tags = <<'a', 'a'>>",
     "One or more parameter values were invalid: Input collection [a, a] contains duplicates."),
    ("SELECT l[-1] FROM \"{t}\"", "List index is not within the allowable range; index: [-1] at 1:11:1"),
    ("EXISTS(SELECT * FROM \"{t}\" WHERE Artist = 'a')", "EXISTS can only be used in ExecuteTransaction write requests."),
    ("INSERT INTO \"{t}\" VALUE {{'Artist': 'a'}}", "Key attribute should be present in the item: Key SongTitle"),
    ("INSERT INTO \"{t}\" VALUE {{'Artist': 'a', 'SongTitle': 1}}",
     "Key attribute's data type should match its data type in table's schema: Key SongTitle"),
    ("INSERT INTO \"{t}\" VALUE {{'Artist': 'a', 'SongTitle': 'b', 'm': {{'k': ?}}}}",
     "Unsupported data type: Parameter under key root.k at 1:{param}:1"),
    ("INSERT INTO \"{t}\" VALUE {{'Artist': 'a', 'Artist': 'b'}}", "Duplicate keys in tuple. Key: Artist under root"),
    ("INSERT INTO \"{t}\" VALUE {{'Artist': 'a', 'SongTitle': 'b'}} RETURNING ALL OLD *",
     "RETURNING is not supported in INSERT"),
    ("UPDATE \"{t}\" SET a = 1 WHERE Artist = 'a'",
     "Where clause does not contain a mandatory equality on all key attributes"),
    ("UPDATE \"{t}\" SET a = 1 WHERE Artist = 'a' AND SongTitle = 'b' AND Artist = 'c'",
     "Multiple conditions on same key Artist. Only single item Update/Insert/Delete are supported"),
    ("UPDATE \"{t}\" SET a = set_add(b, <<1>>) WHERE Artist = 'a' AND SongTitle = 'b'",
     "The first argument to SET_ADD must equal the assignment value at 1:{set_add}:7"),
    ("UPDATE \"{t}\" SET a = if_not_exists(a, 1) WHERE Artist = 'a' AND SongTitle = 'b'",
     "Unrecognized function: if_not_exists at 1:{if_not_exists}:13"),
    ("DELETE FROM \"{t}\" WHERE Artist = 'a' AND SongTitle = 'b' RETURNING ALL NEW *",
     "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements."),
    ("DELETE FROM \"{t}\" WHERE Artist = 'a' AND SongTitle = <<'b'>>",
     "Key value must be of type S, N, or B. Key name: SongTitle, Key type: SS"),
])
def test_unsupported_and_invalid_statements_are_named(ddb, music, statement, message):
    """What DynamoDB's PartiQL refuses is refused with its message (never a silent wrong answer)."""
    text = statement.format(t=music)
    positions = {"column": text.find("upper") + 1, "param": text.find("?") + 1, "set_add": text.find("set_add") + 1,
                 "if_not_exists": text.find("if_not_exists") + 1}
    arguments = [{"S": "v"}] if "?" in text else []
    assert error_of(run, ddb, text, *arguments) == ("ValidationException", message.format(**positions))


def test_parameters_must_match_and_be_valid(ddb, music):
    """The number of ? must be the number of Parameters; Parameters are checked first."""
    statement = f'SELECT * FROM "{music}" WHERE Artist = ?'
    assert error_of(run, ddb, statement) == ("ValidationException", "Number of parameters in request and statement don't match.")
    assert error_of(run, ddb, statement, {"S": "a"}, {"S": "b"}) == (
        "ValidationException", "Number of parameters in request and statement don't match.")
    assert error_of(run, ddb, "not a statement", {"NULL": False}) == (
        "ValidationException", "One or more parameter values were invalid: Null attribute value types must have the value of true")


def test_unknown_table_is_resource_not_found(ddb):
    for statement in ("SELECT * FROM \"no-such-table\"", "DELETE FROM \"no-such-table\" WHERE pk = 'a'",
                      "INSERT INTO \"no-such-table\" VALUE {'pk': 'a'}"):
        assert error_of(run, ddb, statement) == ("ResourceNotFoundException", "Requested resource not found")
