"""``headwater iam``: manage IAM state from the command line (``load FILE``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import click

from headwater.config import Settings, default_data_dir
from headwater.storage.sqlite import Stores


@click.group()
def iam():
    """IAM users, keys and accounts."""


@iam.command("load")
@click.argument("file", type=click.File("r"))
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="The data directory to load into (default: the per-user data directory).")
def load(file, data_dir):
    """Create users with fixed access keys and policies, and extra accounts, from FILE.

    Works whether headwater is running or not: the keys are usable at once.
    """
    from headwater.services.iam import loader
    from headwater.services.iam.store import MIGRATIONS

    try:
        spec = json.load(file)
    except ValueError as problem:
        raise click.ClickException(f"{file.name} is not JSON: {problem}") from None
    settings = Settings(data_dir=data_dir or default_data_dir())
    stores = Stores(settings.data_dir, settings.fsync)
    try:
        with stores.database("iam", MIGRATIONS).transaction(write=True) as conn:
            counts = loader.load(conn, spec, time.time())
    except loader.LoadError as problem:
        raise click.ClickException(f"{file.name}: {problem}") from None
    finally:
        stores.close_all()
    click.echo(f"loaded {counts['accounts']} account(s), {counts['users']} user(s), "
               f"{counts['access_keys']} access key(s) into {settings.data_dir}")
