"""Translations learnt per statement shape: the scanner reads literals as sqlglot does,
and statements of one shape with other values, sent after the first, answer exactly as a
full translation would (values, result column names, row counts, insert ids, errors)."""

from __future__ import annotations

from decimal import Decimal

import pymysql
import pytest
import sqlglot
from sqlglot import exp

from headwater.sql.mysql.literals import scan
from headwater.sql.mysql.translations import Translation, Translations


def rows(cursor, sql, args=None):
    cursor.execute(sql, args)
    return list(cursor.fetchall())


@pytest.mark.parametrize("sql", [
    r"SELECT a FROM t WHERE b = 'it\'s' AND c = 'q''q' AND d = -2.5e3 AND e IN (1, 22) LIMIT 3, 4",
    'INSERT INTO t VALUES (1, "d\\"q""x", \'b\\\\s\', \'p\\%\', \'n\\nl\\tt\\0z\\Z\', \'\')',
    "SELECT `we``ird` FROM t1 WHERE c2 = 12345678901234567890 AND c3 = 1.50",
])
def test_scanned_literals_are_sqlglots(sql):
    scanned = scan(sql)
    parsed = {literal.meta["start"]: literal for literal in sqlglot.parse_one(sql, read="mysql").find_all(exp.Literal)}
    assert len(scanned.literals) == len(parsed)
    for literal in scanned.literals:
        assert parsed[literal.start].this == (literal.value if literal.kind == "s" else literal.text)


@pytest.mark.parametrize("sql", [
    "SELECT 0x1F", "SELECT x'41'", "SELECT _utf8mb4'a'", "SELECT 1 -- note", "SELECT /* c */ 1",
    "SELECT 'a\\q'", "SELECT 1.2.3", "SELECT 1 # note",
])
def test_what_the_scanner_is_not_sure_of_is_not_scanned(sql):
    assert scan(sql) is None


def test_shape_keeps_everything_but_the_literals():
    assert scan("SELECT a FROM t WHERE id = 5 AND n = 'x'").shape == "SELECT a FROM t WHERE id = \0i AND n = \0s"
    assert scan("SELECT a FROM t WHERE id = 5").shape != scan("SELECT a FROM t WHERE id = '5'").shape


def test_translations_are_a_bounded_lru():
    translations = Translations(capacity=2)
    for key in ("a", "b"):
        translations.put(key, Translation(key, True))
    translations.get("a")
    translations.put("c", Translation("c", True))
    assert translations.get("b") is None and translations.get("a").sql == "a" and len(translations) == 2


def test_a_learnt_point_select_answers_each_value(db):
    cursor = db.cursor()
    titles = [rows(cursor, "SELECT title FROM film WHERE film_id = %s", (number,)) for number in (1, 2, 3, 1)]
    assert titles[0] == titles[3] and len({t[0] for t in titles[:3]}) == 3
    assert rows(cursor, "SELECT COUNT(*) FROM film WHERE film_id IN (%s, %s)", (1, 2)) == [(2,)]
    assert rows(cursor, "SELECT COUNT(*) FROM film WHERE film_id IN (%s, %s)", (1, 99999)) == [(1,)]


def test_literals_that_name_columns_or_positions_are_not_parameters(db):
    cursor = db.cursor()
    for number in (1, 2):
        cursor.execute(f"SELECT {number}, film_id * {number} FROM film WHERE film_id = 3")
        assert [d[0] for d in cursor.description] == [str(number), f"film_id * {number}"]
        assert cursor.fetchall() == ((number, 3 * number),)
    by_id = rows(cursor, "SELECT film_id, length FROM film ORDER BY 1 DESC, 2 LIMIT 3")
    by_length = rows(cursor, "SELECT film_id, length FROM film ORDER BY 2 DESC, 1 LIMIT 3")
    assert by_id == rows(cursor, "SELECT film_id, length FROM film ORDER BY film_id DESC, length LIMIT 3")
    assert by_length == rows(cursor, "SELECT film_id, length FROM film ORDER BY length DESC, film_id LIMIT 3")
    assert by_id != by_length


