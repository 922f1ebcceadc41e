"""headwater's DynamoDB against moto's server and dynalite, operation by operation.

Each server in turn starts on a free loopback port with its own fresh data, gets the same
tables and items, then for each operation gets a warm-up and a fixed measured run:

- PutItem (a ~200-byte item), GetItem (consistent read of an existing item), Query (a
  100-item partition, one page) and BatchWriteItem (25 items): wrk replays one SigV4-signed
  request built by botocore, and every answer that is not a 200 with the expected body counts
  as a failure (a replayed PutItem overwrites the same item; a BatchWriteItem the same 25);
- Scan: a Python loop of botocore calls scans a 10,000-item table to its last page, one
  operation per full scan, a failure being an error or a total other than 10,000.

It reports operations per second and the server's CPU milliseconds per operation (utime +
stime of the server's process tree from /proc, before and after), then headwater's ratios to
each peer against the targets (≥ 3× moto's throughput, ≥ dynalite's).

    .venv/bin/python bench/dynamodb.py
    .venv/bin/python bench/dynamodb.py --servers moto,dynalite --operations PutItem,Scan --duration 5

See bench/README.md. Only loopback traffic; every wait is bounded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials
from botocore.exceptions import BotoCoreError, ClientError
from botocore.httpsession import URLLib3Session

import peers
from harness import CREDENTIALS, Measurement, Server, replay_with_wrk, run_in_threads

TABLE, SCAN_TABLE = "bench_items", "bench_scan"
ITEM_BYTES = 200
QUERY_ITEMS, BATCH_ITEMS = 100, 25
TARGETS = {"moto": 3.0, "dynalite": 1.0, "dynalite-disk": 1.0}  # headwater's ops/s ÷ the peer's


# -- servers -------------------------------------------------------------------------------


def headwater_command(port: int, data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(port),
            "--data-dir", str(data_dir), "--auth", "verify", "--fsync", "full"]


SERVERS = {
    "headwater": headwater_command,
    "moto": peers.moto_command,
    "dynalite": lambda port, data_dir: peers.dynalite_command(port, None),
    "dynalite-disk": peers.dynalite_command,
}


def check_headwater_dynamodb(endpoint: str) -> None:
    """Refuse to measure a headwater whose DynamoDB service does not run yet."""
    with urllib.request.urlopen(f"{endpoint}/_headwater/health", timeout=10) as answer:
        state = json.load(answer)["services"].get("dynamodb", {}).get("state")
    if state != "running":
        raise RuntimeError(f"headwater's dynamodb service is {state!r}, not 'running'")


# -- data ----------------------------------------------------------------------------------


def approximate_size(item: dict) -> int:
    """DynamoDB's item size for the S, N and BOOL values used here: names plus values."""
    sizes = {"S": lambda v: len(v.encode()), "N": lambda v: len(v) // 2 + 1, "BOOL": lambda v: 1}
    return sum(len(name) + sizes[kind](value) for name, av in item.items() for kind, value in av.items())


def bench_item(pk: str, sk: str) -> dict:
    item = {"pk": {"S": pk}, "sk": {"S": sk}, "name": {"S": "Ada Lovelace"},
            "email": {"S": "ada@example.com"}, "visits": {"N": "1042"}, "active": {"BOOL": True}}
    item["note"] = {"S": "x" * (ITEM_BYTES - approximate_size(item) - len("note"))}
    return item


def create_table(client, name: str) -> None:
    client.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"},
                              {"AttributeName": "sk", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
    )
    deadline = time.monotonic() + 30
    while client.describe_table(TableName=name)["Table"]["TableStatus"] != "ACTIVE":
        if time.monotonic() > deadline:
            raise RuntimeError(f"table {name} did not become ACTIVE within 30 s")
        time.sleep(0.1)


def write_items(client, table: str, items: list[dict]) -> None:
    for start in range(0, len(items), BATCH_ITEMS):
        pending = {table: [{"PutRequest": {"Item": item}} for item in items[start:start + BATCH_ITEMS]]}
        for _ in range(20):
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems")
            if not pending:
                break
        else:
            raise RuntimeError(f"BatchWriteItem kept items unprocessed while loading {table}")


def load(client, scan_items: int) -> None:
    """The two tables: the query partition (and the item read) and the table to scan."""
    create_table(client, TABLE)
    create_table(client, SCAN_TABLE)
    write_items(client, TABLE, [bench_item("query", f"{i:04d}") for i in range(QUERY_ITEMS)])
    write_items(client, SCAN_TABLE, [bench_item(f"p{i % 1000:03d}", f"{i:06d}") for i in range(scan_items)])


# -- operations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Replayed:
    """One request replayed by wrk: how botocore calls it, and what its answer must hold."""

    method: str
    params: dict
    description: str
    body_pattern: str | None = None  # a Lua pattern every replayed answer's body must match
    problem: Callable[[dict], str | None] = lambda answer: None  # checks the answer botocore parsed


def query_problem(answer: dict) -> str | None:
    if answer["Count"] != QUERY_ITEMS or "LastEvaluatedKey" in answer:
        return f"Query gave {answer['Count']} items, LastEvaluatedKey {answer.get('LastEvaluatedKey')}"
    return None


REPLAYED = {
    "PutItem": Replayed(
        "put_item", {"TableName": TABLE, "Item": bench_item("put", "0000")},
        f"one ~{ITEM_BYTES}-byte item, overwritten"),
    "GetItem": Replayed(
        "get_item", {"TableName": TABLE, "Key": {"pk": {"S": "query"}, "sk": {"S": "0042"}}, "ConsistentRead": True},
        "consistent read of an existing item", '"Item"',
        lambda answer: None if "Item" in answer else "GetItem found no item"),
    "Query": Replayed(
        "query", {"TableName": TABLE, "KeyConditionExpression": "pk = :pk",
                  "ExpressionAttributeValues": {":pk": {"S": "query"}}},
        f"a {QUERY_ITEMS}-item partition, one page", f'"Count"%s*:%s*{QUERY_ITEMS}[^%d]', query_problem),
    "BatchWriteItem": Replayed(
        "batch_write_item",
        {"RequestItems": {TABLE: [{"PutRequest": {"Item": bench_item("batch", f"{i:04d}")}}
                                  for i in range(BATCH_ITEMS)]}},
        f"{BATCH_ITEMS} items, all processed", '"UnprocessedItems"%s*:%s*{%s*}',
        lambda answer: "BatchWriteItem left items unprocessed" if answer.get("UnprocessedItems") else None),
}
OPERATIONS = [*REPLAYED, "Scan"]


def dynamodb_client(endpoint: str):
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=60,
                    max_pool_connections=4)
    return boto3.Session(**CREDENTIALS).client("dynamodb", endpoint_url=endpoint, config=config)


