"""``headwater why-denied``: the last access denials, in plain language."""

from __future__ import annotations

from pathlib import Path

import click

from headwater.auth import denials
from headwater.config import default_data_dir


@click.command("why-denied")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="headwater's data directory (default: $HEADWATER_DATA_DIR or the per-user data directory)")
@click.option("--last", "count", type=click.IntRange(1, denials.KEEP), default=10, show_default=True,
              help="how many of the most recent denials to show")
def why_denied(data_dir: Path | None, count: int) -> None:
    """Show the most recent requests IAM denied (or, in soft mode, would have denied), and why."""
    data_dir = data_dir or default_data_dir()
    if not (data_dir / f"{denials.DATABASE}.sqlite3").exists():
        click.echo("No request has been denied yet.")
        return
    database = denials.open_database(data_dir)
    try:
        with database.transaction(write=False) as conn:
            found = denials.recent(conn, count)
    finally:
        database.close()
    if not found:
        click.echo("No request has been denied yet.")
        return
    click.echo("\n\n".join(denials.describe(denial) for denial in found))
