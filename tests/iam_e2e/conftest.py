"""One headwater per test module, its clock frozen at the present, with boto3 signing at
that clock's time (so that moving it ages credentials without skewing signatures)."""

from datetime import timezone

import pytest

from headwater.storage.clock import FrozenClock
from tests.iam_e2e.helpers import Principals
from tests.server import start_server

#: The apparent public address of the test client (aws:SourceIp).
SOURCE_IP = "203.0.113.7"


@pytest.fixture(scope="module")
def clock():
    return FrozenClock()


@pytest.fixture(scope="module")
def hw(tmp_path_factory, clock):
    running = start_server(tmp_path_factory.mktemp("iam-e2e"), clock=clock, source_ip=SOURCE_IP)
    yield running
    running.stop()


@pytest.fixture(autouse=True)
def signing_follows_clock(monkeypatch, clock):
    def now(remove_tzinfo=True):
        current = clock.now()
        return current.replace(tzinfo=None) if remove_tzinfo else current.astimezone(timezone.utc)

    monkeypatch.setattr("botocore.auth.get_current_datetime", now)
    monkeypatch.setattr("botocore.crt.auth.get_current_datetime", now)


@pytest.fixture(scope="module")
def principals(hw):
    return Principals(hw)
