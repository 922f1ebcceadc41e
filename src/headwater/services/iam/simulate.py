"""The policy simulator: SimulatePrincipalPolicy and SimulateCustomPolicy.

Both ask the policy engine the same questions enforcement asks, once per action and
resource, and answer in AWS's ``EvaluationResult`` shape: the decision, the statements
behind it (with their line/column span in the policy text) and the context keys the
policies test but the request did not supply.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace

from headwater.auth import context_keys
from headwater.auth.keys import Principal
from headwater.auth.policy import (
    ALLOW,
    BOUNDARY,
    EXPLICIT_DENY,
    MalformedPolicy,
    Policies,
    PrincipalFacts,
    Request,
    evaluate,
    parse,
)
from headwater.services.iam import common, errors, managed, service, store

DECISIONS = {ALLOW: "allowed", EXPLICIT_DENY: "explicitDeny"}


@dataclass(frozen=True)
class Source:
    """Where a policy came from, as the simulator reports it."""

    policy_id: str  # SourcePolicyId
    policy_type: str  # SourcePolicyType: user, group, role, aws-managed, user-managed, resource, none
    text: str


class Simulation:
    """The policies of one simulation, parsed once, and the sources they came from."""

    def __init__(self):
        self.sources: dict[str, Source] = {}

    def add(self, key: str, source: Source, kind: str = "identity"):
        try:
            policy = parse(source.text, kind)
        except MalformedPolicy as problem:
            raise errors.invalid_input(f"{source.policy_id}: {problem}") from None
        self.sources[key] = source
        return key, policy

    def inputs(self, texts: list[str], member: str, kind: str = "identity") -> list:
        return [self.add(f"{member}.{n}", Source(f"{member}.{n}", "none", text), kind)
                for n, text in enumerate(texts, start=1)]

    def matched(self, decision) -> list[dict]:
        found = []
        for match in decision.matched:
            source = self.sources.get(match.source)
            if source is None:
                continue
            start, end = statement_positions(source.text, match.statement_index)
            found.append({"SourcePolicyId": source.policy_id, "SourcePolicyType": source.policy_type,
                          "StartPosition": start, "EndPosition": end})
        return found


def stored_source(source_id: str, text: str) -> Source:
    """``user/alice/inline/P`` → (P, user); a managed policy ARN → (its name, aws- or user-managed)."""
    if source_id.startswith("arn:"):
        kind = "aws-managed" if managed.policy(source_id) else "user-managed"
        return Source(source_id.rsplit("/", 1)[-1], kind, text)
    holder_kind, _, rest = source_id.partition("/")
    return Source(rest.rsplit("/inline/", 1)[-1], holder_kind, text)


# --- statement positions ------------------------------------------------------------------

_DECODER = json.JSONDecoder()


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def statement_spans(text: str) -> list[tuple[int, int]]:
    """The character offsets ``(start, end)`` of each statement of a policy document."""
    at = _skip(text, 0) + 1  # past "{"
    spans: list[tuple[int, int]] = []
    while (at := _skip(text, at)) < len(text) and text[at] != "}":
        key, at = _DECODER.raw_decode(text, at)
        at = _skip(text, _skip(text, at) + 1)  # past ":"
        if key == "Statement" and text[at] == "[":
            at += 1
            while (at := _skip(text, at)) < len(text) and text[at] != "]":
                start = at
                _, at = _DECODER.raw_decode(text, at)
                spans.append((start, at))
                at = _skip(text, at)
                at += text[at] == ","
            at += 1
        else:
            start = at
            _, at = _DECODER.raw_decode(text, at)
            if key == "Statement":
                spans.append((start, at))
        at = _skip(text, at)
        at += at < len(text) and text[at] == ","
    return spans


def position(text: str, offset: int) -> dict:
    line_start = text.rfind("\n", 0, offset) + 1
    return {"Line": text.count("\n", 0, offset) + 1, "Column": offset - line_start + 1}


def statement_positions(text: str, index: int) -> tuple[dict, dict]:
    spans = statement_spans(text)
    start, end = spans[index] if index < len(spans) else (0, len(text))
    return position(text, start), position(text, end)


# --- the simulations -----------------------------------------------------------------------


def context_of(req: dict) -> dict[str, list[str]]:
    """``ContextEntries`` as the engine's context: lower-cased names, text values."""
    context = {}
    for entry in req.get("ContextEntries", []):
        values = [str(value).lower() if entry.get("ContextKeyType", "").startswith("boolean") else str(value)
                  for value in entry.get("ContextKeyValues", [])]
        context[entry["ContextKeyName"].lower()] = values
    return context


