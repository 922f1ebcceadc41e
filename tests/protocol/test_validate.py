"""Model-constraint validation with AWS's wording and each service's error code."""

from headwater.errors import ServiceError
from headwater.protocol import specs, validate
from tests.protocol.wire import raised


def problems(service: str, operation: str, params: dict) -> ServiceError:
    return raised(validate.check, specs.operation(service, operation), params)


def test_missing_required_member():
    error = problems("dynamodb", "DescribeTable", {})
    assert error.code == "ValidationException" and error.status == 400
    assert error.message == (
        "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null"
    )


def test_length_enum_and_pattern_are_reported_together():
    error = problems("dynamodb", "CreateTable", {
        "TableName": "t" * 1025,
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "X"}],
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "BillingMode": "FREE",
    })
    assert error.message.startswith("3 validation errors detected: ")
    assert "at 'tableName' failed to satisfy constraint: Member must have length less than or equal to 1024" in error.message
    assert "Value 'X' at 'attributeDefinitions.1.member.attributeType' failed to satisfy constraint: Member must satisfy enum value set: [S, N, B]" in error.message
    assert "Value 'FREE' at 'billingMode'" in error.message


def test_numeric_range():
    error = problems("kinesis", "ListShards", {"MaxResults": 0})
    assert "Value 0 at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1" in error.message


def test_query_services_use_their_own_codes():
    assert problems("iam", "GetUser", {"UserName": "bad name!"}).code == "ValidationError"
    assert "regular expression pattern" in problems("iam", "GetUser", {"UserName": "bad name!"}).message
    assert problems("ec2", "DescribeVpcs", {"MaxResults": 1}).code == "InvalidParameterValue"


def test_valid_input_and_s3_pass():
    validate.check(specs.operation("dynamodb", "DescribeTable"), {"TableName": "Orders"})
    validate.check(specs.operation("s3", "GetObject"), {})


def test_recursive_shapes_are_checked_at_every_depth():
    """AttributeValue contains itself: a too-long attribute name deep in a map is still found."""
    deep = {"M": {"inner": {"L": [{"M": {"n" * 65536: {"S": "x"}}}]}}}
    error = problems("dynamodb", "PutItem", {"TableName": "Orders", "Item": {"id": {"S": "1"}, "doc": deep}})
    assert "at 'item.doc.member.m.inner.member.l.1.member.m.key' failed to satisfy constraint: " \
           "Member must have length less than or equal to 65535" in error.message


def test_long_names_in_many_items_are_all_reported_in_request_order():
    """Items are first measured together; any that fail are walked one by one, so every
    problem is reported, in the order of the request, with its path."""
    long = "n" * 65536
    puts = [{"PutRequest": {"Item": {"id": {"S": "1"}}}},
            {"PutRequest": {"Item": {long: {"S": "x"}, "doc": {"L": [{"M": {long: {"N": "1"}}}]}}}},
            {"PutRequest": {}},
            {"DeleteRequest": {"Key": {long: {"S": "k"}}}}]
    error = problems("dynamodb", "BatchWriteItem", {"RequestItems": {"Orders": puts}})
    shown = f"'{long}'"
    assert error.message == (
        "4 validation errors detected: "
        f"Value {shown} at 'requestItems.Orders.member.2.member.putRequest.item.key' failed to satisfy constraint: "
        "Member must have length less than or equal to 65535; "
        f"Value {shown} at 'requestItems.Orders.member.2.member.putRequest.item.doc.member.l.1.member.m.key' "
        "failed to satisfy constraint: Member must have length less than or equal to 65535; "
        "Value null at 'requestItems.Orders.member.3.member.putRequest.item' failed to satisfy constraint: "
        "Member must not be null; "
        f"Value {shown} at 'requestItems.Orders.member.4.member.deleteRequest.key.key' failed to satisfy constraint: "
        "Member must have length less than or equal to 65535")


def test_items_without_problems_pass():
    item = {"id": {"S": "1"}, "doc": {"M": {"n" * 65535: {"L": [{"NULL": True}]}}}}
    validate.check(specs.operation("dynamodb", "BatchWriteItem"),
                   {"RequestItems": {"Orders": [{"PutRequest": {"Item": item}}] * 25}})
