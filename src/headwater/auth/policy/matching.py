"""Matching policy values against a request: glob and ARN patterns, actions, principals.

Every pattern is turned into a regular expression once, when the policy is parsed; a
pattern holding policy variables is completed per request (the compiled result is cached).
ARN patterns follow the spec's rule: the first five colon-separated parts are matched one
by one (a wildcard never spans a colon there), the resource part as one glob.
"""

from __future__ import annotations

import functools
import re

from headwater.auth.policy.variables import (
    ANY,
    ONE,
    Literal,
    Variable,
    tokenize,
    value_of,
)

LITERAL, GLOB, ARN = "literal", "glob", "arn"
#: The keys a resource element reads for an action without a resource type (``*``).
TYPELESS_KEYS = frozenset({"aws:requestedregion", "aws:principalaccount"})
_FLAGS = re.DOTALL
_COMPLETIONS_REMEMBERED = 256


@functools.lru_cache(maxsize=4096)
def _compile(source: str, flags: int) -> re.Pattern:
    return re.compile(source, flags)


class Pattern:
    """One policy value (``LITERAL``, ``GLOB`` or ``ARN`` shaped), compiled once."""

    __slots__ = (
        "completed",
        "flags",
        "keys",
        "literal",
        "shape",
        "static",
        "text",
        "tokens",
        "variables",
    )

    def __init__(self, text: str, shape: str, *, variables: bool, ignore_case: bool = False):
        self.text = text
        self.shape = shape
        self.flags = _FLAGS | (re.IGNORECASE if ignore_case else 0)
        self.tokens = tokenize(text, variables=variables, wildcards=shape != LITERAL)
        if shape == ARN:
            self.tokens = _padded_arn(self.tokens)
        self.keys = tuple(t.key for t in self.tokens if isinstance(t, Variable) and t.default is None)
        self.variables = tuple(t for t in self.tokens if isinstance(t, Variable))
        self.completed: dict[tuple, re.Pattern | None] = {}  # variable values → regex
        has_variables = bool(self.variables)
        self.static = None if has_variables else _compile(self._source({}), self.flags)
        #: the exact text a LITERAL pattern without variables stands for (fast comparisons)
        self.literal = ("".join(t.text for t in self.tokens)
                        if shape == LITERAL and not has_variables else None)

    def regex(self, context: dict[str, list[str]]) -> re.Pattern | None:
        """The compiled pattern for this request; None when a variable has no value."""
        if self.static is not None:
            return self.static
        values = tuple(value_of(v, context) for v in self.variables)
        regex = self.completed.get(values, False)
        if regex is False:
            if len(self.completed) >= _COMPLETIONS_REMEMBERED:
                self.completed.clear()
            source = None if None in values else self._source(context)
            regex = self.completed[values] = None if source is None else _compile(source, self.flags)
        return regex

    def matches(self, value: str, context: dict[str, list[str]]) -> bool | None:
        regex = self.regex(context)
        return None if regex is None else regex.fullmatch(value) is not None

    def _source(self, context) -> str | None:
        if self.shape == ARN and self.tokens == (ANY,):
            return ".*"
        parts, segment = [], 0
        for token in self.tokens:
            if token is ANY or token is ONE:
                in_resource = self.shape != ARN or segment >= 5
                parts.append((".*" if token is ANY else ".") if in_resource
                             else ("[^:]*" if token is ANY else "[^:]"))
            elif isinstance(token, Literal):
                parts.append(re.escape(token.text))
                segment += token.text.count(":")
            else:
                value = value_of(token, context)
                if value is None:
                    return None
                parts.append(re.escape(value))
        return "".join(parts)


def _padded_arn(tokens: tuple) -> tuple:
    """``arn:aws:svc`` patterns stand for ``arn:aws:svc:*:*:*`` (AWS pads short ARNs)."""
    if tokens == (ANY,):
        return tokens
    colons = sum(t.text.count(":") for t in tokens if isinstance(t, Literal))
    return tokens + (Literal(":"), ANY) * max(0, 5 - colons)


