"""The SQL lab's statements (course labs §3.3), in order, through PyMySQL and through
SQLAlchemy ``mysql+pymysql://``, with the documented results."""

from __future__ import annotations

import datetime

import pytest
import sqlalchemy

from tests.sql.mysql.conftest import PASSWORD, USER

CREATE = "CREATE TABLE category_copy (category_id INTEGER, name VARCHAR(25), last_update TIMESTAMP);"
INSERT = ("INSERT INTO category_copy VALUES (1,'Horror','2006-02-15 09:46:27.000'),"
          " (10,'Animation','2006-02-15 09:46:27.000'), (20,'Documentary','2006-02-15 09:46:27.000');")
UPDATES = [
    "UPDATE category_copy SET last_update='2020-09-12 08:00:00.000';",
    "UPDATE category_copy SET category_id=2 WHERE name='Animation';",
    "UPDATE category_copy SET name='Action' WHERE category_id=1;",
]
DELETE = "DELETE FROM category_copy WHERE category_id = 20;"
FOUR_TABLES = (
    "SELECT city.city, country.country, address.address FROM country"
    " JOIN city ON country.country_id = city.country_id"
    " JOIN address ON city.city_id = address.city_id"
    " JOIN staff ON address.address_id = staff.address_id WHERE staff.active;"
)
PER_CATEGORY = (
    "SELECT category.name, COUNT(film.film_id) AS films_count FROM category"
    " JOIN film_category ON category.category_id = film_category.category_id"
    " JOIN film ON film_category.film_id = film.film_id"
    " GROUP BY category.name ORDER BY films_count;"
)


class PyMySQLRunner:
    def __init__(self, conn):
        self.cursor = conn.cursor()

    def run(self, sql):
        """(rows affected or returned, rows)."""
        count = self.cursor.execute(sql)
        return count, list(self.cursor.fetchall())


class SQLAlchemyRunner:
    def __init__(self, endpoint):
        url = f"mysql+pymysql://{USER}:{PASSWORD}@127.0.0.1:{endpoint.spec.port}/sakila"
        self.engine = sqlalchemy.create_engine(url)
        self.conn = self.engine.connect()

    def run(self, sql):
        result = self.conn.execute(sqlalchemy.text(sql))
        if result.returns_rows:
            rows = [tuple(row) for row in result]
            return len(rows), rows
        self.conn.commit()
        return result.rowcount, []

    def close(self):
        self.conn.close()
        self.engine.dispose()


@pytest.fixture(params=["pymysql", "sqlalchemy"])
def client(request, sakila, db):
    if request.param == "pymysql":
        yield PyMySQLRunner(db)
        return
    runner = SQLAlchemyRunner(sakila)
    yield runner
    runner.close()


def test_the_lab_statements_give_the_documented_results(client):
    assert client.run(CREATE) == (0, [])

    count, rows = client.run("SELECT title, length, release_year FROM film LIMIT 4;")
    assert count == 4 and {row[2] for row in rows} == {2006}

    count, rows = client.run("SELECT * FROM store;")
    assert count == 2 and all(len(row) == 4 for row in rows)
    assert isinstance(rows[0][3], datetime.datetime)

    assert client.run("SELECT first_name, last_name, email FROM staff WHERE active;")[0] == 2
    assert client.run("SELECT first_name, last_name, email FROM staff WHERE active = 1;")[0] == 2

    assert client.run(INSERT)[0] == 3
    count, rows = client.run("SELECT * FROM category_copy;")
    assert rows[0] == (1, "Horror", datetime.datetime(2006, 2, 15, 9, 46, 27))

    assert [client.run(update)[0] for update in UPDATES] == [3, 1, 1]
    rows = sorted(client.run("SELECT * FROM category_copy;")[1])
    assert rows[:2] == [(1, "Action", datetime.datetime(2020, 9, 12, 8)), (2, "Animation", datetime.datetime(2020, 9, 12, 8))]

    assert client.run(DELETE)[0] == 1
    assert client.run("SELECT * FROM category_copy;")[0] == 2

    count, rows = client.run("SELECT title AS film_title, length AS film_length,"
                             " release_year AS film_release_year FROM film LIMIT 10;")
    assert count == 10

    count, rows = client.run("SELECT city, address, district FROM city JOIN address"
                             " ON city.city_id = address.city_id LIMIT 5;")
    assert count == 5
    assert "A Coruña (La Coruña)" in {row[0] for row in client.run(
        "SELECT city FROM city JOIN address ON city.city_id = address.city_id;")[1]}

    assert client.run(FOUR_TABLES)[0] == 2

    count, rows = client.run("SELECT rating, COUNT(film_id) AS film FROM film GROUP BY rating;")
    assert dict(rows) == {"PG": 194, "G": 178, "NC-17": 210, "PG-13": 223, "R": 195}

    count, rows = client.run(PER_CATEGORY)
    counts = [row[1] for row in rows]
    assert count == 16 and counts == sorted(counts) and counts[0] == 51 and counts[-1] == 74


def test_the_three_updates_in_one_query_report_each_count(db):
    cursor = db.cursor()
    cursor.execute(CREATE)
    cursor.execute(INSERT)
    cursor.execute(" ".join(UPDATES))
    counts = [cursor.rowcount]
    while cursor.nextset():
        counts.append(cursor.rowcount)
    assert counts == [3, 1, 1]
