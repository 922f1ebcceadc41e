"""A table's settings besides its shape: tags and time to live."""

from __future__ import annotations

from headwater.services.dynamodb import definitions, errors, lookup, service, store
from headwater.services.dynamodb.schema import Table


def _tagged_table(ctx, arn: str) -> Table:
    """The table a tagging request's ResourceArn names, with AWS's errors."""
    if not arn.startswith("arn:"):
        raise errors.invalid_parameter(f"ARNs must start with 'arn:': {arn}")
    match = lookup.ARN.fullmatch(arn)
    if match is None or match.group(1) != ctx.region or match.group(2) != ctx.account:
        raise errors.validation(f"Invalid TableArn: Invalid ResourceArn provided as input {arn}")
    table = store.find_table(ctx.db, ctx.account, ctx.region, match.group(3))
    if table is None:
        raise errors.resource_not_found(f"Requested resource not found: ResourcArn: {arn} not found")
    return table


def _resource(ctx, req: dict) -> list[str]:
    return [lookup.resource_arn(ctx, req["ResourceArn"])]


@service.operation("TagResource", resources=_resource)
def tag_resource(ctx, req: dict) -> dict:
    definitions.check_tags(req["Tags"])
    table = _tagged_table(ctx, req["ResourceArn"])
    existing = {tag["Key"] for tag in store.tags(ctx.db, table)}
    if len(existing | {tag["Key"] for tag in req["Tags"]}) > definitions.MAX_TAGS:
        raise errors.validation("Number of Tags exceed the current limit for the provided ResourceArn")
    store.put_tags(ctx.db, table, req["Tags"])
    return {}


@service.operation("UntagResource", resources=_resource)
def untag_resource(ctx, req: dict) -> dict:
    if not req["TagKeys"]:
        raise errors.validation("Atleast one Tag Key needs to be provided as Input.")
    store.remove_tags(ctx.db, _tagged_table(ctx, req["ResourceArn"]), req["TagKeys"])
    return {}


@service.operation("ListTagsOfResource", resources=_resource, read_only=True)
def list_tags_of_resource(ctx, req: dict) -> dict:
    return {"Tags": store.tags(ctx.db, _tagged_table(ctx, req["ResourceArn"]))}


# --- time to live ----------------------------------------------------------------------


def _ttl(table: Table) -> dict:
    return table.description.get("TimeToLiveDescription") or {"TimeToLiveStatus": "DISABLED"}


@service.operation("UpdateTimeToLive", resources=lookup.table_resource)
def update_time_to_live(ctx, req: dict) -> dict:
    table = lookup.existing_table(ctx, req["TableName"])
    spec = req["TimeToLiveSpecification"]
    current = _ttl(table)
    enabled = current["TimeToLiveStatus"] == "ENABLED"
    if spec["Enabled"] and enabled:
        if current["AttributeName"] != spec["AttributeName"]:
            raise errors.validation(
                f"TimeToLive is active on a different AttributeName: current AttributeName is {current['AttributeName']}"
            )
        raise errors.validation("TimeToLive is already enabled")
    if not spec["Enabled"] and not enabled:
        raise errors.validation("TimeToLive is already disabled")
    description = dict(table.description)
    description["TimeToLiveDescription"] = (
        {"TimeToLiveStatus": "ENABLED", "AttributeName": spec["AttributeName"]} if spec["Enabled"]
        else {"TimeToLiveStatus": "DISABLED"}
    )
    store.save_description(ctx.db, table, description)
    return {"TimeToLiveSpecification": {"Enabled": spec["Enabled"], "AttributeName": spec["AttributeName"]}}


@service.operation("DescribeTimeToLive", resources=lookup.table_resource, read_only=True)
def describe_time_to_live(ctx, req: dict) -> dict:
    table = lookup.existing_table(ctx, req["TableName"])
    if lookup.table_status(ctx, table) == "CREATING":
        raise errors.validation(
            "Cannot describe time to live while table is in CREATING state: Current table state is CREATING"
        )
    return {"TimeToLiveDescription": _ttl(table)}
