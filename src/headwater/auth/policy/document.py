"""Policy documents: grammar, validation with AWS's MalformedPolicyDocument reasons, and
compilation into immutable :class:`Policy` objects that evaluate without re-parsing.

Checks run in the order AWS reports them: JSON and shape ("Syntax errors in policy."),
then values AWS's legacy parser rejects, then statement ids, then each statement's
principal, action and resource elements.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from headwater.auth.policy.conditions import (
    BadConditionValue,
    Condition,
    split_operator,
)
from headwater.auth.policy.matching import ActionSet, Pattern, PrincipalSet, ResourceSet

KINDS = ("identity", "resource", "trust", "session", "boundary")
VERSIONS = ("2012-10-17", "2008-10-17")
CURRENT_VERSION = "2012-10-17"

SYNTAX = "Syntax errors in policy."
LEGACY = "The policy failed legacy parsing"
OLD_VERSION = "Policy document must be version 2012-10-17 or greater."
NO_ACTIONS = "Policy statement must contain actions."
NO_RESOURCES = "Policy statement must contain resources."
NO_PRINCIPAL = "Missing required field Principal"
HAS_PRINCIPAL = "Policy document should not specify a principal."
TRUST_RESOURCE = "Has prohibited field Resource"
TRUST_ACTIONS = "AssumeRole policy may only specify STS AssumeRole actions."
SID_UNIQUE = "Statement IDs (SID) in a single policy must be unique."
SID_ALNUM = ("Statement IDs (SID) must be alpha-numeric. "
             "Check that your input satisfies the regular expression [0-9A-Za-z]*")
NO_VENDOR = "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."
ONE_COLON = "Actions/Condition can contain only one colon."
VENDOR_REGEX = "Resource vendor must be fully qualified and cannot contain regexes."
IAM_PATHS = ("user/", "federated-user/", "role/", "group/", "instance-profile/", "mfa/",
             "server-certificate/", "policy/", "sms-mfa/", "saml-provider/", "oidc-provider/",
             "report/", "access-report/")
IAM_PATH = ('IAM resource path must either be "*" or start with '
            + ", ".join(IAM_PATHS) + ".")
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f",
              "aws-eusc")

_ACTIONS_REMEMBERED = 1024
_STATEMENT_KEYS = {"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource",
                   "Principal", "NotPrincipal", "Condition"}
_PRINCIPAL_TYPES = ("AWS", "Service", "Federated", "CanonicalUser")
_EXCLUSIVE = (("Action", "NotAction"), ("Resource", "NotResource"), ("Principal", "NotPrincipal"))


class MalformedPolicy(ValueError):
    """A document AWS would refuse with MalformedPolicyDocument; ``message`` is AWS's reason."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, eq=False)
class Statement:
    index: int
    sid: str | None
    effect: str  # "Allow" | "Deny"
    actions: ActionSet
    resources: ResourceSet | None  # None in trust policies
    principals: PrincipalSet | None  # None in identity, boundary and session policies
    conditions: tuple[Condition, ...]
    #: The condition keys the statement reads: its conditions' and its policy variables'.
    keys: frozenset[str] = frozenset()


@dataclass(frozen=True, eq=False)
class Policy:
    kind: str
    version: str | None
    id: str | None
    statements: tuple[Statement, ...]
    text: str
    _by_action: dict = field(default_factory=dict, repr=False, compare=False)

    def statements_for(self, action: str) -> tuple[Statement, ...]:
        """The statements whose Action/NotAction covers ``action`` (remembered per action)."""
        key = action.lower()
        found = self._by_action.get(key)
        if found is None:
            if len(self._by_action) >= _ACTIONS_REMEMBERED:
                self._by_action.clear()
            found = tuple(s for s in self.statements if s.actions.matches(key))
            self._by_action[key] = found
        return found


