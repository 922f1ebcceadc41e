"""IAM policy evaluation: pure functions, no I/O.

``parse`` validates and compiles a policy document once; ``PolicySet`` indexes a caller's
policies by action; ``evaluate`` and ``evaluate_trust`` decide requests against compiled
policies (spec: shared/specs/iam.md).
"""

from headwater.auth.policy.document import (
    KINDS,
    MalformedPolicy,
    Policy,
    Statement,
    parse,
)
from headwater.auth.policy.evaluate import evaluate, evaluate_trust
from headwater.auth.policy.matching import TYPELESS_KEYS
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
from headwater.auth.policy.sets import Candidates, PolicySet

__all__ = [
    "ALLOW", "BOUNDARY", "EXPLICIT_DENY", "IDENTITY", "IMPLICIT_DENY", "KINDS", "RESOURCE",
    "SESSION", "TRUST", "TYPELESS_KEYS", "Candidates", "Decision", "MalformedPolicy",
    "Match", "Policies", "Policy", "PolicySet", "PrincipalFacts", "Request", "Statement",
    "evaluate", "evaluate_trust", "parse",
]
