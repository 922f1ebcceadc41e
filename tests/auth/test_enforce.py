"""The authorizer's fast paths: what never reaches the policy engine."""

from types import SimpleNamespace

import pytest

from headwater.auth import enforce
from headwater.auth.keys import Principal
from headwater.config import Settings
from headwater.errors import ServiceError
from headwater.registry import Service

ALICE = Principal(account="000000000000", arn="arn:aws:iam::000000000000:user/alice", user_id="AIDAALICE",
                  access_key="AKIAALICE", kind="user", name="alice")
ROOT = Principal(account="000000000000", arn="arn:aws:iam::000000000000:root", user_id="000000000000",
                 access_key="test", kind="root", name="root")

service = Service("dynamodb")
service.operation("PutItem", resources="arn:aws:dynamodb:{region}:{account}:table/{TableName}")(lambda ctx, req: {})
service.operation("Whoami", resources="*", needs_permission=False)(lambda ctx, req: {})


def authorizer(tmp_path, iam="enforce"):
    return enforce.Authorizer(SimpleNamespace(settings=Settings(data_dir=tmp_path, iam=iam)))


def ctx(principal):
    return SimpleNamespace(principal=principal, service="dynamodb", region="us-east-1", account=principal.account)


def test_root_may_do_anything_in_its_account(tmp_path):
    authorizer(tmp_path).authorize(ctx(ROOT), service.operations["PutItem"], {"TableName": "Orders"})


def test_operations_needing_no_permission_pass_for_anyone(tmp_path):
    authorizer(tmp_path).authorize(ctx(ALICE), service.operations["Whoami"], {})


def test_iam_off_lets_everyone_through(tmp_path):
    authorizer(tmp_path, iam="off").authorize(ctx(ALICE), service.operations["PutItem"], {"TableName": "Orders"})


@pytest.mark.parametrize("code", ["NoSuchBucket", "AccessDenied"])
def test_only_missing_keys_are_concealed(tmp_path, code):
    error = ServiceError(code, "x", 404)
    concealing = authorizer(tmp_path)
    assert concealing.conceal_missing(SimpleNamespace(principal=ALICE, service="s3"), {"Bucket": "b"}, error) is error


def test_missing_keys_stay_missing_for_root(tmp_path):
    error = ServiceError("NoSuchKey", "The specified key does not exist.", 404)
    assert authorizer(tmp_path).conceal_missing(SimpleNamespace(principal=ROOT, service="s3"), {}, error) is error
