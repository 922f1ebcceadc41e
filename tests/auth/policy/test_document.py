"""Policy grammar: what parse() accepts per kind, and AWS's MalformedPolicyDocument reasons."""

from __future__ import annotations

import json

import pytest

from headwater.auth.policy import MalformedPolicy, parse
from tests.auth.policy.fixtures import P_CARLOS, P_DENY_REGION, U

OK = {"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::example_bucket"}


def doc(*statements, **top):
    return {"Version": "2012-10-17", **top,
            "Statement": statements[0] if len(statements) == 1 else list(statements)}


def stmt(**changes):
    body = {**OK, **changes}
    return {k: v for k, v in body.items() if v is not None}


SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"

MALFORMED = [
    ("not json", "This is not a json document", SYNTAX),
    ("a list", [], SYNTAX),
    ("unknown version", {**doc(OK), "Version": "2013-10-17"}, SYNTAX),
    ("no statement", {"Version": "2012-10-17"}, SYNTAX),
    ("empty statement list", {"Version": "2012-10-17", "Statement": []}, SYNTAX),
    ("statement not an object", {"Version": "2012-10-17", "Statement": ["afd"]}, SYNTAX),
    ("unknown top-level element", {**doc(OK), "Extra field": "value"}, SYNTAX),
    ("unknown statement element", doc(stmt(Extra="value")), SYNTAX),
    ("Id not a string", doc(OK, Id=["x"]), SYNTAX),
    ("duplicate key", '{"Version": "2012-10-17", "Version": "2012-10-17", "Statement": []}', SYNTAX),
    ("Effect not allow/deny", doc(stmt(Effect="invalid")), SYNTAX),
    ("Effect missing", doc(stmt(Effect=None)), SYNTAX),
    ("Effect in wrong case", doc(stmt(Effect="denY")), LEGACY),
    ("Sid not a string", doc(stmt(Sid={})), SYNTAX),
    ("Action and NotAction", doc(stmt(NotAction="s3:ListBucket")), SYNTAX),
    ("Resource and NotResource", doc(stmt(NotResource="*")), SYNTAX),
    ("Action is an object", doc(stmt(Action={})), SYNTAX),
    ("Action list holds a list", doc(stmt(Action=[[]])), SYNTAX),
    ("Resource list holds an object", doc(stmt(Resource=["adfdf", {}])), SYNTAX),
    ("Condition is a list", doc(stmt(Condition=[])), SYNTAX),
    ("Condition is a string", doc(stmt(Condition="a")), SYNTAX),
    ("Condition operator maps to a string", doc(stmt(Condition={"a": "b"})), SYNTAX),
    ("unknown operator", doc(stmt(Condition={"x": {"a": "1"}})), SYNTAX),
    ("double colon qualifier", doc(stmt(Condition={"ForAnyValue::StringEquals": {"a": "b"}})), SYNTAX),
    ("condition value is an object", doc(stmt(Condition={"DateGreaterThan": {"a": {}}})), SYNTAX),
    ("NullIfExists", doc(stmt(Condition={"NullIfExists": {"a": "true"}})), SYNTAX),
    ("bad date", doc(stmt(Condition={"DateGreaterThan": {"a": "sdfdsf"}})), LEGACY),
    ("bad date digits", doc(stmt(Condition={"DateLessThanEquals": {"a": "234-13"}})), LEGACY),
    ("epoch too large", doc(stmt(Condition={"DateLessThan": {"a": "9223372036854775808"}})), LEGACY),
    ("bad number", doc(stmt(Condition={"NumericEquals": {"a": "ten"}})), LEGACY),
    ("bad network", doc(stmt(Condition={"IpAddress": {"aws:SourceIp": "300.1.1.1/8"}})), LEGACY),
    ("short ARN", doc(stmt(Resource="arn:aws:s3::example_bucket")), LEGACY),
    ("empty service", doc(stmt(Resource="arn:aws::::example_bucket")), LEGACY),
    ("legacy before missing actions", doc(stmt(Action=None, Effect="allow")), LEGACY),
    ("duplicate Sid", doc(stmt(Sid="sdf"), {"Sid": "sdf", "Effect": "Allow"}),
     "Statement IDs (SID) in a single policy must be unique."),
    ("Sid not alphanumeric", doc(stmt(Sid="my-sid")),
     ("Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the "
     "regular expression [0-9A-Za-z]*")),
    ("no Action", doc(stmt(Action=None)), "Policy statement must contain actions."),
    ("empty Action", doc(stmt(Action=[])), "Policy statement must contain actions."),
    ("first statement lacks actions", doc({"Effect": "Deny"}, OK),
     "Policy statement must contain actions."),
    ("no Resource", doc(stmt(Resource=None)), "Policy statement must contain resources."),
    ("empty Resource", doc(stmt(Resource=[])), "Policy statement must contain resources."),
    ("action without vendor", doc(stmt(Action="invalid")),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    ("empty NotAction", doc(stmt(Action=None, NotAction="")),
     "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."),
    ("vendor with a space", doc(stmt(Action="a a:ListBucket")), "Vendor a a is not valid"),
    ("two colons", doc(stmt(Action="s3:List:Bucket")), "Actions/Condition can contain only one colon."),
    ("resource not an ARN", doc(stmt(Resource="invalid resource")),
     'Resource invalid resource must be in ARN format or "*".'),
    ("empty resource", doc(stmt(Resource="")), 'Resource  must be in ARN format or "*".'),
    ("resource format before action colons", doc(stmt(Action="s:3:ListBucket", Resource="sdfsadf")),
     'Resource sdfsadf must be in ARN format or "*".'),
    ("bad partition", doc(stmt(Resource="a:bsdfdsafsad")),
     'Partition "bsdfdsafsad" is not valid for resource "arn:bsdfdsafsad:*:*:*:*".'),
    ("ARN without arn prefix", doc(stmt(Resource="aws:s3:::example_bucket")),
     'Partition "s3" is not valid for resource "arn:s3:::example_bucket:*".'),
    ("ARN without service", doc(stmt(Resource="arn:aws")),
     "Resource vendor must be fully qualified and cannot contain regexes."),
    ("S3 ARN with a region", doc(stmt(Resource="arn:aws:s3:us-east-1::example_bucket")),
     "Resource arn:aws:s3:us-east-1::example_bucket can not contain region information."),
    ("IAM ARN with a region", doc(stmt(Resource="arn:aws:iam:us-east-1::example_bucket")),
     "IAM resource arn:aws:iam:us-east-1::example_bucket cannot contain region information."),
    ("IAM ARN with an unknown path", doc(stmt(Resource="arn:aws:iam:::example_bucket")),
     ('IAM resource path must either be "*" or start with user/, federated-user/, role/, group/, '
     'instance-profile/, mfa/, server-certificate/, policy/, sms-mfa/, saml-provider/, '
     'oidc-provider/, report/, access-report/.')),
    ("principal in an identity policy", doc(stmt(Principal="*")),
     "Policy document should not specify a principal."),
]


@pytest.mark.parametrize("text, message", [(t, m) for _, t, m in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])
def test_malformed_identity_policy(text, message):
    with pytest.raises(MalformedPolicy) as raised:
        parse(text if isinstance(text, str) else json.dumps(text), "identity")
    assert raised.value.message == message


VALID = [
    doc(OK),
    {"Statement": OK},  # Version is optional
    doc(OK, Id="sdfsdfsdf"),
    doc(stmt(Action="iam: asdf safdsf af ")),
    doc(stmt(Action="*")),
    doc(stmt(Action="s3-s:ListBucket")),
    doc(stmt(Resource=["arn:aws:s3:::example_bucket", "*"])),
    doc(stmt(Resource="arn:aws:fdsasf")),
    doc(stmt(Resource="arn:aws:iam:::user/example_bucket")),
    doc(stmt(Resource="arn:aws:ec2:us-east-1::example_bucket")),
    doc(stmt(Action=None, NotAction="s3:ListBucket", Resource=None, NotResource="*")),
    doc(stmt(Condition={})),
    doc(stmt(Condition={"DateGreaterThan": {}})),
    doc(stmt(Condition={"DateGreaterThan": {"a": []}})),
    doc(stmt(Condition={"x": {}, "y": {}})),
    doc(stmt(Condition={"ForAnyValue:StringEqualsIfExists": {"a": "asf"}})),
    doc(stmt(Condition={"DateLessThanEquals": {"a": "2016-12-13T21:20:37.593194+00:00"}})),
    doc(stmt(Condition={"DateLessThan": {"a": "-292275054"}})),
    doc(stmt(Condition={"Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:max-keys": 10}})),
    doc(stmt(Sid="sdf"), stmt()),
    P_CARLOS,
    P_DENY_REGION,
]


