"""IAM modes (enforce, soft, off) and the durable record of denials that why-denied reads."""

import pytest
from click.testing import CliRunner

from headwater.auth.commands import why_denied
from tests.iam_e2e.helpers import Principals, allow, denied, unique
from tests.server import start_server


@pytest.fixture
def server_in(tmp_path):
    started = []

    def start(mode):
        running = start_server(tmp_path / mode, iam=mode)
        started.append(running)
        return running, Principals(running)

    yield start
    for running in started:
        running.stop()


def why(data_dir, *args):
    result = CliRunner().invoke(why_denied, ["--data-dir", str(data_dir), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_enforce_records_each_denial_in_plain_language(server_in):
    running, principals = server_in("enforce")
    name = unique("alice")
    dynamodb = principals.client("dynamodb", principals.user(name, allow("dynamodb:GetItem")))
    denied(dynamodb.list_tables)
    denied(dynamodb.delete_table, TableName="Orders")
    output = why(running.app.settings.data_dir, "--last", "1")
    assert f"user {name} was denied dynamodb:DeleteTable on table/Orders" in output
    assert "ListTables" not in output
    assert f"user {name} was denied dynamodb:ListTables" in why(running.app.settings.data_dir)


def test_soft_mode_allows_but_records(server_in):
    running, principals = server_in("soft")
    name = unique("bob")
    dynamodb = principals.client("dynamodb", principals.user(name))
    assert "TableNames" in dynamodb.list_tables()
    assert f"user {name} would be denied (soft mode; allowed) dynamodb:ListTables" in why(running.app.settings.data_dir)


def test_off_neither_denies_nor_records(server_in):
    running, principals = server_in("off")
    dynamodb = principals.client("dynamodb", principals.user(unique("carol")))
    assert "TableNames" in dynamodb.list_tables()
    assert why(running.app.settings.data_dir) == "No request has been denied yet.\n"