def parse(text, kind: str, *, managed: bool = False) -> Policy:
    """Validate and compile a policy document of ``kind`` (see KINDS).

    ``managed``: the document is a managed policy version, which AWS accepts only with
    Version 2012-10-17. Raises :class:`MalformedPolicy`.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown policy kind {kind!r}")
    document = _load(text)
    if managed and document.get("Version") != CURRENT_VERSION:
        raise MalformedPolicy(OLD_VERSION)
    statements = _check_shape(document)
    _check_legacy(statements)
    _check_sids(statements, kind)
    for statement in statements:
        _check_statement(statement, kind)
    variables = document.get("Version") == CURRENT_VERSION
    compiled = tuple(_compile(i, s, kind, variables) for i, s in enumerate(statements))
    source = text if isinstance(text, str) else json.dumps(text)
    return Policy(kind, document.get("Version"), document.get("Id"), compiled, source)


# -- stage 1: JSON and shape --------------------------------------------------------------

def _load(text) -> dict:
    if not isinstance(text, str):
        document = text
    else:
        try:
            document = json.loads(text, object_pairs_hook=_no_duplicates)
        except (ValueError, RecursionError):
            raise MalformedPolicy(SYNTAX) from None
    if not isinstance(document, dict):
        raise MalformedPolicy(SYNTAX)
    return document


def _no_duplicates(pairs):
    keys = [key for key, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def _syntax(condition: bool) -> None:
    if not condition:
        raise MalformedPolicy(SYNTAX)


def _check_shape(document: dict) -> list[dict]:
    _syntax(set(document) <= {"Version", "Id", "Statement"})
    _syntax(document.get("Version", VERSIONS[0]) in VERSIONS)
    _syntax(isinstance(document.get("Id", ""), str))
    statements = document.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    _syntax(isinstance(statements, list) and statements != [])
    for statement in statements:
        _check_statement_shape(statement)
    return statements


def _strings(value) -> bool:
    if isinstance(value, list):
        return all(isinstance(item, str) for item in value)
    return isinstance(value, str)


def _check_statement_shape(statement) -> None:
    _syntax(isinstance(statement, dict) and set(statement) <= _STATEMENT_KEYS)
    _syntax(isinstance(statement.get("Sid", ""), str))
    _syntax(isinstance(statement.get("Effect"), str)
            and statement["Effect"].lower() in ("allow", "deny"))
    for one, other in _EXCLUSIVE:
        _syntax(not (one in statement and other in statement))
    for key in ("Action", "NotAction", "Resource", "NotResource"):
        _syntax(key not in statement or _strings(statement[key]))
    for key in ("Principal", "NotPrincipal"):
        _syntax(key not in statement or _principal_shape(statement[key]))
    _syntax(_condition_shape(statement.get("Condition", {})))


def _principal_shape(value) -> bool:
    if isinstance(value, str):
        return value == "*"
    return (isinstance(value, dict) and value != {} and set(value) <= set(_PRINCIPAL_TYPES)
            and all(_strings(v) for v in value.values()))


def _condition_value(value) -> bool:
    return isinstance(value, (str, bool, int, float))


def _condition_shape(block) -> bool:
    if not isinstance(block, dict):
        return False
    for operator, pairs in block.items():
        if not isinstance(pairs, dict):
            return False
        if pairs and split_operator(operator) is None:
            return False
        for values in pairs.values():
            items = values if isinstance(values, list) else [values]
            if not all(_condition_value(v) for v in items):
                return False
    return True


# -- stage 2: what AWS's legacy parser rejects -----------------------------------------

def _check_legacy(statements: list[dict]) -> None:
    for statement in statements:
        if statement["Effect"] not in ("Allow", "Deny"):
            raise MalformedPolicy(LEGACY)
        for value in _listed(statement, "Resource") + _listed(statement, "NotResource"):
            if _short_arn(value):
                raise MalformedPolicy(LEGACY)
        try:
            _conditions(statement.get("Condition", {}), variables=False)
        except BadConditionValue:
            raise MalformedPolicy(LEGACY) from None


def _short_arn(value: str) -> bool:
    """An ARN of a known partition that lacks parts (or its service): legacy parsing fails."""
    parts = value.split(":")
    return (len(parts) >= 3 and parts[1] in PARTITIONS
            and (len(parts) in (4, 5) or not parts[2]))


def _listed(statement: dict, key: str) -> list[str]:
    value = statement.get(key, [])
    return [value] if isinstance(value, str) else value


# -- stage 3: statement ids -----------------------------------------------------------------

def _check_sids(statements: list[dict], kind: str) -> None:
    sids = [s["Sid"] for s in statements if "Sid" in s]
    if len(sids) != len(set(sids)):
        raise MalformedPolicy(SID_UNIQUE)
    if kind != "resource" and any(not re.fullmatch(r"[0-9A-Za-z]*", sid) for sid in sids):
        raise MalformedPolicy(SID_ALNUM)


# -- stage 4: each statement's elements ---------------------------------------------------

def _check_statement(statement: dict, kind: str) -> None:
    has_principal = "Principal" in statement or "NotPrincipal" in statement
    if kind in ("resource", "trust") and not has_principal:
        raise MalformedPolicy(NO_PRINCIPAL)
    if kind not in ("resource", "trust") and has_principal:
        raise MalformedPolicy(HAS_PRINCIPAL)
    if kind == "trust" and ("Resource" in statement or "NotResource" in statement):
        raise MalformedPolicy(TRUST_RESOURCE)
    actions = _listed(statement, "Action") + _listed(statement, "NotAction")
    if not actions:
        raise MalformedPolicy(NO_ACTIONS)
    if any(a != "*" and ":" not in a for a in actions):
        raise MalformedPolicy(NO_VENDOR)
    if kind != "trust":
        resources = _listed(statement, "Resource") + _listed(statement, "NotResource")
        if not resources:
            raise MalformedPolicy(NO_RESOURCES)
        for resource in resources:
            _check_resource(resource)
    for action in actions:
        _check_action(action)
    if kind == "trust" and not all(a.lower().startswith("sts:") for a in actions):
        raise MalformedPolicy(TRUST_ACTIONS)
    for key in ("Principal", "NotPrincipal"):
        if isinstance(statement.get(key), dict):
            _check_principals(statement[key])


def _check_action(action: str) -> None:
    if action == "*":
        return
    vendor, _, name = action.partition(":")
    if ":" in name:
        raise MalformedPolicy(ONE_COLON)
    if not re.fullmatch(r"[A-Za-z0-9_.*?-]+", vendor):
        raise MalformedPolicy(f"Vendor {vendor} is not valid")


def _check_resource(resource: str) -> None:
    if resource == "*":
        return
    parts = resource.split(":")
    if len(parts) == 1:
        raise MalformedPolicy(f'Resource {resource} must be in ARN format or "*".')
    shown = ":".join(["arn"] + parts[1:] + ["*"] * (6 - len(parts)))
    if parts[1] not in PARTITIONS:
        raise MalformedPolicy(f'Partition "{parts[1]}" is not valid for resource "{shown}".')
    if len(parts) == 2 or "*" in parts[2] or "?" in parts[2]:
        raise MalformedPolicy(VENDOR_REGEX)
    if len(parts) < 6:
        return
    service, region, account, path = parts[2], parts[3].strip("*"), parts[4], ":".join(parts[5:])
    if service == "iam" and region:
        raise MalformedPolicy(f"IAM resource {resource} cannot contain region information.")
    if service == "s3" and region and not account:  # bucket ARNs; access points have a region
        raise MalformedPolicy(f"Resource {resource} can not contain region information.")
    if service == "iam" and not (path.startswith(IAM_PATHS) or path.startswith("*")
                                 or path == "root" or "${" in path):
        raise MalformedPolicy(IAM_PATH)


_AWS_PRINCIPAL = re.compile(
    r"\*|\d{12}|[A-Z]{4}[A-Z0-9]{8,}"
    r"|arn:aws[a-z-]*:iam::\d{12}:(?:root|user/\S+|role/\S+)"
    r"|arn:aws[a-z-]*:sts::\d{12}:(?:assumed-role/[^/\s]+/[^/\s]+|federated-user/\S+)")


def _check_principals(principals: dict) -> None:
    for kind, values in principals.items():
        for value in [values] if isinstance(values, str) else values:
            wildcard = value != "*" and ("*" in value or "?" in value)
            if kind == "AWS" and (wildcard or not _AWS_PRINCIPAL.fullmatch(value)):
                raise MalformedPolicy(f'Invalid principal in policy: "AWS":"{value}"')
            if kind == "Service" and (wildcard or not re.fullmatch(r"[a-z0-9.-]+", value)):
                raise MalformedPolicy(f'Invalid principal in policy: "SERVICE":"{value}"')


# -- compilation ------------------------------------------------------------------------------

def _compile(index: int, statement: dict, kind: str, variables: bool) -> Statement:
    negated_action = "NotAction" in statement
    actions = ActionSet(tuple(_listed(statement, "NotAction" if negated_action else "Action")),
                        negated_action)
    resources = None
    if kind != "trust":
        negated = "NotResource" in statement
        resources = ResourceSet(tuple(_listed(statement, "NotResource" if negated else "Resource")),
                                negated, variables=variables)
    conditions = _conditions(statement.get("Condition", {}), variables)
    return Statement(index, statement.get("Sid"), statement["Effect"], actions, resources,
                     _principal_set(statement), conditions, _read_keys(resources, conditions))


def _read_keys(resources: ResourceSet | None, conditions: tuple[Condition, ...]) -> frozenset[str]:
    patterns = [*(resources.patterns if resources else ()),
                *(value for condition in conditions for value in condition.values if isinstance(value, Pattern))]
    return frozenset([condition.key for condition in conditions]
                     + [variable.key for pattern in patterns for variable in pattern.variables])


def _principal_set(statement: dict) -> PrincipalSet | None:
    negated = "NotPrincipal" in statement
    value = statement.get("NotPrincipal" if negated else "Principal")
    if value is None:
        return None
    if value == "*":
        return PrincipalSet(True, frozenset(), frozenset(), negated)
    aws = value.get("AWS", [])
    others = [f"{kind}:{v}" for kind, vs in value.items() if kind != "AWS"
              for v in ([vs] if isinstance(vs, str) else vs)]
    return PrincipalSet(False, frozenset([aws] if isinstance(aws, str) else aws),
                        frozenset(others), negated)


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _conditions(block: dict, variables: bool) -> tuple[Condition, ...]:
    return tuple(
        Condition(operator, key, tuple(_text(v) for v in (values if isinstance(values, list) else [values])),
                  variables)
        for operator, pairs in block.items() if split_operator(operator) is not None
        for key, values in pairs.items())
