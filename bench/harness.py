"""What the benchmarks share: servers on free loopback ports, their CPU time, and wrk replays.

A ``Server`` runs one command on a free 127.0.0.1 port and reads the CPU time of its process
tree from ``/proc``; ``replay_with_wrk`` replays one prepared HTTP request (typically a
SigV4-signed botocore request) for a fixed time and counts every answer that is not a 200
(or whose body does not match a Lua pattern) as a failure. Only loopback traffic; every wait
is bounded.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Self

CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}
START_TIMEOUT = 60.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Measurement:
    """``count`` operations done in ``seconds``, costing the server ``cpu_seconds``."""

    count: int
    seconds: float
    cpu_seconds: float
    failures: int

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def cpu_ms_each(self) -> float:
        return 1000 * self.cpu_seconds / self.count if self.count else float("nan")


# -- servers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """``command(port)`` run on a free loopback port, its output kept in ``work_dir/<name>.log``."""

    def __init__(self, name: str, command: Callable[[int], list[str]], work_dir: Path):
        self.name = name
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = work_dir / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command(self.port), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
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

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


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


# -- wrk -----------------------------------------------------------------------------------


def lua_string(text: str) -> str:
    return '"' + "".join(c if c.isprintable() and c not in '"\\' else f"\\{ord(c):03d}" for c in text) + '"'


def wrk_script(request, body_pattern: str | None = None) -> str:
    """A wrk Lua script replaying ``request``, counting answers other than 200 (or whose body
    does not match the Lua pattern ``body_pattern``)."""
    body = request.body.decode() if isinstance(request.body, bytes) else request.body or ""
    headers = "\n".join(
        # wrk adds "Host" itself unless the script sets exactly that spelling.
        f"wrk.headers[{lua_string('Host' if name.lower() == 'host' else name)}] = "
        f"{lua_string(value if isinstance(value, str) else value.decode())}"
        for name, value in request.headers.items()
        if name.lower() != "content-length"
    )
    body_check = f" or not string.find(body, {lua_string(body_pattern)})" if body_pattern else ""
    return f"""
wrk.method = {lua_string(request.method)}
wrk.body = {lua_string(body)}
{headers}
local threads = {{}}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200{body_check} then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local not_ok, e = 0, summary.errors
  for _, thread in ipairs(threads) do not_ok = not_ok + thread:get("not_ok") end
  io.write(string.format("RESULT %d %d %d\\n", summary.requests, summary.duration,
                         not_ok + e.connect + e.read + e.write + e.timeout))
end
"""


def replay_with_wrk(server: Server, request, *, seconds: float, threads: int, connections: int,
                    script: Path, body_pattern: str | None = None) -> Measurement:
    """Replay ``request`` against ``server`` with wrk for ``seconds``; the server's CPU meanwhile."""
    script.write_text(wrk_script(request, body_pattern))
    command = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds:g}s",
               "--timeout", "10s", "-s", str(script), request.url]
    before = server.cpu_seconds()
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 60)
    cpu = server.cpu_seconds() - before
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed:\n{done.stdout}{done.stderr}")
    line = next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))
    requests, duration_us, failures = (int(n) for n in line.split()[1:])
    return Measurement(requests, duration_us / 1e6, cpu, failures)


def run_in_threads(server: "Server", clients: list, call, seconds: float, join_grace: float = 60) -> "Measurement":
    """``call(client) -> bool`` repeated from one thread per client for ``seconds``.

    Each call that returns False or raises counts as a failure; the run goes on.
    """
    counts, failures, lock = [0], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def repeat(client):
        done = failed = 0
        while time.monotonic() < deadline:
            try:
                ok = call(client)
            except Exception:  # any failure counts; the run goes on
                ok = False
            done, failed = done + 1, failed + (not ok)
        with lock:
            counts[0] += done
            failures[0] += failed

    threads = [threading.Thread(target=repeat, args=(client,)) for client in clients]
    before, started = server.cpu_seconds(), time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + join_grace)
    return Measurement(counts[0], time.monotonic() - started, server.cpu_seconds() - before, failures[0])
