"""Statements beyond the lab: row counts, insert ids, transactions, sessions that do not
block each other, catalog statements, and the types clients see."""

from __future__ import annotations

import datetime
import threading
from decimal import Decimal

import pymysql
import pytest

from tests.sql.mysql.conftest import connect


def rows(cursor, sql):
    cursor.execute(sql)
    return list(cursor.fetchall())


@pytest.fixture
def cursor(db):
    cursor = db.cursor()
    cursor.execute("CREATE TABLE item (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(20) NOT NULL,"
                   " price DECIMAL(6,2) NOT NULL DEFAULT 1.50, kind ENUM('a','b') DEFAULT 'a', born DATE,"
                   " stamp TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)")
    return cursor


def test_insert_ids_and_affected_rows(cursor):
    assert cursor.execute("INSERT INTO item (name) VALUES ('x'), ('y'), ('z')") == 3
    assert cursor.lastrowid == 1
    assert rows(cursor, "SELECT LAST_INSERT_ID()") == [(1,)]
    cursor.execute("INSERT INTO item (name) VALUES ('w')")
    assert cursor.lastrowid == 4
    assert cursor.execute("UPDATE item SET name = 'x' WHERE id <= 2") == 1  # one row really changes
    assert cursor.execute("DELETE FROM item WHERE name = 'x' ORDER BY id LIMIT 1") == 1
    assert rows(cursor, "SELECT id FROM item ORDER BY id") == [(2,), (3,), (4,)]


def test_found_rows_counts_matched_rows(sakila):
    conn = connect(sakila, client_flag=pymysql.constants.CLIENT.FOUND_ROWS)
    cursor = conn.cursor()
    cursor.execute("CREATE TABLE t (a INT)")
    cursor.execute("INSERT INTO t VALUES (1), (1)")
    assert cursor.execute("UPDATE t SET a = 1") == 2
    conn.close()


def test_values_come_back_with_mysql_types(cursor):
    cursor.execute("INSERT INTO item (name, price, born) VALUES ('x', 12.25, '2020-01-31')")
    name, price, kind, born, stamp = rows(cursor, "SELECT name, price, kind, born, stamp FROM item")[0]
    assert (name, price, kind, born) == ("x", Decimal("12.25"), "a", datetime.date(2020, 1, 31))
    assert isinstance(stamp, datetime.datetime)


def test_text_compares_case_insensitively_like_mysql(cursor):
    cursor.execute("INSERT INTO item (name) VALUES ('Horror')")
    assert rows(cursor, "SELECT name FROM item WHERE name = 'horror'") == [("Horror",)]


def test_rollback_and_commit(db, cursor):
    cursor.execute("INSERT INTO item (name) VALUES ('kept')")
    cursor.execute("START TRANSACTION")
    cursor.execute("INSERT INTO item (name) VALUES ('gone')")
    cursor.execute("ROLLBACK")
    cursor.execute("BEGIN")
    cursor.execute("INSERT INTO item (name) VALUES ('committed')")
    cursor.execute("COMMIT")
    assert rows(cursor, "SELECT name FROM item ORDER BY id") == [("kept",), ("committed",)]


def test_autocommit_off_keeps_work_until_commit(sakila, db, cursor):
    db.autocommit(False)
    cursor.execute("INSERT INTO item (name) VALUES ('pending')")
    other = connect(sakila).cursor()
    assert rows(other, "SELECT COUNT(*) FROM item") == [(0,)]
    db.rollback()
    cursor.execute("INSERT INTO item (name) VALUES ('done')")
    db.commit()
    assert rows(other, "SELECT name FROM item") == [("done",)]


def test_an_open_transaction_does_not_stall_other_sessions(sakila, cursor):
    cursor.execute("BEGIN")
    cursor.execute("INSERT INTO item (name) VALUES ('held')")
    answers = []

    def read():
        answers.append(rows(connect(sakila).cursor(), "SELECT COUNT(*) FROM item"))

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=20)
    assert answers == [[(0,)]]
    cursor.execute("COMMIT")


def test_catalog_statements(cursor):
    assert rows(cursor, "DESCRIBE item")[:3] == [
        ("id", "int", "NO", "PRI", None, "auto_increment"),
        ("name", "varchar(20)", "NO", "", None, ""),
        ("price", "decimal(6,2)", "NO", "", "1.50", ""),
    ]
    assert rows(cursor, "SHOW COLUMNS FROM item LIKE 'kind'")[0][1] == "enum('a','b')"
    assert ("item",) in rows(cursor, "SHOW TABLES")
    assert ("film_list", "VIEW") in rows(cursor, "SHOW FULL TABLES")
    create = rows(cursor, "SHOW CREATE TABLE item")[0][1]
    assert create.startswith("CREATE TABLE `item` (\n  `id` int NOT NULL AUTO_INCREMENT")
    assert "ON UPDATE CURRENT_TIMESTAMP" in create
    assert rows(cursor, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'sakila'"
                        " AND table_name LIKE 'film%' ORDER BY table_name") == [
        ("film",), ("film_category",), ("film_list",), ("film_log",)]


def test_loaded_tables_show_their_declared_mysql_types(cursor):
    described = {row[0]: row[1:] for row in rows(cursor, "DESCRIBE film")}
    assert described["film_id"] == ("smallint unsigned", "NO", "PRI", None, "auto_increment")
    assert described["rental_rate"][0] == "decimal(4,2)"
    assert described["rating"][0] == "enum('G','PG','PG-13','R','NC-17')"
    assert described["release_year"][0] == "year"
    assert rows(cursor, "SELECT rental_rate FROM film WHERE film_id = 1") == [(Decimal("2.99"),)]


def test_views_and_triggers_written_in_sqlite_keep_working(cursor):
    cursor.execute("INSERT INTO film (title, rating) VALUES ('NEW FILM', 'PG')")
    film_id = cursor.lastrowid
    assert film_id == 1001
    assert rows(cursor, f"SELECT title FROM film_log WHERE film_id = {film_id}") == [("NEW FILM",)]
    assert rows(cursor, "SELECT COUNT(*) FROM film_list") == [(1000,)]


def test_databases_are_created_used_and_dropped(db, cursor):
    cursor.execute("CREATE DATABASE shop")
    assert ("shop",) in rows(cursor, "SHOW DATABASES")
    cursor.execute("CREATE TABLE shop.things (id INT PRIMARY KEY)")
    cursor.execute("USE shop")
    cursor.execute("INSERT INTO things VALUES (1)")
    assert rows(cursor, "SELECT COUNT(*) FROM sakila.item") == [(0,)]
    cursor.execute("DROP DATABASE shop")
    assert ("shop",) not in rows(cursor, "SHOW DATABASES")


def test_alter_table(cursor):
    cursor.execute("ALTER TABLE item ADD COLUMN note VARCHAR(10) DEFAULT 'n'")
    cursor.execute("ALTER TABLE item RENAME TO goods")
    cursor.execute("INSERT INTO goods (name) VALUES ('x')")
    assert rows(cursor, "SELECT note FROM goods") == [("n",)]
