"""headwater's S3 against moto's server and s3rver, with the disk's own bandwidth as the limit.

    .venv/bin/python bench/s3.py                         # every server, ~3 min
    .venv/bin/python bench/s3.py --servers headwater --duration 3 --fsync normal

Per server, each on a free loopback port with fresh data, driven by boto3 clients in
``--threads`` threads (no retries):

- PutObject and GetObject of 1 KiB and 1 MiB bodies, ops/s for ``--duration`` seconds;
- PutObject and GetObject of 1 KiB replayed with wrk (one signed botocore request sent
  again and again over ``--threads`` connections): the server, not boto3, sets the pace,
  and its CPU ms per operation is the figure to compare;
- PutObject and GetObject of one ``--big-mib`` (256) MiB object, MB/s (the body streams
  from and to a file, as ``upload_fileobj``/``download_fileobj`` do, single request), once
  with boto3 (which hashes the body itself: the client sets the pace) and once with curl on
  presigned URLs (no client-side hashing: the server sets the pace);
- ListObjectsV2 over ``--list-keys`` (10 000) keys, full listings (pages of 1000) per second.
  The keys are loaded concurrently first; for headwater that load runs on a second server
  started with ``--fsync off`` (listing does not write, the load is only set-up).

Each operation is printed per server with its ratio to moto's (ops/s and MB/s: headwater /
moto; CPU: moto / headwater), big-object MB/s also as a share of the disk's bandwidth.
The disk line is ``dd`` writing ``--big-mib`` MiB with ``conv=fsync`` and reading it back
with ``iflag=direct``: what the machine can do, the ceiling for big objects.
Peers live under ``bench/.peers`` (git-ignored): moto (``peers.moto_server``) and s3rver
(npm, installed there on first use, skipped with a note if that fails).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
from botocore import xform_name
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parent))
from harness import CREDENTIALS, Measurement, Server, replay_with_wrk, run_in_threads
from peers import PEERS_DIR, moto_command

KIB, MIB = 1024, 1024 * 1024
S3RVER_PACKAGE = "s3rver@3.7.1"
BUCKET = "bench-bucket"


# -- servers -------------------------------------------------------------------------------


def headwater_command(fsync: str):
    def command(port: int) -> list[str]:
        data_dir = tempfile.mkdtemp(prefix="headwater-s3-bench-")
        return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(port), "--data-dir", data_dir,
                "--auth", "verify", "--fsync", fsync, "--log-level", "warning"]

    return command


def s3rver_cli() -> Path | None:
    cli = PEERS_DIR / "node_modules" / "s3rver" / "bin" / "s3rver.js"
    if not cli.exists():
        done = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--prefix", str(PEERS_DIR),
                               S3RVER_PACKAGE], capture_output=True, text=True, timeout=600, check=False)
        if done.returncode != 0 or not cli.exists():
            print(f"s3rver not installable, skipped: {done.stderr[-300:]}", file=sys.stderr)
            return None
    return cli


def s3rver_command(port: int) -> list[str]:
    data_dir = tempfile.mkdtemp(prefix="s3rver-bench-")
    return ["node", str(s3rver_cli()), "--address", "127.0.0.1", "--port", str(port), "--directory", data_dir,
            "--silent"]


def servers(args) -> dict:
    table = {
        "headwater": (headwater_command(args.fsync), headwater_command("off")),
        "moto": (lambda port: moto_command(port, Path()), None),
    }
    if "s3rver" in args.servers and s3rver_cli() is not None:
        table["s3rver"] = (s3rver_command, None)
    return {name: table[name] for name in args.servers if name in table}


#: s3rver accepts only its own fixed key pair.
S3RVER_KEYS = {"aws_access_key_id": "S3RVER", "aws_secret_access_key": "S3RVER"}


def client(endpoint: str):
    keys = S3RVER_KEYS if endpoint in S3RVER_ENDPOINTS else {}
    return boto3.client("s3", endpoint_url=endpoint, config=Config(retries={"total_max_attempts": 1},
                        max_pool_connections=32, s3={"addressing_style": "path"}), **{**CREDENTIALS, **keys})


S3RVER_ENDPOINTS: set[str] = set()


# -- measurements --------------------------------------------------------------------------


def small_objects(server: Server, args) -> dict[str, Measurement]:
    results = {}
    for size, label in ((KIB, "1 KiB"), (MIB, "1 MiB")):
        body = os.urandom(size)
        clients = [client(server.endpoint) for _ in range(args.threads)]
        counter = iter(range(10**9))

        def put(c):
            c.put_object(Bucket=BUCKET, Key=f"obj-{size}-{next(counter) % 1000}", Body=body)
            return True

        clients[0].put_object(Bucket=BUCKET, Key=f"obj-{size}-0", Body=body)
        results[f"PutObject {label}"] = run_in_threads(server, clients, put, args.duration)

        def get(c):
            return len(c.get_object(Bucket=BUCKET, Key=f"obj-{size}-0")["Body"].read()) == size

        results[f"GetObject {label}"] = run_in_threads(server, clients, get, args.duration)
    return results


def signed_request(c, operation: str, **params):
    """The exact request botocore sends for ``operation``, sent once."""
    captured = []

    def capture(request, **_):
        captured.append(request)

    event = f"before-send.s3.{operation}"
    c.meta.events.register(event, capture)
    try:
        getattr(c, xform_name(operation))(**params)
    finally:
        c.meta.events.unregister(event, capture)
    request = captured[-1]
    if hasattr(request.body, "getvalue"):  # wrk sends bytes, not a file
        request.body = request.body.getvalue()
    if "Expect" in request.headers:  # wrk would count the interim 100 as a failed answer
        del request.headers["Expect"]
    return request


def replayed(server: Server, args, work_dir: Path) -> dict[str, Measurement]:
    """PutObject and GetObject of 1 KiB, one signed request each replayed by wrk."""
    c = client(server.endpoint)
    body = (b"0123456789abcdef" * 64)[:KIB]  # printable: the wrk script carries it as text
    results = {}
    for operation, params in (("PutObject", {"Body": body}), ("GetObject", {})):
        request = signed_request(c, operation, Bucket=BUCKET, Key="replayed", **params)
        results[f"{operation} 1 KiB (wrk)"] = replay_with_wrk(
            server, request, seconds=args.duration, threads=1, connections=args.threads,
            script=work_dir / f"{server.name}-{operation}.lua")
    return results


def big_object(server: Server, args, work_dir: Path) -> dict[str, float]:
    """MB/s of one PutObject and one GetObject of ``--big-mib`` MiB, streamed from/to a file."""
    source, target = work_dir / "big.bin", work_dir / "big.out"
    if not source.exists():
        with open(source, "wb") as out:
            out.writelines(os.urandom(MIB) for _ in range(args.big_mib))
    c = client(server.endpoint)
    with open(source, "rb") as body:
        started = time.monotonic()
        c.put_object(Bucket=BUCKET, Key="big", Body=body)
        put_seconds = time.monotonic() - started
    started = time.monotonic()
    with open(target, "wb") as out:
        stream = c.get_object(Bucket=BUCKET, Key="big")["Body"]
        out.writelines(stream.iter_chunks(MIB))
    get_seconds = time.monotonic() - started
    assert target.stat().st_size == args.big_mib * MIB
    target.unlink()
    curl_put, curl_get = curl_big_object(c, source, target)
    megabytes = args.big_mib * MIB / 1e6
    return {"PutObject big MB/s": megabytes / put_seconds, "GetObject big MB/s": megabytes / get_seconds,
            "PutObject big MB/s (curl)": megabytes / curl_put, "GetObject big MB/s (curl)": megabytes / curl_get}


def curl_big_object(c, source: Path, target: Path) -> tuple[float, float]:
    """Seconds curl takes to PUT ``source`` and GET it back through presigned URLs: a client
    that neither hashes nor signs the body, so that the server sets the pace."""
    def curl(*arguments: str) -> float:
        done = subprocess.run(["curl", "-sS", "--fail", "-w", "%{time_total}", *arguments],
                              capture_output=True, text=True, check=True, timeout=600)
        return float(done.stdout)

    params = {"Bucket": BUCKET, "Key": "big-curl"}
    put = curl("-o", "/dev/null", "-T", str(source), c.generate_presigned_url("put_object", Params=params))
    get = curl("-o", str(target), c.generate_presigned_url("get_object", Params=params))
    assert target.stat().st_size == source.stat().st_size
    target.unlink()
    return put, get


def listing(server: Server, args) -> Measurement:
    c = client(server.endpoint)
    c.create_bucket(Bucket="bench-list")
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda n: c.put_object(Bucket="bench-list", Key=f"dir{n % 10}/key-{n:06d}", Body=b""),
                      range(args.list_keys)))

    def full_listing(cl):
        keys = sum(len(page.get("Contents", [])) for page in
                   cl.get_paginator("list_objects_v2").paginate(Bucket="bench-list"))
        return keys == args.list_keys

    return run_in_threads(server, [client(server.endpoint)], full_listing, args.duration)


def disk_bandwidth(args, work_dir: Path) -> dict[str, float]:
    path = work_dir / "dd.bin"

    def dd(*operands: str) -> float:
        done = subprocess.run(["dd", *operands], capture_output=True, text=True, check=True)
        seconds = float(re.search(r"copied, ([0-9.]+) s", done.stderr).group(1))
        return args.big_mib * MIB / 1e6 / seconds

    write = dd("if=/dev/zero", f"of={path}", "bs=1M", f"count={args.big_mib}", "conv=fsync")
    read = dd(f"if={path}", "of=/dev/null", "bs=1M", "iflag=direct")
    path.unlink()
    return {"disk write MB/s (dd, fsync)": write, "disk read MB/s (dd, direct)": read}


def measure(name: str, commands, args, work_dir: Path) -> dict:
    main_command, listing_command = commands
    results: dict = {}
    with Server(name, main_command, work_dir) as server:
        if name == "s3rver":
            S3RVER_ENDPOINTS.add(server.endpoint)
        client(server.endpoint).create_bucket(Bucket=BUCKET)
        results.update(small_objects(server, args))
        results.update(replayed(server, args, work_dir))
        results.update(big_object(server, args, work_dir))
        if listing_command is None:
            results["ListObjectsV2 10k keys"] = listing(server, args)
    if listing_command is not None:
        with Server(f"{name}-listing", listing_command, work_dir) as server:
            results["ListObjectsV2 10k keys"] = listing(server, args)
    return results


def show(value) -> str:
    if isinstance(value, Measurement):
        return f"{value.per_second:10.1f}/s  cpu {value.cpu_ms_each:7.2f} ms  failures {value.failures}"
    return f"{value:10.1f}"


def ratio(value, reference) -> str:
    """``value`` against the same figure of ``reference`` (moto), higher is better."""
    if reference is None:
        return ""
    if isinstance(value, Measurement):
        speed = value.per_second / reference.per_second if reference.per_second else float("nan")
        cpu = reference.cpu_ms_each / value.cpu_ms_each if value.cpu_ms_each else float("nan")
        return f"  x{speed:5.2f} ops/s  x{cpu:5.2f} less cpu"
    return f"  x{value / reference:5.2f}" if reference else ""


def report(table: dict, disk: dict, args) -> str:
    lines = [f"headwater --fsync {args.fsync}; {args.threads} client threads; {args.duration:.0f} s per operation;"
             " ratios against moto"]
    reference = table.get("moto")
    for operation in next(iter(table.values())):
        lines.append(operation)
        for name, results in table.items():
            value = results[operation]
            line = f"  {name:10s} {show(value)}{ratio(value, reference and reference[operation])}"
            if "MB/s" in operation:
                bandwidth = disk["disk write MB/s (dd, fsync)" if "Put" in operation else "disk read MB/s (dd, direct)"]
                line += f"  {100 * value / bandwidth:4.0f}% of the disk"
            lines.append(line)
    lines.extend(f"{label:30s} {value:10.1f}" for label, value in disk.items())
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", default="headwater,moto,s3rver", type=lambda text: text.split(","))
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--big-mib", type=int, default=256)
    parser.add_argument("--list-keys", type=int, default=10000)
    parser.add_argument("--fsync", default="full", choices=("full", "normal", "off"))
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="s3-bench-") as work:
        work_dir = Path(work)
        table = {}
        for name, commands in servers(args).items():
            table[name] = measure(name, commands, args, work_dir)
            print(name, {operation: show(value).strip() for operation, value in table[name].items()},
                  file=sys.stderr, flush=True)
        disk = disk_bandwidth(args, work_dir)
    print(report(table, disk, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
