"""The engine's vocabulary: who asks (PrincipalFacts), what for (Request), which policies are
in force (Policies) and what the engine answers (Decision, Match)."""

from __future__ import annotations

from dataclasses import dataclass, field

ALLOW = "Allow"
EXPLICIT_DENY = "ExplicitDeny"
IMPLICIT_DENY = "ImplicitDeny"

#: The ``<type>`` words of AWS's access-denied messages ("… in a(n) <type> policy").
IDENTITY = "identity-based"
RESOURCE = "resource-based"
BOUNDARY = "permissions boundary"
SESSION = "session"
TRUST = "role trust"


@dataclass(frozen=True)
class PrincipalFacts:
    """The caller as policies see it.

    ``kind`` is "user", "assumed-role", "root", "anonymous" or "federated";
    ``role_arn`` is the role's ARN for an assumed-role session; ``federated_by`` is the
    ARN of the IAM user that created a federated-user session.
    """

    arn: str
    account: str
    kind: str
    user_id: str
    name: str
    role_arn: str | None = None
    federated_by: str | None = None

    @classmethod
    def of(cls, principal) -> "PrincipalFacts":
        """The facts of an authenticated :class:`~headwater.auth.keys.Principal`."""
        return cls(principal.arn, principal.account, principal.kind, principal.user_id, principal.name,
                   principal.role_arn)


@dataclass
class Request:
    """One authorization question; ``context`` keys are lower-cased condition key names."""

    action: str
    resource: str
    principal: PrincipalFacts
    context: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Policies:
    """The policies in force for one request, each paired with a source id shown to users."""

    identity: list = field(default_factory=list)  # list[tuple[str, Policy]] or a PolicySet
    boundary: tuple | None = None  # tuple[str, Policy] | None
    session: list | None = None  # list[tuple[str, Policy]] or a PolicySet, | None
    resource: tuple | None = None  # tuple[str, Policy] | None
    resource_account: str | None = None


@dataclass(frozen=True)
class Match:
    """A statement that decided (or took part in) a decision."""

    source: str
    statement_index: int
    sid: str | None
    effect: str


@dataclass
class Decision:
    """The answer: ``effect``, the statements behind it and a plain-language ``reason``.

    ``policy_type`` names the kind of policy behind a denial as AWS's messages do
    ("identity-based", "resource-based", "permissions boundary", "session", "role trust").
    """

    effect: str
    matched: list[Match] = field(default_factory=list)
    missing_context: list[str] = field(default_factory=list)
    reason: str = ""
    policy_type: str | None = None

    @property
    def allowed(self) -> bool:
        return self.effect == ALLOW
