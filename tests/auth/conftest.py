from tests.auth.signing import frozen_signing  # noqa: F401  (shared fixture)
