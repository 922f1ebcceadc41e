"""MySQL's error codes and messages for refused logins, missing objects, constraint
violations, syntax errors and SQL the engine does not translate."""

from __future__ import annotations

import pymysql
import pytest

from tests.sql.mysql.conftest import USER, connect

TABLES = [
    "CREATE TABLE parent (id INT AUTO_INCREMENT PRIMARY KEY, code VARCHAR(10) NOT NULL, UNIQUE KEY uq_code (code))",
    ("CREATE TABLE child (id INT PRIMARY KEY, parent_id INT NOT NULL, qty INT NOT NULL,"
    " CONSTRAINT fk_parent FOREIGN KEY (parent_id) REFERENCES parent (id),"
    " CONSTRAINT qty_positive CHECK (qty >= 0))"),
    "INSERT INTO parent (code) VALUES ('a'), ('b')",
    "INSERT INTO child VALUES (1, 1, 5)",
]


@pytest.fixture
def cursor(db):
    cursor = db.cursor()
    for statement in TABLES:
        cursor.execute(statement)
    return cursor


def error_of(cursor, sql):
    with pytest.raises(pymysql.MySQLError) as raised:
        cursor.execute(sql)
    return raised.value.args


@pytest.mark.parametrize("sql, code, message", [
    ("INSERT INTO parent VALUES (1, 'c')", 1062, "Duplicate entry '1' for key 'parent.PRIMARY'"),
    ("INSERT INTO parent (code) VALUES ('z'), ('a')", 1062, "Duplicate entry 'a' for key 'parent.uq_code'"),
    ("INSERT INTO child VALUES (2, 99, 1)", 1452, "Cannot add or update a child row: a foreign key constraint fails"),
    ("DELETE FROM parent WHERE id = 1", 1451, "Cannot delete or update a parent row: a foreign key constraint fails"),
    ("UPDATE child SET qty = -1", 3819, "Check constraint 'qty_positive' is violated."),
    ("INSERT INTO child (id, parent_id, qty) VALUES (3, 1, NULL)", 1048, "Column 'qty' cannot be null"),
    ("SELECT * FROM missing", 1146, "Table 'sakila.missing' doesn't exist"),
    ("SELECT nothing FROM parent", 1054, "Unknown column 'nothing' in 'field list'"),
    ("SELEKT 1", 1064, "You have an error in your SQL syntax"),
    ("REPLACE INTO parent VALUES (1, 'x')", 1235, "doesn't yet support 'REPLACE'"),
    ("INSERT INTO parent VALUES (1, 'a') ON DUPLICATE KEY UPDATE code = 'q'", 1235,
     "doesn't yet support 'INSERT ... ON DUPLICATE KEY UPDATE'"),
    ("CREATE TRIGGER t BEFORE INSERT ON parent FOR EACH ROW SET NEW.code = 'x'", 1235, "doesn't yet support"),
])
def test_errors_carry_mysql_codes_and_wording(cursor, sql, code, message):
    errno, text = error_of(cursor, sql)
    assert errno == code and message in text


def test_a_failed_statement_changes_nothing(cursor):
    error_of(cursor, "INSERT INTO parent (code) VALUES ('new'), ('a')")
    cursor.execute("SELECT code FROM parent ORDER BY code")
    assert cursor.fetchall() == (("a",), ("b",))


def test_constraint_errors_are_integrity_errors(cursor):
    with pytest.raises(pymysql.IntegrityError):
        cursor.execute("INSERT INTO parent VALUES (2, 'x')")


def test_functions_without_a_translation_are_named(cursor):
    errno, text = error_of(cursor, "SELECT SOUNDEX_PLUS(code) FROM parent")
    assert errno == 1235 and "SOUNDEX_PLUS" in text


def test_wrong_password_is_access_denied(sakila):
    with pytest.raises(pymysql.OperationalError) as raised:
        pymysql.connect(host="127.0.0.1", port=sakila.spec.port, user=USER, password="wrong")
    assert raised.value.args == (1045, f"Access denied for user '{USER}'@'localhost' (using password: YES)")


def test_unknown_user_is_access_denied(sakila):
    with pytest.raises(pymysql.OperationalError) as raised:
        pymysql.connect(host="127.0.0.1", port=sakila.spec.port, user="admin", password="adminpwrd")
    assert raised.value.args[0] == 1045


def test_unknown_database_on_connect_and_use(sakila):
    with pytest.raises(pymysql.OperationalError) as raised:
        connect(sakila, database="nowhere")
    assert raised.value.args == (1049, "Unknown database 'nowhere'")
    conn = connect(sakila)
    with pytest.raises(pymysql.MySQLError) as raised:
        conn.cursor().execute("USE nowhere")
    assert raised.value.args == (1049, "Unknown database 'nowhere'")


def test_a_new_password_takes_effect(sakila):
    sakila.set_master_password("changed")
    with pytest.raises(pymysql.OperationalError):
        connect(sakila)
    conn = pymysql.connect(host="127.0.0.1", port=sakila.spec.port, user=USER, password="changed")
    conn.close()
