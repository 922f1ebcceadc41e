"""DB instance operations: CreateDBInstance, DescribeDBInstances, ModifyDBInstance,
RebootDBInstance, StopDBInstance, StartDBInstance, DeleteDBInstance."""

from __future__ import annotations

import uuid

from headwater.services.rds import arns, errors, lifecycle, params, service, store, subnet_groups
from headwater.services.rds.store import Instance
from headwater.sql.runtime import choose_port

DEFAULT_STORAGE_GB = 20
HOSTED_ZONE = "Z2R2ITUGPM61AM"
LICENSES = {"postgres": "postgresql-license", "mysql": "general-public-license", "mariadb": "general-public-license"}
INSTANCE_FILTERS = {"db-instance-id": "identifier", "engine": "engine", "dbi-resource-id": "DbiResourceId"}
#: Members ModifyDBInstance applies at once whatever ApplyImmediately says (as AWS does).
IMMEDIATE_MEMBERS = ("VpcSecurityGroupIds", "PubliclyAccessible", "DeletionProtection",
                     "BackupRetentionPeriod", "CopyTagsToSnapshot")
#: Members that wait for the maintenance window unless ApplyImmediately is true.
PENDING_MEMBERS = ("DBInstanceClass", "AllocatedStorage")
by_identifier = arns.of_member("db", "DBInstanceIdentifier")


def find(ctx, identifier: str) -> Instance:
    found = store.get_instance(ctx.db, ctx.account, ctx.region, identifier.lower())
    return errors.unless_missing(found, errors.instance_not_found, identifier)


def parameter_family(instance: Instance) -> str:
    major = instance.data["EngineVersion"].split(".")[0]
    return f"{instance.engine}{major}" if instance.engine == "postgres" else f"{instance.engine}{major}.0"


def describe(ctx, instance: Instance, status: str | None = None) -> dict:
    """The DBInstance AWS returns; no Endpoint while the instance is being created."""
    status = status or lifecycle.status(ctx, instance)
    data = instance.data
    described = {
        "DBInstanceIdentifier": instance.identifier,
        "DBInstanceClass": data["DBInstanceClass"],
        "Engine": instance.engine,
        "DBInstanceStatus": status,
        "MasterUsername": data["MasterUsername"],
        "AllocatedStorage": data["AllocatedStorage"],
        "InstanceCreateTime": instance.created,
        "PreferredBackupWindow": "03:00-03:30",
        "BackupRetentionPeriod": data.get("BackupRetentionPeriod", 1),
        "DBSecurityGroups": [],
        "VpcSecurityGroups": [
            {"VpcSecurityGroupId": group, "Status": "active"} for group in data.get("VpcSecurityGroupIds", [])
        ],
        "DBParameterGroups": [
            {"DBParameterGroupName": f"default.{parameter_family(instance)}", "ParameterApplyStatus": "in-sync"}
        ],
        "AvailabilityZone": data["AvailabilityZone"],
        "PreferredMaintenanceWindow": "sun:05:00-sun:05:30",
        "PendingModifiedValues": data.get("PendingModifiedValues", {}),
        "MultiAZ": False,
        "EngineVersion": data["EngineVersion"],
        "AutoMinorVersionUpgrade": True,
        "ReadReplicaDBInstanceIdentifiers": [],
        "LicenseModel": LICENSES[instance.engine],
        "PubliclyAccessible": data["PubliclyAccessible"],
        "StorageType": data.get("StorageType", "gp2"),
        "DbInstancePort": 0,
        "StorageEncrypted": False,
        "DbiResourceId": data["DbiResourceId"],
        "CACertificateIdentifier": "rds-ca-rsa2048-g1",
        "CopyTagsToSnapshot": data.get("CopyTagsToSnapshot", False),
        "DBInstanceArn": instance.arn,
        "IAMDatabaseAuthenticationEnabled": False,
        "DeletionProtection": data.get("DeletionProtection", False),
        "TagList": store.tags(ctx.db, instance.arn),
        "NetworkType": "IPV4",
        "BackupTarget": "region",
    }
    if data.get("DBName"):
        described["DBName"] = data["DBName"]
    if data.get("DBSubnetGroupName"):
        described["DBSubnetGroup"] = subnet_groups.find(ctx, data["DBSubnetGroupName"])
    if status != "creating":
        described["Endpoint"] = {
            "Address": lifecycle.endpoint_address(ctx.settings), "Port": instance.port, "HostedZoneId": HOSTED_ZONE,
        }
    return described


