"""The headwater command, run as a user would run it."""

import signal
import subprocess
import sys
import time
import urllib.request

import boto3
from click.testing import CliRunner

from headwater.cli import main
from tests.server import free_port

HEADWATER = [sys.executable, "-m", "headwater.cli"]


def wait_until_healthy(endpoint: str, process: subprocess.Popen, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"headwater exited: {process.stderr.read()}")
        try:
            urllib.request.urlopen(f"{endpoint}/_headwater/health", timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("headwater did not become healthy")


def test_up_prints_how_to_connect_and_serves(tmp_path):
    """`up` answers only once the sample instances are available, then prints how to reach them."""
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [*HEADWATER, "up", "--port", str(port), "--data-dir", str(tmp_path / "data")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        wait_until_healthy(endpoint, process)
        sts = boto3.client("sts", endpoint_url=endpoint, aws_access_key_id="test",
                           aws_secret_access_key="test", region_name="us-east-1")
        assert sts.get_caller_identity()["Account"] == "000000000000"
        status = CliRunner().invoke(main, ["status", "--endpoint", endpoint])
        assert status.exit_code == 0
        assert f"running at {endpoint}" in status.output
        assert "sts" in status.output
        rds = boto3.client("rds", endpoint_url=endpoint, aws_access_key_id="test",
                           aws_secret_access_key="test", region_name="us-east-1")
        instances = {i["DBInstanceIdentifier"]: i for i in rds.describe_db_instances()["DBInstances"]}
        assert {name: i["DBInstanceStatus"] for name, i in instances.items()} == {"rentio": "available", "shop": "available"}
        assert instances["rentio"]["Engine"] == "mysql" and instances["shop"]["Engine"] == "postgres"
    finally:
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=15)
    assert endpoint in stderr
    assert 'aws_access_key_id="test"' in stderr
    rentio_port = instances["rentio"]["Endpoint"]["Port"]
    assert "mysql+pymysql://root:adminpwrd@" in stderr and f":{rentio_port}/sakila" in stderr
    assert "PGPASSWORD=adminpwrd psql" in stderr
    assert (tmp_path / "data").is_dir()


def test_status_when_not_running():
    result = CliRunner().invoke(main, ["status", "--endpoint", f"http://127.0.0.1:{free_port()}"])
    assert result.exit_code == 1
    assert "not running" in result.output


def test_non_loopback_host_needs_explicit_flag(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--data-dir", str(tmp_path)])
    assert result.exit_code == 2
    assert "--allow-remote" in result.output


def test_reset_asks_then_deletes(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "s3.sqlite3").write_text("x")
    refused = CliRunner().invoke(main, ["reset", "--data-dir", str(data)], input="n\n")
    assert refused.exit_code == 1 and data.exists()
    accepted = CliRunner().invoke(main, ["reset", "--data-dir", str(data)], input="y\n")
    assert accepted.exit_code == 0 and not data.exists()


def test_default_data_dir_follows_environment(tmp_path, monkeypatch):
    from headwater.config import default_data_dir

    monkeypatch.setenv("HEADWATER_DATA_DIR", str(tmp_path))
    assert default_data_dir() == tmp_path
    monkeypatch.delenv("HEADWATER_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "headwater"


def test_welcome_explains_environment_routing():
    from headwater.cli import welcome
    from headwater.config import Settings

    text = welcome(Settings(port=4566, data_dir="/tmp/x"))
    assert "export AWS_ENDPOINT_URL=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test" in text
