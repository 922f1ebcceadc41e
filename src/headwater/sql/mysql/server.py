"""The wire side: mysql-mimic's connection with MySQL's results for this engine (each
statement of a multi-statement query answered in turn, affected rows and insert ids,
transaction status flags), authentication with the master user, and the server."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any

from mysql_mimic import MysqlServer, ResultSet, packets
from mysql_mimic.auth import (
    AuthInfo,
    AuthState,
    Forbidden,
    IdentityProvider,
    NativePasswordAuthPlugin,
    Success,
    User,
)
from mysql_mimic.connection import Connection
from mysql_mimic.constants import DEFAULT_SERVER_CAPABILITIES
from mysql_mimic.errors import ErrorCode, MysqlError
from mysql_mimic.stream import MysqlStream
from mysql_mimic.types import Capabilities, ServerStatus
from mysql_mimic.utils import nonce
from mysql_mimic.variables import GlobalVariables

from headwater.sql.mysql import literals
from headwater.sql.mysql.errors import (
    ER_PARSE,
    mysql_error,
    syntax_error,
    unknown_database,
)
from headwater.sql.mysql.executor import Outcome
from headwater.sql.mysql.session import EngineSession
from headwater.sql.mysql.translations import Translations
from headwater.sql.mysql.values import result_columns

# A client's SQL error is an answer, not a server fault: keep mysql-mimic from logging each one.
# sqlglot's notes on statements it could only keep as commands become 1235 errors instead.
logging.getLogger("mysql_mimic").setLevel(logging.CRITICAL)
logging.getLogger("sqlglot").setLevel(logging.ERROR)

CAPABILITIES = (
    DEFAULT_SERVER_CAPABILITIES
    | Capabilities.CLIENT_MULTI_STATEMENTS
    | Capabilities.CLIENT_MULTI_RESULTS
    | Capabilities.CLIENT_PS_MULTI_RESULTS
    | Capabilities.CLIENT_FOUND_ROWS
    | Capabilities.CLIENT_TRANSACTIONS
)


@dataclass
class Credentials:
    """The instance's master user; the password may change while the server runs."""

    username: str
    password: str

    @property
    def auth_string(self) -> str:
        return NativePasswordAuthPlugin.create_auth_string(self.password)


class MasterPasswordPlugin(NativePasswordAuthPlugin):
    """mysql_native_password against the master credentials, with MySQL's denial message."""

    def __init__(self, credentials: Credentials, client_host: str):
        self.credentials = credentials
        self.client_host = client_host

    async def auth(self, auth_info: AuthInfo | None = None) -> AuthState:
        if auth_info and auth_info.handshake_plugin_name == self.name and auth_info.handshake_auth_data:
            challenge = auth_info.handshake_auth_data.rstrip(b"\x00")
        else:
            challenge = nonce(20)
            auth_info = yield challenge + b"\x00"
        name = auth_info.username
        if name == self.credentials.username and self.verify_scramble(
            self.credentials.auth_string, auth_info.data, challenge
        ):
            yield Success(name)
        else:
            using = "YES" if auth_info.data else "NO"
            yield Forbidden(f"Access denied for user '{name}'@'{self.client_host}' (using password: {using})")


class MasterIdentity(IdentityProvider):
    def __init__(self, credentials: Credentials, client_host: str):
        self.plugin = MasterPasswordPlugin(credentials, client_host)

    def get_plugins(self) -> list:
        return [self.plugin]

    async def get_user(self, username: str) -> User:
        return User(name=username, auth_plugin=self.plugin.name)


