"""Real PostgreSQL behind an RDS instance: one postmaster per instance, managed by headwater.

The binaries are the system's when installed (``pg_config --bindir``,
``/usr/lib/postgresql/*/bin``, ``PATH``), otherwise the ``pgserver`` wheel's. The cluster
lives in ``<instance dir>/pgdata``; its master user is the superuser, TCP clients
authenticate with scram-sha-256. headwater itself talks to the server over a Unix socket
in a private (0700) directory, trusted without a password: that is how the master
password is (re)applied and databases are created.

PostgreSQL refuses to run as root: as root, the server runs as the ``postgres`` system
user when there is one, else ``nobody``. It dies with the thread that started it
(``PR_SET_PDEATHSIG``); a postmaster left over by a killed headwater is stopped at the
next start, which then serves the same data on the same port.
"""

from __future__ import annotations

import ctypes
import glob
import hashlib
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from functools import lru_cache
from pathlib import Path

import psycopg
from psycopg import sql

from headwater.sql.endpoint import EndpointSpec

log = logging.getLogger("headwater.sql.postgres")

REQUIRED_PROGRAMS = ("initdb", "postgres")
#: Run the server as one of these accounts when headwater runs as root.
UNPRIVILEGED_USERS = ("postgres", "nobody")
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 30.0
PR_SET_PDEATHSIG = 1
HBA_CONF = """\
# Written by headwater: the private socket is trusted, TCP clients give a password.
local all all trust
host all all 0.0.0.0/0 scram-sha-256
host all all ::/0 scram-sha-256
"""


class PostgresError(RuntimeError):
    """The server could not be initialized, started or stopped (see its log)."""


# --- the binaries and the account that runs them -------------------------------------------


def _has_programs(directory: Path) -> bool:
    return all((directory / program).is_file() for program in REQUIRED_PROGRAMS)


def _pg_config_bindir() -> Path | None:
    if not shutil.which("pg_config"):
        return None
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out.stdout.strip())


def _candidate_bindirs():
    yield _pg_config_bindir()
    yield from (Path(d) for d in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True))
    for program in REQUIRED_PROGRAMS:
        found = shutil.which(program)
        yield Path(found).resolve().parent if found else None
    try:
        import pgserver
    except ImportError:
        return
    yield Path(pgserver.__file__).parent / "pginstall" / "bin"


def _version_key(path: str) -> tuple:
    version = Path(path).parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


@lru_cache(maxsize=None)
def bindir() -> Path:
    """Where ``initdb`` and ``postgres`` live: the system's installation first, else pgserver's."""
    for directory in _candidate_bindirs():
        if directory is not None and _has_programs(directory):
            return directory
    raise PostgresError("no PostgreSQL binaries found (install PostgreSQL or the pgserver wheel)")


@lru_cache(maxsize=None)
def server_version() -> str:
    """The binaries' version, as RDS reports EngineVersion (``15.18``)."""
    out = subprocess.run([str(bindir() / "postgres"), "--version"], capture_output=True, text=True, timeout=30)
    for word in out.stdout.split():
        if word[:1].isdigit():
            return word
    return out.stdout.strip()


@lru_cache(maxsize=None)
def server_account() -> pwd.struct_passwd | None:
    """The account the server runs as: None (headwater's own) unless headwater is root."""
    if os.geteuid() != 0:
        return None
    for name in UNPRIVILEGED_USERS:
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise PostgresError("running as root and no unprivileged account (postgres, nobody) to run PostgreSQL")


def _give_to_server_account(path: Path, recursive: bool = False) -> None:
    account = server_account()
    if account is None:
        return
    paths = [path] + (list(path.rglob("*")) if recursive else [])
    for each in paths:
        try:
            if each.lstat().st_uid != account.pw_uid:
                os.lchown(each, account.pw_uid, account.pw_gid)
        except FileNotFoundError:  # a file the stopping server removed meanwhile
            continue


def _make_traversable(path: Path) -> None:
    """Let the server account reach ``path``: add search (x, not read) permission for others
    on every ancestor that lacks it."""
    if server_account() is None:
        return
    for ancestor in path.resolve().parents:
        mode = ancestor.stat().st_mode
        if not mode & stat.S_IXOTH:
            os.chmod(ancestor, stat.S_IMODE(mode) | stat.S_IXOTH)


def _die_with_parent() -> None:
    """In the child before exec: a SIGINT (fast shutdown) when the starting thread ends."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGINT)


def _run_as_server(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    account = server_account()
    if account is not None:
        kwargs.update(user=account.pw_uid, group=account.pw_gid, extra_groups=[])
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


# --- processes left over by a killed headwater ---------------------------------------------


def _process_state(pid: int) -> str | None:
    """The process's state letter (``Z`` for a zombie), or None when there is none."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except PermissionError:
            pass
        return "?"


def _alive(pid: int) -> bool:
    return _process_state(pid) not in (None, "Z")


