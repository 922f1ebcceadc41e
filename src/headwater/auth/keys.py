"""Access keys: who signed a request, and the secret to check the signature with.

A :class:`KeyStore` asks its resolvers in order; each resolver knows one kind of key
(the bootstrap root key here, IAM user keys and STS temporary credentials from the
services that issue them). A resolver returns ``(secret, principal)`` for a key it
knows, None for one it does not, and raises :class:`InvalidSessionToken` or
:class:`ExpiredSessionToken` when the key is its own but the session token is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable

from headwater.config import DEFAULT_ACCOUNT

ROOT_ACCESS_KEY = "test"
ROOT_SECRET_KEY = "test"

KINDS = ("root", "user", "assumed-role", "federated", "anonymous")


@dataclass(frozen=True)
class Principal:
    """The identity a request acts as (what ``sts:GetCallerIdentity`` reports)."""

    account: str
    arn: str
    user_id: str
    access_key: str
    kind: str
    name: str
    session_token: str | None = None
    #: For a role session: the ARN of the role (what ``aws:PrincipalArn`` names).
    role_arn: str | None = None

    @property
    def is_temporary(self) -> bool:
        """Signed with STS credentials (an ``ASIA`` key and its session token)."""
        return self.session_token is not None

    @property
    def is_root(self) -> bool:
        return self.kind == "root"

    @property
    def is_anonymous(self) -> bool:
        return self.kind == "anonymous"


def root_principal(account: str = DEFAULT_ACCOUNT, access_key: str = ROOT_ACCESS_KEY) -> Principal:
    """An account's root user: ARN ``arn:aws:iam::<account>:root``, user id = account id."""
    return Principal(account, f"arn:aws:iam::{account}:root", account, access_key, "root", "root")


def anonymous_principal(account: str = DEFAULT_ACCOUNT) -> Principal:
    """Whoever sends an unsigned request (S3 lets policies and ACLs decide about them)."""
    return Principal(account, "anonymous", "anonymous", "", "anonymous", "anonymous")


#: ``(secret, principal)``; the secret is None when signatures are not to be checked.
Credential = tuple["str | None", Principal]
Resolver = Callable[[str, "str | None"], "Credential | None"]


class CredentialError(Exception):
    """A key that cannot be used; ``sigv4`` turns it into the service's own error."""


class UnknownAccessKey(CredentialError):
    pass


class InvalidSessionToken(CredentialError):
    pass


class ExpiredSessionToken(CredentialError):
    pass


def static_key(access_key: str, secret: str, principal: Principal) -> Resolver:
    """A resolver for one long-term key.

    A session token sent along with it is ignored: real AWS refuses that combination,
    but tools often leave ``AWS_SESSION_TOKEN`` set while pointed at a local endpoint.
    """

    def resolve(key: str, session_token: str | None) -> Credential | None:
        return (secret, principal) if key == access_key else None

    return resolve


class KeyStore:
    """Resolves an access key (and session token) to its secret and principal.

    Without ``resolvers`` it knows the bootstrap root key ``test``/``test`` of ``account``.
    """

    def __init__(self, resolvers: Iterable[Resolver] | None = None, *, account: str = DEFAULT_ACCOUNT,
                 unchecked: bool = False):
        if resolvers is None:
            resolvers = [static_key(ROOT_ACCESS_KEY, ROOT_SECRET_KEY, root_principal(account))]
        self._resolvers = list(resolvers)
        self.account = account
        #: Nothing is checked and any unknown key is this account's root (``--auth off``).
        self.unchecked = unchecked

    @classmethod
    def anything_goes(cls, account: str = DEFAULT_ACCOUNT) -> "KeyStore":
        """For ``--auth off``: nothing is checked; known keys keep their principal, others are root."""
        return cls(account=account, unchecked=True)

    def root(self, access_key: str = ROOT_ACCESS_KEY) -> Principal:
        """The root principal of this store's account, as reached with ``access_key``."""
        return root_principal(self.account, access_key)

    def add(self, resolver: Resolver, *, first: bool = False) -> None:
        """Register another kind of key (IAM user keys, STS temporary credentials)."""
        self._resolvers.insert(0 if first else len(self._resolvers), resolver)

    def resolve(self, access_key: str, session_token: str | None = None) -> Credential:
        """``(secret, principal)``; raises a :class:`CredentialError` for an unusable key.

        An unchecked store answers no secret (nothing to check), and root for a key it
        does not know instead of raising.
        """
        try:
            secret, principal = self._lookup(access_key, session_token)
        except CredentialError:
            if not self.unchecked:
                raise
            return None, self.root(access_key)
        return (None if self.unchecked else secret), principal

    def _lookup(self, access_key: str, session_token: str | None) -> Credential:
        for resolver in self._resolvers:
            found = resolver(access_key, session_token)
            if found is not None:
                return found
        raise UnknownAccessKey(access_key)
