"""Evaluation beyond the spec table: matching details, principals, cross-account access,
federated and anonymous callers, trust policies, and the reasons shown to users."""

from __future__ import annotations

import pytest

from headwater.auth.policy import (
    ALLOW,
    EXPLICIT_DENY,
    IDENTITY,
    IMPLICIT_DENY,
    RESOURCE,
    SESSION,
    TRUST,
    Match,
    evaluate,
    evaluate_trust,
    parse,
)
from tests.auth.policy.fixtures import (
    ACCT,
    ALLOW_ALL,
    ANONYMOUS,
    OTHER,
    Allow,
    B,
    Deny,
    R,
    S,
    T,
    U,
    bucket_policy,
    document,
    federated,
    policies,
    request,
    resource_statement,
    root,
    session,
    statement,
    trust,
    user,
)

alice, etl = user("alice"), session("etl")


def decide(caller, action, resource, **in_force):
    keys = in_force.pop("keys", None)
    return evaluate(request(caller, action, resource, keys=keys), policies(**in_force))


BUCKET_AND_OBJECTS = (B("b"), B("b/*"))


def rp(effect, principal, action="s3:*", resource=BUCKET_AND_OBJECTS, **kw):
    return bucket_policy(resource_statement(effect, principal, action, list(resource), **kw))


# -- matching ----------------------------------------------------------------------------------

@pytest.mark.parametrize("pattern, resource, expected", [
    ("arn:aws:logs:*:*:*", f"arn:aws:logs:us-east-1:{ACCT}:log-group:g:log-stream:s", True),
    ("arn:aws:s3:::*log*", "arn:aws:s3:::bucket/catalog.txt", True),
    ("arn:aws:dynamodb:*:*:table/*", T("Thread"), True),
    ("arn:aws:dynamodb:us-*:*:table/*", T("Thread"), True),
    ("arn:aws:dynamodb:*:*:table/T*", T("Thread") + "/index/x", True),
    ("arn:aws:dynamodb:*west*:*:table/*", T("Thread"), False),
    ("arn:aws:dynamodb:us-east-1:?????????????:table/Thread", T("Thread"), False),
    ("arn:aws:dynamodb:us-east-1:????????????:table/Thread", T("Thread"), True),
    ("arn:aws:s3", "arn:aws:s3:::b/k", True),  # a short ARN stands for arn:aws:s3:*:*:*
    ("arn:aws:s3:::b/${*}", "arn:aws:s3:::b/*", True),
])
def test_resource_patterns(pattern, resource, expected):
    decision = decide(alice, "s3:GetObject", resource, identity=[Allow("*", pattern)])
    assert decision.allowed is expected


@pytest.mark.parametrize("pattern, action, expected", [
    ("s3:*Object", "s3:GetObject", True),
    ("s3:*Object", "s3:GetObjectAcl", False),
    ("iam:*AccessKey*", "iam:ListAccessKeys", True),
    ("s3:Get?bject", "s3:GetObject", True),
    ("*", "kinesis:PutRecord", True),
    ("dynamodb:*", "DynamoDB:getitem", True),
    ("s3:Get*", "s3x:GetObject", False),
])
def test_action_patterns(pattern, action, expected):
    assert decide(alice, action, "*", identity=[Allow(pattern, "*")]).allowed is expected


@pytest.mark.parametrize("resource_pattern, expected", [
    ("*", True), ("arn:aws:s3:::*", True), ("arn:aws:s3:*:*:*", True),
    ("arn:aws:s3:::carlossalazar", False), ("arn:aws:s3:::*log*", False), ("arn:aws:sqs:*:*:*", False),
])
def test_actions_without_a_resource_type(resource_pattern, expected):
    decision = decide(alice, "s3:ListAllMyBuckets", "*",
                      identity=[Allow("s3:ListAllMyBuckets", resource_pattern)])
    assert decision.allowed is expected


def test_variable_in_resource_for_the_session_name():
    policy = Allow("s3:*", "arn:aws:s3:::home/${aws:userid}/*")
    keys = {"aws:userid": etl.user_id}
    assert decide(etl, "s3:GetObject", B(f"home/{etl.user_id}/x"), identity=[policy], keys=keys).allowed
    assert not decide(etl, "s3:GetObject", B("home/other/x"), identity=[policy], keys=keys).allowed


# -- principals ------------------------------------------------------------------------------

def test_principal_unique_ids_match_like_arns():
    by_user_id = rp("Allow", {"AWS": alice.user_id}, "s3:GetObject")
    assert decide(alice, "s3:GetObject", B("b/k"), rp=by_user_id).allowed
    role_id = etl.user_id.split(":")[0]
    by_role_id = rp("Allow", {"AWS": role_id}, "s3:GetObject")
    assert decide(etl, "s3:GetObject", B("b/k"), rp=by_role_id).allowed