def test_limits_strings_and_escapes_as_values(db):
    cursor = db.cursor()
    assert [len(rows(cursor, "SELECT film_id FROM film LIMIT %s", (n,))) for n in (2, 5)] == [2, 5]
    cursor.execute("CREATE TABLE note (id INT PRIMARY KEY, body VARCHAR(40))")
    bodies = ["plain", "it's", 'say "hi"', "back\\slash", "new\nline", "100%_sure"]
    for number, body in enumerate(bodies):
        cursor.execute("INSERT INTO note VALUES (%s, %s)", (number, body))
    assert [row[0] for row in rows(cursor, "SELECT body FROM note ORDER BY id")] == bodies
    for number, body in enumerate(bodies):
        assert rows(cursor, "SELECT id FROM note WHERE body = %s", (body,)) == [(number,)]
    assert rows(cursor, "SELECT id FROM note WHERE body LIKE %s", ("100\\%%",)) == [(5,)]
    assert rows(cursor, "SELECT id FROM note WHERE body LIKE %s", ("100_%",)) == [(5,)]
    assert rows(cursor, "SELECT id FROM note WHERE body LIKE %s", ("%e%",)) == [(4,), (5,)]


def test_learnt_writes_count_rows_and_give_insert_ids(db):
    cursor = db.cursor()
    cursor.execute("CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20), price DECIMAL(6,2))")
    ids = []
    for name in ("a", "b", "c"):
        cursor.execute("INSERT INTO item (name, price) VALUES (%s, %s)", (name, 1.5))
        ids.append(cursor.lastrowid)
    assert ids == [1, 2, 3]
    assert cursor.execute("UPDATE item SET price = %s WHERE id = %s", (2.5, 1)) == 1
    assert cursor.execute("UPDATE item SET price = %s WHERE id = %s", (2.5, 1)) == 0  # unchanged
    assert cursor.execute("UPDATE item SET price = %s WHERE id = %s", (9.25, 1)) == 1
    assert rows(cursor, "SELECT price FROM item WHERE id = %s", (1,)) == [(Decimal("9.25"),)]
    with pytest.raises(pymysql.err.IntegrityError) as failure:
        cursor.execute("INSERT INTO item (id, name) VALUES (%s, %s)", (2, "again"))
    assert failure.value.args == (1062, "Duplicate entry '2' for key 'item.PRIMARY'")
    assert cursor.execute("DELETE FROM item WHERE id = %s", (3,)) == 1
    assert cursor.execute("DELETE FROM item WHERE id = %s", (3,)) == 0


def test_values_of_the_moment_are_never_reused(db):
    cursor = db.cursor()
    cursor.execute("CREATE TABLE seq (id INT AUTO_INCREMENT PRIMARY KEY, tag VARCHAR(5))")
    seen = []
    for tag in ("x", "y"):
        cursor.execute("INSERT INTO seq (tag) VALUES (%s)", (tag,))
        seen.append(rows(cursor, "SELECT LAST_INSERT_ID() + 0")[0][0])
    assert seen == [1, 2]


def test_a_schema_change_is_seen_by_learnt_decimal_answers(db):
    cursor = db.cursor()
    cursor.execute("CREATE TABLE money (id INT PRIMARY KEY, amount DECIMAL(6,2))")
    cursor.execute("INSERT INTO money VALUES (1, 5)")
    assert rows(cursor, "SELECT amount FROM money WHERE id = %s", (1,)) == [(Decimal("5.00"),)]
    cursor.execute("DROP TABLE money")
    cursor.execute("CREATE TABLE money (id INT PRIMARY KEY, amount DECIMAL(8,3))")
    cursor.execute("INSERT INTO money VALUES (1, 5)")
    (value,) = rows(cursor, "SELECT amount FROM money WHERE id = %s", (1,))[0]
    assert value == Decimal("5.000") and value.as_tuple().exponent == -3
