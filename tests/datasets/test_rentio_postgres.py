"""Rentio in a real PostgreSQL: the SQL lab's results, the same answers as SQLite, views
and triggers."""

from __future__ import annotations

from decimal import Decimal

from tests.datasets.lab_sql import SELECTS, check_selects, check_writes
from tests.datasets.test_rentio import ROW_COUNTS

#: Portable aggregate queries whose answers must match between SQLite and PostgreSQL.
SAME_ANSWERS = [
    "SELECT rating, COUNT(*) FROM film GROUP BY rating ORDER BY rating",
    "SELECT store_id, COUNT(*) FROM inventory GROUP BY store_id ORDER BY store_id",
    "SELECT staff_id, COUNT(*), SUM(amount) FROM payment GROUP BY staff_id ORDER BY staff_id",
    "SELECT customer_id, COUNT(*), SUM(amount) FROM payment GROUP BY customer_id ORDER BY customer_id",
    "SELECT COUNT(*), SUM(length), MIN(title), MAX(title) FROM film",
    ("SELECT c.city, a.address, a.district, a.postal_code FROM address a JOIN city c ON c.city_id = a.city_id "
    "ORDER BY a.address_id"),
    ("SELECT country, COUNT(*) FROM country JOIN city ON city.country_id = country.country_id "
    "GROUP BY country ORDER BY country"),
    "SELECT film_id, COUNT(*) FROM film_actor GROUP BY film_id ORDER BY film_id",
    "SELECT inventory_id, COUNT(*) FROM rental GROUP BY inventory_id ORDER BY inventory_id",
    "SELECT rental_id, CAST(rental_date AS TEXT), CAST(return_date AS TEXT) FROM rental ORDER BY rental_id",
    "SELECT category, total_sales FROM sales_by_film_category ORDER BY category",
    "SELECT ID, name, SID FROM customer_list ORDER BY ID",
]


def normal(rows) -> list[tuple]:
    def value(v):
        if isinstance(v, (float, Decimal)):
            return round(float(v), 2)
        if isinstance(v, bool):
            return int(v)
        return v if isinstance(v, (int, type(None))) else str(v)
    return [tuple(value(v) for v in row) for row in rows]


def pg_run(connection):
    def run(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return [d.name for d in cursor.description], cursor.fetchall()
    return run


def test_row_counts(rentio_postgres):
    run = pg_run(rentio_postgres)
    assert {table: run(f"SELECT COUNT(*) FROM {table}")[1][0][0] for table in ROW_COUNTS} == ROW_COUNTS
    assert run("SELECT COUNT(*) FROM information_schema.views WHERE table_schema = 'public'")[1] == [(7,)]


def test_sql_lab_same_results_as_sqlite(rentio_postgres, rentio_sqlite):
    pg_rows = check_selects(pg_run(rentio_postgres))
    for number in (3, 4, 10, 11, 12):  # the exercises whose rows do not depend on scan order
        sqlite_rows = rentio_sqlite.execute(SELECTS[number]).fetchall()
        assert sorted(normal(pg_rows[number])) == sorted(normal(sqlite_rows)), number


def test_aggregates_same_as_sqlite(rentio_postgres, rentio_sqlite):
    run = pg_run(rentio_postgres)
    for sql in SAME_ANSWERS:
        assert normal(run(sql)[1]) == normal(rentio_sqlite.execute(sql).fetchall()), sql


def test_sql_lab_writes(rentio_postgres):
    try:
        with rentio_postgres.cursor() as cursor:
            def execute(sql):
                cursor.execute(sql)
                return cursor.rowcount

            def select(sql):
                cursor.execute(sql)
                return cursor.fetchall()

            check_writes(execute, select)
    finally:
        rentio_postgres.rollback()


def test_triggers(rentio_postgres):
    c = rentio_postgres
    try:
        before = c.execute("SELECT LOCALTIMESTAMP(0)").fetchone()[0]
        film_id = c.execute("INSERT INTO film (title, description, language_id) VALUES ('NEW ARRIVAL', 'Fresh.', 1) "
                            "RETURNING film_id").fetchone()[0]
        assert film_id == 1001
        assert c.execute("SELECT title FROM film_text WHERE film_id = 1001").fetchone() == ("NEW ARRIVAL",)
        c.execute("UPDATE film SET description = 'Stale.' WHERE film_id = 1001")
        assert c.execute("SELECT description FROM film_text WHERE film_id = 1001").fetchone() == ("Stale.",)
        c.execute("DELETE FROM film WHERE film_id = 1001")
        assert c.execute("SELECT COUNT(*) FROM film_text WHERE film_id = 1001").fetchone() == (0,)
        rental = c.execute("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
                           "VALUES ('2001-01-01', 1, 1, 1) RETURNING rental_id, rental_date").fetchone()
        assert rental[0] == 16045 and rental[1] >= before
        c.execute("UPDATE customer SET first_name = 'ZED' WHERE customer_id = 2")
        assert c.execute("SELECT last_update >= %s FROM customer WHERE customer_id = 2", (before,)).fetchone() == (True,)
    finally:
        c.rollback()