def _serves(pid: int, pgdata: Path) -> bool:
    """Whether process ``pid`` is a postmaster for ``pgdata``."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return str(pgdata).encode() in cmdline


def _wait_gone(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while _alive(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _terminate(pid: int) -> None:
    """Fast shutdown, then immediate shutdown, then SIGKILL, until the process is gone."""
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        if _wait_gone(pid, STOP_TIMEOUT_SECONDS if sig == signal.SIGINT else 5.0):
            return
    raise PostgresError(f"postmaster {pid} does not stop")


def _recorded_postmaster(pgdata: Path) -> int | None:
    try:
        first = (pgdata / "postmaster.pid").read_text().splitlines()[0]
        return int(first)
    except (OSError, IndexError, ValueError):
        return None


def clear_leftover(pgdata: Path) -> None:
    """Stop a postmaster still serving ``pgdata`` (its headwater was killed); drop a lock
    file whose process id now belongs to someone else."""
    pid = _recorded_postmaster(pgdata)
    if pid is None or not _alive(pid):
        return
    if _serves(pid, pgdata):
        log.info("stopping the postmaster %d left running on %s", pid, pgdata)
        _terminate(pid)
    else:
        (pgdata / "postmaster.pid").unlink(missing_ok=True)


# --- the server -------------------------------------------------------------------------------


def socket_dir_for(pgdata: Path) -> Path:
    """A short private directory for the Unix socket (paths over 107 bytes cannot be sockets)."""
    digest = hashlib.sha1(str(pgdata.resolve()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"headwater-pg-{digest}"


class PostgresServer:
    """One instance's PostgreSQL cluster and postmaster (implements ``SqlEndpoint``)."""

    def __init__(self, spec: EndpointSpec):
        self.spec = spec
        self.pgdata = spec.data_dir / "pgdata"
        self.socket_dir = socket_dir_for(self.pgdata)
        self.log_path = spec.data_dir / "postgres.log"
        self._password = spec.master_password
        self._process: subprocess.Popen | None = None

    # -- SqlEndpoint ---------------------------------------------------------------------

    def start(self) -> None:
        """Initialize the cluster on first use, start the postmaster, apply the master
        password and create ``db_name``; returns once TCP clients can connect."""
        if self._process is not None and self._process.poll() is None:
            return
        self.spec.data_dir.mkdir(parents=True, exist_ok=True)
        _make_traversable(self.spec.data_dir)
        _give_to_server_account(self.spec.data_dir)
        if not (self.pgdata / "PG_VERSION").exists():
            self._initdb()
        else:
            clear_leftover(self.pgdata)
            _give_to_server_account(self.pgdata, recursive=True)
        self._prepare_socket_dir()
        self._launch()
        self._wait_ready()
        self._apply_master_password()
        if self.spec.db_name:
            self._ensure_database(self.spec.db_name)

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    def set_master_password(self, password: str) -> None:
        self._password = password
        if self.running:
            self._apply_master_password()

    def native_connection(self, database: str) -> psycopg.Connection:
        self._ensure_database(database)
        return self._control(database)

    @staticmethod
    def copy_data(source: Path, target: Path) -> None:
        """Copy a stopped instance's directory (the cluster; not its log or lock file)."""
        ignore = shutil.ignore_patterns("postgres.log", "postmaster.pid", "postmaster.opts")
        shutil.copytree(source, target, symlinks=True, ignore=ignore)

    # -- helpers -------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _initdb(self) -> None:
        staging = self.pgdata.with_name("pgdata.init")
        shutil.rmtree(staging, ignore_errors=True)
        password_file = self.spec.data_dir / "initdb.pw"
        password_file.write_text(self.spec.master_password + "\n")
        _give_to_server_account(password_file)
        try:
            done = _run_as_server([
                str(bindir() / "initdb"), "-D", str(staging), "-U", self.spec.master_username,
                f"--pwfile={password_file}", "--auth=scram-sha-256", "-E", "UTF8", "--no-locale",
            ], timeout=300)
        finally:
            password_file.unlink(missing_ok=True)
        if done.returncode != 0:
            raise PostgresError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        (staging / "pg_hba.conf").write_text(HBA_CONF)
        staging.rename(self.pgdata)  # a cluster is either complete or absent

    def _prepare_socket_dir(self) -> None:
        self.socket_dir.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.socket_dir, 0o700)
        _give_to_server_account(self.socket_dir)

    def _listen_addresses(self) -> str:
        return "*" if self.spec.host in ("0.0.0.0", "::", "") else self.spec.host

    def _launch(self) -> None:
        account = server_account()
        extra = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
        args = [
            str(bindir() / "postgres"), "-D", str(self.pgdata), "-p", str(self.spec.port),
            "-c", f"listen_addresses={self._listen_addresses()}",
            "-c", f"unix_socket_directories={self.socket_dir}",
            "-c", "logging_collector=off",
        ]
        with open(self.log_path, "ab") as log_file:
            self._process = subprocess.Popen(
                args, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=_die_with_parent, **extra,
            )

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if self._process.poll() is not None:
                self._process = None
                raise PostgresError(f"postgres exited at start: {self._log_tail()}")
            try:
                self._control("postgres").close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise PostgresError(f"postgres did not accept connections: {self._log_tail()}")
                time.sleep(0.05)

    def _log_tail(self, lines: int = 5) -> str:
        try:
            return " | ".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def _control(self, database: str, autocommit: bool = False) -> psycopg.Connection:
        """A connection over the private socket (trusted: no password)."""
        return psycopg.connect(
            host=str(self.socket_dir), port=self.spec.port, user=self.spec.master_username,
            dbname=database, autocommit=autocommit, connect_timeout=5,
        )

    def _apply_master_password(self) -> None:
        statement = sql.SQL("ALTER ROLE {} PASSWORD {}").format(
            sql.Identifier(self.spec.master_username), sql.Literal(self._password)
        )
        with self._control("postgres", autocommit=True) as conn:
            conn.execute(statement)

    def _ensure_database(self, name: str) -> None:
        with self._control("postgres", autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
