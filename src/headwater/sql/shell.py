"""``headwater sql INSTANCE``: an interactive SQL shell on an RDS instance of a running headwater.

The instance's engine, port, master user and password come from the rds database in the
data directory. ``psql`` (PostgreSQL) or ``mysql`` (MySQL protocol) runs when installed;
otherwise a small built-in shell over psycopg or PyMySQL reads statements ending in ``;``.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import click

from headwater.config import DEFAULT_ACCOUNT, DEFAULT_HOST, DEFAULT_REGION, default_data_dir

PROMPT, CONTINUATION = "sql> ", "...> "


def _find_instance(data_dir: Path, identifier: str, region: str):
    from headwater.services.rds import store

    try:
        instance = store.read_offline(data_dir, lambda db: store.get_instance(db, DEFAULT_ACCOUNT, region, identifier.lower()))
    except FileNotFoundError:
        raise click.ClickException(f"no RDS instances in {data_dir}") from None
    if instance is None:
        raise click.ClickException(f"DB instance {identifier} not found in {data_dir} ({region})")
    return instance


def native_client(engine: str, host: str, port: int, user: str, password: str, database: str | None):
    """The command line of the engine's own client, and its environment, when installed."""
    if engine == "postgres" and shutil.which("psql"):
        args = ["psql", "-h", host, "-p", str(port), "-U", user] + ([database] if database else ["postgres"])
        return args, {**os.environ, "PGPASSWORD": password}
    if engine != "postgres" and shutil.which("mysql"):
        args = ["mysql", "-h", host, "-P", str(port), "-u", user, "--protocol=TCP"] + ([database] if database else [])
        return args, {**os.environ, "MYSQL_PWD": password}
    return None


def connect(engine: str, host: str, port: int, user: str, password: str, database: str | None):
    """A DB-API connection for the built-in shell (autocommit, as the native clients)."""
    if engine == "postgres":
        import psycopg

        return psycopg.connect(host=host, port=port, user=user, password=password,
                               dbname=database or "postgres", autocommit=True)
    try:
        import pymysql
    except ImportError:
        raise click.ClickException("the built-in shell for MySQL-protocol instances needs PyMySQL (pip install pymysql)")
    return pymysql.connect(host=host, port=port, user=user, password=password, database=database, autocommit=True)


def format_rows(columns: list[str], rows: list[tuple]) -> str:
    """A plain text table, as psql prints it."""
    cells = [[("NULL" if value is None else str(value)) for value in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(columns)]
    line = lambda values: " | ".join(value.ljust(width) for value, width in zip(values, widths))  # noqa: E731
    out = [line(columns), "-+-".join("-" * width for width in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return "\n".join(out)


def run_statement(connection, statement: str) -> str:
    cursor = connection.cursor()
    try:
        cursor.execute(statement)
        if cursor.description:
            return format_rows([column[0] for column in cursor.description], list(cursor.fetchall()))
        return f"{cursor.rowcount} row(s) affected"
    finally:
        cursor.close()


def statements(lines):
    """Statements ending in ``;`` from an iterable of input lines."""
    pending = ""
    for line in lines:
        pending += line + "\n"
        while ";" in pending:
            statement, pending = pending.split(";", 1)
            if statement.strip():
                yield statement.strip()
    if pending.strip():
        yield pending.strip()


def _input_lines():
    prompt = PROMPT
    while True:
        try:
            line = input(prompt)
        except EOFError:
            return
        prompt = PROMPT if line.rstrip().endswith(";") or not line.strip() else CONTINUATION
        yield line


def repl(connection) -> None:
    lines = _input_lines() if sys.stdin.isatty() else (line.rstrip("\n") for line in sys.stdin)
    for statement in statements(lines):
        try:
            click.echo(run_statement(connection, statement))
        except Exception as error:  # the engine's own error, as the native clients show it
            click.echo(f"ERROR: {error}", err=True)


@click.command("sql")
@click.argument("instance")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="headwater's data directory (default: $HEADWATER_DATA_DIR or the user data directory).")
@click.option("--region", default=DEFAULT_REGION, show_default=True)
@click.option("--database", default=None, help="Database to open (default: the instance's DBName).")
@click.option("--builtin", is_flag=True, help="Use the built-in shell even when psql/mysql is installed.")
def sql_command(instance, data_dir, region, database, builtin):
    """Open an interactive SQL shell on an RDS instance."""
    found = _find_instance(data_dir or default_data_dir(), instance, region)
    host = DEFAULT_HOST
    database = database or found.data.get("DBName")
    user = found.data["MasterUsername"]
    native = None if builtin else native_client(found.engine, host, found.port, user, found.password, database)
    if native is not None:
        args, env = native
        os.execvpe(args[0], args, env)
    connection = connect(found.engine, host, found.port, user, found.password, database)
    try:
        repl(connection)
    finally:
        connection.close()
