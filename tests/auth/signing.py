"""Requests signed by botocore (its signers and real boto3 clients), as headwater receives them."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timezone
from urllib.parse import urlsplit

import boto3
import pytest
from botocore.config import Config

from headwater.auth import keys
from headwater.http.message import HttpRequest
from headwater.storage.clock import FrozenClock
from tests.protocol.wire import http_request  # noqa: F401  (re-exported for the auth tests)

ENDPOINT = "http://127.0.0.1:4566"
#: When every request in these tests is signed (botocore's clock is frozen there).
SIGNED_AT = datetime(2026, 3, 14, 15, 9, 26, tzinfo=timezone.utc)


@pytest.fixture
def frozen_signing(monkeypatch):
    """Make botocore sign at SIGNED_AT (its own signers and, awscrt being installed, the
    CRT signers boto3 clients use); the returned clock starts there too."""

    def signed_at(remove_tzinfo=True):
        return SIGNED_AT.replace(tzinfo=None) if remove_tzinfo else SIGNED_AT

    monkeypatch.setattr("botocore.auth.get_current_datetime", signed_at)
    monkeypatch.setattr("botocore.crt.auth.get_current_datetime", signed_at)
    return FrozenClock(SIGNED_AT)


def url_request(url: str, method: str = "GET") -> HttpRequest:
    """A presigned URL as a client (curl, a browser) sends it."""
    parts = urlsplit(url)
    return HttpRequest(method, parts.path, parts.query, {"host": parts.netloc})


#: SigV4 for everything (botocore still presigns S3 URLs with SigV2 unless told).
_SIGV4 = defaultdict(lambda: None, s3="s3v4")


class _Captured(Exception):
    def __init__(self, request):
        self.request = request


def client(service: str, key: str = "test", secret: str = "test", token: str | None = None,
           region: str = "us-east-1", endpoint_url: str = ENDPOINT):
    return boto3.client(service, endpoint_url=endpoint_url, region_name=region, aws_access_key_id=key,
                        aws_secret_access_key=secret, aws_session_token=token,
                        config=Config(retries={"total_max_attempts": 1}, signature_version=_SIGV4[service]))


def capture(service: str, operation: str, params: dict | None = None, **client_args) -> HttpRequest:
    """The request a boto3 client sends for ``operation`` (never sent: a ``before-send``
    handler takes it)."""
    boto_client = client(service, **client_args)

    def take(request, **_):
        raise _Captured(request)

    boto_client.meta.events.register("before-send", take)
    try:
        getattr(boto_client, operation)(**(params or {}))
    except _Captured as captured:
        return http_request(captured.request)
    raise AssertionError("the request was not captured")


def sessions(valid_token: str, expired_token: str, principal: keys.Principal):
    """A resolver of one temporary key, as the STS service will register one."""

    def resolve(access_key, session_token):
        if access_key != principal.access_key:
            return None
        if session_token == expired_token:
            raise keys.ExpiredSessionToken(access_key)
        if session_token != valid_token:
            raise keys.InvalidSessionToken(access_key)
        return "temporary-secret", principal

    return resolve
