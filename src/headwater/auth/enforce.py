"""Authorization: may this principal perform this operation on these resources?

Root may do anything, as on AWS. IAM policy evaluation for other principals (users,
assumed roles, anonymous S3 callers) arrives with the IAM service; until then they are
denied, with AWS's denial error for the service's protocol.
"""

from __future__ import annotations

from headwater.auth import errors


class Authorizer:
    """Decides every request of one running endpoint (``app``: its databases, keys, settings)."""

    def __init__(self, app):
        self.app = app

    def authorize(self, ctx, operation, params: dict) -> None:
        if ctx.principal.is_root or not operation.needs_permission:
            return
        resources = operation.resources(ctx, params)
        raise errors.access_denied(ctx.service, ctx.principal.arn, operation.action, resources[0])
