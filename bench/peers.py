"""The DynamoDB emulators the benchmark compares headwater with, installed on first use.

Both live under ``bench/.peers/`` (git-ignored) and never become project dependencies:

- moto's server (``moto[server]`` from PyPI) in its own virtualenv ``.peers/moto-venv``,
  run as ``moto_server -H 127.0.0.1 -p PORT`` (Werkzeug's threaded server, state in memory);
- dynalite (npm) in ``.peers/node_modules``, run with the machine's node either in memory
  (its default) or on disk with ``--path DIR`` (LevelDB).

Versions are pinned so that figures from different runs compare; changing a pin reinstalls.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parent / ".peers"
MOTO_REQUIREMENT = "moto[server]==5.2.5"
DYNALITE_PACKAGE = "dynalite@4.0.0"
INSTALL_TIMEOUT = 900


def _installed(stamp: Path, spec: str) -> bool:
    return stamp.exists() and stamp.read_text().strip() == spec


def _run(command: list[str], what: str) -> None:
    print(f"installing {what} under {PEERS_DIR} (first use) ...", file=sys.stderr, flush=True)
    done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=INSTALL_TIMEOUT)
    if done.returncode != 0:
        raise RuntimeError(f"installing {what} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")


def moto_server() -> Path:
    """The ``moto_server`` executable of the peers' own virtualenv, installed if needed."""
    venv = PEERS_DIR / "moto-venv"
    stamp = venv / ".installed"
    if not _installed(stamp, MOTO_REQUIREMENT):
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)], "a virtualenv for moto")
        _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", MOTO_REQUIREMENT], MOTO_REQUIREMENT)
        stamp.write_text(MOTO_REQUIREMENT)
    return venv / "bin" / "moto_server"


def dynalite_cli() -> Path:
    """dynalite's ``cli.js`` under ``.peers/node_modules``, installed with npm if needed."""
    stamp = PEERS_DIR / ".dynalite-installed"
    if not _installed(stamp, DYNALITE_PACKAGE):
        if not shutil.which("npm") or not shutil.which("node"):
            raise RuntimeError("dynalite needs node and npm (Debian/Ubuntu: apt-get install nodejs npm)")
        PEERS_DIR.mkdir(parents=True, exist_ok=True)
        _run(["npm", "install", "--prefix", str(PEERS_DIR), "--no-audit", "--no-fund", DYNALITE_PACKAGE],
             DYNALITE_PACKAGE)
        stamp.write_text(DYNALITE_PACKAGE)
    return PEERS_DIR / "node_modules" / "dynalite" / "cli.js"


def moto_command(port: int, data_dir: Path) -> list[str]:
    del data_dir  # moto keeps everything in memory
    return [str(moto_server()), "-H", "127.0.0.1", "-p", str(port)]


def dynalite_command(port: int, data_dir: Path | None) -> list[str]:
    """dynalite in memory (``data_dir`` None) or in LevelDB under ``data_dir``; tables turn
    ACTIVE at once, as headwater's do by default."""
    command = ["node", str(dynalite_cli()), "--host", "127.0.0.1", "--port", str(port), "--createTableMs", "0"]
    return command + (["--path", str(data_dir)] if data_dir else [])
