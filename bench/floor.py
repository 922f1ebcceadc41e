"""GetItem on the floor app, headwater and dynalite side by side, in one run.

    .venv/bin/python bench/floor.py                  # 3 servers, 5 s each after 2 s warm-up
    .venv/bin/python bench/floor.py --servers floor,dynalite --duration 10

``floor`` is ``bench/floor_app.py``: the least a Python GetItem can do (signature, JSON,
SQLite read) under the uvicorn configuration ``headwater serve`` uses. Its figures say how
much of headwater's cost per request is its own pipeline, and whether even the least a
Python server on this stack can do reaches dynalite's (Node, in memory). Same request
(``bench/dynamodb.py``'s GetItem, replayed with wrk), same item, same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import peers  # noqa: E402
from dynamodb import REPLAYED, SERVERS, TABLE, bench_item, create_table, dynamodb_client, signed_request  # noqa: E402
from harness import Server, replay_with_wrk  # noqa: E402

GETITEM = REPLAYED["GetItem"]
KEY = GETITEM.params["Key"]
ITEM = bench_item(KEY["pk"]["S"], KEY["sk"]["S"])


def floor_command(port: int, data_dir: Path) -> list[str]:
    return [sys.executable, str(Path(__file__)), "--serve-floor", str(port), "--floor-database", str(data_dir / "floor.sqlite3")]


def serve_floor(port: int, database: str) -> None:
    import uvicorn

    from headwater.cli import uvicorn_config
    from headwater.config import Settings

    os.environ.update(FLOOR_DATABASE=database, FLOOR_ITEM=json.dumps(ITEM))
    import floor_app

    uvicorn.Server(uvicorn_config(floor_app.app, Settings(port=port), "warning")).run()


def measure(name: str, args, work_dir: Path):
    data_dir = work_dir / f"{name}-data"
    data_dir.mkdir()
    command = floor_command if name == "floor" else SERVERS[name]
    with Server(name, lambda port: command(port, data_dir), work_dir) as server:
        client = dynamodb_client(server.endpoint)
        if name != "floor":
            create_table(client, TABLE)
            client.put_item(TableName=TABLE, Item=ITEM)
        replay = lambda seconds: replay_with_wrk(  # noqa: E731 - signed anew each time
            server, signed_request(client, GETITEM), seconds=seconds, threads=1, connections=args.connections,
            body_pattern=GETITEM.body_pattern, script=work_dir / f"{name}.lua")
        replay(args.warmup)
        return replay(args.duration)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="floor,headwater,dynalite", type=lambda text: text.split(","))
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--serve-floor", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--floor-database", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_floor:
        serve_floor(args.serve_floor, args.floor_database)
        return 0
    if "dynalite" in args.servers:
        peers.dynalite_cli()  # installs it first, outside the measured part
    with tempfile.TemporaryDirectory(prefix="headwater-floor-bench-") as work:
        results = {name: measure(name, args, Path(work)) for name in args.servers}
    print(f"GetItem ({GETITEM.description}), wrk 1 thread, {args.connections} connections, {args.duration:g} s")
    print(f"  {'server':10s} {'ops/s':>9s} {'cpu ms/op':>10s} {'failures':>9s}")
    for name, result in results.items():
        print(f"  {name:10s} {result.per_second:9.1f} {result.cpu_ms_each:10.3f} {result.failures:9d}")
    return 1 if any(result.failures for result in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