@pytest.mark.parametrize("document", VALID, ids=range(len(VALID)))
def test_valid_identity_policy(document):
    policy = parse(json.dumps(document), "identity")
    assert len(policy.statements) == (len(document["Statement"])
                                      if isinstance(document["Statement"], list) else 1)


def test_managed_policies_need_the_current_version():
    for document in ({"Statement": OK}, {"Version": "2008-10-17", "Statement": OK},
                     {"Statement": {**OK, "Effect": "denY"}}):
        with pytest.raises(MalformedPolicy, match="must be version 2012-10-17 or greater"):
            parse(json.dumps(document), "identity", managed=True)
    assert parse(json.dumps(doc(OK)), "identity", managed=True).version == "2012-10-17"


TRUST_OK = {"Effect": "Allow", "Principal": {"AWS": U("alice")}, "Action": "sts:AssumeRole"}


@pytest.mark.parametrize("statement, message", [
    ({**TRUST_OK, "Principal": None}, "Missing required field Principal"),
    ({**TRUST_OK, "Resource": "*"}, "Has prohibited field Resource"),
    ({**TRUST_OK, "Action": "s3:GetObject"}, "AssumeRole policy may only specify STS AssumeRole actions."),
    ({**TRUST_OK, "Principal": {"AWS": "alice"}}, 'Invalid principal in policy: "AWS":"alice"'),
    ({**TRUST_OK, "Principal": {"AWS": "arn:aws:iam::123456789012:user/*"}},
     'Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:user/*"'),
    ({**TRUST_OK, "Principal": {"Service": "Lambda Service"}},
     'Invalid principal in policy: "SERVICE":"Lambda Service"'),
    ({**TRUST_OK, "Principal": {"Robot": "x"}}, SYNTAX),
    ({**TRUST_OK, "Principal": "arn:aws:iam::123456789012:root"}, SYNTAX),
])
def test_malformed_trust_policy(statement, message):
    statement = {k: v for k, v in statement.items() if v is not None}
    with pytest.raises(MalformedPolicy) as raised:
        parse(json.dumps(doc(statement)), "trust")
    assert raised.value.message == message


