"""Rentio in SQLite: row counts, the SQL lab's documented results, Sakila's distributions,
views, triggers, declared types, determinism and an all-or-nothing load."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import subprocess
import sys

import pytest

from headwater.datasets import rentio
from tests.datasets.lab_sql import check_selects, check_writes

ROW_COUNTS = {
    "actor": 200, "address": 603, "category": 16, "city": 600, "country": 109, "customer": 599,
    "film": 1000, "film_actor": 5462, "film_category": 1000, "film_text": 1000, "inventory": 4581,
    "language": 6, "payment": 16044, "rental": 16044, "staff": 2, "store": 2,
}


def one(connection, sql: str, *params):
    return connection.execute(sql, params).fetchone()


def column(connection, sql: str) -> list:
    return [row[0] for row in connection.execute(sql)]


def test_row_counts_and_objects(rentio_sqlite):
    counts = {table: one(rentio_sqlite, f"SELECT COUNT(*) FROM {table}")[0] for table in ROW_COUNTS}
    assert counts == ROW_COUNTS
    objects = dict(rentio_sqlite.execute(
        "SELECT type, group_concat(name, ' ') FROM sqlite_master WHERE type IN ('view', 'trigger') GROUP BY type"))
    assert sorted(objects["view"].split()) == sorted(rentio.VIEWS) and len(rentio.VIEWS) == 7
    assert {"ins_film", "upd_film", "del_film", "customer_create_date", "payment_date", "rental_date"} \
        <= set(objects["trigger"].split())
    assert rentio_sqlite.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sql_lab_selects(rentio_sqlite):
    def run(sql):
        cursor = rentio_sqlite.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()

    check_selects(run)


def test_film_distributions(rentio_sqlite):
    c = rentio_sqlite
    assert one(c, "SELECT COUNT(*) FROM film WHERE length < 60")[0] == 96
    assert one(c, "SELECT COUNT(*) FROM film WHERE length <= 60")[0] == 104
    assert one(c, "SELECT COUNT(*) FROM film WHERE length >= 180")[0] == 46
    assert one(c, "SELECT MIN(length), MAX(length), ROUND(AVG(length), 1) FROM film") == (46, 185, 115.3)
    lengths = column(c, "SELECT length FROM film ORDER BY length")
    assert (lengths[499] + lengths[500]) / 2 == 114
    assert one(c, "SELECT MIN(release_year), MAX(release_year), MAX(language_id), "
                  "COUNT(original_language_id) FROM film") == (2006, 2006, 1, 0)
    assert dict(c.execute("SELECT rental_duration, COUNT(*) FROM film GROUP BY 1")) == \
        {3: 203, 4: 203, 5: 191, 6: 212, 7: 191}
    assert dict(c.execute("SELECT rental_rate, COUNT(*) FROM film GROUP BY 1")) == {0.99: 341, 2.99: 323, 4.99: 336}
    costs = column(c, "SELECT DISTINCT replacement_cost FROM film ORDER BY 1")
    assert [round(cost, 2) for cost in costs] == [round(9.99 + i, 2) for i in range(21)]
    features = {name: one(c, "SELECT COUNT(*) FROM film WHERE ',' || special_features || ',' LIKE ?",
                          f"%,{name},%")[0]
                for name in ("Commentaries", "Behind the Scenes", "Trailers", "Deleted Scenes")}
    assert features == {"Commentaries": 539, "Behind the Scenes": 538, "Trailers": 535, "Deleted Scenes": 503}
    assert one(c, "SELECT COUNT(*) FROM film WHERE special_features IS NULL OR special_features = ''")[0] == 0
    longest_title, shortest, longest = one(
        c, "SELECT MAX(LENGTH(title)), MIN(LENGTH(description)), MAX(LENGTH(description)) FROM film")
    assert longest_title <= 27 and 70 <= shortest and longest <= 130
    assert one(c, "SELECT COUNT(DISTINCT last_update) FROM film")[0] == 1


def test_cast_and_inventory(rentio_sqlite):
    c = rentio_sqlite
    assert one(c, "SELECT COUNT(*), MIN(n), MAX(n) FROM (SELECT COUNT(*) n FROM film_actor GROUP BY film_id)") \
        == (997, 1, 15)
    assert one(c, "SELECT MIN(n), MAX(n) FROM (SELECT COUNT(*) n FROM film_actor GROUP BY actor_id)") == (14, 42)
    assert one(c, "SELECT COUNT(*), MIN(n), MAX(n) FROM (SELECT COUNT(*) n FROM film_category GROUP BY film_id)") \
        == (1000, 1, 1)
    assert dict(c.execute("SELECT store_id, COUNT(*) FROM inventory GROUP BY 1")) == {1: 2270, 2: 2311}
    assert one(c, "SELECT COUNT(*), MIN(n), MAX(n) FROM (SELECT COUNT(*) n FROM inventory GROUP BY film_id)") \
        == (958, 2, 8)
    times_rented = dict(c.execute(
        "SELECT n, COUNT(*) FROM (SELECT COUNT(r.rental_id) n FROM inventory i "
        "LEFT JOIN rental r ON r.inventory_id = i.inventory_id GROUP BY i.inventory_id) GROUP BY n"))
    assert times_rented[0] == 1 and set(times_rented) == {0, 1, 2, 3, 4, 5}


def test_customers_and_places(rentio_sqlite):
    c = rentio_sqlite
    assert dict(c.execute("SELECT store_id, COUNT(*) FROM customer GROUP BY 1")) == {1: 326, 2: 273}
    assert dict(c.execute("SELECT active, COUNT(*) FROM customer GROUP BY 1")) == {1: 584, 0: 15}
    assert column(c, "SELECT DISTINCT date(create_date) FROM customer") == ["2006-02-14"]
    assert one(c, "SELECT COUNT(*) FROM customer WHERE email = first_name || '.' || last_name "
                  "|| '@sakilacustomer.org' AND first_name = UPPER(first_name)")[0] == 599
    places = "FROM customer cu JOIN address a ON a.address_id = cu.address_id JOIN city ci ON ci.city_id = a.city_id"
    assert one(c, f"SELECT COUNT(DISTINCT ci.country_id), COUNT(DISTINCT ci.city_id) {places}") == (108, 597)
    assert one(c, f"SELECT MAX(n) FROM (SELECT COUNT(*) n {places} GROUP BY ci.country_id)")[0] == 60
    assert column(c, "SELECT address_id FROM address WHERE address2 IS NULL") == [1, 2, 3, 4]
    assert one(c, "SELECT SUM(postal_code = ''), SUM(phone = ''), SUM(district = '') FROM address") == (4, 2, 3)
    assert one(c, "SELECT COUNT(*) FROM city WHERE city GLOB '*[^ -~]*'")[0] > 0  # accented names
    staff = c.execute("SELECT staff_id, store_id, active, email FROM staff ORDER BY staff_id").fetchall()
    assert [(s[0], s[1], s[2]) for s in staff] == [(1, 1, 1), (2, 2, 1)]
    assert all(s[3].endswith("@sakilastaff.com") for s in staff)
    assert c.execute("SELECT store_id, manager_staff_id FROM store ORDER BY 1").fetchall() == [(1, 1), (2, 2)]


def test_rentals_and_payments(rentio_sqlite):
    c = rentio_sqlite
    assert one(c, "SELECT COUNT(DISTINCT date(rental_date)), MIN(date(rental_date)), MAX(date(rental_date)) "
                  "FROM rental") == (41, "2005-05-24", "2006-02-14")
    assert dict(c.execute("SELECT substr(rental_date, 1, 7), COUNT(*) FROM rental GROUP BY 1")) == \
        {"2005-05": 1156, "2005-06": 2311, "2005-07": 6709, "2005-08": 5686, "2006-02": 182}
    assert dict(c.execute("SELECT substr(rental_date, 1, 7), COUNT(*) FROM rental "
                          "WHERE return_date IS NULL GROUP BY 1")) == {"2005-08": 1, "2006-02": 182}
    durations = "SELECT julianday(return_date) - julianday(rental_date) d FROM rental WHERE return_date IS NOT NULL"
    assert one(c, f"SELECT ROUND(MIN(d), 2), ROUND(MAX(d), 2), ROUND(AVG(d), 2) FROM ({durations})") == \
        (0.75, 9.25, 5.03)
    assert one(c, "SELECT MIN(n), MAX(n) FROM (SELECT COUNT(*) n FROM rental GROUP BY customer_id)") == (12, 46)
    assert dict(c.execute("SELECT staff_id, COUNT(*) FROM rental GROUP BY 1")) == {1: 8040, 2: 8004}
    assert dict(c.execute("SELECT staff_id, COUNT(*) FROM payment GROUP BY 1")) == {1: 8054, 2: 7990}
    assert one(c, "SELECT COUNT(*) FROM payment p JOIN rental r ON r.rental_id = p.rental_id "
                  "WHERE p.payment_date = r.rental_date AND p.customer_id = r.customer_id")[0] == 16044
    assert one(c, "SELECT COUNT(DISTINCT rental_id), MAX(payment_id) FROM payment") == (16044, 16049)
    assert one(c, "SELECT COUNT(DISTINCT amount), MIN(amount), MAX(amount), ROUND(SUM(amount), 2), "
                  "ROUND(AVG(amount), 2) FROM payment") == (19, 0, 11.99, 67406.56, 4.2)
    assert dict(c.execute("SELECT amount, COUNT(*) FROM payment GROUP BY 1 ORDER BY 2 DESC LIMIT 3")) == \
        {4.99: 3789, 2.99: 3542, 0.99: 2977}
    assert one(c, "SELECT COUNT(*) FROM payment WHERE amount = 0")[0] == 24
    spend = "SELECT SUM(amount) s FROM payment GROUP BY customer_id"
    assert one(c, f"SELECT ROUND(MIN(s), 2), ROUND(MAX(s), 2), ROUND(AVG(s), 2) FROM ({spend})") == \
        (50.85, 221.55, 112.53)


def test_views(rentio_sqlite):
    c = rentio_sqlite
    counts = {view: one(c, f"SELECT COUNT(*) FROM {view}")[0] for view in rentio.VIEWS}
    assert counts == {"actor_info": 200, "customer_list": 599, "film_list": 1000, "nicer_but_slower_film_list": 1000,
                      "sales_by_film_category": 16, "sales_by_store": 2, "staff_list": 2}
    assert round(one(c, "SELECT SUM(total_sales) FROM sales_by_store")[0], 2) == 67406.56
    assert round(one(c, "SELECT SUM(total_sales) FROM sales_by_film_category")[0], 2) == 67406.56
    assert one(c, "SELECT COUNT(*) FROM customer_list WHERE notes = 'active'")[0] == 584
    assert one(c, "SELECT COUNT(*) FROM film_list WHERE actors IS NULL")[0] == 3
    name = one(c, "SELECT actors FROM nicer_but_slower_film_list WHERE actors IS NOT NULL LIMIT 1")[0]
    assert name[0].isupper() and name[1].islower()


def test_declared_types_look_like_mysql(rentio_sqlite):
    types = {row[1]: row[2] for row in rentio_sqlite.execute("PRAGMA table_info(film)")}
    assert types["rental_rate"] == "DECIMAL(4,2)" and types["release_year"] == "YEAR"
    assert types["language_id"] == "TINYINT UNSIGNED" and types["length"] == "SMALLINT UNSIGNED"
    assert types["last_update"] == "TIMESTAMP" and types["rating"] == "TEXT"
    assert {row[1]: row[2] for row in rentio_sqlite.execute("PRAGMA table_info(staff)")}["active"] == "TINYINT(1)"
    with pytest.raises(sqlite3.IntegrityError, match="chk_film_rating"):
        rentio_sqlite.execute("UPDATE film SET rating = 'X' WHERE film_id = 1")
    with pytest.raises(sqlite3.IntegrityError, match="chk_film_special_features"):
        rentio_sqlite.execute("UPDATE film SET special_features = 'Trailers,Bloopers' WHERE film_id = 1")
    rentio_sqlite.rollback()


@pytest.fixture
def scratch(tmp_path, rentio_sqlite):
    """A private copy of the loaded database, to write to."""
    connection = sqlite3.connect(tmp_path / "sakila.sqlite3")
    rentio_sqlite.backup(connection)
    connection.execute("PRAGMA foreign_keys = ON")
    yield connection
    connection.close()


def test_sql_lab_writes(scratch):
    check_writes(lambda sql: scratch.execute(sql).rowcount, lambda sql: scratch.execute(sql).fetchall())


def test_film_triggers_keep_film_text_in_sync(scratch):
    c = scratch
    c.execute("INSERT INTO film (title, description, language_id) VALUES ('NEW ARRIVAL', 'Fresh.', 1)")
    film_id = one(c, "SELECT film_id FROM film WHERE title = 'NEW ARRIVAL'")[0]
    assert film_id == 1001
    assert one(c, "SELECT title, description FROM film_text WHERE film_id = ?", film_id) == ("NEW ARRIVAL", "Fresh.")
    c.execute("UPDATE film SET title = 'OLD ARRIVAL' WHERE film_id = ?", (film_id,))
    assert one(c, "SELECT title FROM film_text WHERE film_id = ?", film_id) == ("OLD ARRIVAL",)
    c.execute("DELETE FROM film WHERE film_id = ?", (film_id,))
    assert one(c, "SELECT COUNT(*) FROM film_text WHERE film_id = ?", film_id) == (0,)
    c.commit()


def test_insert_triggers_stamp_dates_and_last_update(scratch):
    c = scratch
    before = one(c, "SELECT CURRENT_TIMESTAMP")[0]
    c.execute("INSERT INTO rental (rental_date, inventory_id, customer_id, staff_id) "
              "VALUES ('2001-01-01 00:00:00', 1, 1, 1)")
    rental_id = one(c, "SELECT MAX(rental_id) FROM rental")[0]
    assert rental_id == 16045
    assert one(c, "SELECT rental_date FROM rental WHERE rental_id = ?", rental_id)[0] >= before
    c.execute("INSERT INTO payment (customer_id, staff_id, rental_id, amount, payment_date) "
              "VALUES (1, 1, ?, 2.99, '2001-01-01 00:00:00')", (rental_id,))
    assert one(c, "SELECT payment_id, payment_date >= ? FROM payment WHERE rental_id = ?", before, rental_id) \
        == (16050, 1)
    c.execute("UPDATE customer SET first_name = 'ZED' WHERE customer_id = 2")
    assert one(c, "SELECT last_update >= ? FROM customer WHERE customer_id = 2", before) == (1,)
    c.commit()
    with pytest.raises(sqlite3.IntegrityError):  # store <-> staff keys are enforced once loaded
        c.execute("DELETE FROM staff WHERE staff_id = 1")


def test_load_is_all_or_nothing(tmp_path):
    connection = sqlite3.connect(tmp_path / "partial.sqlite3")
    connection.execute("CREATE TABLE payment (x)")
    connection.commit()
    with pytest.raises(sqlite3.OperationalError, match="payment"):
        rentio.load(connection, "sqlite")
    assert column(connection, "SELECT name FROM sqlite_master") == ["payment"]


def test_progress_reports_every_row(tmp_path):
    seen = []
    rentio.load(sqlite3.connect(tmp_path / "p.sqlite3"), "sqlite", progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (sum(ROW_COUNTS.values()), sum(ROW_COUNTS.values()))
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


DIGEST = ("import hashlib; from headwater.datasets import rentio, shop; "
          "print(hashlib.sha256(repr((rentio.rows(), shop.rows())).encode()).hexdigest())")


def test_generation_is_deterministic():
    """Two fresh interpreters with different string-hash seeds generate the same rows."""
    runs = [subprocess.Popen([sys.executable, "-c", DIGEST], env={**os.environ, "PYTHONHASHSEED": seed},
                             stdout=subprocess.PIPE, text=True) for seed in ("1", "2")]
    digests = {run.communicate(timeout=120)[0].strip() for run in runs}
    from headwater.datasets import shop
    here = hashlib.sha256(repr((rentio.rows(), shop.rows())).encode()).hexdigest()
    assert digests == {here}
