"""The cost of IAM enforcement: DynamoDB GetItem as root versus as a policy-laden IAM user.

One headwater (``--iam enforce``) gets a table with one item, and an IAM user with 10
attached customer managed policies of 10 statements each (other actions, other tables,
conditions that do not apply; one statement of the last policy allows the read). wrk
replays one SigV4-signed GetItem signed by root (no policy evaluation) and one signed by
the user (every request: the IAM generation read, the request context, the evaluation of
100 statements), each after a warm-up, in turn. Reported: requests/s and server CPU
milliseconds per request of each, and the user's slowdown (target: under 10%).

    .venv/bin/python bench/iam.py
    .venv/bin/python bench/iam.py --duration 10 --rounds 3

Only loopback traffic; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import boto3
from botocore.config import Config

from harness import CREDENTIALS, Measurement, Server, replay_with_wrk

TABLE = "bench_iam"
KEY = {"pk": {"S": "item-1"}}
POLICIES, STATEMENTS = 10, 10
TARGET_SLOWDOWN = 0.10


def headwater_command(port: int, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(port), "--data-dir", str(data_dir),
            "--auth", "verify", "--fsync", "full", "--iam", "enforce"]


def client(endpoint: str, service: str, key: str = "test", secret: str = "test"):
    return boto3.client(service, endpoint_url=endpoint, aws_access_key_id=key, aws_secret_access_key=secret,
                        region_name=CREDENTIALS["region_name"], config=Config(retries={"total_max_attempts": 1}))


def statements(policy_number: int, table_arn: str) -> list[dict]:
    """Ten statements that do not allow the benchmark's read, but for one in the last policy."""
    account_arn = table_arn.rsplit(":", 1)[0]
    found = []
    for number in range(STATEMENTS):
        found.append({"Sid": f"P{policy_number}S{number}", "Effect": "Allow",
                      "Action": [f"dynamodb:{name}" for name in ("Query", "Scan", "PutItem")][: 1 + number % 3],
                      "Resource": f"{account_arn}:table/other_{policy_number}_{number}",
                      **({"Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}} if number % 2 else {})})
    if policy_number == POLICIES - 1:
        found[-1] = {"Sid": "ReadBenchTable", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:BatchGetItem"],
                     "Resource": [table_arn, f"{table_arn}/index/*"]}
    return found


def prepare(endpoint: str) -> tuple:
    """The table, its item and the policy-laden user; the user's access key."""
    dynamodb = client(endpoint, "dynamodb")
    table_arn = dynamodb.create_table(
        TableName=TABLE, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    dynamodb.put_item(TableName=TABLE, Item={**KEY, "payload": {"S": "x" * 200}})
    iam = client(endpoint, "iam")
    iam.create_user(UserName="bench")
    for number in range(POLICIES):
        document = json.dumps({"Version": "2012-10-17", "Statement": statements(number, table_arn)})
        arn = iam.create_policy(PolicyName=f"bench-{number}", PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="bench", PolicyArn=arn)
    key = iam.create_access_key(UserName="bench")["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def signed_get_item(endpoint: str, key: str, secret: str):
    """The exact GetItem request botocore sends with these credentials (checked once)."""
    dynamodb = client(endpoint, "dynamodb", key, secret)
    captured = []
    dynamodb.meta.events.register("before-send.dynamodb", lambda request, **_: captured.append(request))
    if dynamodb.get_item(TableName=TABLE, Key=KEY, ConsistentRead=True).get("Item") is None:
        raise RuntimeError("GetItem found no item")
    return captured[-1]


def measure(server: Server, request, work: Path, args, name: str) -> Measurement:
    script = work / f"{name}.lua"
    options = dict(threads=args.threads, connections=args.connections, script=script, body_pattern='"payload"')
    replay_with_wrk(server, request, seconds=args.warmup, **options)
    return replay_with_wrk(server, request, seconds=args.duration, **options)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0, help="seconds of each measured run")
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--rounds", type=int, default=2, help="root/user runs, alternated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="headwater-bench-iam-") as tmp:
        work = Path(tmp)
        with Server("headwater", lambda port: headwater_command(port, work / "data"), work) as server:
            user_key = prepare(server.endpoint)
            requests = {"root": signed_get_item(server.endpoint, "test", "test"),
                        "user": signed_get_item(server.endpoint, *user_key)}
            results: dict[str, list[Measurement]] = {"root": [], "user": []}
            for _ in range(args.rounds):
                for name, request in requests.items():
                    results[name].append(measure(server, request, work, args, name))
    report(results)


def report(results: dict[str, list[Measurement]]) -> None:
    best = {name: max(runs, key=lambda run: run.per_second) for name, runs in results.items()}
    print(f"GetItem, user with {POLICIES} attached policies x {STATEMENTS} statements vs root")
    for name, run in best.items():
        print(f"  {name:5} {run.per_second:9.0f} requests/s  {run.cpu_ms_each:6.3f} server CPU ms/request"
              f"  ({run.count} requests, {run.failures} failures)")
    slowdown = 1 - best["user"].per_second / best["root"].per_second
    cpu_ratio = best["user"].cpu_ms_each / best["root"].cpu_ms_each
    verdict = "meets" if slowdown < TARGET_SLOWDOWN else "misses"
    print(f"  user/root: {100 * slowdown:.1f}% fewer requests/s, {cpu_ratio:.2f}x CPU per request "
          f"({verdict} the <{100 * TARGET_SLOWDOWN:.0f}% target)")
    if any(run.failures for runs in results.values() for run in runs):
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
