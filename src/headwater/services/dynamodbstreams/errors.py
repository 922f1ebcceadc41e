"""DynamoDB Streams' errors, worded as AWS words them, and the ``__type`` naming them.

AWS names an error by the namespace that declares it: the errors DynamoDB Streams shares
with DynamoDB (ResourceNotFoundException, LimitExceededException, ValidationException,
InternalServerError) as DynamoDB does, its own two under
``com.amazonaws.dynamodb.streams.v20120810`` (as AWS's SDKs match them).
"""

from __future__ import annotations

from headwater.errors import ServiceError
from headwater.services.dynamodb.errors import validation

STREAMS_ERRORS = ("ExpiredIteratorException", "TrimmedDataAccessException")


def error_type(code: str) -> str:
    namespace = "dynamodb.streams" if code in STREAMS_ERRORS else "dynamodb"
    return f"com.amazonaws.{namespace}.v20120810#{code}"


def invalid_stream_arn() -> ServiceError:
    return validation("Invalid StreamArn")


def invalid_iterator() -> ServiceError:
    return validation("Invalid ShardIterator")


def limit_above(value: int, maximum: int) -> ServiceError:
    """A ``Limit`` beyond the operation's documented upper bound, in the model-check form."""
    return validation(
        f"1 validation error detected: Value '{value}' at 'limit' failed to satisfy constraint: "
        f"Member must have value less than or equal to {maximum}"
    )


def stream_not_found(arn: str) -> ServiceError:
    return ServiceError("ResourceNotFoundException", f"Requested resource not found: Stream: {arn} not found")


def shard_not_found() -> ServiceError:
    return ServiceError("ResourceNotFoundException", "Requested resource not found: Shard does not exist")


def expired_iterator() -> ServiceError:
    return ServiceError("ExpiredIteratorException", "The provided iterator exceeds the maximum age allowed.")


def trimmed() -> ServiceError:
    return ServiceError("TrimmedDataAccessException", "The data you are trying to access has been trimmed")


def records_limit_exceeded() -> ServiceError:
    return ServiceError(
        "LimitExceededException",
        "GetRecords was called with a value of more than 1000 for the limit request parameter.",
    )
