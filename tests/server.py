"""Run headwater in a background thread on a free loopback port, for black-box tests."""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import boto3
import uvicorn
from botocore.config import Config

from headwater.cli import KEEP_ALIVE_SECONDS
from headwater.config import Settings
from headwater.http.app import Headwater


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RunningServer:
    app: Headwater
    server: uvicorn.Server
    thread: threading.Thread

    @property
    def endpoint(self) -> str:
        return self.app.settings.endpoint

    def client(self, service: str, access_key: str = "test", secret_key: str = "test", **config):
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name="us-east-1",
            aws_access_key_id=access_key,
            aws_secret_access_key=secret_key,
            config=Config(retries={"max_attempts": 1}, **config),
        )

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def start_server(data_dir, clock=None, **settings) -> RunningServer:
    app = Headwater(Settings(port=free_port(), data_dir=data_dir, **settings), clock)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=app.settings.port, loop="asyncio", http="httptools",
        lifespan="on", log_level="warning", log_config=None, timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("headwater did not start")
        time.sleep(0.01)
    return RunningServer(app, server, thread)
