"""The SQL lab's statements (W1 Lab 1 on Rentio) and the results the course documents."""

STORE_COLUMNS = ["store_id", "manager_staff_id", "address_id", "last_update"]
CATEGORY_FILMS = [51, 56, 57, 57, 58, 60, 61, 61, 62, 63, 64, 66, 68, 69, 73, 74]
RATING_FILMS = {"PG": 194, "G": 178, "NC-17": 210, "PG-13": 223, "R": 195}

SELECTS = {
    2: "SELECT title, length, release_year FROM film LIMIT 4;",
    3: "SELECT * FROM store;",
    4: "SELECT first_name, last_name, email FROM staff WHERE active;",
    8: "SELECT title AS film_title, length AS film_length, release_year AS film_release_year FROM film LIMIT 10;",
    9: "SELECT city, address, district FROM city JOIN address ON city.city_id = address.city_id LIMIT 5;",
    10: ("SELECT country.country, city.city, address.address FROM country "
         "JOIN city ON country.country_id = city.country_id "
         "JOIN address ON city.city_id = address.city_id "
         "JOIN staff ON address.address_id = staff.address_id WHERE staff.active;"),
    11: "SELECT rating, COUNT(film_id) AS film FROM film GROUP BY rating;",
    12: ("SELECT category.name, COUNT(film.film_id) AS films_count FROM category "
         "JOIN film_category ON category.category_id = film_category.category_id "
         "JOIN film ON film_category.film_id = film.film_id "
         "GROUP BY category.name ORDER BY films_count;"),
}

#: (exercise, statement, rows affected)
WRITES = [
    (1, "CREATE TABLE category_copy (category_id INTEGER, name VARCHAR(25), last_update TIMESTAMP);", None),
    (5, ("INSERT INTO category_copy VALUES (1,'Horror','2006-02-15 09:46:27.000'), "
        "(10,'Animation','2006-02-15 09:46:27.000'), (20,'Documentary','2006-02-15 09:46:27.000');"), 3),
    (6, "UPDATE category_copy SET last_update='2020-09-12 08:00:00.000';", 3),
    (6, "UPDATE category_copy SET category_id=2 WHERE name='Animation';", 1),
    (6, "UPDATE category_copy SET name='Action' WHERE category_id=1;", 1),
    (7, "DELETE FROM category_copy WHERE category_id = 20;", 1),
]


def check_selects(run) -> dict[int, list[tuple]]:
    """Run every SELECT through ``run(sql) -> (column names, rows)`` and check the documented
    results; returns the rows by exercise."""
    results = {number: run(sql) for number, sql in SELECTS.items()}
    rows = {number: result[1] for number, result in results.items()}
    assert len(rows[2]) == 4 and {row[2] for row in rows[2]} == {2006}
    assert results[3][0] == STORE_COLUMNS and len(rows[3]) == 2
    assert len(rows[4]) == 2 and all(row[2].endswith("@sakilastaff.com") for row in rows[4])
    assert len(rows[8]) == 10 and results[8][0] == ["film_title", "film_length", "film_release_year"]
    assert len(rows[9]) == 5
    assert len(rows[10]) == 2
    assert dict(rows[11]) == RATING_FILMS
    assert len(rows[12]) == 16 and [count for _, count in rows[12]] == CATEGORY_FILMS
    return rows


def check_writes(execute, select) -> None:
    """Run the lab's writes through ``execute(sql) -> rowcount`` and check the rows counts
    and ``category_copy`` afterwards (read with ``select(sql) -> rows``)."""
    for _, sql, affected in WRITES:
        count = execute(sql)
        if affected is not None:
            assert count == affected, sql
    remaining = select("SELECT category_id, name, last_update FROM category_copy ORDER BY category_id")
    assert [(row[0], row[1]) for row in remaining] == [(1, "Action"), (2, "Animation")]
    assert all(str(row[2]).startswith("2020-09-12 08:00:00") for row in remaining)
