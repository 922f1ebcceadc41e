"""RDS resource ARNs: ``arn:aws:rds:{region}:{account}:{kind}:{name}`` for instances (``db``),
snapshots (``snapshot``) and subnet groups (``subgrp``)."""

from __future__ import annotations

import re

from headwater.services.rds import errors

ARN = re.compile(r"arn:aws:rds:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):(?P<kind>[a-z-]+):(?P<name>.+)")
KINDS = ("db", "snapshot", "subgrp")


def arn(region: str, account: str, kind: str, name: str) -> str:
    return f"arn:aws:rds:{region}:{account}:{kind}:{name}"


def of_member(kind: str, member: str):
    """An operation's resource builder: the ARN named by request member ``member``
    (``*`` when the request names none, as Describe calls may)."""

    def build(ctx, req: dict) -> list[str]:
        value = req.get(member)
        return [arn(ctx.region, ctx.account, kind, value.lower() if value else "*")]

    return build


def parse(ctx, resource_name: str) -> tuple[str, str]:
    """``(kind, name)`` of an ARN in the caller's account and region."""
    found = ARN.fullmatch(resource_name)
    if not found or found["kind"] not in KINDS or (found["region"], found["account"]) != (ctx.region, ctx.account):
        raise errors.invalid_value("The specified resource name does not match an RDS resource in this region.")
    return found["kind"], found["name"]
