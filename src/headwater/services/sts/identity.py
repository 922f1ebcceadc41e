"""sts:GetCallerIdentity."""

from headwater.services.sts import service


# AWS answers GetCallerIdentity whatever the policies say, even under an explicit deny.
@service.operation("GetCallerIdentity", resources="*", read_only=True, needs_permission=False)
def get_caller_identity(ctx, req: dict) -> dict:
    principal = ctx.principal
    return {"UserId": principal.user_id, "Account": principal.account, "Arn": principal.arn}