def register(ctx, identifier: str, engine: str, username: str, password: str, req: dict, defaults: dict) -> Instance:
    """Record a new instance (the checks CreateDBInstance and restores share); the caller
    starts it. ``defaults`` (a snapshot's class, storage and DBName) yield to ``req``."""
    if store.get_instance(ctx.db, ctx.account, ctx.region, identifier):
        raise errors.fault("DBInstanceAlreadyExistsFault", "DB instance already exists")
    chosen = {**defaults, **{member: req[member] for member in PENDING_MEMBERS if req.get(member)}}
    subnet_group = req.get("DBSubnetGroupName")
    taken = store.taken_ports(ctx.db)
    port = params.port(req.get("Port"))
    if port in taken:
        raise errors.invalid_value(f"Port {port} is already used by another DB instance of this headwater.")
    instance = Instance(
        account=ctx.account, region=ctx.region, identifier=identifier, engine=engine, state=lifecycle.RUNNING,
        port=port or choose_port(ctx.settings.host, engine, taken), created=ctx.clock.time(), password=password,
        data={
            "DBInstanceClass": params.instance_class(chosen["DBInstanceClass"]),
            "MasterUsername": username,
            "AllocatedStorage": chosen.get("AllocatedStorage", DEFAULT_STORAGE_GB),
            "DBName": defaults.get("DBName"),
            "AvailabilityZone": req.get("AvailabilityZone") or f"{ctx.region}a",
            "EngineVersion": params.engine_version(engine),
            "PubliclyAccessible": req.get("PubliclyAccessible", False),
            "VpcSecurityGroupIds": req.get("VpcSecurityGroupIds", []),
            "DBSubnetGroupName": subnet_groups.find(ctx, subnet_group)["DBSubnetGroupName"] if subnet_group else None,
            "StorageType": req.get("StorageType", "gp2"),
            "DbiResourceId": "db-" + uuid.uuid4().hex[:26].upper(),
            **{member: req[member] for member in IMMEDIATE_MEMBERS if member in req},
        },
    )
    store.put_instance(ctx.db, instance)
    store.add_tags(ctx.db, instance.arn, req.get("Tags", []))
    return instance


@service.operation("CreateDBInstance", resources=by_identifier)
def create_db_instance(ctx, req: dict) -> dict:
    identifier = params.identifier(req["DBInstanceIdentifier"])
    engine = params.engine(req["Engine"])
    username = params.master_username(req.get("MasterUsername"), engine)
    password = params.master_password(req.get("MasterUserPassword"), engine)
    db_name = params.db_name(req.get("DBName"), engine)
    defaults = {"DBInstanceClass": req["DBInstanceClass"], "DBName": db_name}
    instance = register(ctx, identifier, engine, username, password, req, defaults)
    lifecycle.launch(ctx, instance)
    return {"DBInstance": describe(ctx, instance, "creating")}


def _matches(instance: Instance, chosen: dict[str, set[str]]) -> bool:
    for member, values in chosen.items():
        if member == "identifier":
            if not {instance.identifier, instance.arn} & {value.lower() for value in values}:
                return False
        elif (instance.engine if member == "engine" else instance.data.get(member)) not in values:
            return False
    return True


@service.operation("DescribeDBInstances", resources=by_identifier, read_only=True)
def describe_db_instances(ctx, req: dict) -> dict:
    if req.get("DBInstanceIdentifier"):
        return {"DBInstances": [describe(ctx, find(ctx, req["DBInstanceIdentifier"]))]}
    chosen = params.filters(req, INSTANCE_FILTERS)
    found = [i for i in store.list_instances(ctx.db, ctx.account, ctx.region, req.get("Marker", "")) if _matches(i, chosen)]
    return params.page(found, req, "DBInstances", lambda instance: instance.identifier,
                       lambda instance: describe(ctx, instance))


def _require(ctx, instance: Instance, allowed: tuple[str, ...], message: str) -> str:
    status = lifecycle.status(ctx, instance)
    if status not in allowed:
        raise errors.invalid_instance_state(message.format(id=instance.identifier, status=status))
    return status


