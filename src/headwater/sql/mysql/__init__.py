"""The embedded MySQL-protocol engine: MySQL clients (PyMySQL, SQLAlchemy, the ``mysql``
CLI) talk to a mysql-mimic server whose statements sqlglot translates into SQLite, one
SQLite file per MySQL database."""

from headwater.sql.mysql.endpoint import MysqlEndpoint
from headwater.sql.mysql.storage import record_column_types

__all__ = ["MysqlEndpoint", "record_column_types"]
