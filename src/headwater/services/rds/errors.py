"""RDS's errors: the model's fault shapes with AWS's status codes and wording."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from headwater.errors import ServiceError
from headwater.protocol import specs


def fault(shape: str, message: str) -> ServiceError:
    """An error of the modeled fault ``shape`` (its wire code and HTTP status come from the model)."""
    status = specs.load("rds").shape_for(shape).metadata.get("error", {}).get("httpStatusCode", 400)
    return ServiceError(shape, message, status=status)


Found = TypeVar("Found")


def unless_missing(found: Found | None, not_found: Callable[[str], ServiceError], name: str) -> Found:
    """``found``; if it is None, the error ``not_found(name)`` is raised."""
    if found is None:
        raise not_found(name)
    return found


def invalid_value(message: str) -> ServiceError:
    return ServiceError("InvalidParameterValue", message)


def invalid_combination(message: str) -> ServiceError:
    return ServiceError("InvalidParameterCombination", message)


def instance_not_found(identifier: str) -> ServiceError:
    return fault("DBInstanceNotFoundFault", f"DBInstance {identifier} not found.")


def snapshot_not_found(identifier: str) -> ServiceError:
    return fault("DBSnapshotNotFoundFault", f"DBSnapshot {identifier} not found.")


def subnet_group_not_found(name: str) -> ServiceError:
    return fault("DBSubnetGroupNotFoundFault", f"DBSubnetGroup {name} not found.")


def invalid_instance_state(message: str) -> ServiceError:
    return fault("InvalidDBInstanceStateFault", message)
