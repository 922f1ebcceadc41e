"""AWS managed policies: ``arn:aws:iam::aws:policy/<Name>``, read-only and shared by every account.

Their documents live in ``data/iam_managed_policies.json`` (what each one allows,
written for headwater); they are never stored in an account's database, only attached.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

ARN_PREFIX = "arn:aws:iam::aws:policy/"


@dataclass(frozen=True)
class AwsPolicy:
    name: str
    arn: str
    id: str
    path: str
    description: str
    created: float
    updated: float
    version: str
    document: str


def _stable_id(name: str) -> str:
    """An ``ANPA…`` id that is the same in every headwater (derived from the name)."""
    digest = base64.b32encode(hashlib.sha256(name.encode()).digest()).decode()
    return "ANPA" + digest[:17]


def _timestamp(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


@cache
def policies() -> dict[str, AwsPolicy]:
    """Every AWS managed policy headwater offers, by ARN, in name order."""
    text = resources.files("headwater.data").joinpath("iam_managed_policies.json").read_text()
    found = {}
    for name, entry in sorted(json.loads(text).items()):
        arn = ARN_PREFIX + name
        found[arn] = AwsPolicy(
            name=name, arn=arn, id=_stable_id(name), path="/", description=entry["Description"],
            created=_timestamp(entry["CreateDate"]), updated=_timestamp(entry["UpdateDate"]),
            version=entry["DefaultVersionId"], document=json.dumps(entry["Document"], indent=4),
        )
    return found


def policy(arn: str) -> AwsPolicy | None:
    return policies().get(arn) if arn.startswith(ARN_PREFIX) else None
