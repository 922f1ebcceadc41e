"""A MySQL-protocol endpoint alone in a process, for crash tests: ``python -m
tests.sql.mysql.crash_endpoint DATA_DIR PORT`` serves until killed."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from headwater.sql.mysql import MysqlEndpoint
from tests.sql.mysql.conftest import spec_for

if __name__ == "__main__":
    endpoint = MysqlEndpoint(spec_for(Path(sys.argv[1]), int(sys.argv[2])))
    endpoint.start()
    threading.Event().wait()
