"""``headwater iam load``: fixed keys, policies and extra accounts, into a running server's data."""

import json

import pytest
from botocore.exceptions import ClientError
from click.testing import CliRunner

from headwater.services.iam.commands import iam as iam_group
from tests.server import start_server

USERS = {"accounts": [
    {"users": [{"name": "main", "access_keys": [{"access_key_id": "0555b35654ad1656d804",
                                                 "secret_access_key": "h7GhxuBLTrlhVUyxSPUKUV8r/2EI4ngqJxD7iBdBYLhwluN30JaT3Q=="}],
                "inline_policies": {"AllowAll": {"Version": "2012-10-17",
                                                 "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
                "managed_policies": ["arn:aws:iam::aws:policy/AmazonS3FullAccess"],
                "tags": {"suite": "s3-tests"}}]},
    {"account": "111111111111",
     "root_keys": [{"access_key_id": "NOPQRSTUVWXYZABCDEFG", "secret_access_key": "nopqrstuvwxyzabcdefghijklmnabcdefghijklm"}],
     "users": [{"name": "tenanteduser", "access_keys": [{"access_key_id": "HIJKLMNOPQRSTUVWXYZA",
                                                          "secret_access_key": "opqrstuvwxyzabcdefghijklmnopqrstuvwxyzab"}]}]},
]}


@pytest.fixture
def running(tmp_path):
    server = start_server(tmp_path / "data")
    yield server
    server.stop()


def load(tmp_path, spec, data_dir):
    path = tmp_path / "users.json"
    path.write_text(json.dumps(spec))
    return CliRunner().invoke(iam_group, ["load", str(path), "--data-dir", str(data_dir)])


def test_loaded_keys_work_at_once_on_a_running_server(tmp_path, running):
    result = load(tmp_path, USERS, running.app.settings.data_dir)
    assert result.exit_code == 0, result.output
    assert "2 account(s), 2 user(s), 3 access key(s)" in result.output
    main = running.client("sts", "0555b35654ad1656d804", USERS["accounts"][0]["users"][0]["access_keys"][0]["secret_access_key"])
    assert main.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/main"
    alt = running.client("sts", "NOPQRSTUVWXYZABCDEFG", "nopqrstuvwxyzabcdefghijklmnabcdefghijklm")
    assert alt.get_caller_identity() | {"ResponseMetadata": None} == {
        "UserId": "111111111111", "Account": "111111111111", "Arn": "arn:aws:iam::111111111111:root",
        "ResponseMetadata": None}
    tenant = running.client("sts", "HIJKLMNOPQRSTUVWXYZA", "opqrstuvwxyzabcdefghijklmnopqrstuvwxyzab")
    assert tenant.get_caller_identity()["Arn"] == "arn:aws:iam::111111111111:user/tenanteduser"


def test_accounts_are_separate(tmp_path, running):
    load(tmp_path, USERS, running.app.settings.data_dir)
    root = running.client("iam")
    user = root.get_user(UserName="main")["User"]
    assert user["Tags"] == [{"Key": "suite", "Value": "s3-tests"}]
    assert root.list_attached_user_policies(UserName="main")["AttachedPolicies"][0]["PolicyName"] == "AmazonS3FullAccess"
    assert "tenanteduser" not in [u["UserName"] for u in root.list_users()["Users"]]
    alt = running.client("iam", "NOPQRSTUVWXYZABCDEFG", "nopqrstuvwxyzabcdefghijklmnabcdefghijklm")
    assert [u["UserName"] for u in alt.list_users()["Users"]] == ["tenanteduser"]
    with pytest.raises(ClientError):
        alt.get_user(UserName="main")


def test_loading_again_changes_nothing(tmp_path, running):
    load(tmp_path, USERS, running.app.settings.data_dir)
    assert load(tmp_path, USERS, running.app.settings.data_dir).exit_code == 0
    users = running.client("iam").list_users()["Users"]
    assert [u["UserName"] for u in users] == ["main"]
    assert len(running.client("iam").list_access_keys(UserName="main")["AccessKeyMetadata"]) == 1


def test_load_into_a_stopped_data_dir(tmp_path):
    data_dir = tmp_path / "cold"
    assert load(tmp_path, USERS, data_dir).exit_code == 0
    server = start_server(data_dir)
    try:
        main = server.client("sts", "0555b35654ad1656d804",
                             USERS["accounts"][0]["users"][0]["access_keys"][0]["secret_access_key"])
        assert main.get_caller_identity()["Arn"] == "arn:aws:iam::000000000000:user/main"
    finally:
        server.stop()


@pytest.mark.parametrize("spec, complaint", [
    ({"accounts": [{"account": "12"}]}, "account must be 12 digits"),
    ({"accounts": [{"users": [{"name": "bad name"}]}]}, "a user needs a name"),
    ({"accounts": [{"users": [{"name": "u", "managed_policies": ["arn:aws:iam::aws:policy/Nope"]}]}]},
     "no managed policy"),
    ({"accounts": [{"users": [{"name": "u", "inline_policies": {"p": {"Statement": "x"}}}]}]}, "policy p"),
    ({"accounts": [{"root_keys": [{"access_key_id": "test", "secret_access_key": "x"}]}]}, "built-in root key"),
    ({"accounts": [{"users": [{"name": "a", "access_keys": [{"access_key_id": "SAMEKEYSAMEKEY", "secret_access_key": "x"}]},
                              {"name": "b", "access_keys": [{"access_key_id": "SAMEKEYSAMEKEY", "secret_access_key": "x"}]}]}]},
     "already belongs to"),
])
def test_bad_files_are_refused_whole(tmp_path, spec, complaint):
    result = load(tmp_path, spec, tmp_path / "data")
    assert result.exit_code != 0 and complaint in result.output