def signed_request(client, operation: Replayed):
    """The exact request botocore sends for ``operation``, after checking its answer once."""
    captured = []

    def capture(request, **_):
        captured.append(request)

    client.meta.events.register("before-send.dynamodb", capture)
    try:
        answer = getattr(client, operation.method)(**operation.params)
    finally:
        client.meta.events.unregister("before-send.dynamodb", capture)
    problem = operation.problem(answer)
    if problem:
        raise RuntimeError(problem)
    return captured[-1]


class PageSender:
    """Scan pages signed and sent by botocore, their JSON read with ``json.loads`` alone: a
    light client, so that the server, not botocore's response parser, sets the pace."""

    def __init__(self, endpoint: str):
        self.url = endpoint + "/"
        metadata = dynamodb_client(endpoint).meta.service_model.metadata
        self.headers = {"Content-Type": f"application/x-amz-json-{metadata['jsonVersion']}",
                        "X-Amz-Target": f"{metadata['targetPrefix']}.Scan"}
        credentials = Credentials(CREDENTIALS["aws_access_key_id"], CREDENTIALS["aws_secret_access_key"])
        self.signer = SigV4Auth(credentials, "dynamodb", CREDENTIALS["region_name"])
        self.http = URLLib3Session(timeout=60)

    def scan(self, **params) -> dict:
        request = AWSRequest("POST", self.url, data=json.dumps(params).encode(), headers=dict(self.headers))
        self.signer.add_auth(request)
        answer = self.http.send(request.prepare())
        if answer.status_code != 200:
            raise RuntimeError(f"Scan answered {answer.status_code}: {answer.content[:200]!r}")
        return json.loads(answer.content)


