"""Finding the stream a request names, its status, and the IAM resources of each request."""

from __future__ import annotations

import re

from headwater.services.dynamodb import streams
from headwater.services.dynamodb.lookup import table_arn, within_delay
from headwater.services.dynamodb.streams import Stream
from headwater.services.dynamodbstreams import errors, iterators

STREAM_ARN = re.compile(
    r"arn:aws[a-z-]*:dynamodb:[a-z0-9-]+:\d{12}:table/[a-zA-Z0-9_.-]{3,255}/stream/"
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}"
)


def any_stream(ctx) -> str:
    return f"{table_arn(ctx, '*')}/stream/*"


def stream_resource(ctx, req: dict) -> list[str]:
    arn = req.get("StreamArn")
    return [arn if isinstance(arn, str) and arn.startswith("arn:") else any_stream(ctx)]


def iterator_resource(ctx, req: dict) -> list[str]:
    iterator = req.get("ShardIterator")
    return [(isinstance(iterator, str) and iterators.stream_arn_of(iterator)) or any_stream(ctx)]


def table_streams_resource(ctx, req: dict) -> list[str]:
    return [f"{table_arn(ctx, req.get('TableName') or '*')}/stream/*"]


def check_arn(arn: str) -> str:
    if not STREAM_ARN.fullmatch(arn):
        raise errors.invalid_stream_arn()
    return arn


def existing_stream(ctx, arn: str) -> Stream:
    """The stream of the caller's account and region, readable for 24 hours after it was disabled."""
    stream = streams.find_stream(ctx.db, check_arn(arn), ctx.clock.time())
    if stream is None or (stream.account, stream.region) != (ctx.account, ctx.region):
        raise errors.stream_not_found(arn)
    return stream


def stream_status(ctx, stream: Stream) -> str:
    """ENABLING/DISABLING for ``create_delay_seconds`` after the change, as tables are CREATING."""
    if stream.disabled is not None:
        return "DISABLING" if within_delay(ctx, stream.disabled) else "DISABLED"
    return "ENABLING" if within_delay(ctx, stream.created) else "ENABLED"
