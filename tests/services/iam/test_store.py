"""The store interface other parts of headwater use, on a database of its own."""

import json

import pytest

from headwater.services.iam import store
from headwater.services.iam.loader import load
from headwater.storage.sqlite import Database

DOC = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


@pytest.fixture
def conn(tmp_path):
    database = Database(tmp_path / "iam.sqlite3", store.MIGRATIONS)
    with database.transaction() as connection:
        load(connection, {"accounts": [{"users": [{
            "name": "alice", "access_keys": [{"access_key_id": "ALICEKEY00000000", "secret_access_key": "s"}],
            "inline_policies": {"Mine": DOC}, "tags": {"team": "data"}}]}]}, 0.0)
        yield connection
    database.close()


def alice(conn):
    return store.find_entity(conn, "000000000000", "user", "alice")


def test_access_key_credential(conn):
    secret, principal, status = store.access_key_credential(conn, "ALICEKEY00000000")
    assert (secret, status, principal.kind, principal.arn) == ("s", "Active", "user", "arn:aws:iam::000000000000:user/alice")
    assert store.access_key_credential(conn, "UNKNOWN") is None


def test_principal_policies_include_groups_and_boundary(conn):
    user = alice(conn)
    store.insert_entity(conn, id="AGPAX", account="000000000000", kind="group", name="devs", path="/",
                        arn="arn:aws:iam::000000000000:group/devs", created=0.0)
    store.add_member(conn, "000000000000", "AGPAX", user["id"], 0.0)
    store.put_inline(conn, "000000000000", "AGPAX", "GroupRead", DOC)
    store.attach(conn, "000000000000", "AGPAX", "arn:aws:iam::aws:policy/ReadOnlyAccess", 0.0)
    store.update_entity(conn, user["id"], boundary="arn:aws:iam::aws:policy/AmazonS3FullAccess")
    identity, boundary = store.principal_policies(conn, user["arn"])
    assert [source for source, _ in identity] == [
        "user/alice/inline/Mine", "group/devs/inline/GroupRead", "arn:aws:iam::aws:policy/ReadOnlyAccess"]
    assert boundary[0] == "arn:aws:iam::aws:policy/AmazonS3FullAccess" and "s3:*" in boundary[1]
    assert store.principal_policies(conn, "arn:aws:iam::000000000000:user/nobody") == ([], None)


def test_role_and_tags(conn):
    store.insert_entity(conn, id="AROAX", account="000000000000", kind="role", name="etl", path="/",
                        arn="arn:aws:iam::000000000000:role/etl", created=0.0, trust_policy=DOC, max_session=3600)
    store.put_tags(conn, "000000000000", "AROAX", [{"Key": "env", "Value": "dev"}])
    role = store.role(conn, "arn:aws:iam::000000000000:role/etl")
    assert (role["RoleName"], role["RoleId"], role["MaxSessionDuration"]) == ("etl", "AROAX", 3600)
    assert role["AssumeRolePolicyDocument"] == DOC and role["Tags"] == [{"Key": "env", "Value": "dev"}]
    assert store.role(conn, "arn:aws:iam::000000000000:role/none") is None
    assert store.principal_tags(conn, alice(conn)["arn"]) == {"team": "data"}


def test_generation_grows_with_every_decision_changing_write(conn):
    before = store.policy_generation(conn)
    store.put_inline(conn, "000000000000", alice(conn)["id"], "Other", DOC)
    after_policy = store.policy_generation(conn)
    store.set_access_key_status(conn, "ALICEKEY00000000", "Inactive")
    after_key = store.policy_generation(conn)
    store.note_key_used(conn, "ALICEKEY00000000", 5.0)
    assert before < after_policy < after_key == store.policy_generation(conn)
