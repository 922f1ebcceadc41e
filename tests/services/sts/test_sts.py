"""STS as a service: caller identities of every kind, durations, durable sessions."""

import pytest
from botocore.exceptions import ClientError

from tests.iam_e2e.helpers import Principals, allow, unique
from tests.server import start_server


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    server = start_server(tmp_path_factory.mktemp("sts"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def principals(running):
    return Principals(running)


def test_root_identity(running):
    identity = running.client("sts").get_caller_identity()
    assert (identity["Account"], identity["Arn"], identity["UserId"]) == (
        "000000000000", "arn:aws:iam::000000000000:root", "000000000000")


def test_user_identity(principals):
    name = unique("u")
    identity = principals.client("sts", principals.user(name)).get_caller_identity()
    assert identity["Arn"] == principals.user_arn(name)
    assert identity["UserId"].startswith("AIDA")


def test_session_token_durations(principals, running):
    sts = principals.client("sts", principals.user(unique("d")))
    with pytest.raises(ClientError) as caught:
        sts.get_session_token(DurationSeconds=129601)
    assert caught.value.response["Error"]["Code"] == "ValidationError"
    issued = sts.get_session_token(DurationSeconds=900)["Credentials"]
    lifetime = issued["Expiration"].timestamp() - running.app.clock.time()
    assert 890 < lifetime <= 900
    root = running.client("sts").get_session_token(DurationSeconds=7200)["Credentials"]
    assert root["Expiration"].timestamp() - running.app.clock.time() <= 3600


def test_assume_role_defaults_to_an_hour(principals, running):
    name = unique("caller")
    key = principals.user(name, allow("sts:AssumeRole"))
    role = principals.role(unique("r"), principals.user_arn(name))
    answer = principals.client("sts", key).assume_role(RoleArn=role, RoleSessionName="s1")
    lifetime = answer["Credentials"]["Expiration"].timestamp() - running.app.clock.time()
    assert 3590 < lifetime <= 3600
    assert "PackedPolicySize" not in answer


def test_sessions_survive_a_restart(tmp_path):
    first = start_server(tmp_path)
    try:
        principals = Principals(first)
        name = unique("durable")
        key = principals.user(name, allow("sts:AssumeRole"))
        role = principals.role(unique("r"), principals.user_arn(name))
        credentials = principals.client("sts", key).assume_role(RoleArn=role, RoleSessionName="kept")["Credentials"]
    finally:
        first.stop()
    second = start_server(tmp_path)
    try:
        identity = Principals(second).client("sts", credentials).get_caller_identity()
        assert identity["Arn"].endswith(":assumed-role/" + role.rsplit("/", 1)[-1] + "/kept")
    finally:
        second.stop()
