"""Authorization before the handler: root passes, others are denied until IAM evaluates them."""

from types import SimpleNamespace

import pytest

from headwater.auth import enforce
from headwater.auth.keys import Principal
from headwater.errors import ServiceError
from headwater.registry import Service

ALICE = Principal(account="000000000000", arn="arn:aws:iam::000000000000:user/alice", user_id="AIDAALICE",
                  access_key="AKIAALICE", kind="user", name="alice")
ROOT = Principal(account="000000000000", arn="arn:aws:iam::000000000000:root", user_id="000000000000",
                 access_key="test", kind="root", name="root")

service = Service("dynamodb")
service.operation("PutItem", resources="arn:aws:dynamodb:{region}:{account}:table/{TableName}")(lambda ctx, req: {})
service.operation("Whoami", resources="*", needs_permission=False)(lambda ctx, req: {})


def ctx(principal):
    return SimpleNamespace(principal=principal, service="dynamodb", region="us-east-1", account=principal.account)


def test_root_may_do_anything():
    enforce.Authorizer(None).authorize(ctx(ROOT), service.operations["PutItem"], {"TableName": "Orders"})


def test_others_are_denied_naming_action_and_resource():
    with pytest.raises(ServiceError) as caught:
        enforce.Authorizer(None).authorize(ctx(ALICE), service.operations["PutItem"], {"TableName": "Orders"})
    assert caught.value.code == "AccessDeniedException"
    assert "perform: dynamodb:PutItem on resource: arn:aws:dynamodb:us-east-1:000000000000:table/Orders" in caught.value.message


def test_operations_needing_no_permission_pass_for_anyone():
    enforce.Authorizer(None).authorize(ctx(ALICE), service.operations["Whoami"], {})