def test_a_session_arn_matches_only_that_session():
    policy = rp("Allow", {"AWS": S("etl", "s1")}, "s3:GetObject")
    assert decide(session("etl", "s1"), "s3:GetObject", B("b/k"), rp=policy).allowed
    assert not decide(session("etl", "s2"), "s3:GetObject", B("b/k"), rp=policy).allowed


def test_service_and_federated_principals_do_not_match_callers():
    policy = rp("Allow", {"Service": "lambda.amazonaws.com", "Federated": "accounts.google.com"})
    assert not decide(alice, "s3:GetObject", B("b/k"), rp=policy).allowed


def test_account_id_principal_is_the_account():
    policy = rp("Allow", {"AWS": ACCT}, "s3:GetObject")
    assert not decide(alice, "s3:GetObject", B("b/k"), rp=policy).allowed
    identity = [Allow("s3:GetObject", "*")]
    assert decide(alice, "s3:GetObject", B("b/k"), rp=policy, identity=identity).allowed


def test_resource_statement_without_principal_never_matches():
    stored = parse(document(statement("Allow", "s3:*", "*")), "identity")
    in_force = policies()
    in_force.resource = ("bucket-policy:b", type(stored)("resource", stored.version, None,
                                                          stored.statements, stored.text))
    assert evaluate(request(alice, "s3:GetObject", B("b/k")), in_force).effect == IMPLICIT_DENY


def test_not_principal_allow_grants_everyone_else():
    policy = rp("Allow", {"AWS": U("bob")}, "s3:GetObject", not_principal=True)
    assert decide(alice, "s3:GetObject", B("b/k"), rp=policy).allowed
    assert not decide(user("bob"), "s3:GetObject", B("b/k"), rp=policy).allowed


# -- root, anonymous, federated ----------------------------------------------------------

def test_root_is_denied_only_by_a_resource_policy():
    root_caller = root()
    assert decide(root_caller, "s3:DeleteBucket", B("b"), rp=rp("Allow", "*", "s3:GetObject")).allowed
    denied = decide(root_caller, "s3:DeleteBucket", B("b"), rp=rp("Deny", "*", "s3:DeleteBucket"))
    assert denied.effect == EXPLICIT_DENY and denied.policy_type == RESOURCE


def test_anonymous_callers_need_a_public_grant():
    assert decide(ANONYMOUS, "s3:GetObject", B("b/k"), rp=rp("Allow", "*", "s3:GetObject")).allowed
    account_only = rp("Allow", {"AWS": ACCT}, "s3:GetObject")
    assert not decide(ANONYMOUS, "s3:GetObject", B("b/k"), rp=account_only).allowed
    assert not decide(ANONYMOUS, "s3:GetObject", B("b/k")).allowed


def test_federated_user_without_session_policy_has_no_identity_permissions():
    fed = federated("visitor", by="alice")
    decision = decide(fed, "s3:GetObject", B("b/k"), identity=[ALLOW_ALL])
    assert decision.effect == IMPLICIT_DENY and decision.policy_type == SESSION
    assert decide(fed, "s3:GetObject", B("b/k"), identity=[ALLOW_ALL],
                  sp=Allow("s3:GetObject", "*")).allowed
    direct = rp("Allow", {"AWS": fed.arn}, "s3:GetObject")
    assert decide(fed, "s3:GetObject", B("b/k"), rp=direct).allowed
    via_user = rp("Allow", {"AWS": U("alice")}, "s3:GetObject")
    assert not decide(fed, "s3:GetObject", B("b/k"), rp=via_user).allowed
    assert decide(fed, "s3:GetObject", B("b/k"), rp=via_user, sp=Allow("s3:*", "*")).allowed


# -- cross-account ------------------------------------------------------------------------

def test_cross_account_needs_both_sides():
    stranger = user("mallory", OTHER)
    grant = rp("Allow", {"AWS": OTHER}, "s3:GetObject")
    own = [Allow("s3:GetObject", B("b/*"))]
    both = decide(stranger, "s3:GetObject", B("b/k"), identity=own, rp=grant, resource_account=ACCT)
    assert both.allowed
    only_rp = decide(stranger, "s3:GetObject", B("b/k"), rp=grant, resource_account=ACCT)
    assert only_rp.effect == IMPLICIT_DENY and only_rp.policy_type == IDENTITY
    only_identity = decide(stranger, "s3:GetObject", B("b/k"), identity=own, resource_account=ACCT)
    assert only_identity.effect == IMPLICIT_DENY and only_identity.policy_type == RESOURCE
    direct = rp("Allow", {"AWS": stranger.arn}, "s3:GetObject")
    assert not decide(stranger, "s3:GetObject", B("b/k"), rp=direct, resource_account=ACCT).allowed


def test_cross_account_root_needs_the_resource_policy():
    other_root = root(OTHER)
    assert not decide(other_root, "s3:GetObject", B("b/k"), resource_account=ACCT).allowed
    grant = rp("Allow", {"AWS": f"arn:aws:iam::{OTHER}:root"}, "s3:GetObject")
    assert decide(other_root, "s3:GetObject", B("b/k"), rp=grant, resource_account=ACCT).allowed


