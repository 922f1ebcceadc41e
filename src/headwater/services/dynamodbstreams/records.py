"""GetShardIterator and GetRecords: reading a stream's records in order.

An iterator is a position in the shard (the ``seq`` of the next record to read, see
``iterators``). TRIM_HORIZON starts at the oldest record not trimmed, LATEST just after
the newest record written, AT_/AFTER_SEQUENCE_NUMBER at or after a record's sequence
number, AT_TIMESTAMP at the first record created at or after the time. GetRecords
returns up to ``Limit`` (at most 1000) records and 1 MB, and a NextShardIterator, except
at the end of a closed shard (a disabled stream) where nothing more can come.
"""

from __future__ import annotations

import hashlib
import json
import math

from headwater.services.dynamodb import store, streams
from headwater.services.dynamodb.streams import Stream
from headwater.services.dynamodbstreams import errors, iterators, lookup, service

MAX_RECORDS = 1000
MAX_BYTES = 1024 * 1024
NEEDS_SEQUENCE_NUMBER = ("AT_SEQUENCE_NUMBER", "AFTER_SEQUENCE_NUMBER")


def _check_arguments(req: dict) -> None:
    kind = req["ShardIteratorType"]
    given = req.get("SequenceNumber") is not None
    if kind in NEEDS_SEQUENCE_NUMBER and not given:
        raise errors.validation(f"SequenceNumber is required when ShardIteratorType is {kind}")
    if kind not in NEEDS_SEQUENCE_NUMBER and given:
        raise errors.validation(f"SequenceNumber must not be specified when ShardIteratorType is {kind}")
    if kind == "AT_TIMESTAMP" and req.get("Timestamp") is None:
        raise errors.validation("Timestamp is required when ShardIteratorType is AT_TIMESTAMP")


def _end_position(ctx, stream: Stream) -> int:
    """Just after the newest record: of the stream once closed, of any stream while open."""
    if stream.disabled is not None:
        return streams.last_seq(ctx.db, stream) + 1
    return max(store.last_record_seq(ctx.db) + 1, stream.start_seq)


def _sequence_number(ctx, stream: Stream, text: str) -> int:
    """The ``seq`` a SequenceNumber names, which must lie within the shard."""
    seq = streams.parse_sequence_number(text)
    if seq is None or not stream.start_seq <= seq < max(_end_position(ctx, stream), stream.start_seq + 1):
        raise errors.validation(f"Invalid SequenceNumber {text} for shard {stream.shard_id}")
    return seq


def _start(ctx, stream: Stream, req: dict, trimmed: int) -> int:
    """The position an iterator of the requested type starts at."""
    kind = req["ShardIteratorType"]
    horizon = max(stream.start_seq, trimmed + 1)
    if kind == "TRIM_HORIZON":
        return horizon
    if kind == "LATEST":
        return _end_position(ctx, stream)
    if kind == "AT_TIMESTAMP":
        first = streams.first_seq_since(ctx.db, stream, req["Timestamp"].timestamp())
        return max(horizon, first if first is not None else _end_position(ctx, stream))
    position = _sequence_number(ctx, stream, req["SequenceNumber"]) + (kind == "AFTER_SEQUENCE_NUMBER")
    if position <= trimmed:
        raise errors.trimmed()
    return position


@service.operation("GetShardIterator", resources=lookup.stream_resource, read_only=True)
def get_shard_iterator(ctx, req: dict) -> dict:
    stream = lookup.existing_stream(ctx, req["StreamArn"])
    if req["ShardId"] != stream.shard_id:
        raise errors.shard_not_found()
    _check_arguments(req)
    now = ctx.clock.time()
    position = _start(ctx, stream, req, streams.trim_point(ctx.db, stream, now))
    return {"ShardIterator": iterators.encode(iterators.Position(stream.arn, stream.shard_id, position, now))}


def record(ctx, stream: Stream, row: tuple) -> dict:
    """One stream record as GetRecords returns it."""
    seq, event_name, created, keys, old_image, new_image, size, user_identity = row
    change = {
        "ApproximateCreationDateTime": float(math.floor(created)),
        "Keys": store.decode_item(keys),
        "SequenceNumber": streams.sequence_number(seq),
        "SizeBytes": size,
        "StreamViewType": stream.view_type,
    }
    if new_image is not None:
        change["NewImage"] = store.decode_item(new_image)
    if old_image is not None:
        change["OldImage"] = store.decode_item(old_image)
    result = {
        "eventID": hashlib.md5(f"{stream.arn}|{seq}".encode()).hexdigest(),
        "eventName": event_name,
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": ctx.region,
        "dynamodb": change,
    }
    if user_identity is not None:
        result["userIdentity"] = json.loads(user_identity)
    return result


@service.operation("GetRecords", resources=lookup.iterator_resource, read_only=True)
def get_records(ctx, req: dict) -> dict:
    limit = req.get("Limit", MAX_RECORDS)
    if limit > MAX_RECORDS:
        raise errors.records_limit_exceeded()
    position = iterators.decode(req["ShardIterator"])
    now = ctx.clock.time()
    if position.expired(now):
        raise errors.expired_iterator()
    stream = lookup.existing_stream(ctx, position.stream_arn)
    if position.shard_id != stream.shard_id:
        raise errors.shard_not_found()
    if position.seq <= streams.trim_point(ctx.db, stream, now):
        raise errors.trimmed()
    found, size, following = [], 0, position.seq
    for row in streams.records(ctx.db, stream, position.seq, limit):
        if found and size + row[6] > MAX_BYTES:
            break
        found.append(record(ctx, stream, row))
        size, following = size + row[6], row[0] + 1
    result = {"Records": found}
    if stream.disabled is None or streams.has_records_from(ctx.db, stream, following):
        result["NextShardIterator"] = iterators.encode(iterators.Position(stream.arn, stream.shard_id, following, now))
    return result
