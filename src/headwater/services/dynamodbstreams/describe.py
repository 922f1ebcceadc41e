"""ListStreams and DescribeStream: which streams exist and what their shard holds.

Each stream has one shard. Its ``StartingSequenceNumber`` is the first sequence number
the stream could receive; once the stream is disabled (UpdateTable, DeleteTable) the
shard is closed and also has an ``EndingSequenceNumber``. Disabled streams stay listed
and readable for 24 hours.
"""

from __future__ import annotations

from headwater.services.dynamodb import streams
from headwater.services.dynamodb.streams import Stream
from headwater.services.dynamodbstreams import errors, lookup, service

MAX_LIMIT = 100


def _limit(req: dict) -> int:
    limit = req.get("Limit", MAX_LIMIT)
    if limit > MAX_LIMIT:
        raise errors.limit_above(limit, MAX_LIMIT)
    return limit


def shard(ctx, stream: Stream) -> dict:
    numbers = {"StartingSequenceNumber": streams.sequence_number(stream.start_seq)}
    if stream.disabled is not None:
        numbers["EndingSequenceNumber"] = streams.sequence_number(
            max(streams.last_seq(ctx.db, stream), stream.start_seq)
        )
    return {"ShardId": stream.shard_id, "SequenceNumberRange": numbers}


def _shards(ctx, stream: Stream, req: dict) -> list[dict]:
    """The stream's one shard, unless the request starts after it or asks for child shards
    (a shard that never splits has none)."""
    after = req.get("ExclusiveStartShardId")
    if (after is not None and after >= stream.shard_id) or "ShardFilter" in req:
        return []
    return [shard(ctx, stream)]


@service.operation("ListStreams", resources=lookup.table_streams_resource, read_only=True)
def list_streams(ctx, req: dict) -> dict:
    limit = _limit(req)
    after = req.get("ExclusiveStartStreamArn")
    if after is not None:
        lookup.check_arn(after)
    found = streams.list_streams(
        ctx.db, ctx.account, ctx.region, req.get("TableName"), after, limit + 1, ctx.clock.time()
    )
    result = {
        "Streams": [
            {"StreamArn": stream.arn, "TableName": stream.table_name, "StreamLabel": stream.label}
            for stream in found[:limit]
        ]
    }
    if len(found) > limit:
        result["LastEvaluatedStreamArn"] = found[limit - 1].arn
    return result


@service.operation("DescribeStream", resources=lookup.stream_resource, read_only=True)
def describe_stream(ctx, req: dict) -> dict:
    _limit(req)
    stream = lookup.existing_stream(ctx, req["StreamArn"])
    return {
        "StreamDescription": {
            "StreamArn": stream.arn,
            "StreamLabel": stream.label,
            "StreamStatus": lookup.stream_status(ctx, stream),
            "StreamViewType": stream.view_type,
            "CreationRequestDateTime": stream.created,
            "TableName": stream.table_name,
            "KeySchema": stream.key_schema,
            "Shards": _shards(ctx, stream, req),
        }
    }