def scan_client(endpoint: str, kind: str):
    return PageSender(endpoint) if kind == "light" else dynamodb_client(endpoint)


def full_scan(client) -> tuple[int, int]:
    """Scan the scan table to its last page with a botocore client or a ``PageSender``:
    (items, pages)."""
    items = pages = 0
    params = {"TableName": SCAN_TABLE}
    while True:
        answer = client.scan(**params)
        items, pages = items + answer["Count"], pages + 1
        if "LastEvaluatedKey" not in answer:
            return items, pages
        params["ExclusiveStartKey"] = answer["LastEvaluatedKey"]


def run_scans(server: Server, clients: list, seconds: float, expected: int) -> Measurement:
    """Full scans from one thread per client for ``seconds``; each wrong total is a failure."""
    return run_in_threads(server, clients, lambda client: full_scan(client)[0] == expected, seconds, join_grace=600)


# -- one server ----------------------------------------------------------------------------


@dataclass
class Result:
    measurement: Measurement | None = None
    note: str = ""  # what went wrong, or how a scan paginated


def measure_operation(operation: str, server: Server, client, args, work_dir: Path) -> Result:
    if operation == "Scan":
        items, pages = full_scan(scan_client(server.endpoint, args.scan_client))
        if items != args.scan_items:
            return Result(note=f"a full scan found {items} items, not {args.scan_items}")
        clients = [scan_client(server.endpoint, args.scan_client) for _ in range(args.scan_threads)]
        if args.warmup:
            run_scans(server, clients, args.warmup, args.scan_items)
        return Result(run_scans(server, clients, args.duration, args.scan_items), f"{pages} pages per scan")
    replayed = REPLAYED[operation]

    def replay(seconds):
        return replay_with_wrk(server, signed_request(client, replayed), seconds=seconds, threads=args.threads,
                               connections=args.connections, body_pattern=replayed.body_pattern,
                               script=work_dir / f"{server.name}-{operation}.lua")

    if args.warmup:
        replay(args.warmup)
    return Result(replay(args.duration))  # signed anew: far from headwater's clock-skew limit


def measure_server(name: str, args, work_dir: Path) -> dict[str, Result]:
    data_dir = work_dir / f"{name}-data"
    with Server(name, lambda port: SERVERS[name](port, data_dir), work_dir) as server:
        if name == "headwater":
            check_headwater_dynamodb(server.endpoint)
        client = dynamodb_client(server.endpoint)
        started = time.monotonic()
        load(client, args.scan_items)
        print(f"{name}: loaded in {time.monotonic() - started:.1f} s", file=sys.stderr, flush=True)
        results = {}
        for operation in args.operations:
            try:
                results[operation] = measure_operation(operation, server, client, args, work_dir)
            except (RuntimeError, BotoCoreError, ClientError) as error:
                results[operation] = Result(note=f"not measured: {error}".splitlines()[0][:160])
            print(f"{name}: {operation} done", file=sys.stderr, flush=True)
        return results


# -- report --------------------------------------------------------------------------------


