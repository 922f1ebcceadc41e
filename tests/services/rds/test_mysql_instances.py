"""The real Rentio on an RDS-created ``mysql`` instance, as MySQL clients see it: the SQL
lab's statements through PyMySQL and SQLAlchemy with the documented results, DESCRIBE,
SHOW TABLES and information_schema, DECIMAL and TINYINT(1) values, case-insensitive text."""

from __future__ import annotations

import shutil
from decimal import Decimal

import pymysql
import pytest
import sqlalchemy
from sqlalchemy import text

from headwater.datasets import rentio
from headwater.sql.runtime import runtime_of
from tests.datasets.lab_sql import WRITES, check_selects, check_writes
from tests.server import free_port, start_server
from tests.services.rds.conftest import data_dir

PASSWORD = "adminpwrd"
IDENTIFIER = "rentio-lab"
TABLES = 16
VIEWS = 7


@pytest.fixture(scope="module")
def instance():
    """A mysql instance created through the rds API, loaded as ``headwater up`` loads it."""
    directory = data_dir("mysql")
    running = start_server(directory)
    try:
        rds = running.client("rds")
        rds.create_db_instance(DBInstanceIdentifier=IDENTIFIER, DBInstanceClass="db.t3.micro", Engine="mysql",
                               MasterUsername="root", MasterUserPassword=PASSWORD, DBName="sakila",
                               Port=free_port())
        rds.get_waiter("db_instance_available").wait(DBInstanceIdentifier=IDENTIFIER, WaiterConfig={"Delay": 1, "MaxAttempts": 180})
        described = rds.describe_db_instances(DBInstanceIdentifier=IDENTIFIER)["DBInstances"][0]
        endpoint = runtime_of(directory).endpoint(f"000000000000/us-east-1/{IDENTIFIER}")
        connection = endpoint.native_connection("sakila")
        try:
            rentio.load(connection, "mysql")
        finally:
            connection.close()
        yield described["Endpoint"]
    finally:
        running.stop()
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def cursor(instance):
    conn = pymysql.connect(host=instance["Address"], port=instance["Port"], user="root", password=PASSWORD,
                           database="sakila", autocommit=True)
    yield conn.cursor()
    conn.close()


@pytest.fixture
def engine(instance):
    engine = sqlalchemy.create_engine(
        f"mysql+pymysql://root:{PASSWORD}@{instance['Address']}:{instance['Port']}/sakila")
    yield engine
    engine.dispose()


def rows(cursor, sql: str) -> list[tuple]:
    cursor.execute(sql)
    return list(cursor.fetchall())


def test_sql_lab_through_pymysql(cursor):
    def run(sql):
        cursor.execute(sql)
        return [d[0] for d in cursor.description], list(cursor.fetchall())

    check_selects(run)
    try:
        check_writes(cursor.execute, lambda sql: rows(cursor, sql))
    finally:
        cursor.execute("DROP TABLE IF EXISTS category_copy")


def test_sql_lab_through_sqlalchemy(engine):
    def run(sql):
        with engine.connect() as conn:
            result = conn.execute(text(sql))
            return list(result.keys()), [tuple(row) for row in result]

    def execute(sql):
        with engine.begin() as conn:
            return conn.execute(text(sql)).rowcount

    def select(sql):
        with engine.connect() as conn:
            return [tuple(row) for row in conn.execute(text(sql))]

    check_selects(run)
    try:
        check_writes(execute, select)
    finally:
        execute("DROP TABLE IF EXISTS category_copy")


def test_describe_film_shows_mysql_types(cursor):
    described = {row[0]: row[1:] for row in rows(cursor, "DESCRIBE film")}
    assert described["film_id"] == ("smallint unsigned", "NO", "PRI", None, "auto_increment")
    assert described["title"] == ("varchar(128)", "NO", "MUL", None, "")
    assert described["rental_rate"] == ("decimal(4,2)", "NO", "", "4.99", "")
    assert described["rating"] == ("enum('G','PG','PG-13','R','NC-17')", "YES", "", "G", "")
    assert described["special_features"][0] == "set('Trailers','Commentaries','Deleted Scenes','Behind the Scenes')"
    assert described["last_update"] == ("timestamp", "NO", "", "CURRENT_TIMESTAMP", "on update CURRENT_TIMESTAMP")
    staff = {row[0]: row[1:] for row in rows(cursor, "DESCRIBE staff")}
    assert staff["active"] == ("tinyint(1)", "NO", "", "1", "")
    assert staff["staff_id"][0] == "tinyint unsigned"


