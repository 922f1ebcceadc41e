"""Which words each service family uses for authentication failures."""

from datetime import datetime, timezone

import pytest

from headwater.auth import errors

FAMILIES = {
    "dynamodb": "json", "dynamodbstreams": "json", "kinesis": "json", "firehose": "json", "logs": "json",
    "sqs": "sqs", "iam": "query", "sts": "query", "rds": "query", "ec2": "ec2", "s3": "s3",
}


@pytest.mark.parametrize("service", FAMILIES)
def test_every_service_has_its_family(service):
    assert errors.family(service) == FAMILIES[service]


@pytest.mark.parametrize("service", FAMILIES)
def test_every_failure_has_an_answer_in_every_service(service):
    now = datetime(2026, 1, 1, tzinfo=timezone.utc)
    answers = [
        errors.unknown_access_key(service, "AKID"),
        errors.invalid_session_token(service, "t"),
        errors.expired_session_token(service, "t"),
        errors.signature_mismatch(service, "AKID", "sig", "canonical", "string to sign"),
        errors.time_skewed(service, "20260101T000000Z", now, now, 900),
        errors.incomplete_authorization(service, "AWS4-HMAC-SHA256", ["Signature"]),
        errors.malformed_credential(service, "AKID/x"),
        errors.missing_date(service, "AWS4-HMAC-SHA256 ..."),
        errors.incomplete_presigned(service, ["X-Amz-Date"]),
    ]
    if service != "s3":
        answers.append(errors.missing_authentication(service))
    for answer in answers:
        assert answer.code and answer.message and answer.status in (400, 401, 403)
        assert answer.sender_fault
        assert ("x-amzn-query-error" in answer.headers) == (service == "sqs")


def test_sqs_sends_its_query_code_too():
    error = errors.unknown_access_key("sqs", "AKID")
    assert (error.code, error.status) == ("UnrecognizedClientException", 403)
    assert error.headers == {"x-amzn-query-error": "InvalidClientTokenId;Sender"}
    assert errors.missing_authentication("sqs").headers == {"x-amzn-query-error": "MissingAuthenticationToken;Sender"}


def test_s3_details_travel_as_fields():
    error = errors.signature_mismatch("s3", "AKID", "abc", "GET\n/", "AWS4")
    assert error.fields["CanonicalRequestBytes"] == "47 45 54 0a 2f"
    assert error.fields["StringToSignBytes"] == "41 57 53 34"
    error = errors.content_sha256_mismatch("a" * 64, "b" * 64)
    assert (error.code, error.status) == ("XAmzContentSHA256Mismatch", 400)


@pytest.mark.parametrize("service, code, status", [
    ("dynamodb", "AccessDeniedException", 400),
    ("iam", "AccessDenied", 403),
    ("ec2", "UnauthorizedOperation", 403),
    ("s3", "AccessDenied", 403),
    ("sqs", "AccessDeniedException", 403),
])
def test_access_denied_per_protocol(service, code, status):
    error = errors.access_denied(service, "arn:aws:iam::000000000000:user/alice", "dynamodb:PutItem",
                                 "arn:aws:dynamodb:us-east-1:000000000000:table/Orders")
    assert (error.code, error.status) == (code, status)
    if service in ("dynamodb", "iam", "sqs"):
        action = "dynamodb:putitem" if service == "sqs" else "dynamodb:PutItem"  # SQS lower-cases it
        assert error.message == (
            f"User: arn:aws:iam::000000000000:user/alice is not authorized to perform: {action} on "
            "resource: arn:aws:dynamodb:us-east-1:000000000000:table/Orders because no identity-based policy "
            f"allows the {action} action")


def test_access_denied_wordings():
    arn, action, table = "arn:aws:iam::0:user/a", "dynamodb:PutItem", "arn:aws:dynamodb:us-east-1:0:table/T"
    explicit = errors.access_denied("dynamodb", arn, action, table, explicit=True, policy_type="resource-based")
    assert explicit.message.endswith(f"{action} on resource: {table} with an explicit deny in a(n) resource-based policy")
    boundary = errors.access_denied("dynamodb", arn, action, table, policy_type="permissions boundary")
    assert boundary.message.endswith(f"because no permissions boundary policy allows the {action} action")
    bare = errors.access_denied("sts", arn, "sts:AssumeRole", "arn:aws:iam::0:role/r", policy_type=None)
    assert bare.message == f"User: {arn} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::0:role/r"