class EngineConnection(Connection):
    session: EngineSession

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._authenticating = False
        self._pending_ok = Outcome()

    # -- authentication: unknown databases refused like MySQL does ------------------------------

    async def authenticate(self, *args: Any, **kwargs: Any) -> None:
        self._authenticating = True
        try:
            await super().authenticate(*args, **kwargs)
        finally:
            self._authenticating = False
        if self.session.username is not None:
            await self.session.start_executor(Capabilities.CLIENT_FOUND_ROWS in self.capabilities)

    def ok(self, **kwargs: Any) -> bytes:
        if self._authenticating:
            database = self.session.database
            if database and not self.session.database_exists(database):
                self.session.username = None
                return self.error(msg=unknown_database(database).msg, code=unknown_database(database).code)
        return super().ok(**kwargs)

    async def command_phase(self) -> None:
        if self.session.username is None:  # refused: the client gets its error and nothing else
            return
        await super().command_phase()

    # -- statements ------------------------------------------------------------------------------

    def _status(self, more: bool = False) -> ServerStatus:
        status = ServerStatus(0)
        if self.session.autocommit:
            status |= ServerStatus.SERVER_STATUS_AUTOCOMMIT
        if self.session.in_transaction:
            status |= ServerStatus.SERVER_STATUS_IN_TRANS
        if more:
            status |= ServerStatus.SERVER_MORE_RESULTS_EXISTS
        return status

    async def handle_query(self, data: bytes) -> None:
        com_query = packets.parse_com_query(
            capabilities=self.capabilities, client_charset=self.client_charset, data=data
        )
        scan = literals.scan(com_query.sql)
        learnt = await self.session.run_learnt(scan) if scan is not None else None
        if learnt is not None:
            await self._write_answer(learnt, more=False)
            return
        statements = self.session.parse(com_query.sql)
        if not statements:
            raise MysqlError("Query was empty", code=ErrorCode.EMPTY_QUERY)
        if len(statements) > 1 and Capabilities.CLIENT_MULTI_STATEMENTS not in self.capabilities:
            raise syntax_error(statements[1].sql("mysql"))
        alone = scan if len(statements) == 1 else None
        for index, statement in enumerate(statements):
            outcome = await self.session.run(statement, com_query.sql, com_query.query_attrs, alone)
            await self._write_answer(outcome, more=index < len(statements) - 1)

    async def _write_answer(self, outcome: Outcome, more: bool) -> None:
        self.status_flags = self._status(more=more)
        try:
            await self.write_outcome(outcome)
        finally:
            self.status_flags = self._status()

    async def write_outcome(self, outcome: Outcome) -> None:
        if outcome.names is None:
            await self.stream.write(
                self.ok(affected_rows=outcome.affected_rows, last_insert_id=outcome.last_insert_id)
            )
            return
        await self.write_text_resultset(ResultSet(outcome.rows, result_columns(outcome.names, outcome.rows)))

    async def query(self, sql: str, query_attrs: dict[str, str]) -> ResultSet:
        """One statement for the binary protocol (COM_STMT_EXECUTE) and COM_FIELD_LIST."""
        statements = self.session.parse(sql)
        if len(statements) != 1:
            raise mysql_error(ER_PARSE, "A prepared statement holds exactly one statement")
        outcome = await self.session.run(statements[0], sql, query_attrs)
        self.status_flags = self._status()
        if outcome.names is None:
            self._pending_ok = outcome
            return ResultSet([], [])
        return ResultSet(outcome.rows, result_columns(outcome.names, outcome.rows))

    async def handle_stmt_execute(self, data: bytes) -> None:
        self._pending_ok = Outcome()
        original_ok = self.ok

        def ok_with_counts(**kwargs: Any) -> bytes:
            pending = self._pending_ok
            kwargs.setdefault("affected_rows", pending.affected_rows)
            kwargs.setdefault("last_insert_id", pending.last_insert_id)
            return original_ok(**kwargs)

        self.ok = ok_with_counts  # type: ignore[method-assign]
        try:
            await super().handle_stmt_execute(data)
        finally:
            del self.ok


class EngineServer(MysqlServer):
    """A MySQL-protocol server whose sessions run on SQLite files in ``data_dir``."""

    def __init__(self, data_dir, credentials: Credentials, global_variables: GlobalVariables, **serve_kwargs: Any):
        super().__init__(capabilities=CAPABILITIES, **serve_kwargs)
        self.data_dir = data_dir
        self.credentials = credentials
        self.global_variables = global_variables
        self.translations = Translations()
        self.connections: set[EngineConnection] = set()

    async def _client_connected_cb(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        host = "localhost" if not peer or peer[0] in ("127.0.0.1", "::1") else peer[0]
        connection = EngineConnection(
            stream=MysqlStream(reader, writer),
            session=EngineSession(self.data_dir, self.global_variables, self.translations),
            control=self.control,
            server_capabilities=self.capabilities,
            identity_provider=MasterIdentity(self.credentials, host),
        )
        connection.connection_id = await self.control.add(connection)
        self.connections.add(connection)
        try:
            await connection.start()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self.connections.discard(connection)
            writer.close()
            await self.control.remove(connection.connection_id)

    async def close_connections(self) -> None:
        for connection in list(self.connections):
            connection.kill()
        while self.connections:
            await asyncio.sleep(0.01)