def principal_of(ctx, arn: str | None) -> tuple[Principal, dict[str, str]]:
    """The principal a simulation acts as (the caller when none is named) and its tags.

    A root caller is simulated as an ordinary principal: root needs no policy, and the
    point of simulating is to see what the policies say.
    """
    if arn is None:
        principal = ctx.principal
        if principal.is_root:
            principal = replace(principal, kind="user")
        return principal, store.principal_tags(ctx.db, principal.role_arn or principal.arn)
    entity = store.entity_by_arn(ctx.db, arn)
    if entity is None or entity["account"] != ctx.account:
        raise errors.no_such_entity(f"PolicySourceEntity {arn} does not exist.") if arn.startswith(
            "arn:aws:iam::") else errors.invalid_input(f"Invalid ARN: {arn}")
    kind = {"role": "assumed-role"}.get(entity["kind"], "user")
    principal = Principal(ctx.account, arn, entity["id"], "", kind, entity["name"],
                          role_arn=arn if kind == "assumed-role" else None)
    return principal, store.principal_tags(ctx.db, arn)


def results(ctx, req: dict, simulation: Simulation, principal: Principal, tags: dict, policies: Policies) -> dict:
    context = {**context_keys.principal_keys(principal, tags), **context_of(req)}
    resources = req.get("ResourceArns") or ["*"]
    facts = PrincipalFacts.of(principal)
    answers = []
    for action in req["ActionNames"]:
        for resource in resources:
            decision = evaluate(Request(action, resource, facts, dict(context)), policies)
            answers.append(result(simulation, action, resource, decision, policies, "ResourceArns" in req))
    return common.page(req, "EvaluationResults", answers)


def result(simulation: Simulation, action: str, resource: str, decision, policies: Policies, per_resource: bool) -> dict:
    answer = {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": DECISIONS.get(decision.effect, "implicitDeny"),
        "MatchedStatements": simulation.matched(decision),
        "MissingContextValues": list(decision.missing_context),
    }
    if policies.boundary is not None:
        answer["PermissionsBoundaryDecisionDetail"] = {
            "AllowedByPermissionsBoundary": not (decision.policy_type == BOUNDARY and not decision.allowed)}
    if per_resource:
        answer["ResourceSpecificResults"] = [{
            "EvalResourceName": resource, "EvalResourceDecision": answer["EvalDecision"],
            "MatchedStatements": answer["MatchedStatements"], "MissingContextValues": answer["MissingContextValues"],
        }]
    return answer


def resource_policy(simulation: Simulation, req: dict) -> tuple | None:
    text = req.get("ResourcePolicy")
    return simulation.add("ResourcePolicy", Source("ResourcePolicy", "resource", text), "resource") if text else None


def boundary_of(simulation: Simulation, req: dict, stored: tuple[str, str] | None) -> tuple | None:
    given = simulation.inputs(req.get("PermissionsBoundaryPolicyInputList", []),
                              "PermissionsBoundaryPolicyInputList", "boundary")
    if given:
        return given[0]
    if stored is not None:
        return simulation.add(stored[0], stored_source(*stored), "boundary")
    return None


@service.operation("SimulatePrincipalPolicy", resources=common.arn_member("PolicySourceArn"), read_only=True)
def simulate_principal_policy(ctx, req: dict) -> dict:
    source_arn = req["PolicySourceArn"]
    principal, tags = principal_of(ctx, source_arn)
    stored, stored_boundary = store.principal_policies(ctx.db, source_arn)
    simulation = Simulation()
    identity = [simulation.add(source_id, stored_source(source_id, text)) for source_id, text in stored]
    identity += simulation.inputs(req.get("PolicyInputList", []), "PolicyInputList")
    if req.get("CallerArn"):
        principal, tags = principal_of(ctx, req["CallerArn"])
    policies = Policies(identity=identity, boundary=boundary_of(simulation, req, stored_boundary),
                        resource=resource_policy(simulation, req),
                        resource_account=account_of(req.get("ResourceOwner"), ctx.account))
    return results(ctx, req, simulation, principal, tags, policies)


@service.operation("SimulateCustomPolicy", resources="*", read_only=True)
def simulate_custom_policy(ctx, req: dict) -> dict:
    simulation = Simulation()
    identity = simulation.inputs(req["PolicyInputList"], "PolicyInputList")
    principal, tags = principal_of(ctx, req.get("CallerArn"))
    policies = Policies(identity=identity, boundary=boundary_of(simulation, req, None),
                        resource=resource_policy(simulation, req),
                        resource_account=account_of(req.get("ResourceOwner"), ctx.account))
    return results(ctx, req, simulation, principal, tags, policies)


def account_of(owner: str | None, default: str) -> str:
    """``ResourceOwner`` is an account id or an account's root ARN."""
    if not owner:
        return default
    return owner.split(":")[4] if owner.startswith("arn:") else owner
