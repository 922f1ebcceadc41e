"""IAM policy evaluation: pure functions, no I/O.

``parse`` validates and compiles a policy document once; ``evaluate`` and
``evaluate_trust`` decide requests against compiled policies (spec: shared/specs/iam.md).
"""

from headwater.auth.policy.document import (
    KINDS,
    MalformedPolicy,
    Policy,
    Statement,
    parse,
)
from headwater.auth.policy.evaluate import evaluate, evaluate_trust
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
    PrincipalFacts,
    Request,
)

__all__ = [
    "ALLOW", "BOUNDARY", "EXPLICIT_DENY", "IDENTITY", "IMPLICIT_DENY", "KINDS", "RESOURCE",
    "SESSION", "TRUST", "Decision", "MalformedPolicy", "Match", "Policies", "Policy",
    "PrincipalFacts", "Request", "Statement", "evaluate", "evaluate_trust", "parse",
]
