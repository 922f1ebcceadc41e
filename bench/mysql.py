"""Queries per second and server CPU per query of a point SELECT and a single-row INSERT
(autocommit) through the embedded MySQL-protocol endpoint with PyMySQL, next to the same
statements through sqlite3 on the same kind of file (the cost of the protocol and
translation layer), and through a real MariaDB/MySQL server when ``mariadbd``/``mysqld`` is
installed (skipped otherwise).

The endpoint runs in its own process, as it does inside headwater, so the client's work is
not counted as the server's. "point SELECT, new shape" sends a statement whose shape differs
each time (a new literal in its column list): the full parse and translation, which a
repeated shape skips.

    .venv/bin/python bench/mysql.py [--seconds 3]
"""

from __future__ import annotations

import argparse
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pymysql
from harness import free_port, process_tree_cpu_seconds

from headwater.sql.endpoint import EndpointSpec
from headwater.sql.mysql import MysqlEndpoint
from headwater.sql.mysql.storage import connect as sqlite_connect

ROWS = 10_000
TABLE = "CREATE TABLE item (id INT PRIMARY KEY, name VARCHAR(40), price DECIMAL(6,2))"
START_TIMEOUT = 60.0


def rate(operation: Callable[[int], None], seconds: float, cpu: Callable[[], float] = lambda: 0.0):
    """Calls of ``operation`` per second, and the server CPU milliseconds each cost."""
    count, before, start = 0, cpu(), time.monotonic()
    deadline = start + seconds
    while time.monotonic() < deadline:
        operation(count)
        count += 1
    return count / (time.monotonic() - start), 1000 * (cpu() - before) / count


def serve(data_dir: str, port: int) -> None:
    """The endpoint alone in this process until SIGINT/SIGTERM."""
    endpoint = MysqlEndpoint(EndpointSpec("bench", Path(data_dir), "127.0.0.1", port, "root", "pw", "bench"))
    endpoint.start()
    print("ready", flush=True)
    signal.sigwait({signal.SIGINT, signal.SIGTERM})
    endpoint.stop()


def start_endpoint(data_dir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen([sys.executable, __file__, "--serve", str(data_dir), str(port)],
                               stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + START_TIMEOUT
    while process.stdout.readline().strip() != "ready":
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("the endpoint did not start")
    return process, port


def bench_endpoint(data_dir: Path, seconds: float) -> dict[str, tuple[float, float]]:
    process, port = start_endpoint(data_dir)

    def cpu() -> float:
        return process_tree_cpu_seconds(process.pid)

    try:
        conn = pymysql.connect(host="127.0.0.1", port=port, user="root", password="pw", database="bench",
                               autocommit=True)
        cursor = conn.cursor()
        cursor.execute(TABLE)
        cursor.execute("INSERT INTO item VALUES " + ",".join(f"({i}, 'item {i}', 9.99)" for i in range(ROWS)))
        results = {
            "point SELECT": rate(lambda n: (cursor.execute("SELECT name, price FROM item WHERE id = %s",
                                                           (n % ROWS,)), cursor.fetchall()), seconds, cpu),
            "point SELECT, new shape": rate(lambda n: (cursor.execute(f"SELECT name, price, {n} FROM item"
                                                                      " WHERE id = %s", (n % ROWS,)),
                                                       cursor.fetchall()), seconds, cpu),
            "INSERT": rate(lambda n: cursor.execute("INSERT INTO item VALUES (%s, 'new', 1.00)", (ROWS + n,)),
                           seconds, cpu),
        }
        conn.close()
        return results
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)


def bench_sqlite(data_dir: Path, seconds: float) -> dict[str, tuple[float, float]]:
    conn = sqlite_connect(data_dir / "direct.sqlite3")
    conn.execute(TABLE)
    conn.executemany("INSERT INTO item VALUES (?, ?, 9.99)", [(i, f"item {i}") for i in range(ROWS)])
    results = {
        "point SELECT": rate(lambda n: conn.execute("SELECT name, price FROM item WHERE id = ?",
                                                    (n % ROWS,)).fetchall(), seconds),
        "INSERT": rate(lambda n: conn.execute("INSERT INTO item VALUES (?, 'new', 1.00)", (ROWS + n,)), seconds),
    }
    conn.close()
    return results


def mariadb_binary() -> str | None:
    return shutil.which("mariadbd") or shutil.which("mysqld")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--serve", nargs=2, metavar=("DATA_DIR", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    with tempfile.TemporaryDirectory() as tmp:
        endpoint = bench_endpoint(Path(tmp) / "endpoint", args.seconds)
        direct = bench_sqlite(Path(tmp), args.seconds)
    print(f"{'':26} {'endpoint/s':>11} {'server CPU ms':>14} {'sqlite3/s':>10}")
    for name, (per_second, cpu_ms) in endpoint.items():
        sqlite_rate = f"{direct[name][0]:10.0f}" if name in direct else f"{'':>10}"
        print(f"{name:26} {per_second:11.0f} {cpu_ms:14.2f} {sqlite_rate}")
    if mariadb_binary() is None:
        print("real MariaDB/MySQL: not installed, skipped")


if __name__ == "__main__":
    main()
