"""Fixtures: a MySQL-protocol endpoint on a free loopback port in a temporary directory,
clients for it, and a small hand-made Sakila-like database loaded the way the sample
loader does (SQLite DDL through ``native_connection``)."""

from __future__ import annotations

import pymysql
import pytest

from headwater.sql.endpoint import EndpointSpec
from headwater.sql.mysql import MysqlEndpoint
from tests.server import free_port
from tests.sql.mysql.sakila_fixture import load_sakila

USER, PASSWORD = "root", "adminpwrd"


def spec_for(data_dir, port=None, db_name="sakila") -> EndpointSpec:
    return EndpointSpec("test-mysql", data_dir, "127.0.0.1", port or free_port(), USER, PASSWORD, db_name)


def connect(endpoint: MysqlEndpoint, database: str | None = "sakila", **options) -> pymysql.Connection:
    return pymysql.connect(host="127.0.0.1", port=endpoint.spec.port, user=USER, password=PASSWORD,
                           database=database, **options)


@pytest.fixture
def endpoint(tmp_path):
    running = MysqlEndpoint(spec_for(tmp_path / "instance"))
    running.start()
    yield running
    running.stop()


@pytest.fixture
def sakila(endpoint):
    """The endpoint with the Sakila-like sample in database ``sakila``."""
    conn = endpoint.native_connection("sakila")
    try:
        load_sakila(conn)
    finally:
        conn.close()
    return endpoint


@pytest.fixture
def db(sakila):
    """A PyMySQL connection to ``sakila`` that may send several statements at once."""
    conn = connect(sakila, client_flag=pymysql.constants.CLIENT.MULTI_STATEMENTS)
    yield conn
    conn.close()
