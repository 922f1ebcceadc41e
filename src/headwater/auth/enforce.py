"""Authorization: may this principal perform this operation on these resources?

Every request that needs a permission is turned into one or more (action, resource,
context) questions and put to the policy engine (:mod:`headwater.auth.policy`) with the
caller's identity policies and permissions boundary (from the IAM store), its session
policies (from STS), and the resource's own policy (a service's ``resource_policy`` hook;
for ``sts:AssumeRole`` the role's trust policy). Root may do anything in its own account,
as on AWS. ``settings.iam`` chooses: ``enforce`` (deny), ``soft`` (allow, but record what
would be denied) or ``off``. Denials are recorded in :mod:`headwater.auth.denials`.

Parsed policies are cached by their text, and a caller's policies (indexed by action, see
:class:`~headwater.auth.policy.PolicySet`) by the IAM store's ``policy_generation``, which
is read again only when the IAM database changed (:meth:`Authorizer.generation`). A request
evaluates only the statements that cover its action, against a context holding only the
keys those statements read; a denial is decided again with the whole context, so that its
explanation is complete.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from dataclasses import dataclass, field

from headwater import registry
from headwater.auth import context_keys, denials, errors
from headwater.auth.keys import Principal
from headwater.auth.policy import (
    TYPELESS_KEYS,
    MalformedPolicy,
    Policies,
    PolicySet,
    PrincipalFacts,
    Request,
    evaluate,
    evaluate_trust,
    parse,
)
from headwater.auth.policy.sets import gather
from headwater.errors import ServiceError

log = logging.getLogger("headwater.iam")

#: What root may do in its own account, as a policy (for root calling into another account).
_ROOT_POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
_ASSUME_ROLE = "sts:AssumeRole"
#: Actions decided with the role's trust policy as the resource policy.
_TRUST_ACTIONS = (_ASSUME_ROLE, "sts:TagSession")
_PARSED_CACHE_LIMIT = 10_000
_DECISIONS_REMEMBERED = 1024
_RESOURCE_TAG = "aws:resourcetag/"
_LEADING_KEYS = "dynamodb:leadingkeys"


@dataclass(frozen=True)
class Caller:
    """What the engine needs of one caller, valid for one IAM ``generation``."""

    generation: int
    facts: PrincipalFacts
    identity: PolicySet
    boundary: tuple | None  # (source, Policy)
    session: PolicySet | None
    #: The keys that depend only on the caller (:func:`context_keys.principal_keys`).
    keys: dict
    #: Identity, boundary and session policies together: the keys they read per action.
    everything: PolicySet
    #: Decisions that depend on no context key, by (action, resource, resource account).
    decided: dict = field(default_factory=dict, compare=False, repr=False)

    def reads(self, action: str) -> frozenset[str]:
        """The condition keys the caller's own policies read for ``action``."""
        return self.everything.candidates(action).keys

    def remember(self, question: tuple, decision) -> None:
        if len(self.decided) >= _DECISIONS_REMEMBERED:
            self.decided.clear()
        self.decided[question] = decision


