"""Every denial (and in soft mode every would-be denial), kept durably for "why was I denied?".

Denials live in ``<data_dir>/denials.sqlite3``; only the last :data:`KEEP` are kept.
:func:`describe` words one in plain language for ``headwater why-denied``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from headwater.storage.sqlite import Database

DATABASE = "denials"
KEEP = 1000

MIGRATIONS = [
    ("0001_denials", """
        CREATE TABLE denials (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at REAL NOT NULL,
            principal TEXT NOT NULL,
            action TEXT NOT NULL,
            resource TEXT NOT NULL,
            decision TEXT NOT NULL,
            reason TEXT NOT NULL,
            missing_context TEXT NOT NULL DEFAULT '[]',
            enforced INTEGER NOT NULL DEFAULT 1,
            policy_type TEXT
        );
    """),
]


@dataclass(frozen=True)
class Denial:
    at: float
    principal: str
    action: str
    resource: str
    #: "ExplicitDeny" or "ImplicitDeny".
    decision: str
    reason: str
    missing_context: list[str] = field(default_factory=list)
    #: False in soft mode: the request went through, but would have been denied.
    enforced: bool = True
    policy_type: str | None = None


def record(conn: sqlite3.Connection, denial: Denial) -> None:
    """Add one denial and forget all but the last :data:`KEEP`."""
    cursor = conn.execute(
        "INSERT INTO denials (at, principal, action, resource, decision, reason, missing_context, enforced,"
        " policy_type) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (denial.at, denial.principal, denial.action, denial.resource, denial.decision, denial.reason,
         json.dumps(denial.missing_context), int(denial.enforced), denial.policy_type))
    conn.execute("DELETE FROM denials WHERE id <= ?", (cursor.lastrowid - KEEP,))


def recent(conn: sqlite3.Connection, count: int) -> list[Denial]:
    """The last ``count`` denials, oldest first."""
    rows = conn.execute("SELECT * FROM denials ORDER BY id DESC LIMIT ?", (count,)).fetchall()
    return [Denial(row["at"], row["principal"], row["action"], row["resource"], row["decision"], row["reason"],
                   json.loads(row["missing_context"]), bool(row["enforced"]), row["policy_type"])
            for row in reversed(rows)]


def open_database(data_dir: str | Path) -> Database:
    """The denials database of a data directory, outside a running endpoint (the CLI)."""
    return Database(Path(data_dir) / f"{DATABASE}.sqlite3", MIGRATIONS, synchronous="normal")


def describe(denial: Denial) -> str:
    """One denial in plain language: when, who, what, on what, and why."""
    when = datetime.fromtimestamp(denial.at, timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    outcome = "was denied" if denial.enforced else "would be denied (soft mode; allowed)"
    lines = [f"{when}  {who(denial.principal)} {outcome} {denial.action} on {short_resource(denial.resource)}"]
    lines.append(f"    why: {denial.reason or _default_reason(denial)}")
    if denial.missing_context:
        lines.append(f"    the policies test keys this request did not carry: {', '.join(denial.missing_context)}")
    return "\n".join(lines)


def who(arn: str) -> str:
    """``user alice``, ``role etl (session s1)``, ``root of 000000000000``, ``anonymous``."""
    if arn == "anonymous" or ":" not in arn:
        return arn
    parts = arn.split(":", 5)
    resource = parts[5] if len(parts) == 6 else arn
    if resource == "root":
        return f"root of {parts[4]}"
    if resource.startswith("assumed-role/"):
        _, role, session = resource.split("/", 2)
        return f"role {role} (session {session})"
    kind, _, name = resource.partition("/")
    return f"{kind} {name.rsplit('/', 1)[-1]}" if name else resource


def short_resource(arn: str) -> str:
    """The resource part of an ARN (``table/Orders``, ``bucket/key``); ``*`` stays ``*``."""
    parts = arn.split(":", 5)
    return parts[5] if len(parts) == 6 and parts[5] else arn


def _default_reason(denial: Denial) -> str:
    if denial.decision == "ExplicitDeny":
        return f"an explicit deny in a(n) {denial.policy_type or 'identity-based'} policy"
    return f"no {denial.policy_type or 'identity-based'} policy allows {denial.action}"
