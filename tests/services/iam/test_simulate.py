"""The policy simulator on the spec's cases (iam.md §7, §11.3), in AWS's response shape."""

import json

import pytest

from tests.services.iam.conftest import allow

CARLOS = {"Version": "2012-10-17", "Statement": [
    {"Sid": "AllowS3ListRead", "Effect": "Allow",
     "Action": ["s3:GetBucketLocation", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints",
                "s3:ListAllMyBuckets"],
     "Resource": "arn:aws:s3:::*"},
    {"Sid": "AllowS3Self", "Effect": "Allow", "Action": "s3:*",
     "Resource": ["arn:aws:s3:::carlossalazar/*", "arn:aws:s3:::carlossalazar"]},
    {"Sid": "DenyS3Logs", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::*log*"},
]}


@pytest.fixture
def carlos(iam, name):
    iam.create_user(UserName=name)
    iam.put_user_policy(UserName=name, PolicyName="Carlos", PolicyDocument=json.dumps(CARLOS, indent=2))
    return f"arn:aws:iam::000000000000:user/{name}"


def simulate(iam, source, action, resource=None, **extra):
    resources = {"ResourceArns": [resource]} if resource else {}
    results = iam.simulate_principal_policy(PolicySourceArn=source, ActionNames=[action], **resources, **extra)
    return results["EvaluationResults"][0]


def test_explicit_deny_names_the_statement_and_its_position(iam, carlos):  # IAM-03
    result = simulate(iam, carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar-logs/f.txt")
    assert result["EvalDecision"] == "explicitDeny"
    deny_line = json.dumps(CARLOS, indent=2).splitlines().index("    {", 20) + 1
    assert result["MatchedStatements"] == [{
        "SourcePolicyId": "Carlos", "SourcePolicyType": "user",
        "StartPosition": {"Line": deny_line, "Column": 5},
        "EndPosition": {"Line": deny_line + 5, "Column": 6},
    }]
    assert result["ResourceSpecificResults"][0]["EvalResourceDecision"] == "explicitDeny"


def test_identity_allow(iam, carlos):  # IAM-04's identity half
    assert simulate(iam, carlos, "s3:PutObject", "arn:aws:s3:::carlossalazar/f.txt")["EvalDecision"] == "allowed"


def test_resource_less_action_matched_by_an_s3_wildcard(iam, carlos):  # IAM-05
    assert simulate(iam, carlos, "s3:ListAllMyBuckets")["EvalDecision"] == "allowed"


def test_nothing_allows(iam, name):  # IAM-01
    iam.create_user(UserName=name)
    result = simulate(iam, f"arn:aws:iam::000000000000:user/{name}", "s3:GetObject", "arn:aws:s3:::b/k")
    assert (result["EvalDecision"], result["MatchedStatements"]) == ("implicitDeny", [])


def test_group_and_managed_policies_count(iam, name):
    iam.create_user(UserName=name)
    iam.create_group(GroupName=name)
    iam.add_user_to_group(GroupName=name, UserName=name)
    iam.attach_group_policy(GroupName=name, PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    result = simulate(iam, f"arn:aws:iam::000000000000:user/{name}", "s3:GetObject", "arn:aws:s3:::b/k")
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "AmazonS3ReadOnlyAccess"
    assert result["MatchedStatements"][0]["SourcePolicyType"] == "aws-managed"


def test_boundary_limits_and_is_reported(iam, name):
    iam.create_user(UserName=name, PermissionsBoundary="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    iam.attach_user_policy(UserName=name, PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    source = f"arn:aws:iam::000000000000:user/{name}"
    denied = simulate(iam, source, "s3:PutObject", "arn:aws:s3:::b/k")
    assert denied["EvalDecision"] == "implicitDeny"
    assert denied["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": False}
    allowed = simulate(iam, source, "s3:GetObject", "arn:aws:s3:::b/k")
    assert allowed["EvalDecision"] == "allowed"
    assert allowed["PermissionsBoundaryDecisionDetail"] == {"AllowedByPermissionsBoundary": True}


def test_custom_policy_with_context_entries(iam):
    policy = allow("s3:GetObject", "*", Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
    without = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["s3:GetObject"])
    assert without["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"
    assert [key.lower() for key in without["EvaluationResults"][0]["MissingContextValues"]] == ["aws:sourceip"]
    entry = {"ContextKeyName": "aws:SourceIp", "ContextKeyValues": ["203.0.113.7"], "ContextKeyType": "ip"}
    inside = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["s3:GetObject"], ContextEntries=[entry])
    result = inside["EvaluationResults"][0]
    assert result["EvalDecision"] == "allowed"
    assert result["MatchedStatements"][0]["SourcePolicyId"] == "PolicyInputList.1"
    entry["ContextKeyValues"] = ["198.51.100.1"]
    outside = iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=["s3:GetObject"], ContextEntries=[entry])
    assert outside["EvaluationResults"][0]["EvalDecision"] == "implicitDeny"


def test_deny_with_negated_operator_and_missing_key(iam):  # IAM-42-style: missing key + negated operator
    deny_ip = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "*", "Resource": "*",
         "Condition": {"NotIpAddress": {"aws:SourceIp": ["192.0.2.0/24"]}}}]})
    result = iam.simulate_custom_policy(PolicyInputList=[deny_ip], ActionNames=["dynamodb:GetItem"])
    assert result["EvaluationResults"][0]["EvalDecision"] == "explicitDeny"


def test_one_result_per_action_and_resource(iam):
    results = iam.simulate_custom_policy(
        PolicyInputList=[allow("s3:GetObject", "arn:aws:s3:::a/*")], ActionNames=["s3:GetObject", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::a/k", "arn:aws:s3:::b/k"])["EvaluationResults"]
    decisions = {(r["EvalActionName"], r["EvalResourceName"]): r["EvalDecision"] for r in results}
    assert decisions == {("s3:GetObject", "arn:aws:s3:::a/k"): "allowed",
                         ("s3:GetObject", "arn:aws:s3:::b/k"): "implicitDeny",
                         ("s3:PutObject", "arn:aws:s3:::a/k"): "implicitDeny",
                         ("s3:PutObject", "arn:aws:s3:::b/k"): "implicitDeny"}


def test_unknown_source_and_bad_input(iam):
    from botocore.exceptions import ClientError
    with pytest.raises(ClientError) as excinfo:
        iam.simulate_principal_policy(PolicySourceArn="arn:aws:iam::000000000000:user/nobody-here",
                                      ActionNames=["s3:GetObject"])
    assert excinfo.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as excinfo:
        iam.simulate_custom_policy(PolicyInputList=["{not json"], ActionNames=["s3:GetObject"])
    assert excinfo.value.response["Error"]["Code"] == "InvalidInput"