class ActionSet:
    """Action or NotAction values: ``service:Name`` globs, case-insensitive."""

    __slots__ = ("negated", "regex", "values")

    def __init__(self, values: tuple[str, ...], negated: bool):
        self.values = values
        self.negated = negated
        sources = [Pattern(v, GLOB, variables=False).static.pattern for v in values]
        self.regex = re.compile("|".join(f"(?:{s})" for s in sources), re.IGNORECASE | _FLAGS)

    def matches(self, action: str) -> bool:
        return (self.regex.fullmatch(action) is not None) != self.negated


def _combined(patterns) -> re.Pattern | None:
    """One regular expression for the patterns that hold no variables (None if there are none)."""
    sources = [p.static.pattern for p in patterns if p.static is not None]
    return re.compile("|".join(f"(?:{s})" for s in sources), _FLAGS) if sources else None


def arn_matches(patterns: tuple[Pattern, ...], value: str, context, missing: set[str]) -> bool:
    """True when any pattern matches; keys of unresolvable variables go to ``missing``."""
    for pattern in patterns:
        found = pattern.matches(value, context)
        if found:
            return True
        if found is None:
            missing.update(k for k in pattern.keys if not context.get(k))
    return False


class ResourceSet:
    """Resource or NotResource values (ARN patterns, ``*``)."""

    __slots__ = ("dynamic", "negated", "patterns", "static", "values")

    def __init__(self, values: tuple[str, ...], negated: bool, *, variables: bool):
        self.values = values
        self.negated = negated
        self.patterns = tuple(Pattern(v, ARN, variables=variables) for v in values)
        self.static = _combined(self.patterns)
        self.dynamic = tuple(p for p in self.patterns if p.static is None)

    def matches(self, resource: str, action: str, context, missing: set[str]) -> bool:
        if resource == "*":
            found = self._matches_typeless(action, context, missing)
        else:
            found = ((self.static is not None and self.static.fullmatch(resource) is not None)
                     or (bool(self.dynamic) and arn_matches(self.dynamic, resource, context, missing)))
        return found != self.negated

    def _matches_typeless(self, action: str, context, missing) -> bool:
        """An action without a resource type (decision D4): ``*`` or the service's ``…:*``
        (in the caller's region and account: the :data:`TYPELESS_KEYS`)."""
        service = action.split(":", 1)[0].lower()
        region = (context.get("aws:requestedregion") or [""])[0]
        account = (context.get("aws:principalaccount") or [""])[0]
        candidates = (f"arn:aws:{service}:::*", f"arn:aws:{service}:{region}:{account}:*")
        return any(arn_matches(self.patterns, c, context, missing) for c in candidates)


# -- principals ---------------------------------------------------------------------------

DIRECT, ROLE, FEDERATING_USER, ACCOUNT = "direct", "role", "user-of-federated", "account"


class PrincipalSet:
    """Principal or NotPrincipal: ``"*"`` or a map of AWS / Service / Federated / CanonicalUser."""

    __slots__ = ("aws", "everyone", "negated", "others")

    def __init__(self, everyone: bool, aws: frozenset[str], others: frozenset[str], negated: bool):
        self.everyone = everyone
        self.aws = aws
        self.others = others  # "Service:x", "Federated:y", "CanonicalUser:z"
        self.negated = negated

    def classify(self, caller) -> str | None:
        """How the caller is named here (DIRECT, ROLE, FEDERATING_USER, ACCOUNT) or None."""
        if self.everyone or "*" in self.aws:
            return DIRECT
        if caller.kind == "anonymous":
            return None
        if caller.arn in self.aws or caller.user_id in self.aws:
            return DIRECT
        if caller.kind == "assumed-role":
            role_id = caller.user_id.split(":", 1)[0]
            if caller.role_arn in self.aws or role_id in self.aws:
                return ROLE
        if caller.kind == "federated" and caller.federated_by in self.aws:
            return FEDERATING_USER
        if caller.account in self.aws or f"arn:aws:iam::{caller.account}:root" in self.aws:
            return DIRECT if caller.kind == "root" else ACCOUNT
        return None
