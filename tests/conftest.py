"""Shared fixtures: a headwater server per test session (per xdist worker)."""

import pytest


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    from tests.server import start_server

    running = start_server(tmp_path_factory.mktemp("headwater-data"))
    yield running
    running.stop()
