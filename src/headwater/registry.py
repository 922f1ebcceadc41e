"""The operation registry: one plain function per AWS operation.

A service module creates a :class:`Service` and decorates its handlers::

    service = Service("sts")

    @service.operation("GetCallerIdentity", resources="*", read_only=True)
    def get_caller_identity(ctx, req):
        ...

Every operation declares its IAM action (default ``<iam prefix>:<Name>``) and how to
build the resource ARN(s) it touches, so that authorization never needs the handler.
"""

from __future__ import annotations

import importlib
import string
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

#: botocore names of the services headwater routes (all of them answer on one endpoint).
SERVICE_NAMES = (
    "dynamodb",
    "dynamodbstreams",
    "s3",
    "sqs",
    "kinesis",
    "firehose",
    "logs",
    "iam",
    "sts",
    "ec2",
    "rds",
)

Handler = Callable[[Any, dict], dict]
#: The resource ARNs a request acts on; an entry may be an ``(action, arn)`` pair when the
#: request asks for another action than the operation's (a PartiQL statement's
#: ``dynamodb:PartiQLSelect``, S3 CopyObject's read of its source).
ResourceBuilder = Callable[[Any, dict], list]


def resource_builder(spec: str | Iterable[str] | ResourceBuilder) -> ResourceBuilder:
    """Turn ARN templates such as ``arn:aws:sqs:{region}:{account}:{QueueName}`` into a builder.

    ``{region}`` and ``{account}`` come from the context, every other field from the
    request's members; ``"*"`` means the operation acts on no particular resource.
    """
    if callable(spec):
        return spec
    templates = [spec] if isinstance(spec, str) else list(spec)
    for template in templates:
        for _, name, _, _ in string.Formatter().parse(template):
            if name is not None and not name.isidentifier():
                raise ValueError(f"bad field {name!r} in resource template {template!r}")

    def build(ctx, req: dict) -> list[str]:
        values = {**req, "region": ctx.region, "account": ctx.account}
        return [template.format_map(values) for template in templates]

    return build


@dataclass(frozen=True)
class Operation:
    service: str
    name: str
    handler: Handler
    action: str
    resources: ResourceBuilder
    read_only: bool
    #: False for the few operations AWS allows whatever the policies say (GetCallerIdentity).
    needs_permission: bool = True
    #: True for handlers that may take long (streaming big bodies): they run in a worker
    #: thread instead of on the event loop. A callable decides per request (``blocking(request)``).
    blocking: bool | Callable[[Any], bool] = False

    def blocks(self, request) -> bool:
        return self.blocking(request) if callable(self.blocking) else self.blocking


@dataclass(frozen=True)
class Periodic:
    """Background work of a service, run every ``every(settings)`` seconds.

    ``run(ctx)`` gets a context with ``db`` (one write transaction of the service's
    database), ``clock``, ``settings`` and ``blobs``, like a handler's.
    """

    name: str
    every: Callable[[Any], float]
    run: Callable[[Any], None]


@dataclass
class Service:
    """What one service contributes: its operations, storage migrations and protocol hooks.

    ``database`` names the service whose database (and migrations) this one's handlers
    work in: its own by default; another's for an API over the same data (DynamoDB
    Streams reads what DynamoDB writes), which then declares no migrations itself.
    """

    name: str
    iam_prefix: str = ""
    database: str = ""
    migrations: list[tuple[str, str]] = field(default_factory=list)
    hooks: dict[str, Callable] = field(default_factory=dict)
    #: Given a connection to the service's database, the ids of the blobs its metadata
    #: refers to; every other blob is swept at start.
    blob_references: Callable[[Any], Iterable[str]] | None = None
    periodic: list[Periodic] = field(default_factory=list)
    #: Called with the running :class:`~headwater.http.app.Headwater` once every database
    #: is open (start what the service runs beside the endpoint: SQL servers, key
    #: resolvers), and before the databases close.
    startup: Callable[[Any], None] | None = None
    shutdown: Callable[[Any], None] | None = None
    operations: dict[str, Operation] = field(default_factory=dict)

    def __post_init__(self):
        self.iam_prefix = self.iam_prefix or self.name
        self.database = self.database or self.name
        if self.database != self.name and self.migrations:
            raise ValueError(f"{self.name} uses the {self.database} database: its migrations belong there")

    def operation(
        self,
        name: str,
        *,
        resources: str | Iterable[str] | ResourceBuilder,
        action: str | None = None,
        read_only: bool = False,
        needs_permission: bool = True,
        blocking: bool | Callable[[Any], bool] = False,
    ) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if name in self.operations:
                raise ValueError(f"{self.name}.{name} registered twice")
            self.operations[name] = Operation(
                service=self.name,
                name=name,
                handler=handler,
                action=action or f"{self.iam_prefix}:{name}",
                resources=resource_builder(resources),
                read_only=read_only,
                needs_permission=needs_permission,
                blocking=blocking,
            )
            return handler

        return register


_services: dict[str, Service] = {}


def services() -> dict[str, Service]:
    """Every service headwater implements operations for, keyed by botocore name."""
    if not _services:
        for name in SERVICE_NAMES:
            try:
                module = importlib.import_module(f"headwater.services.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"headwater.services.{name}":
                    raise
                continue
            _services[name] = module.service
    return _services


def storage_of(service: Service) -> Service:
    """The service whose database (and migrations) ``service``'s handlers work in."""
    return service if service.database == service.name else services()[service.database]


def lookup(service: str, operation: str) -> Operation | None:
    """The registered operation, or None when headwater does not implement it (yet)."""
    found = services().get(service)
    return found.operations.get(operation) if found else None
