"""Every registered operation is a real model operation and declares its IAM action and ARNs."""

import re
from types import SimpleNamespace

import pytest

from headwater import registry
from headwater.protocol import specs

OPERATIONS = [op for service in registry.services().values() for op in service.operations.values()]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: f"{op.service}.{op.name}")
def test_operation_is_in_the_model_and_declares_action_and_resources(operation):
    assert operation.name in specs.load(operation.service).operation_names
    assert re.fullmatch(r"[a-z0-9-]+:[A-Za-z0-9]+", operation.action)
    ctx = SimpleNamespace(region="us-east-1", account="000000000000")
    example = {name: "x" for name in specs.operation(operation.service, operation.name).input_shape.members} \
        if specs.operation(operation.service, operation.name).input_shape else {}
    arns = [entry[1] if isinstance(entry, tuple) else entry for entry in operation.resources(ctx, example)]
    assert arns and all(arn == "*" or arn.startswith("arn:aws:") for arn in arns)


def test_there_are_registered_operations():
    assert ("sts", "GetCallerIdentity") in {(op.service, op.name) for op in OPERATIONS}


def test_resource_templates_use_context_and_request_members():
    build = registry.resource_builder("arn:aws:dynamodb:{region}:{account}:table/{TableName}")
    ctx = SimpleNamespace(region="eu-west-1", account="123456789012")
    assert build(ctx, {"TableName": "Orders"}) == ["arn:aws:dynamodb:eu-west-1:123456789012:table/Orders"]


def test_registering_twice_is_refused():
    service = registry.Service("example")
    service.operation("Thing", resources="*")(lambda ctx, req: {})
    with pytest.raises(ValueError):
        service.operation("Thing", resources="*")(lambda ctx, req: {})