class Authorizer:
    """Decides every request of one running endpoint (``app``: its databases, keys, settings)."""

    def __init__(self, app):
        self.app = app
        self._parsed: dict[tuple[str, str], object] = {}
        self._callers: dict[tuple[str, str], Caller] = {}
        #: On a connection of our own: ``PRAGMA data_version`` of the IAM database.
        self._version_cursor: sqlite3.Cursor | None = None
        self._version_lock = threading.Lock()
        #: ``(data_version, generation)`` when the generation was last read.
        self._seen = (None, 0)
        #: The principal the IAM key resolver resolved last, and the generation it saw then.
        self._vouched: tuple[Principal | None, int] = (None, 0)

    @property
    def mode(self) -> str:
        return self.app.settings.iam

    # -- the pipeline's entry points ----------------------------------------------------

    def authorize(self, ctx, operation, params: dict) -> None:
        """Return when the request may proceed; raise the service's AccessDenied otherwise."""
        if not operation.needs_permission or self.mode == "off":
            return
        resources = operation.resources(ctx, params)
        if ctx.principal.is_root and self._owns_all(ctx, resources):
            return
        questions = context_keys.authorization_requests(ctx.service, operation, params, resources)
        if operation.action == _ASSUME_ROLE and params.get("Tags"):
            questions.append(("sts:TagSession", questions[0][1], {}))
        caller = self._caller(ctx.principal)
        for action, resource, extra in questions:
            self._check(ctx, caller, action, resource, params, extra)

    def conceal_missing(self, ctx, params: dict, error: ServiceError) -> ServiceError:
        """S3 (iam.md §6.5): a missing key is a 404 only for a caller who may ``s3:ListBucket``
        the bucket; anyone else gets AccessDenied, so that denied callers learn nothing."""
        if error.code != "NoSuchKey" or ctx.service != "s3" or self.mode == "off" or ctx.principal.is_root:
            return error
        bucket = f"arn:aws:s3:::{params.get('Bucket', '')}"
        try:
            self._check(ctx, self._caller(ctx.principal), "s3:ListBucket", bucket, {}, {})
        except ServiceError as denied:
            return denied
        return error

    def _owns_all(self, ctx, resources: list) -> bool:
        """Root acts in its own account (a resource policy tells who owns an S3 bucket)."""
        if self._hook(ctx.service, "resource_policy") is None:
            return True
        arns = [entry[1] if isinstance(entry, tuple) else entry for entry in resources]
        return all(self._resource_policy(ctx.service, arn)[0] in (None, ctx.principal.account) for arn in arns)

    # -- one question -------------------------------------------------------------------

    def _check(self, ctx, caller: Caller, action: str, resource: str, params: dict, extra: dict) -> None:
        decision = self.decide(ctx, caller, action, resource, params, extra)
        if decision is None or decision.effect == "Allow":
            return
        # The same answer, explained with every key (statements for other actions included).
        decision = self.decide(ctx, caller, action, resource, params, extra, complete=True)
        enforced = self.mode == "enforce"
        policy_type = decision.policy_type or "identity-based"
        self._record(ctx.principal, action, resource, decision, enforced, policy_type)
        if enforced:
            # AWS words a refused sts:AssumeRole without a reason.
            worded_type = None if action in _TRUST_ACTIONS else policy_type
            raise errors.access_denied(ctx.service, ctx.principal.arn, action, resource,
                                       explicit=decision.effect == "ExplicitDeny", policy_type=worded_type)

    def decide(self, ctx, caller: Caller, action: str, resource: str, params: dict, extra: dict | None = None,
               *, complete: bool = False):
        """The engine's Decision for one question; None when root acts in its own account.

        The context holds the keys the policies in force read for ``action`` (all of them
        when ``complete``), and ``extra`` keys of the question (a transaction item's). An
        answer that depends on the caller's policies alone is remembered with them."""
        extra = extra or {}
        if action in _TRUST_ACTIONS:
            context = self._context(ctx, caller, resource, params, extra, None)
            return self._decide_trust(caller, action, resource, context)
        owner, resource_policy = self._resource_policy(ctx.service, resource)
        if ctx.principal.is_root and (owner is None or owner == ctx.principal.account):
            return None
        policies = Policies(identity=caller.identity, boundary=caller.boundary, session=caller.session,
                            resource=self._parsed_resource(resource_policy),
                            resource_account=owner or _arn_account(resource) or ctx.principal.account)
        wanted = None if complete else _wanted(caller, action, resource, policies.resource)
        if wanted is None or wanted or extra or policies.resource:
            context = self._context(ctx, caller, resource, params, extra, wanted)
            return evaluate(Request(action, resource, caller.facts, context), policies)
        question = (action, resource, policies.resource_account)
        decision = caller.decided.get(question)
        if decision is None:
            decision = evaluate(Request(action, resource, caller.facts, caller.keys), policies)
            caller.remember(question, decision)
        return decision

    def _context(self, ctx, caller: Caller, resource: str, params: dict, extra: dict,
                 wanted: frozenset[str] | None) -> dict:
        """The request context: ``wanted`` keys (every key when None) and the ``extra`` ones."""
        context = context_keys.request_context(ctx, ctx.operation, params, caller.keys, wanted)
        costly = self._costly_keys(ctx, resource, params, wanted)
        return {**context, **extra, **costly} if extra or costly else context

    def _decide_trust(self, caller: Caller, action: str, role_arn: str, context: dict):
        with self.app.database("iam").transaction(write=False) as conn:
            role = self._iam_store().role(conn, role_arn)
        trust = None
        if role is not None and role.get("AssumeRolePolicyDocument"):
            trust = self._parse_one((f"role/{role['RoleName']}/trust", role["AssumeRolePolicyDocument"]), "trust")
        policies = Policies(identity=caller.identity, boundary=caller.boundary, session=caller.session,
                            resource_account=role["Account"] if role else _arn_account(role_arn))
        return evaluate_trust(Request(action, role_arn, caller.facts, context), trust, policies)

    # -- the caller -----------------------------------------------------------------------

    def vouch(self, principal: Principal, generation: int) -> None:
        """The IAM key resolver has just resolved ``principal`` (an object it makes anew
        whenever the generation moves) as of ``generation``: authorizing the same request
        then needs no read of the generation of its own."""
        self._vouched = (principal, generation)

    def _caller(self, principal: Principal) -> Caller:
        vouched, generation = self._vouched
        if vouched is not principal:
            generation = self.generation()
        key = (principal.arn, principal.access_key if principal.is_temporary else "")
        cached = self._callers.get(key)
        if cached is not None and cached.generation == generation:
            return cached
        caller = self._load_caller(principal, generation)
        if len(self._callers) > _PARSED_CACHE_LIMIT:
            self._callers.clear()
        self._callers[key] = caller
        return caller

    def _load_caller(self, principal: Principal, generation: int) -> Caller:
        session = self._session(principal)
        identity, boundary, tags = self._stored_policies(principal)
        if session is not None:
            tags = {**tags, **session.tags}
        session_policies = None
        if session is not None and session.policies:
            session_policies = PolicySet(self._parse_all(session.policies, "session"))
        identity = PolicySet(self._parse_all(identity, "identity"))
        boundary = self._parse_one(boundary, "boundary")
        everything = PolicySet([*identity, *([boundary] if boundary else []), *(session_policies or ())])
        return Caller(generation, PrincipalFacts.of(principal), identity, boundary, session_policies,
                      context_keys.principal_keys(principal, tags, session), everything)

    def _stored_policies(self, principal: Principal):
        """``(identity [(source, text)], boundary (source, text) | None, tags)`` from the IAM store."""
        if principal.is_root:
            return [("root", _ROOT_POLICY)], None, {}
        if principal.is_anonymous or not self._has_iam():
            return [], None, {}
        store = self._iam_store()
        owner = principal.role_arn or principal.arn
        with self.app.database("iam").transaction(write=False) as conn:
            identity, boundary = store.principal_policies(conn, owner)
            tags = store.principal_tags(conn, owner)
        return identity, boundary, tags

    def _session(self, principal: Principal):
        if not principal.is_temporary or "sts" not in registry.services():
            return None
        from headwater.services.sts import endpoint_of

        return endpoint_of(self.app.settings)[1].get(principal.access_key)

    def generation(self) -> int:
        """The IAM store's generation, read again only when its database changed: SQLite's
        ``data_version`` (on a connection of our own, which never writes) moves with every
        commit of any other connection, in this process or another (``headwater iam load``).
        The IAM key resolver caches on it too."""
        if not self._has_iam():
            return 0
        with self._version_lock:
            if self._version_cursor is None:
                path = self.app.database("iam").path
                self._version_cursor = sqlite3.connect(path, isolation_level=None, check_same_thread=False).cursor()
            (version,) = self._version_cursor.execute("PRAGMA data_version").fetchone()
        seen_version, generation = self._seen
        if version != seen_version:
            with self.app.database("iam").transaction(write=False) as conn:
                generation = self._iam_store().policy_generation(conn)
            self._seen = (version, generation)
        return generation

    def close(self) -> None:
        """Release the connection :meth:`generation` watches the IAM database with."""
        with self._version_lock:
            if self._version_cursor is not None:
                self._version_cursor.connection.close()
                self._version_cursor = None

    @staticmethod
    def _has_iam() -> bool:
        return "iam" in registry.services()

    @staticmethod
    def _iam_store():
        from headwater.services.iam import store

        return store

    # -- policies -------------------------------------------------------------------------

    def _parse(self, source: str, text: str, kind: str):
        """The parsed policy, cached by its text; None (and a log line) if it does not parse."""
        key = (kind, text)
        parsed = self._parsed.get(key)
        if parsed is None:
            try:
                parsed = parse(text, kind)
            except MalformedPolicy as error:
                log.warning("ignoring policy %s that does not parse: %s", source, error)
                return None
            if len(self._parsed) > _PARSED_CACHE_LIMIT:
                self._parsed.clear()
            self._parsed[key] = parsed
        return parsed

    def _parse_one(self, pair, kind: str):
        if pair is None:
            return None
        parsed = self._parse(pair[0], pair[1], kind)
        return (pair[0], parsed) if parsed is not None else None

    def _parse_all(self, pairs, kind: str) -> list:
        return [found for found in (self._parse_one(pair, kind) for pair in pairs) if found is not None]

    def _parsed_resource(self, resource_policy):
        return self._parse_one(resource_policy, "resource") if resource_policy else None

    def _resource_policy(self, service: str, resource: str) -> tuple[str | None, tuple[str, str] | None]:
        """``(owning account, (source, text) | None)`` from the service's ``resource_policy`` hook."""
        hook = self._hook(service, "resource_policy")
        if hook is None or resource == "*":
            return None, None
        with self.app.database(service).transaction(write=False) as conn:
            found = hook(conn, resource)
        if found is None:
            return None, None
        owner, text = found
        return owner, ((_policy_source(service, resource), text) if text else None)

    def _costly_keys(self, ctx, resource: str, params: dict, wanted: frozenset[str] | None) -> dict:
        """Keys that need a read of the service's data, computed only when ``wanted`` (every
        key when None)."""
        keys = {}
        if wanted is None or any(key.startswith(_RESOURCE_TAG) for key in wanted):
            hook = self._hook(ctx.service, "resource_tags")
            if hook is not None:
                with self.app.database(ctx.service).transaction(write=False) as conn:
                    tags = hook(conn, resource) or {}
                keys.update({f"{_RESOURCE_TAG}{key.lower()}": [value] for key, value in tags.items()})
        if (wanted is None or _LEADING_KEYS in wanted) and ctx.service == "dynamodb":
            partition_key = self._partition_key(ctx, resource)
            if partition_key:
                keys[_LEADING_KEYS] = context_keys.leading_keys(params, partition_key)
        return keys

    def _partition_key(self, ctx, resource: str) -> str | None:
        from headwater.services.dynamodb import store

        name = resource.split(":table/", 1)[-1].split("/", 1)[0]
        with self.app.database("dynamodb").transaction(write=False) as conn:
            table = store.find_table(conn, ctx.account, ctx.region, name)
        return table.hash.name if table is not None and table.hash is not None else None

    @staticmethod
    def _hook(service: str, name: str):
        found = registry.services().get(service)
        return found.hooks.get(name) if found else None

    # -- denials --------------------------------------------------------------------------

    def _record(self, principal: Principal, action: str, resource: str, decision, enforced: bool,
                policy_type: str) -> None:
        denial = denials.Denial(self.app.clock.time(), principal.arn, action, resource, decision.effect,
                                decision.reason, list(decision.missing_context), enforced, policy_type)
        try:
            database = self.app.stores.database(denials.DATABASE, denials.MIGRATIONS)
            with database.transaction(write=True) as conn:
                denials.record(conn, denial)
        except Exception:  # a denial must be answered even if it cannot be recorded
            log.exception("could not record a denial")


def _wanted(caller: Caller, action: str, resource: str, resource_policy) -> frozenset[str]:
    """The keys the policies in force read for ``action`` on ``resource``."""
    keys = caller.reads(action)
    if resource_policy is not None:
        keys = keys | gather([resource_policy], action).keys
    return keys | TYPELESS_KEYS if resource == "*" else keys


def _arn_account(arn: str) -> str | None:
    parts = arn.split(":", 5)
    return parts[4] or None if len(parts) == 6 else None


def _policy_source(service: str, resource: str) -> str:
    """How users see a resource policy: ``bucket-policy:mybucket``, ``resource-policy:<arn>``."""
    if service == "s3":
        return f"bucket-policy:{resource.split(':::', 1)[-1].split('/', 1)[0]}"
    return f"resource-policy:{resource}"
