"""ec2 protocol: round trips over every EC2 operation with botocore as the oracle, the EC2
envelopes, naming rules and malformed input."""

from __future__ import annotations

import pytest

from headwater.errors import ServiceError
from headwater.http.message import Body, HttpRequest
from headwater.protocol import ec2query, specs
from tests.protocol.examples import example_input, example_output
from tests.protocol.test_awsquery import (
    REQUEST_ID,
    body_bytes,
    botocore_parse,
    botocore_request,
    operations,
    stub_client,
    wire_visible,
    without_metadata,
)


@pytest.mark.parametrize("service,name", operations("ec2"))
def test_request_round_trip(service, name):
    operation = specs.operation(service, name)
    for minimal in (False, True):
        params = example_input(operation, minimal)
        parsed = ec2query.parse_request(operation, botocore_request("ec2", operation, params))
        assert parsed == wire_visible(params)


@pytest.mark.parametrize("service,name", operations("ec2"))
def test_response_round_trip(service, name):
    operation = specs.operation(service, name)
    for minimal in (False, True):
        result = example_output(operation, minimal)
        response = ec2query.serialize_response(operation, result, REQUEST_ID)
        parsed = botocore_parse("ec2", response, operation.output_shape)
        assert parsed["ResponseMetadata"]["RequestId"] == REQUEST_ID
        assert without_metadata(parsed) == result


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
    ec2 = stub_client("ec2", lambda request: ec2query.serialize_error(
        specs.load("ec2"), ServiceError("InternalError", "An internal error has occurred", 500, False), REQUEST_ID,
    ))
    with pytest.raises(ec2.exceptions.ClientError) as caught:
        ec2.describe_vpcs()
    assert caught.value.response["Error"]["Code"] == "InternalError"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500


def test_boto3_client_request_uses_ec2_names():
    seen = {}

    def respond(request):
        operation = specs.operation("ec2", "DescribeInstances")
        seen["form"] = dict(request.form)
        seen["input"] = ec2query.parse_request(operation, request)
        return ec2query.serialize_response(operation, {"Reservations": []}, REQUEST_ID)

    ec2 = stub_client("ec2", respond)
    answer = ec2.describe_instances(InstanceIds=["i-1", "i-2"], Filters=[{"Name": "vpc-id", "Values": ["vpc-1"]}])
    assert seen["form"]["InstanceId.2"] == "i-2" and seen["form"]["Filter.1.Value.1"] == "vpc-1"
    assert seen["input"] == {"InstanceIds": ["i-1", "i-2"], "Filters": [{"Name": "vpc-id", "Values": ["vpc-1"]}]}
    assert answer["Reservations"] == [] and answer["ResponseMetadata"]["RequestId"] == REQUEST_ID


def ec2_form(form: str) -> HttpRequest:
    headers = {"content-type": "application/x-www-form-urlencoded"}
    return HttpRequest("POST", "/", "", headers, Body.of(form.encode()))


def test_query_name_and_capitalised_location_name():
    operation = specs.operation("ec2", "CreateVpc")
    form = "Action=CreateVpc&CidrBlock=10.0.0.0%2F16&AmazonProvidedIpv6CidrBlock=true&InstanceTenancy=default"
    assert ec2query.parse_request(operation, ec2_form(form)) == {
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
    with pytest.raises(ServiceError) as caught:
        ec2query.parse_request(specs.operation("ec2", action), ec2_form(form))
    assert (caught.value.code, caught.value.status, caught.value.message) == ("InvalidParameterValue", 400, message)
