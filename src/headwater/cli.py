"""The ``headwater`` command: up | serve | status | reset. No service logic lives here."""

from __future__ import annotations

import json
import logging
import shutil
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import click

from headwater import __version__
from headwater.config import (
    AUTH_MODES,
    DEFAULT_ACCOUNT,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_REGION,
    FSYNC_MODES,
    IAM_MODES,
    Settings,
    default_data_dir,
)
from headwater import samples
from headwater.auth.commands import why_denied
from headwater.services.iam import commands as iam_commands
from headwater.sql.shell import sql_command

BOTO3_SNIPPET = """\
import boto3
session = boto3.Session(aws_access_key_id="test", aws_secret_access_key="test",
                        region_name="{region}")
sts = session.client("sts", endpoint_url="{endpoint}")
print(sts.get_caller_identity()["Account"])   # {account}"""


def server_options(command):
    """The options ``serve`` and ``up`` share."""
    options = [
        click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address to listen on."),
        click.option("--port", default=DEFAULT_PORT, show_default=True, type=int),
        click.option(
            "--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
            help="Where state lives (default: the per-user data directory).",
        ),
        click.option(
            "--auth", type=click.Choice(AUTH_MODES), default="verify", show_default=True,
            help="verify: check every SigV4 signature; off: accept any key as root.",
        ),
        click.option(
            "--fsync", type=click.Choice(FSYNC_MODES), default="full", show_default=True,
            help="full: every acknowledged write is on disk; normal/off trade that for speed.",
        ),
        click.option(
            "--iam", type=click.Choice(IAM_MODES), default="enforce", show_default=True,
            help="enforce: IAM policies decide every non-root request; soft: allow, but record "
                 "what would be denied; off: no policy evaluation.",
        ),
        click.option(
            "--allow-remote", is_flag=True,
            help="Permit listening on a non-loopback address (anyone who reaches it gets in).",
        ),
        click.option("--log-level", default="info", show_default=True,
                     type=click.Choice(["debug", "info", "warning", "error"])),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _settings(host, port, data_dir, auth, fsync, iam, allow_remote, **extra) -> Settings:
    settings = Settings(host=host, port=port, data_dir=data_dir or default_data_dir(), auth=auth, fsync=fsync,
                        iam=iam, **extra)
    if not settings.is_loopback:
        if not allow_remote:
            raise click.UsageError(f"--host {host} is not a loopback address; add --allow-remote to bind it")
        click.secho(
            f"WARNING: listening on {host}: anyone who can reach this address can use headwater"
            + (" with any key (--auth off)" if auth == "off" else " with the default test/test keys"),
            fg="yellow", err=True,
        )
    return settings


#: How long an idle client connection stays open (AWS endpoints keep them about a minute).
KEEP_ALIVE_SECONDS = 60


def uvicorn_config(app, settings: Settings, log_level: str = "info"):
    """How headwater runs under uvicorn (the benchmark reuses it for its baseline app)."""
    import uvicorn

    return uvicorn.Config(
        app, host=settings.host, port=settings.port, loop="uvloop", http="httptools",
        lifespan="on", access_log=log_level == "debug", log_level=log_level, log_config=None,
        # SDK clients pool connections and reuse them after idle pauses; closing them after
        # uvicorn's default 5 s races with that reuse ("connection closed before a response").
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )


#: glibc's mallopt parameters (malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _reuse_freed_buffers() -> None:
    """Have glibc's malloc keep big freed blocks for reuse instead of unmapping them: bodies
    arrive in pieces of up to 256 KiB, and mapping fresh zeroed pages for each cost more CPU
    than receiving them (a 256 MiB upload: 0.39 s of CPU down to 0.15 s). Nothing elsewhere."""
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return
    mallopt(_M_MMAP_THRESHOLD, 32 * 1024 * 1024)
    mallopt(_M_TRIM_THRESHOLD, 128 * 1024 * 1024)


def _serve(settings: Settings, log_level: str, on_ready=None) -> None:
    """Run until stopped; ``on_ready()`` runs once the endpoint accepts requests."""
    import uvicorn

    from headwater.http.app import create_app

    _reuse_freed_buffers()
    logging.basicConfig(stream=sys.stderr, level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    server = uvicorn.Server(uvicorn_config(create_app(settings), settings, log_level))
    if on_ready:
        threading.Thread(target=_when_started, args=(server, on_ready), daemon=True).start()
    server.run()
    if not server.started:
        sys.exit(1)


def _when_started(server, callback, poll_seconds: float = 0.1) -> None:
    while not server.started:
        if server.should_exit:
            return
        time.sleep(poll_seconds)
    callback()


@click.group()
@click.version_option(__version__, prog_name="headwater")
def main():
    """headwater: AWS-compatible data-engineering source systems on one machine."""


@main.command()
@server_options
def serve(log_level, **options):
    """Run the endpoint in the foreground."""
    _serve(_settings(**options), log_level)


@main.command()
@server_options
def up(log_level, **options):
    """Serve with the sample data, and print everything a newcomer needs to connect."""
    settings = _settings(**options, samples=True)
    click.echo(welcome(settings), err=True)
    _serve(settings, log_level, on_ready=lambda: click.echo(samples.connection_help(settings) + "\n", err=True))


def welcome(settings: Settings) -> str:
    snippet = BOTO3_SNIPPET.format(region=DEFAULT_REGION, endpoint=settings.endpoint, account=DEFAULT_ACCOUNT)
    return "\n".join([
        f"headwater {__version__}",
        f"  endpoint     {settings.endpoint}   (every AWS service)",
        "  credentials  access key test, secret key test, any region (default us-east-1)",
        f"  data         {settings.data_dir}",
        f"  auth         {settings.auth}",
        "",
        "Connect with boto3:",
        "",
        snippet,
        "",
        "Or point code written for AWS at headwater unchanged (boto3 >= 1.28, AWS CLI):",
        "",
        f"export AWS_ENDPOINT_URL={settings.endpoint} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test"
        f" AWS_DEFAULT_REGION={DEFAULT_REGION}",
        "",
        "Stop with Ctrl-C.",
        "",
    ])


@main.command()
@click.option("--endpoint", default=f"http://{DEFAULT_HOST}:{DEFAULT_PORT}", show_default=True)
def status(endpoint):
    """Show whether headwater is running and the state of each service."""
    try:
        with urllib.request.urlopen(f"{endpoint}/_headwater/health", timeout=3) as answer:
            health = json.load(answer)
    except (urllib.error.URLError, OSError) as exc:
        click.echo(f"headwater is not running at {endpoint} ({getattr(exc, 'reason', exc)})")
        sys.exit(1)
    click.echo(f"headwater {health['version']} running at {endpoint}")
    for name, state in health["services"].items():
        click.echo(f"  {name:<16} {state['state']:<16} {state['operations']}/{state['modelOperations']} operations")


@main.command()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def reset(data_dir, yes):
    """Delete every piece of state (stop headwater first)."""
    target = data_dir or default_data_dir()
    if not target.exists():
        click.echo(f"nothing to reset: {target} does not exist")
        return
    if not yes:
        click.confirm(f"Delete everything under {target}?", abort=True)
    shutil.rmtree(target)
    click.echo(f"deleted {target}")


main.add_command(iam_commands.iam)
main.add_command(sql_command)
main.add_command(why_denied)


if __name__ == "__main__":
    main()
