"""The cost of IAM enforcement: DynamoDB GetItem as root versus as a policy-laden IAM user.

One headwater (``--iam enforce``) gets a table with one item, and two IAM users with 10
attached customer managed policies of 10 statements each (other actions, other tables,
conditions that do not apply; one statement of the last policy allows the read). The
second user's allowing statement also has a condition (on ``aws:RequestedRegion``), so its
decision is weighed on every request instead of being remembered with its policies. wrk
replays one SigV4-signed GetItem per principal: root (no policy evaluation), the user
(every request: the key resolver, the IAM database's data_version, the caller's policies
indexed by action) and the conditioned user (also the request context and the evaluation
of the candidate statements), each after a warm-up, in turn. Reported: requests/s and
server CPU milliseconds per request of each, and the user's slowdown (target: under 10%).

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


def statements(policy_number: int, table_arn: str, conditioned: bool = False) -> list[dict]:
    """Ten statements that do not allow the benchmark's read, but for one in the last policy
    (``conditioned``: only in the benchmark's region)."""
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
        if conditioned:
            found[-1]["Condition"] = {"StringEquals": {"aws:RequestedRegion": CREDENTIALS["region_name"]}}
    return found


def prepare(endpoint: str) -> dict[str, tuple[str, str]]:
    """The table, its item and the policy-laden users; their access keys by principal name."""
    dynamodb = client(endpoint, "dynamodb")
    table_arn = dynamodb.create_table(
        TableName=TABLE, KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}], BillingMode="PAY_PER_REQUEST",
    )["TableDescription"]["TableArn"]
    dynamodb.put_item(TableName=TABLE, Item={**KEY, "payload": {"S": "x" * 200}})
    return {"user": policy_laden_user(endpoint, "bench", table_arn),
            "user+cond": policy_laden_user(endpoint, "bench-conditioned", table_arn, conditioned=True)}


def policy_laden_user(endpoint: str, name: str, table_arn: str, conditioned: bool = False) -> tuple[str, str]:
    iam = client(endpoint, "iam")
    iam.create_user(UserName=name)
    for number in range(POLICIES):
        document = json.dumps({"Version": "2012-10-17", "Statement": statements(number, table_arn, conditioned)})
        arn = iam.create_policy(PolicyName=f"{name}-{number}", PolicyDocument=document)["Policy"]["Arn"]
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
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
    parser.add_argument("--rounds", type=int, default=2, help="runs of each principal, alternated")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="headwater-bench-iam-") as tmp:
        work = Path(tmp)
        with Server("headwater", lambda port: headwater_command(port, work / "data"), work) as server:
            keys = {"root": ("test", "test"), **prepare(server.endpoint)}
            requests = {name: signed_get_item(server.endpoint, *key) for name, key in keys.items()}
            results: dict[str, list[Measurement]] = {name: [] for name in requests}
            for _ in range(args.rounds):
                for name, request in requests.items():
                    results[name].append(measure(server, request, work, args, name))
    report(results)


def report(results: dict[str, list[Measurement]]) -> None:
    best = {name: max(runs, key=lambda run: run.per_second) for name, runs in results.items()}
    print(f"GetItem, user with {POLICIES} attached policies x {STATEMENTS} statements vs root")
    for name, run in best.items():
        print(f"  {name:9} {run.per_second:9.0f} requests/s  {run.cpu_ms_each:6.3f} server CPU ms/request"
              f"  ({run.count} requests, {run.failures} failures)")
    for name in (name for name in best if name != "root"):
        slowdown = 1 - best[name].per_second / best["root"].per_second
        cpu_ratio = best[name].cpu_ms_each / best["root"].cpu_ms_each
        verdict = "meets" if slowdown < TARGET_SLOWDOWN and cpu_ratio < 1 + TARGET_SLOWDOWN else "misses"
        print(f"  {name}/root: {100 * slowdown:.1f}% fewer requests/s, {cpu_ratio:.2f}x CPU per request "
              f"({verdict} the <{100 * TARGET_SLOWDOWN:.0f}% target)")
    if any(run.failures for runs in results.values() for run in runs):
        sys.exit("some requests failed")


if __name__ == "__main__":
    main()
