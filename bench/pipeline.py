"""What headwater's request pipeline costs, against a trivial ASGI app on the same server stack.

For each server (``headwater serve --auth verify`` and ``bench/trivial_app.py``, both under
uvicorn with uvloop + httptools and one worker, on a free loopback port) it replays one
SigV4-signed STS GetCallerIdentity POST for a fixed time and reports requests per second
and the server's CPU time per request, then the ratio headwater / trivial.

    .venv/bin/python bench/pipeline.py                 # wrk replays one signed request
    .venv/bin/python bench/pipeline.py --client boto3  # real boto3 calls from a few threads

See bench/README.md. Only loopback traffic; every wait is bounded.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from harness import CREDENTIALS, Measurement, Server, replay_with_wrk, run_in_threads

HERE = Path(__file__).resolve().parent


# -- servers -------------------------------------------------------------------------------


def server_command(name: str, work_dir: Path, auth: str):
    """The command line of server ``name``, given the port it is to listen on."""
    if name == "trivial":
        return lambda port: [sys.executable, str(HERE / "trivial_app.py"), "--port", str(port)]
    data_dir = work_dir / "headwater-data"
    return lambda port: [sys.executable, "-m", "headwater.cli", "serve", "--port", str(port),
                         "--data-dir", str(data_dir), "--auth", auth]


# -- the request ---------------------------------------------------------------------------


def sts_client(endpoint: str):
    config = Config(retries={"total_max_attempts": 1}, connect_timeout=10, read_timeout=30)
    return boto3.Session(**CREDENTIALS).client("sts", endpoint_url=endpoint, config=config)


def signed_request(endpoint: str):
    """The exact request botocore sends for GetCallerIdentity, after checking it gets a 200."""
    client, captured = sts_client(endpoint), []
    client.meta.events.register("before-send.sts.GetCallerIdentity", lambda request, **_: captured.append(request))
    response = client.get_caller_identity()
    status = response["ResponseMetadata"]["HTTPStatusCode"]
    if status != 200:
        raise RuntimeError(f"GetCallerIdentity answered {status}")
    return captured[-1]


# -- clients -------------------------------------------------------------------------------


def run_wrk(server: Server, args, seconds: float, work_dir: Path) -> Measurement:
    request = signed_request(server.endpoint)
    return replay_with_wrk(server, request, seconds=seconds, threads=args.threads,
                           connections=args.connections, script=work_dir / f"{server.name}.lua")


def run_boto3(server: Server, args, seconds: float, work_dir: Path) -> Measurement:
    clients = [sts_client(server.endpoint) for _ in range(args.threads)]
    for client in clients:
        client.get_caller_identity()  # connect and load models outside the measurement
    return run_in_threads(
        server, clients, lambda client: client.get_caller_identity()["ResponseMetadata"]["HTTPStatusCode"] == 200,
        seconds)


CLIENTS = {"wrk": run_wrk, "boto3": run_boto3}


# -- report --------------------------------------------------------------------------------


def measure(name: str, args, work_dir: Path) -> Measurement:
    server = Server(name, server_command(name, work_dir, args.auth), work_dir)
    try:
        run = CLIENTS[args.client]
        if args.warmup:
            run(server, args, args.warmup, work_dir)
        return run(server, args, args.duration, work_dir)
    except (BotoCoreError, ClientError) as error:
        raise RuntimeError(f"the signed request failed: {error}") from error
    finally:
        server.stop()


def report(results: dict[str, Measurement]) -> str:
    lines = [f"{'server':<10} {'requests':>9} {'req/s':>9} {'cpu ms/req':>11} {'failures':>9}"]
    for name, m in results.items():
        lines.append(f"{name:<10} {m.count:>9} {m.per_second:>9.0f} {m.cpu_ms_each:>11.3f} {m.failures:>9}")
    if {"headwater", "trivial"} <= results.keys():
        head, base = results["headwater"], results["trivial"]
        lines.append(
            f"headwater/trivial: req/s x{head.per_second / base.per_second:.2f}, "
            f"server cpu per request x{head.cpu_ms_each / base.cpu_ms_each:.2f}"
        )
    return "\n".join(lines)


def parse_args(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=sorted(CLIENTS), default="wrk")
    parser.add_argument("--servers", default="trivial,headwater", help="comma-separated: trivial, headwater")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds measured per server")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of unmeasured load first")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections")
    parser.add_argument("--threads", type=int, default=None, help="wrk threads (1) or boto3 threads (4)")
    parser.add_argument("--auth", choices=("verify", "off"), default="verify", help="headwater's --auth")
    args = parser.parse_args(argv)
    args.threads = args.threads or (1 if args.client == "wrk" else 4)
    args.connections = max(args.connections, args.threads)
    args.servers = [name.strip() for name in args.servers.split(",") if name.strip()]
    if set(args.servers) - {"trivial", "headwater"}:
        parser.error("--servers takes trivial and/or headwater")
    if args.client == "wrk" and not shutil.which("wrk"):
        parser.error("wrk is not installed (Debian/Ubuntu: apt-get install wrk)")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"client {args.client}: {args.duration:g} s per server after {args.warmup:g} s warm-up, "
          f"{args.threads} threads" + (f", {args.connections} connections" if args.client == "wrk" else "")
          + f"; headwater --auth {args.auth}")
    results = {}
    with tempfile.TemporaryDirectory(prefix="headwater-bench-") as work:
        for name in args.servers:
            try:
                results[name] = measure(name, args, Path(work))
            except RuntimeError as error:
                print(f"{name} could not be measured: {error}", file=sys.stderr)
    print(report(results))
    complete = len(results) == len(args.servers)
    return 0 if complete and all(m.count and not m.failures for m in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
