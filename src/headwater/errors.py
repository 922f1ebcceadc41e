"""Errors a handler or a pipeline stage raises; each protocol serializes them its own way."""

from __future__ import annotations


class ServiceError(Exception):
    """An AWS-shaped error: code, message, HTTP status and who is at fault.

    ``fields`` carries extra members of the error shape (e.g. DynamoDB's
    ``CancellationReasons`` or S3's ``BucketName``); ``headers`` extra response headers.
    """

    def __init__(
        self,
        code: str,
        message: str = "",
        status: int = 400,
        sender_fault: bool = True,
        fields: dict | None = None,
        headers: dict | None = None,
    ):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.sender_fault = sender_fault
        self.fields = fields or {}
        self.headers = headers or {}


def not_implemented(service: str, operation: str) -> ServiceError:
    """The answer to an operation headwater routes but does not implement yet."""
    return ServiceError(
        "NotImplemented",
        f"{service}.{operation} is not implemented by headwater",
        status=501,
        sender_fault=False,
    )


def validation_error(message: str) -> ServiceError:
    return ServiceError("ValidationException", message)


def internal_error(message: str = "We encountered an internal error. Please try again.") -> ServiceError:
    return ServiceError("InternalFailure", message, status=500, sender_fault=False)
