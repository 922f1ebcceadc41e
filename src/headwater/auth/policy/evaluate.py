"""The evaluation algorithm of spec §4: explicit deny, identity and resource policies,
permissions boundaries, session policies, trust policies, same- and cross-account.

:func:`evaluate` answers an ordinary request; :func:`evaluate_trust` an ``sts:AssumeRole``
(the role's trust policy plays the resource policy and must allow the caller).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from headwater.auth.policy import explain
from headwater.auth.policy.matching import DIRECT, FEDERATING_USER, ROLE
from headwater.auth.policy.model import (
    ALLOW,
    BOUNDARY,
    EXPLICIT_DENY,
    IDENTITY,
    IMPLICIT_DENY,
    RESOURCE,
    SESSION,
    TRUST,
    Decision,
    Match,
    Policies,
    Request,
)
from headwater.auth.policy.sets import candidates


@dataclass(slots=True)
class Hit:
    """A statement whose action, resource and principal match the request."""

    source: str
    statement: object  # document.Statement
    how: str | None = None  # how a resource/trust policy named the caller

    def match(self) -> Match:
        s = self.statement
        return Match(self.source, s.index, s.sid, s.effect)


@dataclass
class Scan:
    """What one group of policies (identity, resource, boundary or session) says."""

    allows: list[Hit] = field(default_factory=list)
    denies: list[Hit] = field(default_factory=list)
    unmet: list[Hit] = field(default_factory=list)  # matched, but a condition failed


#: What an empty group of policies says (shared: never changed).
_NOTHING = Scan()


def evaluate(request: Request, policies: Policies) -> Decision:
    """Decide ``request`` against the ``policies`` in force (spec §4.2)."""
    if request.action.lower() == "sts:getcalleridentity":
        return Decision(ALLOW, reason="sts:GetCallerIdentity is always allowed")
    return _decide(request, policies, RESOURCE)


def evaluate_trust(request: Request, trust: tuple, policies: Policies) -> Decision:
    """Decide an ``sts:AssumeRole*`` request: ``trust`` is the role's (source, trust policy),
    ``policies`` the caller's own (identity, boundary, session) policies (spec §4.4)."""
    return _decide(request, replace(policies, resource=trust), TRUST)


def _decide(request: Request, policies: Policies, resource_type: str) -> Decision:
    missing: set[str] = set()
    has_boundary = policies.boundary is not None
    groups = {
        IDENTITY: policies.identity or (),
        resource_type: (policies.resource,) if policies.resource else (),
        BOUNDARY: (policies.boundary,) if has_boundary else (),
        SESSION: policies.session or (),
    }
    scans = {kind: scan(named, request, missing, has_boundary) for kind, named in groups.items()}
    decide = _Decider(request, policies, scans, resource_type, sorted(missing))
    return decide()


class _Decider:
    """Steps 4–11 of spec §4.2 over the scans of one request."""

    def __init__(self, request, policies, scans, resource_type, missing):
        self.request, self.policies, self.scans = request, policies, scans
        self.resource_type, self.missing = resource_type, missing
        caller = request.principal
        self.cross_account = (caller.kind != "anonymous" and policies.resource_account is not None
                              and policies.resource_account != caller.account)

    def __call__(self) -> Decision:
        for kind, found in self.scans.items():
            if found.denies:
                return self._result(EXPLICIT_DENY, found.denies, kind,
                                    explain.explicit_deny(found.denies))
        granted = self.scans[self.resource_type].allows
        if self.request.principal.kind == "root":
            return self._root(granted)
        direct = [hit for hit in granted if hit.how == DIRECT]
        if direct and not self.cross_account:
            return self._result(ALLOW, direct, None, explain.allowed(direct))
        if not granted and (self.cross_account or self.resource_type == TRUST):
            return self._implicit(self.resource_type)
        return self._identity_side(granted)

    def _root(self, granted: list[Hit]) -> Decision:
        if granted or not (self.cross_account or self.resource_type == TRUST):
            return self._result(ALLOW, granted, None, explain.root(self.request))
        return self._implicit(self.resource_type)

    def _identity_side(self, granted: list[Hit]) -> Decision:
        identity = self.scans[IDENTITY].allows
        limited = [] if self.cross_account else [
            hit for hit in granted if hit.how in (ROLE, FEDERATING_USER)]
        if not identity and not limited:
            return self._implicit(IDENTITY)
        if self.policies.boundary is not None and not self.scans[BOUNDARY].allows:
            return self._implicit(BOUNDARY)
        session = self.policies.session
        if session and not self.scans[SESSION].allows:
            return self._implicit(SESSION)
        if not session and self.request.principal.kind == "federated":
            return self._implicit(SESSION)
        matched = identity + granted
        return self._result(ALLOW, matched, None, explain.allowed(matched))

    def _implicit(self, kind: str) -> Decision:
        reason = explain.implicit_deny(kind, self.request, self.policies, self.scans,
                                       self.resource_type)
        return self._result(IMPLICIT_DENY, [], kind, reason)

    def _result(self, effect, hits, kind, reason) -> Decision:
        return Decision(effect, [hit.match() for hit in hits], self.missing, reason, kind)


# -- statement matching ---------------------------------------------------------------------

def scan(named, request: Request, missing: set[str], has_boundary: bool) -> Scan:
    """Sort the statements of ``named`` (a PolicySet or (source, Policy) pairs) that apply to
    ``request``: only those whose action covers the request's are looked at."""
    if not named:
        return _NOTHING
    found = Scan()
    for source, names_principals, statement in candidates(named, request.action).statements:
        how = _applies(statement, request, missing, has_boundary, names_principals)
        if how is False:
            continue
        if _conditions_hold(statement.conditions, request.context, missing):
            (found.allows if statement.effect == "Allow" else found.denies).append(
                Hit(source, statement, how))
        else:
            found.unmet.append(Hit(source, statement, how))
    return found


def _conditions_hold(conditions, context, missing: set[str]) -> bool:
    """Every condition holds (all are looked at, so every missing key gets reported)."""
    holds = True
    for condition in conditions:
        holds = condition.holds(context, missing) and holds
    return holds


def _applies(statement, request, missing, has_boundary, names_principals):
    """False if the statement (whose action matches) does not concern the request, else how
    it named the caller."""
    resources = statement.resources
    if resources is not None and not resources.matches(request.resource, request.action,
                                                       request.context, missing):
        return False
    if not names_principals:
        return None
    principals = statement.principals
    if principals is None:
        return False  # a resource-policy statement without a principal never matches
    how = principals.classify(request.principal)
    if not principals.negated:
        return how if how is not None else False
    if statement.effect == "Deny" and has_boundary:
        return DIRECT  # NotPrincipal + Deny always denies a principal with a boundary
    return DIRECT if how is None else False
