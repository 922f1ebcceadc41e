"""ec2 protocol: the EC2 envelopes read by botocore and a real boto3 client, naming rules
and malformed input (every operation's round trip is in test_round_trips)."""

from __future__ import annotations

import pytest

from headwater.errors import ServiceError
from headwater.protocol import ec2query, specs
from tests.protocol.wire import (
    REQUEST_ID,
    body_bytes,
    botocore_parse,
    client_call,
    client_error,
    query_request,
    raised,
)


def test_response_envelope_and_item_lists():
    operation = specs.operation("ec2", "DescribeVpcs")
    result = {"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "IsDefault": True}]}
    body = body_bytes(ec2query.serialize_response(operation, result, REQUEST_ID)).decode()
    assert body.startswith(
        '<?xml version="1.0" encoding="UTF-8"?><DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">'
        f"<requestId>{REQUEST_ID}</requestId>"
    )
    assert "<vpcSet><item><vpcId>vpc-1</vpcId><cidrBlock>10.0.0.0/16</cidrBlock><isDefault>true</isDefault></item></vpcSet>" in body
    assert "Result>" not in body and "ResponseMetadata" not in body


def test_operation_without_output_returns_true():
    operation = specs.operation("ec2", "DeleteVpc")
    body = body_bytes(ec2query.serialize_response(operation, {}, REQUEST_ID)).decode()
    assert body.endswith(f"<requestId>{REQUEST_ID}</requestId><return>true</return></DeleteVpcResponse>")


def test_error_envelope_read_by_botocore():
    model = specs.load("ec2")
    error = ServiceError("InvalidVpcID.NotFound", "The vpc ID 'vpc-1' does not exist", 400)
    response = ec2query.serialize_error(model, error, REQUEST_ID)
    body = body_bytes(response).decode()
    assert body == (
        '<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>InvalidVpcID.NotFound</Code>'
        "<Message>The vpc ID 'vpc-1' does not exist</Message></Error></Errors>"
        f"<RequestID>{REQUEST_ID}</RequestID></Response>"
    )
    parsed = botocore_parse("ec2", response, None)
    assert response.status == 400
    assert parsed["Error"] == {"Code": "InvalidVpcID.NotFound", "Message": "The vpc ID 'vpc-1' does not exist"}
    assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_boto3_client_sees_error_code_and_server_fault():
    error = ServiceError("InternalError", "An internal error has occurred", 500, sender_fault=False)
    caught = client_error(ec2query, "ec2", "DescribeVpcs", error)
    assert caught.response["Error"]["Code"] == "InternalError"
    assert caught.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_boto3_client_request_uses_ec2_names():
    params = {"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}]}
    request, parsed, answer = client_call(ec2query, "ec2", "DescribeInstances", params, {"Reservations": []})
    form = dict(request.form)
    assert form["InstanceId.2"] == "i-2" and form["Filter.1.Value.1"] == "vpc-1"
    assert parsed == params
    assert answer["Reservations"] == [] and answer["ResponseMetadata"]["RequestId"] == REQUEST_ID


def test_query_name_and_capitalised_location_name():
    operation = specs.operation("ec2", "CreateVpc")
    form = "Action=CreateVpc&CidrBlock=10.0.0.0%2F16&AmazonProvidedIpv6CidrBlock=true&InstanceTenancy=default"
    assert ec2query.parse_request(operation, query_request(form=form)) == {
        "CidrBlock": "10.0.0.0/16", "AmazonProvidedIpv6CidrBlock": True, "InstanceTenancy": "default",
    }


@pytest.mark.parametrize(
    "action,form,message",
    [
        ("DescribeVpcs", "MaxResults=abc", "Value (abc) for parameter maxResults is invalid."),
        ("DescribeVpcs", "DryRun=yes", "Value (yes) for parameter dryRun is invalid."),
        ("DescribeVpcs", "VpcId.one=vpc-1", "Value () for parameter vpcId.one is invalid."),
    ],
)
def test_malformed_value_answers_invalid_parameter_value(action, form, message):
    error = raised(ec2query.parse_request, specs.operation("ec2", action), query_request(form=form))
    assert (error.code, error.status, error.message) == ("InvalidParameterValue", 400, message)
