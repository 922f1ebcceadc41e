"""IAM identifiers: unique ids with AWS's prefixes, access keys and secrets, ARNs.

Unique ids are 21 characters (a 4-letter prefix saying what they name, then 17 of
``A-Z2-7``); access key ids are 20 (``AKIA`` + 16); secrets are 40 base64 characters.
"""

from __future__ import annotations

import base64
import secrets
import string

#: The prefix of each kind of unique id (AWS IAM User Guide, "Unique identifiers").
PREFIXES = {
    "user": "AIDA",
    "role": "AROA",
    "group": "AGPA",
    "policy": "ANPA",
    "instance-profile": "AIPA",
    "access-key": "AKIA",
}
_ID_ALPHABET = string.ascii_uppercase + "234567"


def unique_id(kind: str) -> str:
    """A fresh unique id for an entity of ``kind`` (``AIDA…`` for a user)."""
    return PREFIXES[kind] + "".join(secrets.choice(_ID_ALPHABET) for _ in range(17))


def access_key_id() -> str:
    return PREFIXES["access-key"] + "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


def secret_access_key() -> str:
    return base64.b64encode(secrets.token_bytes(30)).decode()


def entity_arn(account: str, kind: str, path: str, name: str) -> str:
    """``arn:aws:iam::<account>:<kind><path><name>`` (path ``/`` or ``/a/b/``)."""
    return f"arn:aws:iam::{account}:{kind}{path}{name}"


def split_arn(arn: str) -> tuple[str, str, str] | None:
    """``(account, kind, name)`` of an IAM user, group, role or policy ARN, else None."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[:3] != ["arn", "aws", "iam"] or "/" not in parts[5]:
        return None
    kind, _, rest = parts[5].partition("/")
    return parts[4], kind, rest.rsplit("/", 1)[-1]
