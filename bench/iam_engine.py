"""The IAM policy engine alone: evaluations per second with 10 policies × 10 statements.

A user carries ten identity policies of ten statements each (mixed services, wildcards,
conditions, a policy variable); the benchmark evaluates one DynamoDB GetItem that the very
last statement allows (every statement is looked at), one request that an explicit deny
stops, and one that nothing allows (the reason sentence is built). Pure CPU, no I/O.

    .venv/bin/python bench/iam_engine.py
    .venv/bin/python bench/iam_engine.py --seconds 3
"""

from __future__ import annotations

import argparse
import json
import time

from headwater.auth.policy import Policies, PrincipalFacts, Request, evaluate, parse

ACCOUNT = "123456789012"
TABLE = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/Orders"


def statement(policy: int, index: int) -> dict:
    """Statement ``index`` of policy ``policy``: nine that do not allow GetItem on Orders."""
    if policy == 9 and index == 9:
        return {"Sid": "ReadOrders", "Effect": "Allow", "Action": ["dynamodb:GetItem", "dynamodb:Query"],
                "Resource": TABLE, "Condition": {"Bool": {"aws:SecureTransport": "true"}}}
    if index == 0:
        return {"Effect": "Deny", "Action": "dynamodb:DeleteTable", "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "admins"}}}
    shapes = [
        {"Action": "s3:Get*", "Resource": f"arn:aws:s3:::bucket-{policy}-{index}/*"},
        {"Action": ["sqs:SendMessage", "sqs:ReceiveMessage"],
         "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:queue-{policy}-{index}"},
        {"Action": "dynamodb:*", "Resource": f"arn:aws:dynamodb:*:*:table/Other{policy}{index}*"},
        {"Action": "logs:PutLogEvents", "Resource": f"arn:aws:logs:*:*:log-group:app{index}:*"},
        {"Action": "s3:PutObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"},
        {"Action": "kinesis:PutRecord", "Resource": "*",
         "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}},
        {"Action": "dynamodb:GetItem", "Resource": TABLE,
         "Condition": {"ForAllValues:StringEquals": {"dynamodb:Attributes": ["Id", "Total"]}}},
        {"Action": "iam:Get*", "Resource": f"arn:aws:iam::{ACCOUNT}:user/${{aws:username}}"},
        {"Action": "sts:AssumeRole", "Resource": f"arn:aws:iam::{ACCOUNT}:role/etl-{index}"},
    ]
    return {"Effect": "Allow", **shapes[(index - 1) % len(shapes)]}


def policies() -> Policies:
    return Policies(identity=[
        (f"arn:aws:iam::{ACCOUNT}:policy/p{p}",
         parse(json.dumps({"Version": "2012-10-17",
                           "Statement": [statement(p, i) for i in range(10)]}), "identity"))
        for p in range(10)])


def request(action: str, resource: str) -> Request:
    alice = PrincipalFacts(f"arn:aws:iam::{ACCOUNT}:user/alice", ACCOUNT, "user",
                           "AIDAEXAMPLEALICE0001", "alice")
    return Request(action, resource, alice, {
        "aws:username": ["alice"], "aws:principalarn": [alice.arn], "aws:userid": [alice.user_id],
        "aws:principalaccount": [ACCOUNT], "aws:securetransport": ["true"],
        "aws:sourceip": ["192.0.2.10"], "aws:requestedregion": ["us-east-1"],
        "dynamodb:attributes": ["Id", "Total", "Items"]})


def rate(req: Request, in_force: Policies, seconds: float) -> tuple[float, str]:
    """Evaluations per CPU second of ``req`` (and its effect); CPU time, so that other load
    on the machine does not distort the figure."""
    effect = evaluate(req, in_force).effect
    count, started = 0, time.process_time()
    deadline = started + seconds
    while time.process_time() < deadline:
        for _ in range(200):
            evaluate(req, in_force)
        count += 200
    return count / (time.process_time() - started), effect


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=2.0, help="per scenario")
    args = parser.parse_args()
    started = time.perf_counter()
    in_force = policies()
    print(f"parse 10 policies x 10 statements: {(time.perf_counter() - started) * 1000:.1f} ms")
    scenarios = [
        ("allowed by the last statement", request("dynamodb:GetItem", TABLE)),
        ("explicit deny", request("dynamodb:DeleteTable", TABLE)),
        ("implicit deny with reason", request("dynamodb:PutItem", TABLE)),
    ]
    for name, req in scenarios:
        per_second, effect = rate(req, in_force, args.seconds)
        print(f"{name:32} {effect:13} {per_second:10,.0f} evaluations/s "
              f"({1e6 / per_second:6.1f} µs each)")


if __name__ == "__main__":
    main()