def test_same_account_when_resource_account_matches():
    grant = rp("Allow", {"AWS": U("alice")}, "s3:GetObject")
    assert decide(alice, "s3:GetObject", B("b/k"), rp=grant, resource_account=ACCT).allowed


# -- trust policies ------------------------------------------------------------------------

def assume(caller, trust_doc, **in_force):
    req = request(caller, "sts:AssumeRole", R("loader"))
    return evaluate_trust(req, ("role/loader", parse(trust_doc, "trust")), policies(**in_force))


def test_trust_naming_the_role_lets_its_sessions_in_within_their_boundary():
    by_role = trust({"AWS": R("etl")})
    assert assume(etl, by_role).allowed
    clipped = assume(etl, by_role, pb=Allow("s3:*", "*"))
    assert clipped.effect == IMPLICIT_DENY and clipped.policy_type == "permissions boundary"


def test_trust_deny_and_identity_deny():
    denying = document({"Effect": "Deny", "Principal": {"AWS": U("alice")}, "Action": "sts:AssumeRole"},
                       {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"})
    decision = assume(alice, denying)
    assert decision.effect == EXPLICIT_DENY and decision.policy_type == TRUST
    open_trust = trust("*")
    assert assume(alice, open_trust).allowed
    identity_deny = assume(alice, open_trust, identity=[Deny("sts:AssumeRole", "*")])
    assert identity_deny.effect == EXPLICIT_DENY and identity_deny.policy_type == IDENTITY


def test_trust_is_required_even_for_root():
    assert not assume(root(), trust({"AWS": U("alice")})).allowed
    assert assume(root(), trust({"AWS": ACCT})).allowed


def test_trust_conditions():
    conditional = document({"Effect": "Allow", "Principal": {"AWS": U("alice")}, "Action": "sts:AssumeRole",
                            "Condition": {"StringEquals": {"sts:ExternalId": "secret"}}})
    decision = assume(alice, conditional)
    assert decision.effect == IMPLICIT_DENY and decision.missing_context == ["sts:externalid"]


# -- decisions: matched statements and reasons ------------------------------------------

def test_matched_lists_the_deciding_statements():
    policy = document(statement("Allow", "s3:*", "*", Sid="All"),
                      statement("Deny", "s3:DeleteBucket", "*", Sid="NoDelete"))
    denied = evaluate(request(alice, "s3:DeleteBucket", B("b")),
                      policies([policy]))
    assert denied.matched == [Match("identity-0", 1, "NoDelete", "Deny")]
    assert denied.reason == "explicitly denied by statement 'NoDelete' of policy identity-0"
    allowed = evaluate(request(alice, "s3:GetObject", B("b/k")), policies([policy]))
    assert allowed.matched == [Match("identity-0", 0, "All", "Allow")]


def test_reason_lists_what_the_policies_allow_on_the_resource():
    orders = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders"
    policy = Allow(["dynamodb:GetItem", "dynamodb:Query"], orders)
    decision = decide(alice, "dynamodb:PutItem", orders, identity=[policy])
    assert decision.reason == (f"no statement allows dynamodb:PutItem on {orders}; "
                               "policy identity-0 allows only dynamodb:GetItem, dynamodb:Query there")
    other_table = decide(alice, "dynamodb:GetItem", T("Other"), identity=[policy])
    assert other_table.reason == f"no statement allows dynamodb:GetItem on {T('Other')}"


def test_reason_names_unmet_conditions_and_missing_keys():
    policy = Allow("s3:GetObject", "*", Condition={"StringEquals": {"aws:SourceVpc": "vpc-1"}})
    decision = decide(alice, "s3:GetObject", B("b/k"), identity=[policy])
    assert decision.missing_context == ["aws:sourcevpc"]
    assert "conditions that are not met (StringEquals aws:sourcevpc ['vpc-1'])" in decision.reason


def test_reason_for_boundary_and_session():
    boundary = decide(alice, "iam:CreateUser", "*", identity=[ALLOW_ALL], pb=Allow("s3:*", "*"))
    assert boundary.reason == "the permissions boundary boundary does not allow iam:CreateUser on *"
    limited = decide(etl, "s3:PutObject", B("b/k"), identity=[ALLOW_ALL], sp=Allow("s3:Get*", "*"))
    assert limited.reason == "no session policy allows s3:PutObject on arn:aws:s3:::b/k"


def test_policies_are_reusable_across_requests():
    policy = parse(Allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"), "identity")
    in_force = policies()
    in_force.identity = [("home", policy)]
    for name in ("ann", "ben", "cat"):
        caller = user(name)
        assert evaluate(request(caller, "s3:GetObject", B(f"home/{name}/x")), in_force).allowed
        assert not evaluate(request(caller, "s3:GetObject", B("home/zed/x")), in_force).allowed
    assert ALLOW == "Allow"
