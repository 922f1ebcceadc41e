"""Policy sets: the statements that cover an action, the keys they read, and decisions on a
context cut down to those keys that equal decisions on the whole context (every spec case)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from headwater.auth.policy import (
    TYPELESS_KEYS,
    PolicySet,
    evaluate,
    evaluate_trust,
    parse,
)
from headwater.auth.policy.sets import gather
from tests.auth.policy.fixtures import (
    Allow,
    Deny,
    document,
    policies,
    request,
    statement,
)
from tests.auth.policy.test_spec_cases import CASES, decide

MIXED = document(
    statement("Allow", "dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/${aws:username}", Sid="Own"),
    statement("Allow", ["dynamodb:Get*", "s3:GetObject"], "*",
              Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}, Sid="FromOffice"),
    statement("Deny", "dynamodb:GetItem", "*",
              Condition={"StringNotEquals": {"aws:PrincipalTag/team": "${aws:RequestTag/team}"}}, Sid="Team"),
    statement("Allow", "s3:PutObject", "*", Sid="Put"),
    statement("Allow", "*", "*", not_action=True, Condition={"Bool": {"aws:SecureTransport": "true"}}, Sid="Not"))


def sids(candidates) -> list[str]:
    return [s.sid for _, _, s in candidates.statements]


def test_candidates_are_the_statements_whose_action_covers_the_request_s():
    named = PolicySet([("mixed", parse(MIXED, "identity"))])
    assert sids(named.candidates("dynamodb:GetItem")) == ["Own", "FromOffice", "Team"]
    assert sids(named.candidates("s3:PutObject")) == ["Put"]
    assert sids(named.candidates("sqs:SendMessage")) == []


def test_keys_are_those_of_conditions_and_policy_variables():
    named = PolicySet([("mixed", parse(MIXED, "identity"))])
    assert named.candidates("dynamodb:GetItem").keys == {
        "aws:username", "aws:sourceip", "aws:principaltag/team", "aws:requesttag/team"}
    assert named.candidates("s3:PutObject").keys == frozenset()


def test_not_action_statements_are_candidates_for_every_other_action():
    named = PolicySet([("not", parse(document(statement("Allow", "iam:*", "*", not_action=True)), "identity"))])
    assert len(named.candidates("s3:GetObject").statements) == 1
    assert named.candidates("iam:CreateUser").statements == ()


def test_a_set_is_iterable_as_its_pairs_and_remembers_per_action():
    pairs = [("a", parse(Allow("s3:*", "*"), "identity")), ("b", parse(Deny("s3:*", "*"), "identity"))]
    named = PolicySet(pairs)
    assert list(named) == pairs and len(named) == 2
    assert named.candidates("s3:GetObject") is named.candidates("s3:GetObject")
    assert named.candidates("s3:GetObject") == gather(pairs, "s3:GetObject")


def indexed(case):
    """The case's decision with indexed policies, on a context holding only the keys they read."""
    in_force = policies(case.identity, None if case.trust else case.rp, case.pb, case.sp)
    in_force = replace(in_force, identity=PolicySet(in_force.identity),
                       session=PolicySet(in_force.session) if in_force.session else None)
    trust = ("trust-policy:etl", parse(case.rp, "trust")) if case.trust else None
    groups = [*in_force.identity, *(in_force.session or ()), in_force.boundary, in_force.resource, trust]
    read = gather([pair for pair in groups if pair], case.action).keys
    if case.resource == "*":
        read |= TYPELESS_KEYS
    whole = request(case.caller, case.action, case.resource, case.tags, case.keys)
    cut = replace(whole, context={key: value for key, value in whole.context.items() if key in read})
    return evaluate_trust(cut, trust, in_force) if case.trust else evaluate(cut, in_force)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_the_keys_read_decide_as_the_whole_context(case):
    whole, cut = decide(case), indexed(case)
    assert (cut.effect, cut.policy_type, cut.matched, cut.missing_context) == \
        (whole.effect, whole.policy_type, whole.matched, whole.missing_context)