def test_show_tables_and_information_schema(cursor):
    shown = [row[0] for row in rows(cursor, "SHOW TABLES")]
    assert len(shown) == TABLES + VIEWS and set(rentio.TABLES) | set(rentio.VIEWS) == set(shown)
    kinds = dict(rows(cursor, "SELECT TABLE_TYPE, COUNT(*) FROM information_schema.TABLES"
                              " WHERE TABLE_SCHEMA = 'sakila' GROUP BY TABLE_TYPE"))
    assert kinds == {"BASE TABLE": TABLES, "VIEW": VIEWS}
    film_id = rows(cursor, "SELECT DATA_TYPE, COLUMN_TYPE, COLUMN_KEY, EXTRA FROM information_schema.COLUMNS"
                           " WHERE TABLE_SCHEMA = 'sakila' AND TABLE_NAME = 'film' AND COLUMN_NAME = 'film_id'")
    assert film_id == [("smallint", "smallint unsigned", "PRI", "auto_increment")]
    indexes = rows(cursor, "SELECT DISTINCT TABLE_NAME, INDEX_NAME FROM information_schema.STATISTICS"
                           " WHERE TABLE_SCHEMA = 'sakila' AND INDEX_NAME <> 'PRIMARY'")
    names = [name for _, name in indexes]
    assert "idx_title" in names and len(names) == len(set(names))


def test_decimals_and_their_sums_are_decimals_of_the_column_scale(cursor):
    total, average, highest = rows(cursor, "SELECT SUM(amount), AVG(amount), MAX(amount) FROM payment")[0]
    assert isinstance(total, Decimal) and total.as_tuple().exponent == -2
    assert isinstance(average, Decimal) and average.as_tuple().exponent == -6
    assert highest == Decimal("11.99") and highest.as_tuple().exponent == -2
    rates = rows(cursor, "SELECT rental_rate, COUNT(*) FROM film GROUP BY rental_rate ORDER BY rental_rate")
    assert rates == [(Decimal("0.99"), 341), (Decimal("2.99"), 323), (Decimal("4.99"), 336)]
    assert all(str(value) == f"{value:.2f}" for (value,) in rows(cursor, "SELECT amount FROM payment LIMIT 50"))
    by_store = rows(cursor, "SELECT total_sales FROM sales_by_store")
    assert len(by_store) == 2 and all(isinstance(value, Decimal) for (value,) in by_store)
    assert sum(value for (value,) in by_store) == total


def test_text_compares_case_insensitively_and_booleans_are_tinyint(cursor):
    (title,) = rows(cursor, "SELECT title FROM film ORDER BY film_id LIMIT 1")[0]
    cursor.execute("SELECT film_id FROM film WHERE title = %s", (title.lower(),))
    assert len(cursor.fetchall()) == 1
    assert rows(cursor, "SELECT COUNT(*) FROM category WHERE name = 'action'") == [(1,)]
    assert rows(cursor, "SELECT active FROM staff") == [(1,), (1,)]


def test_sqlalchemy_reflects_the_schema(engine):
    inspector = sqlalchemy.inspect(engine)
    assert set(rentio.TABLES) <= set(inspector.get_table_names())
    columns = {column["name"]: column for column in inspector.get_columns("film")}
    assert columns["film_id"]["autoincrement"] is True
    assert str(columns["rental_rate"]["type"]) == "DECIMAL(4, 2)"
    assert inspector.get_pk_constraint("film")["constrained_columns"] == ["film_id"]


def test_sql_lab_through_the_sql_magic(instance):
    """The lab's own client: ``%sql`` (jupysql) in an IPython shell, several statements per cell."""
    pytest.importorskip("sql.magic")
    interactive = pytest.importorskip("IPython.core.interactiveshell")
    shell = interactive.InteractiveShell.instance()
    shell.run_line_magic("load_ext", "sql")
    shell.run_line_magic("config", "SqlMagic.displaylimit = 0")
    url = f"mysql+pymysql://root:{PASSWORD}@{instance['Address']}:{instance['Port']}/sakila"
    shell.run_line_magic("sql", url)
    from sql.connection import ConnectionManager

    def run(sql):
        result = shell.run_cell_magic("sql", "", sql)
        return list(result.keys), [tuple(row) for row in result]

    try:
        check_selects(run)
        cell = "\n".join(sql for _, sql, _ in WRITES)
        assert run(cell + "\nSELECT category_id, name FROM category_copy ORDER BY category_id;")[1] == \
            [(1, "Action"), (2, "Animation")]
    finally:
        shell.run_cell_magic("sql", "", "DROP TABLE IF EXISTS category_copy;")
        ConnectionManager.close_all()
