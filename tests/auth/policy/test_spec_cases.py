"""Every pure-engine case of spec §11.3 (IAM-01 … IAM-73)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from headwater.auth.policy import (
    ALLOW,
    BOUNDARY,
    EXPLICIT_DENY,
    IDENTITY,
    IMPLICIT_DENY,
    RESOURCE,
    SESSION,
    TRUST,
    evaluate,
    evaluate_trust,
    parse,
)
from tests.auth.policy.fixtures import (
    ACCT,
    ALLOW_ALL,
    P_CARLOS,
    P_DENY_EXCEPT_BUCKET,
    P_DENY_IP,
    P_DENY_REGION,
    P_PREFIX,
    P_PROD_MFA,
    P_THREAD_FORALL,
    P_THREAD_FORANY,
    P_USERNAME_HOME,
    ROOT_ARN,
    Allow,
    B,
    Deny,
    R,
    S,
    T,
    U,
    bucket_policy,
    document,
    policies,
    request,
    resource_statement,
    root,
    session,
    statement,
    trust,
    user,
)

A, I, E = ALLOW, IMPLICIT_DENY, EXPLICIT_DENY


@dataclass
class Case:
    id: str
    expected: str
    caller: object
    action: str
    resource: str = "*"
    identity: list = field(default_factory=list)
    rp: dict | None = None
    pb: dict | None = None
    sp: dict | None = None
    tags: dict | None = None
    keys: dict | None = None
    policy_type: str | None = None  # the <type> of §4.6 for denials
    trust: bool = False


def allow_all_if(condition: dict) -> dict:
    return Allow("*", "*", Condition=condition)


def rp_allow(principal, action, resource, **kw) -> dict:
    return bucket_policy(resource_statement("Allow", principal, action, resource, **kw))


def rp_deny(principal, action, resource, **kw) -> dict:
    return bucket_policy(resource_statement("Deny", principal, action, resource, **kw))


alice, bob, carol, david = user("alice"), user("bob"), user("carol"), user("David")
carlos, shirley = user("carlossalazar"), user("shirley")
etl, hector = session("etl"), session("hector-role")
IAM_GETLIST = document(statement("Allow", ["iam:Get*", "iam:List*"], "*"),
                       statement("Deny", "iam:*Report", "*"))
DOC = "DOC-EXAMPLE-BUCKET"
LOG_GROUP = f"arn:aws:logs:us-east-1:{ACCT}:log-group:app"
INDEX = T("GameScores") + "/index/TopScoreDateTimeIndex"
DATES = allow_all_if({"DateGreaterThan": {"aws:CurrentTime": "2020-04-01T00:00:00Z"},
                      "DateLessThan": {"aws:CurrentTime": "2020-06-30T23:59:59Z"}})
DENY_NO_MFA = Deny("*", "*", Condition={"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}})
DENY_HTTP = rp_deny("*", "s3:*", [B("b"), B("b/*")],
                    Condition={"Bool": {"aws:SecureTransport": "false"}})
PROD = B("amzn-s3-demo-bucket-production/k")
ONLY_GCI = Allow("sts:GetCallerIdentity", "*")

CASES = [
    Case("IAM-01", I, alice, "s3:GetObject", B("b/k"), policy_type=IDENTITY),
    Case("IAM-02", A, alice, "s3:GetObject", B("b/k"), [Allow("s3:GetObject", B("b/*"))]),
    Case("IAM-03", E, carlos, "s3:PutObject", B("carlossalazar-logs/f.txt"), [P_CARLOS],
         policy_type=IDENTITY),
    Case("IAM-04", A, carlos, "s3:PutObject", B("carlossalazar/f.txt"), [P_CARLOS],
         rp=rp_allow({"AWS": U("carlossalazar")}, "s3:*", [B("carlossalazar"), B("carlossalazar/*")])),
    Case("IAM-05", A, carlos, "s3:ListAllMyBuckets", "*", [P_CARLOS]),
    Case("IAM-06", A, alice, "dynamodb:GetItem", T("Thread"), [Allow("iam:*", "*", not_action=True)]),
    Case("IAM-07", I, alice, "s3:DeleteBucket", B("b"),
         [Allow("s3:DeleteBucket", "arn:aws:s3:::*", not_action=True)]),
    Case("IAM-08", I, alice, "dynamodb:GetItem", T("Thread"),
         [Allow("s3:DeleteBucket", "arn:aws:s3:::*", not_action=True)]),
    Case("IAM-09", E, alice, "s3:GetObject", B("HRBucket/Other/x"),
         [ALLOW_ALL, Deny("s3:*", [B("HRBucket/Payroll"), B("HRBucket/Payroll/*")], not_resource=True)]),
    Case("IAM-10", E, alice, "dynamodb:GetItem", T("Thread"), [ALLOW_ALL, P_DENY_EXCEPT_BUCKET]),
    Case("IAM-11", E, alice, "iam:GetCredentialReport", "*", [IAM_GETLIST]),
    Case("IAM-12", I, alice, "iam:CreatePolicy", "*", [IAM_GETLIST]),
    Case("IAM-13", A, alice, "s3:GetObject", B("b/k"), [Allow("S3:getobject", B("b/*"))]),
    Case("IAM-14", I, alice, "s3:GetObject", B("mybucket/k"), [Allow("s3:GetObject", B("MyBucket/*"))]),
    Case("IAM-15", A, alice, "s3:GetObject", B("example1bucket/x"),
         [Allow("s3:GetObject", B("example?bucket/*"))]),
    Case("IAM-16", A, alice, "s3:GetObject", B(f"{DOC}/1/2/test/3/object.jpg"),
         [Allow("s3:GetObject", B(f"{DOC}/*/test/*"))]),
    Case("IAM-17", I, alice, "s3:GetObject", B(f"{DOC}/test/object.jpg"),
         [Allow("s3:GetObject", B(f"{DOC}/*/test/*"))]),
    Case("IAM-18", I, alice, "s3:ListBucket", B("b"), [Allow("s3:*", B("b/*"))]),
    Case("IAM-19", I, alice, "logs:PutLogEvents", f"{LOG_GROUP}:log-stream:i-1",
         [Allow("logs:PutLogEvents", LOG_GROUP)]),
    Case("IAM-20", A, alice, "logs:PutLogEvents", f"{LOG_GROUP}:log-stream:i-1",
         [Allow("logs:PutLogEvents", f"{LOG_GROUP}:*")]),
    Case("IAM-21", I, alice, "dynamodb:Query", INDEX, [Allow("dynamodb:Query", T("GameScores"))]),
    Case("IAM-22", A, alice, "dynamodb:Query", INDEX,
         [Allow("dynamodb:Query", T("GameScores") + "/index/*")]),
    Case("IAM-23", A, david, "s3:GetObject", B("mybucket/David/x"), [P_USERNAME_HOME]),
    Case("IAM-24", I, david, "s3:GetObject", B("mybucket/David/x"),
         [{**P_USERNAME_HOME, "Version": "2008-10-17"}]),
    Case("IAM-25", I, etl, "s3:GetObject", B("mybucket/etl/x"), [P_USERNAME_HOME]),
    Case("IAM-26", A, bob, "s3:GetObject", B(f"{DOC}-company-wide/k"),
         [Allow("s3:GetObject", B(DOC + "-${aws:PrincipalTag/team, 'company-wide'}/*"))]),
    Case("IAM-27", I, alice, "s3:GetObject", B("b/x"), [Allow("s3:GetObject", B("b/${*}"))]),
    Case("IAM-28", I, etl, "s3:GetObject", B("b/k"),
         [Allow("s3:GetObject", B("b/*"),
                Condition={"StringEquals": {"aws:PrincipalTag/team": "${aws:username}"}})],
         tags={"team": "alice"}),
    Case("IAM-29", A, david, "s3:ListBucket", B("mybucket"), [P_PREFIX],
         keys={"s3:prefix": "home/David/"}),
    Case("IAM-30", I, david, "s3:ListBucket", B("mybucket"), [P_PREFIX]),
    Case("IAM-31", A, alice, "dynamodb:GetItem", T("Thread"),
         [Allow("dynamodb:*", "*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})],
         keys={"aws:SourceIp": "203.0.113.7"}),
    Case("IAM-32", I, alice, "dynamodb:GetItem", T("Thread"),
         [Allow("dynamodb:*", "*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})],
         keys={"aws:SourceIp": "198.51.100.1"}),
    Case("IAM-33", E, alice, "s3:GetObject", B("b/k"), [ALLOW_ALL, P_DENY_IP],
         keys={"aws:SourceIp": "198.51.100.9", "aws:ViaAWSService": "false"}),
    Case("IAM-34", I, alice, "s3:GetObject", B("b/k"),
         [allow_all_if({"IpAddress": {"aws:SourceIp": "203.0.113.7"}})],
         keys={"aws:SourceIp": "203.0.113.8"}),
    Case("IAM-35", A, alice, "dynamodb:GetItem", T("Thread"),
         [Allow("dynamodb:*", "*", Condition={"IpAddress": {"AWS:sourceip": "203.0.113.0/24"}})],
         keys={"aws:SourceIp": "203.0.113.7"}),
    Case("IAM-36", I, alice, "s3:GetObject", B("b/k"), [DATES],
         keys={"aws:CurrentTime": "2020-07-01T00:00:00Z"}),
    Case("IAM-37", E, alice, "s3:GetObject", B("b/k"), [Allow("s3:GetObject", B("b/*"))],
         rp=DENY_HTTP, keys={"aws:SecureTransport": "false"}, policy_type=RESOURCE),
    Case("IAM-38", A, alice, "dynamodb:GetItem", T("Thread"),
         [Allow("dynamodb:*", "*", Condition={"Null": {"aws:TokenIssueTime": "true"}})]),
    Case("IAM-39", I, alice, "s3:ListBucket", B("b"),
         [Allow("s3:ListBucket", B("b"), Condition={"NumericLessThanEquals": {"s3:max-keys": "10"}})],
         keys={"s3:max-keys": "11"}),
    Case("IAM-40", A, alice, "s3:GetObject", B("b/k"),
         [Allow("s3:GetObject", B("b/*"),
                Condition={"StringLikeIfExists": {"s3:ExistingObjectTag/env": "dev*"}})]),
    Case("IAM-41", I, alice, "s3:GetObject", B("b/k"),
         [Allow("s3:GetObject", B("b/*"), Condition={"StringLike": {"s3:ExistingObjectTag/env": "dev*"}})]),
    Case("IAM-42", E, alice, "s3:GetObject", B("b/k"),
         [ALLOW_ALL, Deny("s3:*", "*", Condition={"StringNotEquals": {"aws:PrincipalTag/team": "data"}})]),
    Case("IAM-43", E, alice, "dynamodb:GetItem", T("Thread"), [ALLOW_ALL, P_DENY_REGION]),
    Case("IAM-44", A, alice, "iam:GetUser", U("alice"), [ALLOW_ALL, P_DENY_REGION]),
    Case("IAM-45", A, alice, "dynamodb:GetItem", T("Thread"), [P_THREAD_FORALL],
         keys={"dynamodb:Attributes": ["ID", "Message", "Tags"]}),
    Case("IAM-46", A, alice, "dynamodb:GetItem", T("Thread"), [P_THREAD_FORALL]),
    Case("IAM-47", E, alice, "dynamodb:PutItem", T("Thread"), [P_THREAD_FORANY],
         keys={"dynamodb:Attributes": ["UserName", "Message", "PostDateTime"]}),
    Case("IAM-48", A, carol, "s3:GetObject", B("b/k"), [allow_all_if({
        "StringEqualsIgnoreCase": {"aws:PrincipalTag/department": ["finance", "hr", "legal"],
                                   "aws:PrincipalTag/role": ["audit", "security"]},
        "StringEquals": {"aws:PrincipalAccount": ACCT}})],
         tags={"department": "HR", "role": "audit"}),
    Case("IAM-49", E, alice, "s3:GetObject", B("b/k"), [ALLOW_ALL, DENY_NO_MFA]),
    Case("IAM-50", A, alice, "s3:GetObject", B("b/k"), [ALLOW_ALL, DENY_NO_MFA],
         keys={"aws:MultiFactorAuthPresent": "true", "aws:TokenIssueTime": "2024-01-01T00:00:00Z"}),
    Case("IAM-51", A, alice, "s3:GetObject", PROD, [P_PROD_MFA],
         keys={"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "600"}),
    Case("IAM-52", E, alice, "s3:GetObject", PROD, [P_PROD_MFA],
         keys={"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "3600"}),
    Case("IAM-53", I, shirley, "iam:CreateUser", "*", [Allow("iam:CreateUser", "*")],
         pb=Allow(["s3:*", "cloudwatch:*", "ec2:*"], "*"), policy_type=BOUNDARY),
    Case("IAM-54", I, hector, "s3:GetObject", B("b/k"), pb=ONLY_GCI,
         rp=rp_allow({"AWS": R("hector-role")}, "s3:*", [B("b"), B("b/*")]), policy_type=BOUNDARY),
    Case("IAM-55", A, hector, "s3:GetObject", B("b/k"), pb=ONLY_GCI,
         rp=rp_allow({"AWS": S("hector-role")}, "s3:*", [B("b"), B("b/*")])),
    Case("IAM-56", A, etl, "s3:GetObject", B("b/k"), sp=Allow("ec2:*", "*"),
         rp=rp_allow({"AWS": S("etl")}, "s3:GetObject", B("b/*"))),
    Case("IAM-57", I, etl, "s3:PutObject", B("b/k"), [Allow("s3:*", "*")],
         sp=Allow("s3:GetObject", "*"), policy_type=SESSION),
    Case("IAM-58", I, etl, "dynamodb:GetItem", T("Thread"), [Allow("s3:*", "*")],
         sp=Allow("dynamodb:*", "*"), policy_type=IDENTITY),
    Case("IAM-59", A, alice, "s3:GetObject", B("b/k"),
         rp=rp_allow({"AWS": U("alice")}, "s3:GetObject", B("b/*"))),
    Case("IAM-60", I, alice, "s3:GetObject", B("b/k"),
         rp=rp_allow({"AWS": ROOT_ARN}, "s3:GetObject", B("b/*")), policy_type=IDENTITY),
    Case("IAM-61", A, alice, "s3:GetObject", B("b/k"), rp=rp_allow("*", "s3:GetObject", B("b/*"))),
    Case("IAM-62", E, alice, "s3:GetObject", B("b/k"), [ALLOW_ALL],
         rp=rp_deny({"AWS": U("alice")}, "s3:*", [B("b"), B("b/*")]), policy_type=RESOURCE),
    Case("IAM-63", A, etl, "s3:GetObject", B("b/k"),
         rp=rp_allow({"AWS": R("etl")}, "s3:GetObject", B("b/*"))),
    Case("IAM-64", A, etl, "s3:GetObject", B("b/k"), [ALLOW_ALL],
         rp=rp_deny("*", "s3:*", [B("b"), B("b/*")],
                    Condition={"ArnNotEquals": {"aws:PrincipalArn": R("etl")}})),
    Case("IAM-65", A, alice, "s3:GetObject", B("b/k"), [ALLOW_ALL],
         rp=rp_deny({"AWS": [U("alice")]}, "s3:*", [B("b"), B("b/*")], not_principal=True)),
    Case("IAM-66", E, alice, "s3:GetObject", B("b/k"), [ALLOW_ALL], pb=ALLOW_ALL,
         rp=rp_deny({"AWS": [U("alice")]}, "s3:*", [B("b"), B("b/*")], not_principal=True),
         policy_type=RESOURCE),
    Case("IAM-67", A, bob, "s3:GetObject", B("b/k"), [ALLOW_ALL],
         rp=rp_deny({"AWS": [U("alice"), ROOT_ARN]}, "s3:*", [B("b"), B("b/*")], not_principal=True)),
    Case("IAM-68", A, alice, "sts:GetCallerIdentity", "*", [Deny("*", "*")]),
    Case("IAM-69", A, root(), "s3:GetObject", B("b/k")),
    Case("IAM-70", A, alice, "sts:AssumeRole", R("etl"), [Allow("sts:AssumeRole", R("etl"))],
         rp=trust({"AWS": ROOT_ARN}), trust=True),
    Case("IAM-71", A, alice, "sts:AssumeRole", R("etl"), rp=trust({"AWS": U("alice")}), trust=True),
    Case("IAM-72", I, alice, "sts:AssumeRole", R("etl"), [Allow("sts:AssumeRole", R("etl"))],
         rp=trust({"Service": "lambda.amazonaws.com"}), trust=True, policy_type=TRUST),
    Case("IAM-73", I, alice, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCT}:q",
         [Allow("sqs:SendMessage", "*", Condition={
             "ArnLike": {"aws:SourceArn": "arn:aws:someservice:*:123456789012:finance/*"}})],
         keys={"aws:SourceArn": "arn:aws:someservice:us-east-2:999999999999:store/abc:"
                                "123456789012:finance/document.txt"}),
]


def decide(case: Case):
    in_force = policies(case.identity, None if case.trust else case.rp, case.pb, case.sp)
    req = request(case.caller, case.action, case.resource, case.tags, case.keys)
    if case.trust:
        return evaluate_trust(req, ("trust-policy:etl", parse(case.rp, "trust")), in_force)
    return evaluate(req, in_force)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_spec_case(case: Case):
    decision = decide(case)
    assert decision.effect == case.expected, decision.reason
    if case.policy_type:
        assert decision.policy_type == case.policy_type
    if case.expected == A:
        assert decision.policy_type is None


def test_every_case_of_the_table_is_here():
    assert [c.id for c in CASES] == [f"IAM-{n:02d}" for n in range(1, 74)]
