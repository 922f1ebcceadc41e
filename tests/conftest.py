"""Shared fixtures: a headwater server per test session (per xdist worker).

``--endpoint-url URL`` points the black-box service tests at another endpoint (for
example real AWS, with real credentials in the environment) instead of a headwater
started by the tests.
"""

import pytest


def pytest_addoption(parser):
    parser.addoption("--endpoint-url", default=None,
                     help="run black-box service tests against this endpoint instead of a local headwater")


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    from tests.server import start_server

    running = start_server(tmp_path_factory.mktemp("headwater-data"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def aws(request, server):
    """A factory of boto3 clients for the endpoint under test: ``aws("dynamodb")``."""
    endpoint = request.config.getoption("--endpoint-url")
    if endpoint is None:
        return server.client
    import boto3

    return lambda service, **config: boto3.client(service, endpoint_url=endpoint)


@pytest.fixture
def local(request, server):
    """The headwater the tests started (for tests that look inside it); skipped against another endpoint."""
    if request.config.getoption("--endpoint-url"):
        pytest.skip("needs the headwater started by the tests")
    return server


@pytest.fixture
def headwater_process(tmp_path):
    """A ``headwater serve`` of the test's own on ``tmp_path``, to SIGKILL (tests.crashing); killed after the test."""
    from tests.crashing import HeadwaterProcess

    with HeadwaterProcess(tmp_path) as process:
        yield process
