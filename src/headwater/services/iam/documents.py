"""Policy documents on write: AWS's size limits, then the policy engine's grammar check."""

from __future__ import annotations

from headwater.auth.policy import MalformedPolicy, parse
from headwater.services.iam import errors

#: The largest customer managed policy (characters, whitespace not counted).
MANAGED_POLICY_LIMIT = 6144
#: The largest role trust policy.
TRUST_POLICY_LIMIT = 2048


def size(document: str) -> int:
    """A document's size as IAM counts it: whitespace does not count."""
    return sum(1 for char in document if not char.isspace())


def checked(document: str, kind: str = "identity", managed: bool = False) -> str:
    """``document`` if it is a valid policy of ``kind``, else MalformedPolicyDocument.

    ``managed``: a managed policy version (AWS accepts only Version 2012-10-17 there).
    """
    try:
        parse(document, kind, managed=managed)
    except MalformedPolicy as problem:
        raise errors.malformed_policy(str(problem)) from None
    return document


def managed_document(document: str) -> str:
    if size(document) > MANAGED_POLICY_LIMIT:
        raise errors.limit_exceeded(f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_LIMIT}")
    return checked(document, managed=True)


def inline_document(document: str, kind, holder_name: str) -> str:
    if size(document) > kind.inline_limit:
        raise errors.limit_exceeded(
            f"Maximum policy size of {kind.inline_limit} bytes exceeded for {kind.name} {holder_name}"
        )
    return checked(document)


def trust_document(document: str) -> str:
    if size(document) > TRUST_POLICY_LIMIT:
        raise errors.limit_exceeded(f"Cannot exceed quota for ACLSizePerRole: {TRUST_POLICY_LIMIT}")
    return checked(document, "trust")
