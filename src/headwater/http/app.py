"""The ASGI application: the request pipeline of docs/architecture.md as one function."""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import shutil
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from headwater import __version__, registry
from headwater.auth import enforce, sigv4
from headwater.auth.keys import KeyStore
from headwater.config import Settings
from headwater.context import RequestContext, new_request_id
from headwater.errors import ServiceError, internal_error, not_implemented
from headwater.http.message import HttpRequest, HttpResponse
from headwater.http.transport import receive_request, send_response
from headwater.protocol import awsjson, awsquery, chunked, ec2query, restxml, routing, specs, validate
from headwater.storage.blobs import BlobStore
from headwater.storage.clock import Clock
from headwater.storage.sqlite import Stores

log = logging.getLogger("headwater")

PROTOCOLS = {"json": awsjson, "query": awsquery, "ec2": ec2query, "rest-xml": restxml}
INTERNAL_PREFIX = "/_headwater/"


class Headwater:
    """One endpoint for every service; call it as an ASGI app."""

    def __init__(self, settings: Settings, clock: Clock | None = None, keys: KeyStore | None = None):
        self.settings = settings
        self.clock = clock or Clock()
        self.keys = keys or KeyStore()
        self.stores = Stores(settings.data_dir, settings.fsync)
        self.blobs: BlobStore | None = None
        self._tasks: list[asyncio.Task] = []
        self.executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="headwater")
        self.authorizer = enforce.Authorizer(self)

    # -- the pipeline ---------------------------------------------------------------

    async def handle(self, request: HttpRequest) -> HttpResponse:
        """Serve one AWS request, from routing to the serialized answer.

        Two optional service hooks wrap the pipeline: ``preflight(app, request)`` may answer
        a request before authentication (S3's CORS preflight), and
        ``response_headers(app, request)`` adds headers to every answer (S3's CORS headers).

        No answer, error or not, leaves before every commit it may rest on, in any service's
        database, is on disk: concurrent requests share that fsync (group commit) and the loop
        serves others meanwhile.
        """
        service = routing.identify_service(request)
        hooks = self._hooks(service)
        response = await self._serve(request, service, hooks)
        await self.stores.durable()
        if "response_headers" in hooks:
            response.headers.extend(hooks["response_headers"](self, request))
        return response

    async def _serve(self, request: HttpRequest, service: str, hooks: dict) -> HttpResponse:
        request_id = new_request_id()
        protocol = PROTOCOLS[specs.protocol(service)]
        try:
            if "preflight" in hooks and (answer := hooks["preflight"](self, request)) is not None:
                return answer
            auth = sigv4.authenticate(
                request, service, self.keys, self.clock,
                verify=self.settings.auth == "verify",
                max_skew=self.settings.max_clock_skew_seconds,
            )
            request = chunked.decode(request, auth) or request
            model, labels = routing.find_operation(service, request, hooks)
            params = protocol.parse_request(model, request, labels)
            validate.check(model, params)
            operation = registry.lookup(service, model.name)
            if operation is None:
                raise not_implemented(service, model.name)
            ctx = RequestContext(
                service=service, operation=model.name, region=auth.region,
                principal=auth.principal, clock=self.clock, request_id=request_id,
                settings=self.settings, request=request, blobs=self.blobs,
            )
            self.authorizer.authorize(ctx, operation, params)
            try:
                result = await self._invoke(ctx, operation, params)
            except ServiceError as error:
                # What a caller may not see (S3: a missing key for one who may not list).
                raise self.authorizer.conceal_missing(ctx, params, error) from None
            return protocol.serialize_response(model, result, request_id)
        except ServiceError as error:
            return protocol.serialize_error(specs.load(service), error, request_id, hooks)
        except Exception:
            log.exception("internal error serving %s %s", request.method, request.raw_path)
            return protocol.serialize_error(specs.load(service), internal_error(), request_id, hooks)

    def _hooks(self, service: str) -> dict:
        found = registry.services().get(service)
        return found.hooks if found else {}

    async def _invoke(self, ctx: RequestContext, operation: registry.Operation, params: dict) -> dict:
        """Run the handler on the event loop (a SQLite commit costs less than a hand-off to a
        thread); one declared ``blocking`` (big bodies) runs in a worker thread. The commit's
        sync is left to ``handle`` (group commit)."""
        service = registry.services()[operation.service]
        if not registry.storage_of(service).migrations:
            return operation.handler(ctx, params) or {}
        if not operation.blocks(ctx.request):
            return self._transact(ctx, operation, params, service)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.executor, self._transact, ctx, operation, params, service)

    def _transact(self, ctx: RequestContext, operation: registry.Operation, params: dict, service) -> dict:
        """The handler inside one transaction of its service's database, synced by the caller."""
        database = self.database(service)
        with database.transaction(write=not operation.read_only, defer_sync=True) as connection:
            ctx.db = connection
            return operation.handler(ctx, params) or {}

    def database(self, service: registry.Service | str):
        """The database a service works in: its own, or the one it shares (``Service.database``)."""
        if isinstance(service, str):
            service = registry.services()[service]
        owner = registry.storage_of(service)
        return self.stores.database(owner.name, owner.migrations)

    # -- headwater's own endpoints ------------------------------------------------------

    def health(self) -> dict:
        services = {}
        for name in registry.SERVICE_NAMES:
            found = registry.services().get(name)
            implemented = len(found.operations) if found else 0
            services[name] = {
                "state": "running" if implemented else "not implemented",
                "operations": implemented,
                "modelOperations": len(specs.load(name).operation_names),
            }
        return {"version": __version__, "services": services}

    def internal(self, request: HttpRequest) -> HttpResponse:
        if request.method == "GET" and request.path.rstrip("/") == "/_headwater/health":
            body = json.dumps(self.health()).encode()
            return HttpResponse(200, [("content-type", "application/json")], body)
        return HttpResponse(404, [("content-type", "application/json")], b'{"error": "not found"}')

    # -- ASGI ---------------------------------------------------------------------------

    def startup(self) -> None:
        """Create the data directory, open every database, drop what a crash left behind."""
        self.settings.data_dir.mkdir(parents=True, exist_ok=True)
        shutil.rmtree(self.settings.tmp_dir, ignore_errors=True)
        self.settings.tmp_dir.mkdir(parents=True, exist_ok=True)
        self.blobs = BlobStore(self.settings.data_dir / "blobs", durable=self.settings.fsync == "full")
        for service in registry.services().values():
            if service.migrations:
                self.stores.database(service.name, service.migrations)
        self._sweep_blobs()
        for service in registry.services().values():
            if service.startup:
                service.startup(self)
        # Everything loaded so far (botocore models, caches) lives for the whole run:
        # keep the garbage collector from rescanning it on every collection.
        gc.freeze()
        log.info("headwater %s serving %s", __version__, self.settings.endpoint)

    def _sweep_blobs(self) -> None:
        """Remove blobs no service's metadata refers to (a crash between write and commit)."""
        referenced: set[str] = set()
        for service in registry.services().values():
            if service.blob_references:
                database = self.database(service)
                with database.transaction(write=False) as connection:
                    referenced.update(service.blob_references(connection))
        removed = self.blobs.sweep(referenced.__contains__)
        if removed:
            log.info("swept %d unreferenced blob(s)", len(removed))

    def run_periodic(self, service: registry.Service, task: registry.Periodic) -> None:
        """One run of a service's background task, in one transaction of its database."""
        database = self.database(service)
        with database.transaction(write=True) as connection:
            task.run(SimpleNamespace(db=connection, clock=self.clock, settings=self.settings, blobs=self.blobs))

    async def _repeat(self, service: registry.Service, task: registry.Periodic) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(task.every(self.settings))
            try:
                await loop.run_in_executor(self.executor, self.run_periodic, service, task)
            except Exception:
                log.exception("background task %s.%s failed", service.name, task.name)

    def _start_periodic(self) -> None:
        for service in registry.services().values():
            for task in service.periodic:
                self._tasks.append(asyncio.get_running_loop().create_task(self._repeat(service, task)))

    def shutdown(self) -> None:
        for task in self._tasks:
            task.cancel()
        for service in registry.services().values():
            if service.shutdown:
                try:
                    service.shutdown(self)
                except Exception:
                    log.exception("stopping %s failed", service.name)
        self.executor.shutdown(wait=True)
        self.authorizer.close()
        self.stores.close_all()

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        if scope["type"] != "http":
            return
        request = await receive_request(scope, receive, str(self.settings.tmp_dir), self.settings.fsync == "full")
        try:
            if request.raw_path.startswith(INTERNAL_PREFIX):
                response = self.internal(request)
            else:
                response = await self.handle(request)
            await send_response(send, response)
        finally:
            request.body.close()

    async def _lifespan(self, receive, send):
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    self.startup()
                    self._start_periodic()
                except Exception as exc:  # reported to the server, which stops
                    await send({"type": "lifespan.startup.failed", "message": str(exc)})
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.shutdown()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_app(settings: Settings, clock: Clock | None = None) -> Headwater:
    return Headwater(settings, clock)
