"""DB snapshots: CreateDBSnapshot, DescribeDBSnapshots, DeleteDBSnapshot and
RestoreDBInstanceFromDBSnapshot. A snapshot is a real copy of the instance's data."""

from __future__ import annotations

from headwater.services.rds import arns, errors, instances, lifecycle, params, service, store
from headwater.services.rds.store import Instance, Snapshot

SNAPSHOT_FILTERS = {
    "db-instance-id": "instance", "db-snapshot-id": "identifier", "snapshot-type": "type", "engine": "engine",
}
by_snapshot = arns.of_member("snapshot", "DBSnapshotIdentifier")


def find(ctx, identifier: str) -> Snapshot:
    found = store.get_snapshot(ctx.db, ctx.account, ctx.region, identifier.lower())
    return errors.unless_missing(found, errors.snapshot_not_found, identifier)


def describe(ctx, snapshot: Snapshot) -> dict:
    status = lifecycle.snapshot_status(ctx, snapshot)
    data = snapshot.data
    described = {
        "DBSnapshotIdentifier": snapshot.identifier,
        "DBInstanceIdentifier": snapshot.instance,
        "SnapshotCreateTime": snapshot.created,
        "Engine": snapshot.engine,
        "AllocatedStorage": data["AllocatedStorage"],
        "Status": status,
        "Port": data["Port"],
        "AvailabilityZone": data["AvailabilityZone"],
        "InstanceCreateTime": data["InstanceCreateTime"],
        "MasterUsername": data["MasterUsername"],
        "EngineVersion": data["EngineVersion"],
        "LicenseModel": instances.LICENSES[snapshot.engine],
        "SnapshotType": "manual",
        "PercentProgress": 100 if status == "available" else 0,
        "StorageType": data.get("StorageType", "gp2"),
        "Encrypted": False,
        "DBSnapshotArn": snapshot.arn,
        "IAMDatabaseAuthenticationEnabled": False,
        "DbiResourceId": data["DbiResourceId"],
        "TagList": store.tags(ctx.db, snapshot.arn),
        "OriginalSnapshotCreateTime": snapshot.created,
        "SnapshotTarget": "region",
    }
    return described


def record(ctx, instance: Instance, identifier: str, req: dict) -> Snapshot:
    """Record a snapshot of ``instance`` (its data is copied by the caller's background work)."""
    identifier = params.identifier(identifier, "DBSnapshotIdentifier")
    if store.get_snapshot(ctx.db, ctx.account, ctx.region, identifier):
        raise errors.fault("DBSnapshotAlreadyExistsFault", f"Cannot create the snapshot because a snapshot with the identifier {identifier} already exists.")
    data = instance.data
    snapshot = Snapshot(
        account=ctx.account, region=ctx.region, identifier=identifier, instance=instance.identifier,
        engine=instance.engine, created=ctx.clock.time(), password=instance.password,
        data={
            "AllocatedStorage": data["AllocatedStorage"], "Port": instance.port,
            "AvailabilityZone": data["AvailabilityZone"], "InstanceCreateTime": instance.created,
            "MasterUsername": data["MasterUsername"], "EngineVersion": data["EngineVersion"],
            "StorageType": data.get("StorageType", "gp2"), "DbiResourceId": data["DbiResourceId"],
            "DBInstanceClass": data["DBInstanceClass"], "DBName": data.get("DBName"),
        },
    )
    store.put_snapshot(ctx.db, snapshot)
    copied = store.tags(ctx.db, instance.arn) if data.get("CopyTagsToSnapshot") else []
    store.add_tags(ctx.db, snapshot.arn, copied + req.get("Tags", []))
    return snapshot


def take(ctx, instance: Instance, identifier: str, req: dict) -> Snapshot:
    """Record a snapshot and copy the instance's data into it in the background."""
    snapshot = record(ctx, instance, identifier, req)
    lifecycle.back_up(ctx, instance, snapshot)
    return snapshot


@service.operation("CreateDBSnapshot", resources=by_snapshot)
def create_db_snapshot(ctx, req: dict) -> dict:
    instance = instances.find(ctx, req["DBInstanceIdentifier"])
    if lifecycle.status(ctx, instance) not in ("available", "stopped"):
        raise errors.invalid_instance_state(
            f"Cannot create a snapshot because the database instance {instance.identifier} is not currently in the available state."
        )
    snapshot = take(ctx, instance, req["DBSnapshotIdentifier"], req)
    return {"DBSnapshot": {**describe(ctx, snapshot), "Status": "creating", "PercentProgress": 0}}


def _matches(snapshot: Snapshot, chosen: dict[str, set[str]]) -> bool:
    values = {"instance": snapshot.instance, "identifier": snapshot.identifier, "type": "manual", "engine": snapshot.engine}
    return all(values[member] in allowed for member, allowed in chosen.items())


@service.operation("DescribeDBSnapshots", resources=by_snapshot, read_only=True)
def describe_db_snapshots(ctx, req: dict) -> dict:
    if req.get("DBSnapshotIdentifier"):
        return {"DBSnapshots": [describe(ctx, find(ctx, req["DBSnapshotIdentifier"]))]}
    chosen = params.filters(req, SNAPSHOT_FILTERS)
    if req.get("DBInstanceIdentifier"):
        chosen.setdefault("instance", set()).add(req["DBInstanceIdentifier"].lower())
    if req.get("SnapshotType"):
        chosen.setdefault("type", set()).add(req["SnapshotType"])
    found = [s for s in store.list_snapshots(ctx.db, ctx.account, ctx.region, req.get("Marker", "")) if _matches(s, chosen)]
    return params.page(found, req, "DBSnapshots", lambda snapshot: snapshot.identifier,
                       lambda snapshot: describe(ctx, snapshot))


@service.operation("DeleteDBSnapshot", resources=by_snapshot)
def delete_db_snapshot(ctx, req: dict) -> dict:
    snapshot = find(ctx, req["DBSnapshotIdentifier"])
    described = describe(ctx, snapshot)
    if described["Status"] == "creating":
        raise errors.fault("InvalidDBSnapshotStateFault", "Cannot delete the snapshot because it is in the creating state.")
    store.delete_snapshot(ctx.db, snapshot)
    lifecycle.discard_snapshot(ctx, snapshot)
    return {"DBSnapshot": {**described, "Status": "deleted"}}


@service.operation("RestoreDBInstanceFromDBSnapshot", resources=instances.by_identifier)
def restore_db_instance_from_db_snapshot(ctx, req: dict) -> dict:
    if not req.get("DBSnapshotIdentifier"):
        raise errors.invalid_value("The parameter DBSnapshotIdentifier must be provided.")
    identifier = params.identifier(req["DBInstanceIdentifier"])
    snapshot = find(ctx, req["DBSnapshotIdentifier"])
    if lifecycle.snapshot_status(ctx, snapshot) != "available":
        raise errors.fault("InvalidDBSnapshotStateFault", f"Snapshot {snapshot.identifier} is not available.")
    defaults = {member: snapshot.data.get(member) for member in ("DBInstanceClass", "AllocatedStorage", "DBName")}
    instance = instances.register(
        ctx, identifier, snapshot.engine, snapshot.data["MasterUsername"], snapshot.password, req, defaults
    )
    lifecycle.restore(ctx, instance, snapshot)
    return {"DBInstance": instances.describe(ctx, instance, "creating")}
