"""AWS STS: who am I, and temporary credentials (AssumeRole, GetSessionToken).

Sessions live in sts.sqlite3 (:mod:`.sessions`); the service's start-up registers the
resolver of their ``ASIA`` keys with the endpoint's key store.
"""

from headwater.registry import Periodic, Service
from headwater.services.sts import sessions

#: The running endpoints, by their settings object (what a handler's context carries).
_running: dict[int, object] = {}


def _startup(app) -> None:
    app_sessions = sessions.Sessions(app.database("sts"), app.clock)
    _running[id(app.settings)] = (app, app_sessions)
    app.keys.add(app_sessions.resolve)


def _shutdown(app) -> None:
    _running.pop(id(app.settings), None)


def endpoint_of(settings):
    """``(app, Sessions)`` of the endpoint running with ``settings``."""
    return _running[id(settings)]


service = Service(
    "sts",
    migrations=sessions.MIGRATIONS,
    startup=_startup,
    shutdown=_shutdown,
    periodic=[Periodic("sweep-sessions", lambda settings: 3600.0,
                       lambda ctx: sessions.sweep(ctx.db, ctx.clock.time()))],
)

from headwater.services.sts import credentials, identity  # noqa: E402,F401  (registers operations)
