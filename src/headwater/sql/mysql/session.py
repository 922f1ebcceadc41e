"""One client connection's session: mysql-mimic's middleware chain with this engine's
answers for USE, SHOW, DESCRIBE, transactions and information_schema, and every SQLite
call made on the session's own worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial
from typing import Any

from mysql_mimic import Session
from mysql_mimic.session import Query, mysql_function_mapping
from mysql_mimic.variable_processor import VariableProcessor, variable_constants
from mysql_mimic.variables import SYSTEM_VARIABLES, GlobalVariables, SessionVariables
from sqlglot import exp
from sqlglot.errors import ParseError

from headwater.sql.mysql import show
from headwater.sql.mysql.errors import syntax_error, unsupported
from headwater.sql.mysql.executor import Executor, Outcome
from headwater.sql.mysql.infoschema import INFORMATION_SCHEMA, query_information_schema
from headwater.sql.mysql.literals import Scan
from headwater.sql.mysql.sqlite import quote
from headwater.sql.mysql.translations import Translations

VERSION = "8.0.36"
DEFAULT_SQL_MODE = (
    "ONLY_FULL_GROUP_BY,STRICT_TRANS_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
    "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION"
)
VARIABLES = {
    **SYSTEM_VARIABLES,
    "version": (str, VERSION, False),
    "version_comment": (str, "headwater (SQLite storage)", False),
    "sql_mode": (str, DEFAULT_SQL_MODE, True),
    "transaction_isolation": (str, "SERIALIZABLE", True),
    "tx_isolation": (str, "SERIALIZABLE", True),
    "default_storage_engine": (str, "InnoDB", True),
    "default_tmp_storage_engine": (str, "InnoDB", True),
    "lower_case_table_names": (int, 0, False),
    "foreign_key_checks": (bool, True, True),
    "unique_checks": (bool, True, True),
    "sql_notes": (bool, True, True),
    "sql_safe_updates": (bool, False, True),
    "innodb_lock_wait_timeout": (int, 30, True),
    "lock_wait_timeout": (int, 30, True),
    "collation_connection": (str, "utf8mb4_0900_ai_ci", True),
    "collation_database": (str, "utf8mb4_0900_ai_ci", True),
    "collation_server": (str, "utf8mb4_0900_ai_ci", True),
    "default_collation_for_utf8mb4": (str, "utf8mb4_0900_ai_ci", True),
    "time_zone": (str, "+00:00", True),
}


def new_global_variables() -> GlobalVariables:
    return GlobalVariables(dict(VARIABLES))


class SubstitutingProcessor(VariableProcessor):
    """mysql-mimic's replacement of functions (``NOW()``, ``DATABASE()``) and ``@@variables``
    by their values, noting whether it replaced anything, and naming bare constants such as
    ``CURRENT_USER`` without writing every column out as SQL."""

    substituted = False

    def _transform(self, node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Column) and not _is_bare_constant(node):
            return node
        replaced = super()._transform(node)
        self.substituted = self.substituted or replaced is not node
        return replaced


def _is_bare_constant(column: exp.Column) -> bool:
    name = column.this
    return (isinstance(name, exp.Identifier) and not name.quoted and not column.table
            and name.name in variable_constants)


class EngineSession(Session):
    def __init__(self, data_dir, global_variables: GlobalVariables, translations: Translations | None = None):
        super().__init__(SessionVariables(global_variables))
        self.data_dir = data_dir
        self.translations = translations if translations is not None else Translations()
        self._scan: Scan | None = None
        self.worker = ThreadPoolExecutor(1, thread_name_prefix="mysql-session")
        self.executor: Executor | None = None
        self.middlewares = [
            self._set_var_middleware,
            self._settings_middleware,
            self._set_middleware,
            self._use_middleware,
            self._kill_middleware,
            self._show_middleware,
            self._describe_middleware,
            self._transaction_middleware,
            self._info_schema_middleware,
        ]

    async def on_worker(self, call: Callable, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.worker, call, *args)

    # -- lifecycle ---------------------------------------------------------------------------

    def database_exists(self, name: str) -> bool:
        return Executor.exists_in(self.data_dir, name)

    async def start_executor(self, found_rows: bool) -> None:
        self.executor = await self.on_worker(Executor, self.data_dir, found_rows)
        if self.database:
            await self.on_worker(self.executor.use, self.database)

    async def close(self) -> None:
        if self.executor is not None:
            await self.on_worker(self.executor.close)
            self.executor = None
        self.worker.shutdown(wait=False)
        await super().close()

    @property
    def in_transaction(self) -> bool:
        return self.executor is not None and self.executor.in_transaction

    @property
    def autocommit(self) -> bool:
        return self.executor is None or self.executor.autocommit

    # -- statements --------------------------------------------------------------------------

    def parse(self, sql: str) -> list[exp.Expression]:
        try:
            return self._parse(sql)
        except ParseError as error:
            details = error.errors[0] if error.errors else {}
            near = details.get("highlight") or details.get("start_context") or sql
            raise syntax_error(str(near)) from None

    async def run(self, expression: exp.Expression, sql: str, attrs: dict[str, str], scan: Scan | None = None) -> Outcome:
        """One parsed statement; with the ``scan`` of its text (a statement alone in its
        query), the translation it runs with is kept for later statements of its shape."""
        self.timestamp = datetime.now(tz=self.timezone())
        self._scan = scan
        key = self._translation_key(scan)
        try:
            result = await Query(expression, sql, attrs, self.middlewares, self.query).start()
        finally:
            self._scan = None
        if key is not None and self.executor is not None and self.executor.learnt is not None:
            self.translations.put(key, self.executor.learnt)
            self.executor.learnt = None
        return as_outcome(result)

    async def run_learnt(self, scan: Scan) -> Outcome | None:
        """Run a statement with the translation learnt for its shape; None if there is none."""
        key = self._translation_key(scan)
        translation = self.translations.get(key) if key is not None else None
        values = translation.bind(scan) if translation is not None else None
        if values is None:
            return None
        explain = partial(self._parse_one, scan.text)
        return await self.on_worker(self.executor.run_translation, translation, values, explain)

    def _translation_key(self, scan: Scan | None) -> tuple | None:
        if scan is None or self.executor is None:
            return None
        return self.database, self.executor.found_rows, scan.shape

    def _parse_one(self, sql: str) -> exp.Expression:
        return self._parse(sql)[0]

    async def query(self, expression: exp.Expression, sql: str, attrs: dict[str, str]) -> Any:
        self.executor.learnt = None
        return await self.on_worker(self.executor.run, expression, self._scan)

    async def use(self, database: str) -> None:
        if database.lower() == INFORMATION_SCHEMA:
            raise unsupported("USE information_schema")
        await self.on_worker(self.executor.use, database)
        self.database = database

    # -- middlewares -------------------------------------------------------------------------

    def functions(self) -> dict[str, Callable[[], Any]]:
        return {
            **mysql_function_mapping(self),
            "LAST_INSERT_ID": lambda: self.executor.last_insert_id if self.executor else 0,
        }

    async def _set_var_middleware(self, q: Query) -> Any:
        """Variables and functions such as NOW() become literals, except in definitions
        (a ``DEFAULT CURRENT_TIMESTAMP`` must stay an expression)."""
        if isinstance(q.expression, (exp.Create, exp.Alter)):
            return await q.next()
        processor = SubstitutingProcessor(self.functions(), self.variables, q.expression)
        with processor.set_variables():
            if processor.substituted:
                self._scan = None  # the values of this moment are in the statement: nothing to keep
            return await q.next()

    async def _settings_middleware(self, q: Query) -> Any:
        """``SET autocommit`` and ``SET foreign_key_checks`` change the SQLite side too."""
        if isinstance(q.expression, exp.Set):
            for item in q.expression.expressions:
                assignment = item.this
                if isinstance(assignment, exp.EQ):
                    await self._apply_setting(assignment.left.name.lower(), assignment.right)
        return await q.next()

    async def _apply_setting(self, name: str, value: exp.Expression) -> None:
        on = value.name.upper() in ("1", "ON", "TRUE") or value == exp.true()
        if name == "autocommit":
            await self.on_worker(self.executor.set_autocommit, on)
        elif name == "foreign_key_checks":
            await self.on_worker(self.executor.set_foreign_key_checks, on)

    async def _show_middleware(self, q: Query) -> Any:
        if isinstance(q.expression, exp.Show):
            return await self._show(q.expression)
        return await q.next()

    async def _show(self, expression: exp.Show) -> Any:
        kind = expression.name.upper()
        if kind in ("VARIABLES", "STATUS", "WARNINGS", "ERRORS"):
            return await super()._show(expression)
        return await self.on_worker(show.answer, self.executor, expression)

    async def _describe_middleware(self, q: Query) -> Any:
        if isinstance(q.expression, exp.Describe):
            target = q.expression.this
            if not isinstance(target, exp.Table):
                raise unsupported("EXPLAIN")
            statement = exp.Show(this="COLUMNS", target=exp.to_identifier(target.name), db=target.args.get("db"))
            return await self._show(statement)
        return await q.next()

    async def _transaction_middleware(self, q: Query) -> Any:
        statement = q.expression
        if isinstance(statement, exp.Transaction):
            await self.on_worker(self.executor.begin)
        elif isinstance(statement, exp.Commit):
            await self.on_worker(self.executor.commit)
        elif isinstance(statement, exp.Rollback) and statement.args.get("savepoint"):
            savepoint = statement.args["savepoint"].name
            return await self.on_worker(self.executor.savepoint, f"ROLLBACK TO {quote(savepoint)}")
        elif isinstance(statement, exp.Rollback):
            await self.on_worker(self.executor.rollback)
        elif isinstance(statement, exp.Alias) and statement.this.name.upper() == "SAVEPOINT":
            return await self.on_worker(self.executor.savepoint, f"SAVEPOINT {quote(statement.alias)}")
        else:
            return await q.next()
        return Outcome()

    async def _info_schema_middleware(self, q: Query) -> Any:
        tables = list(q.expression.find_all(exp.Table))
        if tables and any(t.text("db").lower() == INFORMATION_SCHEMA for t in tables):
            return await self.on_worker(query_information_schema, self.executor, q.expression)
        return await q.next()


def as_outcome(result: Any) -> Outcome:
    """mysql-mimic's ``(rows, names)`` answers and this engine's outcomes, as one type."""
    if isinstance(result, Outcome):
        return result
    if result is None:
        return Outcome()
    rows, columns = result
    if not columns:
        return Outcome()
    names = [column if isinstance(column, str) else column.name for column in columns]
    return Outcome(names=names, rows=[tuple(row) for row in rows])
