"""Unit tests of the pure parts: shard iterator tokens and the ``__type`` of errors."""

import pytest

from headwater.errors import ServiceError
from headwater.services.dynamodbstreams import errors, iterators

ARN = "arn:aws:dynamodb:us-east-1:000000000000:table/books/stream/2024-01-02T03:04:05.678"
POSITION = iterators.Position(ARN, "shardId-00000001704164645678-0a1b2c3d", 42, 1_704_164_645.678)


def test_an_iterator_round_trips_and_names_its_stream_first():
    """AWS's iterators start with the stream ARN; IAM reads it from there."""
    text = iterators.encode(POSITION)
    assert text.startswith(ARN + "|1|") and len(text) <= 2048
    assert iterators.stream_arn_of(text) == ARN
    assert iterators.decode(text) == POSITION


@pytest.mark.parametrize("mangle", [
    lambda text: text.replace("books", "other"),  # another stream's name on this token
    lambda text: text[:-4] + "AAAA",  # altered token
    lambda text: text.replace("|1|", "|2|"),
    lambda text: text.split("|", 1)[1],
    lambda text: text + "|extra",
    lambda text: text[:-3] + "!!!",  # not base64
])
def test_an_altered_iterator_is_refused(mangle):
    """An iterator is only trusted as issued: any change makes it invalid, not misread."""
    with pytest.raises(ServiceError) as refused:
        iterators.decode(mangle(iterators.encode(POSITION)))
    assert (refused.value.code, refused.value.message) == ("ValidationException", "Invalid ShardIterator")


def test_expiry_is_15_minutes_after_issue():
    """AWS's iterators live 15 minutes, to the millisecond here."""
    assert not POSITION.expired(POSITION.issued + 15 * 60)
    assert POSITION.expired(POSITION.issued + 15 * 60 + 0.001)


def test_error_types_name_the_declaring_namespace():
    """The two Streams-only errors carry the Streams namespace; shared ones DynamoDB's."""
    assert errors.error_type("ExpiredIteratorException") == \
        "com.amazonaws.dynamodb.streams.v20120810#ExpiredIteratorException"
    assert errors.error_type("TrimmedDataAccessException") == \
        "com.amazonaws.dynamodb.streams.v20120810#TrimmedDataAccessException"
    assert errors.error_type("ResourceNotFoundException") == \
        "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException"
