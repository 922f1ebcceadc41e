"""The AWS CLI against the endpoint: ``aws s3`` ls/cp/sync/rm and ``aws s3api``."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services.s3.conftest import empty_and_delete, unique

AWS = Path(sys.executable).with_name("aws")
LISTED_BUCKET = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} (\S+)$")


@pytest.fixture
def cli(endpoint, tmp_path):
    if not AWS.exists():
        pytest.skip("the AWS CLI is not installed in this environment")
    env = {**os.environ, "AWS_ENDPOINT_URL": endpoint, "AWS_DEFAULT_REGION": "us-east-1",
           "AWS_CONFIG_FILE": str(tmp_path / "none"), "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none")}
    env.setdefault("AWS_ACCESS_KEY_ID", "test")
    env.setdefault("AWS_SECRET_ACCESS_KEY", "test")

    def run(*args: str) -> str:
        done = subprocess.run([str(AWS), *args], env=env, capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run


@pytest.fixture
def cli_bucket(s3, cli):
    name = unique("cli")
    cli("s3", "mb", f"s3://{name}")
    yield name
    empty_and_delete(s3, name)


def test_ls_formats(cli, cli_bucket):
    lines = cli("s3", "ls").splitlines()
    assert any(LISTED_BUCKET.match(line) and line.endswith(f" {cli_bucket}") for line in lines)
    assert cli("s3", "ls", cli_bucket) == ""


def test_cp_ls_sync_rm(cli, cli_bucket, tmp_path):
    source = tmp_path / "src"
    (source / "csv").mkdir(parents=True)
    (source / "csv" / "a.csv").write_bytes(b"x" * 274459)
    (source / "b.json").write_bytes(b"{}" * 10)
    cli("s3", "cp", str(source / "b.json"), f"s3://{cli_bucket}/json/b.json")
    listed = cli("s3", "ls", f"s3://{cli_bucket}/json/")
    assert re.search(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+20 b\.json$", listed, re.MULTILINE), listed
    cli("s3", "sync", str(source), f"s3://{cli_bucket}/synced")
    recursive = cli("s3", "ls", "--recursive", f"s3://{cli_bucket}/synced/")
    assert "274459 synced/csv/a.csv" in recursive and "synced/b.json" in recursive
    assert cli("s3", "sync", str(source), f"s3://{cli_bucket}/synced") == ""  # nothing changed
    target = tmp_path / "down"
    cli("s3", "sync", f"s3://{cli_bucket}/synced", str(target))
    assert (target / "csv" / "a.csv").read_bytes() == (source / "csv" / "a.csv").read_bytes()
    cli("s3", "cp", f"s3://{cli_bucket}/json/b.json", str(tmp_path / "copy.json"))
    assert (tmp_path / "copy.json").read_bytes() == b"{}" * 10
    cli("s3", "rm", "--recursive", f"s3://{cli_bucket}/synced")
    assert "synced" not in cli("s3", "ls", "--recursive", f"s3://{cli_bucket}")


def test_big_file_cp_uses_multipart(cli, cli_bucket, tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(20 * 1024 * 1024))
    cli("s3", "cp", str(big), f"s3://{cli_bucket}/big.bin")
    head = json.loads(cli("s3api", "head-object", "--bucket", cli_bucket, "--key", "big.bin"))
    assert head["ContentLength"] == 20 * 1024 * 1024 and head["ETag"].endswith('-3"')
    cli("s3", "cp", f"s3://{cli_bucket}/big.bin", str(tmp_path / "back.bin"))
    assert (tmp_path / "back.bin").read_bytes() == big.read_bytes()


def test_s3api_calls(cli, cli_bucket):
    cli("s3api", "put-object", "--bucket", cli_bucket, "--key", "k", "--body", __file__)
    listed = json.loads(cli("s3api", "list-objects-v2", "--bucket", cli_bucket))
    assert [entry["Key"] for entry in listed["Contents"]] == ["k"]
    versioning = cli("s3api", "put-bucket-versioning", "--bucket", cli_bucket,
                     "--versioning-configuration", "Status=Enabled")
    assert versioning == ""
    assert json.loads(cli("s3api", "get-bucket-versioning", "--bucket", cli_bucket))["Status"] == "Enabled"
