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
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

HERE = Path(__file__).resolve().parent
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
START_TIMEOUT = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    requests: int
    seconds: float
    cpu_seconds: float
    failures: int

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_per_request(self) -> float:
        return 1000 * self.cpu_seconds / self.requests if self.requests else float("nan")


# -- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_command(name: str, port: int, work_dir: Path, auth: str) -> list[str]:
    if name == "trivial":
        return [sys.executable, str(HERE / "trivial_app.py"), "--port", str(port)]
    data_dir = work_dir / "headwater-data"
    return [sys.executable, "-m", "headwater.cli", "serve", "--port", str(port),
            "--data-dir", str(data_dir), "--auth", auth]


class Server:
    """One server process on a free loopback port, its log kept in ``work_dir``."""

    def __init__(self, name: str, work_dir: Path, auth: str):
        self.name = name
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = work_dir / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                server_command(name, self.port, work_dir, auth), stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self._wait_until_listening()

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited during start:\n{self.log_tail()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"{self.name} did not listen within {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        return process_tree_cpu_seconds(self.process.pid)

    def log_tail(self, lines: int = 30) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def process_tree_cpu_seconds(root: int) -> float:
    """utime + stime of ``root`` and its live descendants, plus what reaped children used."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                # Fields after "(comm)": state ppid ... utime(14) stime(15) cutime(16) cstime(17).
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue  # exited meanwhile
            stats[int(entry)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    tree, frontier = set(), {root}
    while frontier:
        tree |= frontier
        frontier = {pid for pid, (ppid, _) in stats.items() if ppid in frontier} - tree
    return sum(stats[pid][1] for pid in tree if pid in stats) / CLOCK_TICKS


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


def lua_string(text: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):03d}" for c in text) + '"'


def wrk_script(request) -> str:
    """A wrk Lua script replaying ``request`` and counting answers other than 200."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
    headers = "\n".join(
        # wrk adds "Host" itself unless the script sets exactly that spelling.
        f"wrk.headers[{lua_string('Host' if name.lower() == 'host' else name)}] = "
        f"{lua_string(value if isinstance(value, str) else value.decode())}"
        for name, value in request.headers.items()
        if name.lower() != "content-length"
    )
    return f"""
wrk.method = {lua_string(request.method)}
wrk.body = {lua_string(body)}
{headers}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok, e = 0, summary.errors
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_ok") end
  io.write(string.format("RESULT %d %d %d\\n", summary.requests, summary.duration,
                         not_ok + e.connect + e.read + e.write + e.timeout))
end
"""


# -- clients -------------------------------------------------------------------------------


def run_wrk(server: Server, args, seconds: float, work_dir: Path) -> Measurement:
    request = signed_request(server.endpoint)
    script = work_dir / f"{server.name}.lua"
    script.write_text(wrk_script(request))
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{seconds:g}s",
               "--timeout", "10s", "-s", str(script), request.url]
    before = server.cpu_seconds()
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    cpu = server.cpu_seconds() - before
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{done.stdout}{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    requests, duration_us, failures = (int(n) for n in line.split()[1:])
    return Measurement(requests, duration_us / 1e6, cpu, failures)


def run_boto3(server: Server, args, seconds: float, work_dir: Path) -> Measurement:
    counts, failures, lock = [0], [0], threading.Lock()
    clients = [sts_client(server.endpoint) for _ in range(args.threads)]
    for client in clients:
        client.get_caller_identity()  # connect and load models outside the measurement
    deadline = time.monotonic() + seconds

    def call_repeatedly(client):
        done = failed = 0
        while time.monotonic() < deadline:
            try:
                ok = client.get_caller_identity()["ResponseMetadata"]["HTTPStatusCode"] == 200
            except Exception:  # any failure counts; the run goes on
                ok = False
            done, failed = done + 1, failed + (not ok)
        with lock:
            counts[0] += done
            failures[0] += failed

    threads = [threading.Thread(target=call_repeatedly, args=(client,)) for client in clients]
    before, started = server.cpu_seconds(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 60)
    elapsed, cpu = time.monotonic() - started, server.cpu_seconds() - before
    return Measurement(counts[0], elapsed, cpu, failures[0])


CLIENTS = {"wrk": run_wrk, "boto3": run_boto3}


# -- report --------------------------------------------------------------------------------


def measure(name: str, args, work_dir: Path) -> Measurement:
    server = Server(name, work_dir, args.auth)
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
        lines.append(f"{name:<10} {m.requests:>9} {m.per_second:>9.0f} {m.cpu_ms_per_request:>11.3f} {m.failures:>9}")
    if {"headwater", "trivial"} <= results.keys():
        head, base = results["headwater"], results["trivial"]
        lines.append(
            f"headwater/trivial: req/s x{head.per_second / base.per_second:.2f}, "
            f"server cpu per request x{head.cpu_ms_per_request / base.cpu_ms_per_request:.2f}"
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
    return 0 if complete and all(m.requests and not m.failures for m in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