@service.operation("ModifyDBInstance", resources=by_identifier)
def modify_db_instance(ctx, req: dict) -> dict:
    instance = find(ctx, req["DBInstanceIdentifier"])
    status = _require(ctx, instance, ("available", "stopped"), "Database instance is not in available state.")
    data = instance.data
    if req.get("DBSubnetGroupName"):
        data["DBSubnetGroupName"] = subnet_groups.find(ctx, req["DBSubnetGroupName"])["DBSubnetGroupName"]
    data.update({member: req[member] for member in IMMEDIATE_MEMBERS if member in req})
    changes = {member: req[member] for member in PENDING_MEMBERS if member in req}
    if "DBInstanceClass" in changes:
        params.instance_class(changes["DBInstanceClass"])
    if req.get("ApplyImmediately"):
        data.update(changes)
    elif changes:
        data["PendingModifiedValues"] = {**data.get("PendingModifiedValues", {}), **changes}
    password = req.get("MasterUserPassword")
    if password is not None:
        instance.password = params.master_password(password, instance.engine)
    store.put_instance(ctx.db, instance)
    described = describe(ctx, instance)
    if password is not None:
        described["PendingModifiedValues"] = {**described["PendingModifiedValues"], "MasterUserPassword": "****"}
        if status == "available":
            lifecycle.reset_password(ctx, instance)
    return {"DBInstance": described}


@service.operation("RebootDBInstance", resources=by_identifier)
def reboot_db_instance(ctx, req: dict) -> dict:
    instance = find(ctx, req["DBInstanceIdentifier"])
    _require(ctx, instance, ("available", "failed"), "Instance {id} is not in available state.")
    lifecycle.reboot(ctx, instance)
    return {"DBInstance": describe(ctx, instance, "rebooting")}


def _switch(ctx, instance: Instance, state: str, phase: str, work) -> dict:
    """Record whether ``instance`` should run, then submit ``work(ctx, instance, phase)``
    (stopping or starting it) and answer with that phase as its status."""
    instance.state = state
    store.put_instance(ctx.db, instance)
    work(ctx, instance, phase)
    return {"DBInstance": describe(ctx, instance, phase)}


@service.operation("StopDBInstance", resources=by_identifier)
def stop_db_instance(ctx, req: dict) -> dict:
    instance = find(ctx, req["DBInstanceIdentifier"])
    _require(ctx, instance, ("available",), "Instance {id} is not in available state.")
    if req.get("DBSnapshotIdentifier"):
        from headwater.services.rds import snapshots

        snapshots.take(ctx, instance, req["DBSnapshotIdentifier"], {})
    return _switch(ctx, instance, lifecycle.STOPPED, "stopping", lifecycle.halt)


@service.operation("StartDBInstance", resources=by_identifier)
def start_db_instance(ctx, req: dict) -> dict:
    instance = find(ctx, req["DBInstanceIdentifier"])
    _require(ctx, instance, ("stopped",), "Instance {id} is not stopped, it is currently in state {status}.")
    return _switch(ctx, instance, lifecycle.RUNNING, "starting", lifecycle.launch)


@service.operation("DeleteDBInstance", resources=by_identifier)
def delete_db_instance(ctx, req: dict) -> dict:
    instance = find(ctx, req["DBInstanceIdentifier"])
    skip, final = req.get("SkipFinalSnapshot", False), req.get("FinalDBSnapshotIdentifier")
    if not skip and not final:
        raise errors.invalid_combination("FinalDBSnapshotIdentifier is required unless SkipFinalSnapshot is specified.")
    if skip and final:
        raise errors.invalid_combination("Cannot specify both SkipFinalSnapshot and FinalDBSnapshotIdentifier.")
    if instance.data.get("DeletionProtection"):
        raise errors.invalid_combination("Cannot delete protected DB Instance, please disable deletion protection and try again.")
    final_snapshot = None
    if final:
        from headwater.services.rds import snapshots

        _require(ctx, instance, ("available", "stopped"),
                 "Instance {id} is currently {status} - a final snapshot cannot be taken.")
        final_snapshot = snapshots.record(ctx, instance, final, {})
    described = describe(ctx, instance, "deleting")
    store.delete_instance(ctx.db, instance)
    lifecycle.remove(ctx, instance, final_snapshot)
    return {"DBInstance": described}