@pytest.mark.parametrize("principal", [
    "*", {"AWS": "*"}, {"AWS": "123456789012"}, {"AWS": "arn:aws:iam::123456789012:root"},
    {"AWS": [U("alice"), "arn:aws:iam::123456789012:role/etl"]},
    {"AWS": "arn:aws:sts::123456789012:assumed-role/etl/s1"}, {"AWS": "AIDAEXAMPLEUSERID1234"},
    {"Service": ["lambda.amazonaws.com", "ec2.amazonaws.com"]},
    {"Federated": "cognito-identity.amazonaws.com"},
])
def test_trust_policy_principals(principal):
    policy = parse(json.dumps(doc({**TRUST_OK, "Principal": principal})), "trust")
    assert policy.statements[0].resources is None


@pytest.mark.parametrize("kind", ["identity", "boundary", "session"])
def test_principal_is_forbidden_outside_resource_and_trust_policies(kind):
    with pytest.raises(MalformedPolicy, match="should not specify a principal"):
        parse(json.dumps(doc(stmt(NotPrincipal={"AWS": U("alice")}))), kind)


def test_resource_policy_needs_a_principal_and_allows_other_sids():
    with pytest.raises(MalformedPolicy, match="Missing required field Principal"):
        parse(json.dumps(doc(OK)), "resource")
    policy = parse(json.dumps(doc(stmt(Sid="Allow-Public read", Principal="*"), Id="BucketPolicy")),
                   "resource")
    assert policy.id == "BucketPolicy" and policy.statements[0].sid == "Allow-Public read"


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown policy kind"):
        parse(json.dumps(doc(OK)), "scp")


def test_parse_keeps_the_document_facts():
    policy = parse(json.dumps(P_CARLOS), "identity")
    assert policy.kind == "identity" and policy.version == "2012-10-17"
    assert [s.sid for s in policy.statements] == ["AllowS3ListRead", "AllowS3Self", "DenyS3Logs"]
    assert [s.effect for s in policy.statements] == ["Allow", "Allow", "Deny"]
    assert json.loads(policy.text) == P_CARLOS
