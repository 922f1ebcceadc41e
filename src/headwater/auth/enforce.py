"""Authorization: may this principal perform this operation on these resources?

Root may do anything, as on AWS. IAM policy evaluation for other principals (users,
assumed roles, anonymous S3 callers) arrives with the IAM service; until then they are
denied, with AWS's denial error for the service's protocol.
"""

from __future__ import annotations

from headwater.errors import ServiceError


def authorize(ctx, operation, params: dict) -> None:
    if ctx.principal.is_root or not operation.needs_permission:
        return
    resources = operation.resources(ctx, params)
    raise access_denied(ctx.service, ctx.principal.arn, operation.action, resources[0])


def access_denied(service: str, principal_arn: str, action: str, resource: str) -> ServiceError:
    """AWS's implicit-deny error, shaped for the service's protocol."""
    if service == "s3":
        return ServiceError("AccessDenied", "Access Denied", 403)
    if service == "ec2":
        return ServiceError("UnauthorizedOperation", "You are not authorized to perform this operation.", 403)
    message = (
        f"User: {principal_arn} is not authorized to perform: {action} on resource: {resource} "
        f"because no identity-based policy allows the {action} action"
    )
    if service in ("iam", "sts", "rds", "sqs"):
        return ServiceError("AccessDenied", message, 403)
    return ServiceError("AccessDeniedException", message, 400)
