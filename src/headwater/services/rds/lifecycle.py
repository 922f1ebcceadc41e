"""Instances in motion: the background work behind each RDS operation, the status it shows,
and the service's start and stop (every instance that should run comes back on its port).

Handlers decide and record; the slow part (initdb, copying data, starting a server) is
submitted to the SQL runtime and never runs in the request's transaction. An instance's
status is derived: the runtime's work under way, else stopped, else creating until
``create_delay_seconds`` have passed on the clock, else available.
"""

from __future__ import annotations

import logging
import shutil
import socket
import uuid
from collections.abc import Callable
from concurrent.futures import Future, wait
from pathlib import Path
from types import SimpleNamespace

from headwater.errors import internal_error
from headwater.services.rds import store
from headwater.services.rds.store import Instance, Snapshot
from headwater.sql.endpoint import EndpointSpec
from headwater.sql.runtime import Runtime, close_runtime, open_runtime, runtime_of

log = logging.getLogger("headwater.rds")

RUNNING, STOPPED = "running", "stopped"
STARTUP_TIMEOUT_SECONDS = 600.0
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def runtime(ctx) -> Runtime:
    found = runtime_of(ctx.settings.data_dir)
    if found is None:
        raise internal_error("the SQL runtime is not running")
    return found


def endpoint_address(settings) -> str:
    """The address clients connect to: headwater's host, or the host name when it listens everywhere."""
    return socket.gethostname() if settings.host in WILDCARD_HOSTS else settings.host


def spec_of(rt: Runtime, instance: Instance, settings) -> EndpointSpec:
    return EndpointSpec(
        identifier=instance.identifier,
        data_dir=rt.instance_dir(instance.key),
        host=settings.host,
        port=instance.port,
        master_username=instance.data["MasterUsername"],
        master_password=instance.password,
        db_name=instance.data.get("DBName"),
    )


def status(ctx, instance: Instance) -> str:
    rt = runtime(ctx)
    phase = rt.phase(instance.key)
    if phase:
        return phase
    if instance.state == STOPPED:
        return "stopped"
    if not rt.is_up(instance.key):
        return "failed"
    if ctx.clock.time() < instance.created + ctx.settings.create_delay_seconds:
        return "creating"
    return "available"


def snapshot_status(ctx, snapshot: Snapshot) -> str:
    rt = runtime(ctx)
    if rt.snapshot_dir(snapshot.key).exists():
        return "available"
    instance_key = store.runtime_key(snapshot.account, snapshot.region, snapshot.instance)
    return "creating" if rt.phase(instance_key) not in (None, "failed") else "failed"


# --- background work ---------------------------------------------------------------------------


def _starter(ctx, rt: Runtime, instance: Instance) -> Callable[[], None]:
    """The step that starts ``instance``'s server, with its spec as it is now (in the request)."""
    spec = spec_of(rt, instance, ctx.settings)
    return lambda: rt.start(instance.key, instance.engine, spec)


def _save(rt: Runtime, instance: Instance, snapshot: Snapshot) -> None:
    """Copy the (stopped) instance's data into the snapshot."""
    rt.copy(instance.engine, rt.instance_dir(instance.key), rt.snapshot_dir(snapshot.key))


def launch(ctx, instance: Instance, phase: str = "creating") -> Future:
    rt = runtime(ctx)
    return rt.submit(instance.key, phase, _starter(ctx, rt, instance))


def halt(ctx, instance: Instance, phase: str = "stopping") -> Future:
    rt = runtime(ctx)
    return rt.submit(instance.key, phase, lambda: rt.stop(instance.key))


def reboot(ctx, instance: Instance) -> Future:
    rt = runtime(ctx)
    start = _starter(ctx, rt, instance)

    def work() -> None:
        rt.stop(instance.key)
        start()

    return rt.submit(instance.key, "rebooting", work)


def reset_password(ctx, instance: Instance) -> Future | None:
    rt = runtime(ctx)

    def work() -> None:
        endpoint = rt.endpoint(instance.key)
        if endpoint is not None:
            endpoint.set_master_password(instance.password)

    return rt.submit(instance.key, "resetting-master-credentials", work)


def back_up(ctx, instance: Instance, snapshot: Snapshot) -> Future:
    """Copy the instance's data into the snapshot; a running instance pauses meanwhile."""
    rt = runtime(ctx)
    start = _starter(ctx, rt, instance)

    def work() -> None:
        was_up = rt.is_up(instance.key)
        rt.stop(instance.key)
        try:
            _save(rt, instance, snapshot)
        finally:
            if was_up:
                start()

    return rt.submit(instance.key, "backing-up", work)


def remove(ctx, instance: Instance, final_snapshot: Snapshot | None) -> Future:
    rt = runtime(ctx)

    def work() -> None:
        rt.stop(instance.key)
        if final_snapshot is not None:
            _save(rt, instance, final_snapshot)
        rt.remove(instance.key)

    return rt.submit(instance.key, "deleting", work)


def restore(ctx, instance: Instance, snapshot: Snapshot) -> Future:
    rt = runtime(ctx)
    start = _starter(ctx, rt, instance)

    def work() -> None:
        rt.copy(instance.engine, rt.snapshot_dir(snapshot.key), rt.instance_dir(instance.key))
        start()

    return rt.submit(instance.key, "creating", work)


def discard_snapshot(ctx, snapshot: Snapshot) -> None:
    """Move the snapshot's data aside at once (its name may be reused), remove it in the background."""
    rt = runtime(ctx)
    directory = rt.snapshot_dir(snapshot.key)
    trash = directory.with_name(f"{directory.name}.deleted-{uuid.uuid4().hex[:8]}")
    try:
        directory.rename(trash)
    except FileNotFoundError:
        return
    rt.submit(str(trash), "deleting", lambda: shutil.rmtree(trash, ignore_errors=True))


# --- the service's start and stop --------------------------------------------------------------


def _sweep(base: Path, keep: set[str]) -> None:
    """Remove ``<base>/<account>/<region>/<name>`` directories no row refers to (a crash
    between a commit and its background work, or a half-written copy)."""
    for path in base.glob("*/*/*"):
        key = str(path.relative_to(base))
        if path.is_dir() and key not in keep:
            log.info("removing leftover %s", path)
            shutil.rmtree(path, ignore_errors=True)


def startup(app) -> None:
    """Start every instance that should run (same port, same data), then the samples."""
    rt = open_runtime(app.settings.data_dir, app.settings.host)
    with app.database("rds").transaction(write=False) as db:
        instances = store.all_instances(db)
        snapshots = store.all_snapshots(db)
    _sweep(rt.root, {instance.key for instance in instances})
    _sweep(rt.snapshots_root, {snapshot.key for snapshot in snapshots})
    ctx = SimpleNamespace(settings=app.settings, clock=app.clock)
    futures = [launch(ctx, instance, "starting") for instance in instances if instance.state == RUNNING]
    wait(futures, timeout=STARTUP_TIMEOUT_SECONDS)
    if app.settings.samples:
        from headwater import samples

        samples.ensure(app)


def shutdown(app) -> None:
    close_runtime(app.settings.data_dir)
