"""The sample data ``headwater up`` creates on first start: the ``rentio`` MySQL-protocol
instance (the Rentio/Sakila database), the ``shop`` PostgreSQL instance, and the DynamoDB
sample tables; each once (a sample the user deletes is not recreated).

It runs in the rds service's startup hook, so headwater answers its health check only
once the sample instances are available. ``connection_help`` is the welcome text: how
``%sql``, PyMySQL, psql and SQLAlchemy reach them.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from types import SimpleNamespace

from headwater.config import DEFAULT_ACCOUNT, DEFAULT_REGION
from headwater.services.rds import instances, lifecycle, store

log = logging.getLogger("headwater.samples")

SAMPLE_PASSWORD = "adminpwrd"
DYNAMODB_MARKER = "dynamodb"
LOAD_TIMEOUT_SECONDS = 1800.0


@dataclass(frozen=True)
class SampleInstance:
    identifier: str
    engine: str
    username: str
    db_name: str
    #: module under ``headwater.datasets`` whose ``load(connection, dialect, progress)`` fills it
    dataset: str


SAMPLE_INSTANCES = (
    SampleInstance("rentio", "mysql", "root", "sakila", "rentio"),
    SampleInstance("shop", "postgres", "postgres", "shop", "shop"),
)


def _context(app, db=None) -> SimpleNamespace:
    """What the rds handlers read from a request context, for the default account and region."""
    return SimpleNamespace(
        db=db, account=DEFAULT_ACCOUNT, region=DEFAULT_REGION, clock=app.clock, settings=app.settings,
        principal=app.keys.root(), request=None, request_id=str(uuid.uuid4()), blobs=app.blobs, extras={},
    )


@contextmanager
def _progress_bar():
    """``progress(label)`` → a ``(done, total)`` callback drawing a rich progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=False) as bar:

        def progress(label: str):
            task = bar.add_task(label, total=None)
            return lambda done, total: bar.update(task, completed=done, total=total)

        yield progress


def ensure(app) -> None:
    """Create whatever sample was never created (called when ``settings.samples`` is on)."""
    with _progress_bar() as progress:
        for sample in SAMPLE_INSTANCES:
            try:
                _ensure_instance(app, sample, progress)
            except Exception:
                log.exception("the %s sample database could not be created", sample.identifier)
        try:
            _ensure_dynamodb(app)
        except Exception:
            log.exception("the DynamoDB sample tables could not be created")


def _ensure_instance(app, sample: SampleInstance, progress) -> None:
    database = app.database("rds")
    with database.transaction() as db:
        if store.sample_done(db, sample.identifier):
            return
        ctx = _context(app, db)
        instance = store.get_instance(db, ctx.account, ctx.region, sample.identifier)
        if instance is None:
            instances.create_db_instance(ctx, {
                "DBInstanceIdentifier": sample.identifier, "DBInstanceClass": "db.t3.micro",
                "Engine": sample.engine, "MasterUsername": sample.username,
                "MasterUserPassword": SAMPLE_PASSWORD, "DBName": sample.db_name,
                "Tags": [{"Key": "headwater:sample", "Value": sample.dataset}],
            })
            instance = store.get_instance(db, ctx.account, ctx.region, sample.identifier)
    dataset = importlib.import_module(f"headwater.datasets.{sample.dataset}")
    rt = lifecycle.runtime(ctx)

    def load() -> None:
        endpoint = rt.endpoint(instance.key)
        if endpoint is None:
            return
        connection = endpoint.native_connection(sample.db_name)
        try:
            dataset.load(connection, sample.engine, progress(f"{sample.identifier} ({sample.engine})"))
        finally:
            connection.close()

    # Queued after the instance's start: the instance shows "creating" until loaded.
    rt.submit(instance.key, "creating", load).result(timeout=LOAD_TIMEOUT_SECONDS)
    if rt.is_up(instance.key):
        with database.transaction() as db:
            store.mark_sample(db, sample.identifier, app.clock.time())


def _ensure_dynamodb(app) -> None:
    """The DynamoDB sample tables, through DynamoDB's own handlers, once."""
    from headwater import registry
    from headwater.datasets import dynamodb_samples

    with app.database("rds").transaction(write=False) as db:
        if store.sample_done(db, DYNAMODB_MARKER):
            return
    dynamodb = app.database("dynamodb")
    for operation, request in dynamodb_samples.requests():
        with dynamodb.transaction() as db:
            registry.lookup("dynamodb", operation).handler(_context(app, db), request)
    with app.database("rds").transaction() as db:
        store.mark_sample(db, DYNAMODB_MARKER, app.clock.time())


def connection_help(settings) -> str:
    """How to reach the sample instances (the welcome text of ``headwater up``)."""
    ports = _sample_ports(settings)
    host = lifecycle.endpoint_address(settings)
    lines = []
    for sample in SAMPLE_INSTANCES:
        port = ports.get(sample.identifier)
        if port is None:
            continue
        user, password, db = sample.username, SAMPLE_PASSWORD, sample.db_name
        if sample.engine == "postgres":
            lines += [
                f"{sample.identifier} (PostgreSQL, database {db}, user {user}, password {password}):",
                f"  psql:       PGPASSWORD={password} psql -h {host} -p {port} -U {user} {db}",
                f"  SQLAlchemy: postgresql+psycopg://{user}:{password}@{host}:{port}/{db}",
                f"  %sql        postgresql+psycopg://{user}:{password}@{host}:{port}/{db}",
            ]
        else:
            lines += [
                f"{sample.identifier} (MySQL protocol, database {db}, user {user}, password {password}):",
                f"  PyMySQL:    pymysql.connect(host='{host}', port={port}, user='{user}', password='{password}', database='{db}')",
                f"  SQLAlchemy: mysql+pymysql://{user}:{password}@{host}:{port}/{db}",
                f"  %sql        mysql+pymysql://{user}:{password}@{host}:{port}/{db}",
                f"  mysql:      mysql -h {host} -P {port} -u {user} -p{password} {db}",
            ]
    if lines:
        lines.append("An interactive SQL shell on any instance: headwater sql <instance>")
    return "\n".join(lines)


def _sample_ports(settings) -> dict[str, int]:
    try:
        found = store.read_offline(settings.data_dir, lambda db: [
            store.get_instance(db, DEFAULT_ACCOUNT, DEFAULT_REGION, sample.identifier) for sample in SAMPLE_INSTANCES
        ])
    except FileNotFoundError:
        return {}
    return {instance.identifier: instance.port for instance in found if instance is not None}
