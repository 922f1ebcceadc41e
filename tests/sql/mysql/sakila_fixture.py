"""A small deterministic Sakila-like database in SQLite DDL, written the way the sample
loader writes Rentio: MySQL-looking declared types, ENUM as TEXT with a CHECK, an
AUTO_INCREMENT key as INTEGER PRIMARY KEY with its MySQL type recorded, a view and a
trigger in SQLite syntax. Its numbers reproduce the lab's documented results."""

from __future__ import annotations

import sqlite3

from headwater.sql.mysql import record_column_types

RATINGS = {"PG": 194, "G": 178, "NC-17": 210, "PG-13": 223, "R": 195}
#: Films per category: 16 categories, ascending from 51 to 74, 1000 in all.
CATEGORY_COUNTS = [51, 56, 57, 58, 59, 60, 61, 61, 62, 63, 64, 66, 69, 70, 69, 74]
CATEGORY_NAMES = ["Music", "Horror", "Classics", "Travel", "Children", "Comedy", "Documentary", "Games",
                  "Animation", "Drama", "Family", "New", "Sci-Fi", "Action", "Foreign", "Sports"]
CITIES = ["Lethbridge", "Woodridge", "A Coruña (La Coruña)", "Abha", "Zanzibar", "Kabul"]

SCHEMA = """
CREATE TABLE country (country_id INTEGER PRIMARY KEY AUTOINCREMENT, country VARCHAR(50) NOT NULL,
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE city (city_id INTEGER PRIMARY KEY AUTOINCREMENT, city VARCHAR(50) NOT NULL,
  country_id SMALLINT UNSIGNED NOT NULL REFERENCES country (country_id),
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE INDEX "city.idx_city" ON city (city);
CREATE TABLE address (address_id INTEGER PRIMARY KEY AUTOINCREMENT, address VARCHAR(50) NOT NULL,
  district VARCHAR(20) NOT NULL, city_id SMALLINT UNSIGNED NOT NULL REFERENCES city (city_id),
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE store (store_id INTEGER PRIMARY KEY AUTOINCREMENT, manager_staff_id TINYINT UNSIGNED NOT NULL,
  address_id SMALLINT UNSIGNED NOT NULL REFERENCES address (address_id),
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE staff (staff_id INTEGER PRIMARY KEY AUTOINCREMENT, first_name VARCHAR(45) NOT NULL,
  last_name VARCHAR(45) NOT NULL, address_id SMALLINT UNSIGNED NOT NULL REFERENCES address (address_id),
  email VARCHAR(50), store_id TINYINT UNSIGNED NOT NULL REFERENCES store (store_id),
  active TINYINT(1) NOT NULL DEFAULT 1, last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE category (category_id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(25) NOT NULL,
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE film (film_id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR(128) NOT NULL,
  release_year YEAR, length SMALLINT UNSIGNED, rental_rate DECIMAL(4,2) NOT NULL DEFAULT 4.99,
  rating TEXT DEFAULT 'G' CHECK (rating IN ('G','PG','PG-13','R','NC-17')),
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE film_category (film_id SMALLINT UNSIGNED NOT NULL REFERENCES film (film_id),
  category_id TINYINT UNSIGNED NOT NULL REFERENCES category (category_id),
  last_update TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP, PRIMARY KEY (film_id, category_id));
CREATE TABLE film_log (film_id SMALLINT UNSIGNED NOT NULL, title VARCHAR(128));
CREATE TRIGGER ins_film AFTER INSERT ON film BEGIN
  INSERT INTO film_log (film_id, title) VALUES (new.film_id, new.title); END;
CREATE VIEW film_list AS SELECT film.film_id AS FID, film.title AS title, category.name AS category,
  film.rental_rate AS price FROM film JOIN film_category USING (film_id) JOIN category USING (category_id);
"""

STAMP = "2006-02-15 04:57:12"


def load_sakila(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN")
    for statement in _statements(SCHEMA):
        conn.execute(statement)
    for table, key, mysql_type in [("country", "country_id", "smallint unsigned"),
                                   ("city", "city_id", "smallint unsigned"),
                                   ("address", "address_id", "smallint unsigned"),
                                   ("store", "store_id", "tinyint unsigned"),
                                   ("staff", "staff_id", "tinyint unsigned"),
                                   ("category", "category_id", "tinyint unsigned"),
                                   ("film", "film_id", "smallint unsigned")]:
        record_column_types(conn, table, {key: mysql_type}, {key: "auto_increment"})
    conn.executemany("INSERT INTO country VALUES (?, ?, ?)", [(1, "Canada", STAMP), (2, "Australia", STAMP)])
    conn.executemany("INSERT INTO city VALUES (?, ?, ?, ?)",
                     [(i, name, 1 + i % 2, STAMP) for i, name in enumerate(CITIES, start=1)])
    conn.executemany("INSERT INTO address VALUES (?, ?, ?, ?, ?)",
                     [(i, f"{i} Main Street", "Alberta", i, STAMP) for i in range(1, len(CITIES) + 1)])
    conn.executemany("INSERT INTO store VALUES (?, ?, ?, ?)", [(1, 1, 1, STAMP), (2, 2, 2, STAMP)])
    conn.executemany("INSERT INTO staff VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                     [(1, "Mike", "Hillyer", 3, "Mike.Hillyer@sakilastaff.com", 1, 1, STAMP),
                      (2, "Jon", "Stephens", 4, "Jon.Stephens@sakilastaff.com", 2, 1, STAMP)])
    conn.executemany("INSERT INTO category VALUES (?, ?, ?)",
                     [(i, name, STAMP) for i, name in enumerate(CATEGORY_NAMES, start=1)])
    ratings = [rating for rating, count in RATINGS.items() for _ in range(count)]
    categories = [i for i, count in enumerate(CATEGORY_COUNTS, start=1) for _ in range(count)]
    conn.executemany("INSERT INTO film VALUES (?, ?, 2006, ?, ?, ?, ?)",
                     [(i, f"FILM {i:04d}", 46 + (i * 7) % 140, (0.99, 2.99, 4.99)[i % 3], ratings[i - 1], STAMP)
                      for i in range(1, 1001)])
    conn.executemany("INSERT INTO film_category VALUES (?, ?, ?)",
                     [(i, categories[(i * 37) % 1000], STAMP) for i in range(1, 1001)])
    conn.execute("COMMIT")


def _statements(script: str) -> list[str]:
    """The script's statements (a trigger's body keeps its inner semicolons)."""
    statements, current = [], []
    for line in script.strip().splitlines():
        current.append(line)
        text = "\n".join(current)
        if text.rstrip().endswith(";") and (not text.lstrip().upper().startswith("CREATE TRIGGER")
                                             or text.rstrip().upper().endswith("END;")):
            statements.append(text)
            current = []
    return statements
