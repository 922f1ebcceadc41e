"""DynamoDB's errors, worded as AWS words them."""

from __future__ import annotations

from headwater.errors import ServiceError

INVALID = "One or more parameter values were invalid: "


def validation(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def invalid_parameter(detail: str) -> ServiceError:
    """The common "One or more parameter values were invalid: ..." form."""
    return validation(INVALID + detail)


def resource_not_found(message: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", message)


def table_not_found(name: str | None = None) -> ServiceError:
    """Item and query operations say only "Requested resource not found"; table
    operations (DescribeTable, DeleteTable, UpdateTable) name the table."""
    detail = f": Table: {name} not found" if name else ""
    return resource_not_found(f"Requested resource not found{detail}")


def resource_in_use(message: str) -> ServiceError:
    return ServiceError("ResourceInUseException", message)


def key_mismatch() -> ServiceError:
    return validation("The provided key element does not match the schema")


def conditional_check_failed(item: dict | None = None) -> ServiceError:
    fields = {"Item": item} if item is not None else None
    return ServiceError("ConditionalCheckFailedException", "The conditional request failed", fields=fields)


def item_too_large() -> ServiceError:
    return validation("Item size has exceeded the maximum allowed size")


def limit_exceeded(message: str) -> ServiceError:
    return ServiceError("LimitExceededException", message)
