"""Plain-language reasons for decisions, as ``headwater why-denied`` shows them."""

from __future__ import annotations

from headwater.auth.policy.model import BOUNDARY, IDENTITY, SESSION, TRUST


def statement_name(hit) -> str:
    s = hit.statement
    label = f"statement '{s.sid}'" if s.sid else f"statement {s.index + 1}"
    return f"{label} of policy {hit.source}"


def _names(hits) -> str:
    names = [statement_name(hit) for hit in hits[:3]]
    more = f" (and {len(hits) - 3} more)" if len(hits) > 3 else ""
    return " and ".join(names) + more


def allowed(hits) -> str:
    return f"allowed by {_names(hits)}"


def root(request) -> str:
    return f"allowed: {request.principal.arn} is the account root user, which has full access"


def explicit_deny(hits) -> str:
    return f"explicitly denied by {_names(hits)}"


def implicit_deny(kind, request, policies, scans, resource_type) -> str:
    wanted = f"{request.action} on {request.resource}"
    if kind == BOUNDARY:
        return (f"the permissions boundary {policies.boundary[0]} does not allow {wanted}"
                + _unmet(scans[BOUNDARY].unmet))
    if kind == SESSION:
        if not policies.session:
            return (f"{request.principal.arn} is a federated session created without a session "
                    f"policy, so its identity-based policies grant it nothing ({wanted})")
        return f"no session policy allows {wanted}" + _unmet(scans[SESSION].unmet)
    if kind == TRUST:
        return (f"the trust policy of {request.resource} does not allow "
                f"{request.principal.arn} to perform {request.action}"
                + _unmet(scans[TRUST].unmet))
    if kind != IDENTITY:  # a cross-account resource policy that does not grant
        return (f"{request.principal.arn} is in another account than {request.resource}, whose "
                f"resource-based policy does not allow {request.action}"
                + _unmet(scans[kind].unmet))
    return f"no statement allows {wanted}" + _identity_detail(request, policies, scans,
                                                            resource_type)


def _identity_detail(request, policies, scans, resource_type) -> str:
    details = []
    if not policies.identity:
        details.append(f"{request.principal.arn} has no identity-based policies")
    else:
        details += _other_actions(request, policies.identity)
    unmet = _unmet(scans[IDENTITY].unmet)
    if unmet:
        details.append(unmet[2:])
    if any(hit.how == "account" for hit in scans[resource_type].allows):
        details.append("the resource-based policy names only the account, which also needs "
                       "an identity-based allow")
    return "".join(f"; {d}" for d in details)


def _other_actions(request, named) -> list[str]:
    """What the Allow statements that cover this resource do allow (if not this action)."""
    sentences = []
    for source, policy in named:
        granted = []
        for statement in policy.statements:
            if (statement.effect != "Allow" or statement.resources is None
                    or statement.actions.matches(request.action)):
                continue  # statements that cover the action are reported with their conditions
            if statement.resources.matches(request.resource, request.action, request.context, set()):
                granted += _actions_text(statement.actions)
        if granted:
            sentences.append(f"policy {source} allows only {', '.join(granted)} there")
    return sentences


def _actions_text(actions) -> list[str]:
    if actions.negated:
        return [f"every action except {', '.join(actions.values)}"]
    return list(actions.values)


def _unmet(hits) -> str:
    if not hits:
        return ""
    conditions = "; ".join(
        f"{statement_name(hit)} has conditions that are not met "
        f"({', '.join(c.describe() for c in hit.statement.conditions)})" for hit in hits[:3])
    return f"; {conditions}"
