"""DB subnet groups: Create, Describe, Modify and DeleteDBSubnetGroup. The subnets are
stored as given (the EC2 VPC model is the network work's); an instance names its group."""

from __future__ import annotations

import re

from headwater.services.rds import arns, errors, params, service, store

NAME = re.compile(r"[A-Za-z0-9 ._-]{1,255}")
by_name = arns.of_member("subgrp", "DBSubnetGroupName")


def find(ctx, name: str) -> dict:
    found = store.get_subnet_group(ctx.db, ctx.account, ctx.region, name.lower())
    return errors.unless_missing(found, errors.subnet_group_not_found, name)


def _subnets(ctx, subnet_ids: list[str]) -> list[dict]:
    if not subnet_ids:
        raise errors.invalid_value("Some input subnets are invalid: the subnet list must not be empty.")
    zones = "abcdef"
    return [
        {
            "SubnetIdentifier": subnet,
            "SubnetAvailabilityZone": {"Name": f"{ctx.region}{zones[index % len(zones)]}"},
            "SubnetOutpost": {},
            "SubnetStatus": "Active",
        }
        for index, subnet in enumerate(dict.fromkeys(subnet_ids))
    ]


def described(ctx, group: dict) -> dict:
    return {**group, "TagList": store.tags(ctx.db, group["DBSubnetGroupArn"])}


@service.operation("CreateDBSubnetGroup", resources=by_name)
def create_db_subnet_group(ctx, req: dict) -> dict:
    name = req["DBSubnetGroupName"]
    if not NAME.fullmatch(name) or name.lower() == "default":
        raise errors.invalid_value(
            "The parameter DBSubnetGroupName is not a valid identifier. It must contain no more than 255 letters, "
            "digits, periods, underscores, spaces or hyphens, and must not be default."
        )
    name = name.lower()
    if store.get_subnet_group(ctx.db, ctx.account, ctx.region, name):
        raise errors.fault("DBSubnetGroupAlreadyExistsFault", f"The DB subnet group '{name}' already exists.")
    group = {
        "DBSubnetGroupName": name,
        "DBSubnetGroupDescription": req["DBSubnetGroupDescription"],
        "SubnetGroupStatus": "Complete",
        "Subnets": _subnets(ctx, req["SubnetIds"]),
        "DBSubnetGroupArn": arns.arn(ctx.region, ctx.account, "subgrp", name),
        "SupportedNetworkTypes": ["IPV4"],
    }
    store.put_subnet_group(ctx.db, ctx.account, ctx.region, group)
    store.add_tags(ctx.db, group["DBSubnetGroupArn"], req.get("Tags", []))
    return {"DBSubnetGroup": described(ctx, group)}


@service.operation("DescribeDBSubnetGroups", resources=by_name, read_only=True)
def describe_db_subnet_groups(ctx, req: dict) -> dict:
    if req.get("DBSubnetGroupName"):
        return {"DBSubnetGroups": [described(ctx, find(ctx, req["DBSubnetGroupName"]))]}
    params.filters(req, {})
    found = store.list_subnet_groups(ctx.db, ctx.account, ctx.region, req.get("Marker", ""))
    return params.page(found, req, "DBSubnetGroups", lambda group: group["DBSubnetGroupName"],
                       lambda group: described(ctx, group))


@service.operation("ModifyDBSubnetGroup", resources=by_name)
def modify_db_subnet_group(ctx, req: dict) -> dict:
    group = find(ctx, req["DBSubnetGroupName"])
    group["Subnets"] = _subnets(ctx, req["SubnetIds"])
    if req.get("DBSubnetGroupDescription") is not None:
        group["DBSubnetGroupDescription"] = req["DBSubnetGroupDescription"]
    store.put_subnet_group(ctx.db, ctx.account, ctx.region, group)
    return {"DBSubnetGroup": described(ctx, group)}


@service.operation("DeleteDBSubnetGroup", resources=by_name)
def delete_db_subnet_group(ctx, req: dict) -> dict:
    group = find(ctx, req["DBSubnetGroupName"])
    if store.subnet_group_in_use(ctx.db, ctx.account, ctx.region, group["DBSubnetGroupName"]):
        raise errors.fault(
            "InvalidDBSubnetGroupStateFault",
            f"Cannot delete the subnet group '{group['DBSubnetGroupName']}' because at least one database instance is still using it.",
        )
    store.delete_subnet_group(ctx.db, ctx.account, ctx.region, group)
    return {}
