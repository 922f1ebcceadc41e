"""Black-box tests of the whole request pipeline, with boto3 as the client."""

import json
import socket
import urllib.request

import pytest
from botocore.exceptions import ClientError

from headwater import __version__


def error_of(call, *args, **kwargs) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return response["Error"]["Code"], response["Error"].get("Message", ""), response["ResponseMetadata"]["HTTPStatusCode"]


def test_get_caller_identity_as_root(server):
    identity = server.client("sts").get_caller_identity()
    assert identity["Account"] == "000000000000"
    assert identity["Arn"] == "arn:aws:iam::000000000000:root"
    assert identity["UserId"] == "000000000000"
    assert identity["ResponseMetadata"]["RequestId"]


@pytest.mark.parametrize(
    "service, method, kwargs, name",
    [
        ("kinesis", "split_shard", {"StreamName": "s", "ShardToSplit": "shardId-0", "NewStartingHashKey": "1"}, "kinesis.SplitShard"),
        ("dynamodb", "list_backups", {}, "dynamodb.ListBackups"),
        ("sqs", "list_queues", {}, "sqs.ListQueues"),
        ("iam", "get_account_password_policy", {}, "iam.GetAccountPasswordPolicy"),
        ("rds", "describe_db_clusters", {}, "rds.DescribeDBClusters"),
        ("ec2", "describe_vpcs", {}, "ec2.DescribeVpcs"),
        ("s3", "get_bucket_analytics_configuration", {"Bucket": "b", "Id": "a"}, "s3.GetBucketAnalyticsConfiguration"),
        ("logs", "describe_log_groups", {}, "logs.DescribeLogGroups"),
    ],
)
def test_unimplemented_operation_answers_501_naming_it(server, service, method, kwargs, name):
    code, message, status = error_of(getattr(server.client(service), method), **kwargs)
    assert (code, status) == ("NotImplemented", 501)
    assert message == f"{name} is not implemented by headwater"


def test_model_validation_runs_before_the_handler(server):
    code, message, status = error_of(
        server.client("sts", parameter_validation=False).assume_role, RoleArn="arn:aws:iam::000000000000:role/r", RoleSessionName="x"
    )
    assert (code, status) == ("ValidationError", 400)
    assert "roleSessionName" in message and "length greater than or equal to 2" in message


def test_health_reports_version_and_services(server):
    with urllib.request.urlopen(f"{server.endpoint}/_headwater/health") as answer:
        health = json.load(answer)
    assert health["version"] == __version__
    assert health["services"]["sts"]["state"] == "running"
    assert health["services"]["kinesis"]["state"] == "not implemented"
    assert set(health["services"]) >= {"dynamodb", "s3", "sqs", "kinesis", "firehose", "logs", "iam", "sts", "ec2", "rds", "dynamodbstreams"}


def test_expect_100_continue_is_answered_and_large_bodies_stream(server):
    """A 3 MiB upload with Expect: 100-continue gets the interim answer, then a real one."""
    host, port = "127.0.0.1", server.app.settings.port
    size = 3 * 1024 * 1024
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            (
                f"PUT /bucket/key HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: {size}\r\n"
                "Expect: 100-continue\r\n\r\n"
            ).encode()
        )
        assert sock.recv(64).startswith(b"HTTP/1.1 100 Continue")
        chunk = b"x" * 65536
        for _ in range(size // len(chunk)):
            sock.sendall(chunk)
        answer = sock.recv(65536)
    status_line = answer.split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 403")  # an unsigned PutObject, read to the end, then refused


def test_unknown_path_under_internal_prefix_is_404(server):
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{server.endpoint}/_headwater/nope")
    assert caught.value.code == 404
