"""Queries per second of a point SELECT and a single-row INSERT (autocommit) through the
embedded MySQL-protocol endpoint with PyMySQL, next to the same statements through sqlite3
on the same kind of file (the cost of the protocol and translation layer), and through a
real MariaDB/MySQL server when ``mariadbd``/``mysqld`` is installed (skipped otherwise).

    .venv/bin/python bench/mysql.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pymysql

from headwater.sql.endpoint import EndpointSpec
from headwater.sql.mysql import MysqlEndpoint
from headwater.sql.mysql.storage import connect as sqlite_connect

ROWS = 10_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rate(operation: Callable[[int], None], seconds: float) -> float:
    count, deadline, start = 0, time.monotonic() + seconds, time.monotonic()
    while time.monotonic() < deadline:
        operation(count)
        count += 1
    return count / (time.monotonic() - start)


def bench_endpoint(data_dir: Path, seconds: float) -> tuple[float, float]:
    endpoint = MysqlEndpoint(EndpointSpec("bench", data_dir, "127.0.0.1", free_port(), "root", "pw", "bench"))
    endpoint.start()
    try:
        conn = pymysql.connect(host="127.0.0.1", port=endpoint.spec.port, user="root", password="pw",
                               database="bench", autocommit=True)
        cursor = conn.cursor()
        cursor.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(6,2))")
        cursor.execute("INSERT INTO item VALUES " + ",".join(f"({i}, 'item {i}', 9.99)" for i in range(ROWS)))
        select = rate(lambda n: (cursor.execute("SELECT name, price FROM item WHERE id = %s", (n % ROWS,)),
                                 cursor.fetchall()), seconds)
        insert = rate(lambda n: cursor.execute("INSERT INTO item VALUES (%s, 'new', 1.00)", (ROWS + n,)), seconds)
        conn.close()
        return select, insert
    finally:
        endpoint.stop()


def bench_sqlite(data_dir: Path, seconds: float) -> tuple[float, float]:
    conn = sqlite_connect(data_dir / "direct.sqlite3")
    conn.execute("CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(6,2))")
    conn.executemany("INSERT INTO item VALUES (?, ?, 9.99)", [(i, f"item {i}") for i in range(ROWS)])
    select = rate(lambda n: conn.execute("SELECT name, price FROM item WHERE id = ?", (n % ROWS,)).fetchall(),
                  seconds)
    insert = rate(lambda n: conn.execute("INSERT INTO item VALUES (?, 'new', 1.00)", (ROWS + n,)), seconds)
    conn.close()
    return select, insert


def mariadb_binary() -> str | None:
    return shutil.which("mariadbd") or shutil.which("mysqld")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    seconds = parser.parse_args().seconds
    with tempfile.TemporaryDirectory() as tmp:
        results = {"headwater MySQL endpoint (PyMySQL)": bench_endpoint(Path(tmp) / "endpoint", seconds),
                   "sqlite3 directly": bench_sqlite(Path(tmp), seconds)}
    print(f"{'':40} {'point SELECT/s':>15} {'INSERT/s':>10}")
    for name, (select, insert) in results.items():
        print(f"{name:40} {select:15.0f} {insert:10.0f}")
    if mariadb_binary() is None:
        print("real MariaDB/MySQL: not installed, skipped")


if __name__ == "__main__":
    main()