def describe(operation: str, args) -> str:
    if operation == "Scan":
        return f"full scan of {args.scan_items} items, {args.scan_threads} thread(s) of {args.scan_client} clients"
    return f"{REPLAYED[operation].description}; wrk {args.threads} thread(s), {args.connections} connections"


def ratio_line(head: Measurement, peer: str, other: Measurement) -> str:
    speed = head.per_second / other.per_second if other.per_second else float("nan")
    target = TARGETS.get(peer)
    verdict = f" (target ≥ {target:g}: {'met' if speed >= target else 'MISSED'})" if target else ""
    return (f"  headwater/{peer}: ops/s x{speed:.2f}{verdict}, "
            f"cpu ms/op x{head.cpu_ms_each / other.cpu_ms_each:.2f}")


def operation_table(operation: str, results: dict[str, dict[str, Result]], args) -> list[str]:
    lines = [f"{operation}: {describe(operation, args)}",
             f"  {'server':<14} {'ops':>8} {'ops/s':>9} {'cpu ms/op':>10} {'failures':>9}  note"]
    for name, by_operation in results.items():
        result = by_operation.get(operation, Result(note="not measured"))
        m = result.measurement
        figures = (f"{m.count:>8} {m.per_second:>9.1f} {m.cpu_ms_each:>10.3f} {m.failures:>9}" if m
                   else f"{'-':>8} {'-':>9} {'-':>10} {'-':>9}")
        lines.append(f"  {name:<14} {figures}  {result.note}")
    head = results.get("headwater", {}).get(operation, Result()).measurement
    for peer, by_operation in results.items():
        other = by_operation.get(operation, Result()).measurement
        if head and head.count and other and other.count and peer != "headwater":
            lines.append(ratio_line(head, peer, other))
    return lines


def report(results: dict[str, dict[str, Result]], args) -> str:
    lines = []
    for operation in args.operations:
        lines += operation_table(operation, results, args) + [""]
    return "\n".join(lines)


def succeeded(results: dict[str, dict[str, Result]], args) -> bool:
    measured = [by_operation.get(op, Result()).measurement for by_operation in results.values()
                for op in args.operations]
    return all(m and m.count and not m.failures for m in measured)


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--servers", default=",".join(SERVERS), help=f"comma-separated: {', '.join(SERVERS)}")
    parser.add_argument("--operations", default=",".join(OPERATIONS), help=f"comma-separated: {', '.join(OPERATIONS)}")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per operation")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--scan-threads", type=int, default=2, help="threads running full scans")
    parser.add_argument("--scan-client", choices=("light", "boto3"), default="light",
                        help="scan with botocore signing + json.loads (light) or a boto3 client")
    parser.add_argument("--scan-items", type=int, default=10_000, help="items in the scanned table")
    args = parser.parse_args(argv)
    args.connections = max(args.connections, args.threads)
    for option, known in (("servers", SERVERS), ("operations", OPERATIONS)):
        chosen = [name.strip() for name in getattr(args, option).split(",") if name.strip()]
        if not chosen or set(chosen) - set(known):
            parser.error(f"--{option} takes some of: {', '.join(known)}")
        setattr(args, option, chosen)
    if set(args.operations) & set(REPLAYED) and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"{args.duration:g} s per operation after {args.warmup:g} s warm-up; "
          f"headwater --auth verify --fsync full; dynalite-disk: LevelDB --path, dynalite: in memory")
    results = {}
    with tempfile.TemporaryDirectory(prefix="headwater-bench-dynamodb-") as work:
        for name in args.servers:
            try:
                results[name] = measure_server(name, args, Path(work))
            except (RuntimeError, OSError, BotoCoreError, ClientError) as error:
                print(f"{name} could not be measured: {error}", file=sys.stderr)
                results[name] = {operation: Result(note="server not measured") for operation in args.operations}
    print(report(results, args))
    return 0 if succeeded(results, args) else 1


if __name__ == "__main__":
    sys.exit(main())
