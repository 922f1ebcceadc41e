"""AWS IAM: users, groups, roles, managed and inline policies, access keys, durable in SQLite.

Handlers live by resource area (``users``, ``groups``, ``roles``, ``policies``,
``inline``, ``access_keys``, ``profiles``, ``account``, ``simulate``); ``store`` owns the
schema and every statement, and offers the reads the authorizer and STS use;
``credentials`` resolves IAM access keys when requests are signed; ``managed`` holds the
AWS managed policies.
"""

from headwater.registry import Service
from headwater.services.iam import credentials
from headwater.services.iam.store import MIGRATIONS

service = Service("iam", migrations=MIGRATIONS, startup=credentials.register)

from headwater.services.iam import (  # noqa: F401  (register operations)
    access_keys,
    account,
    attachments,
    groups,
    inline,
    policies,
    profiles,
    roles,
    simulate,
    tagging,
    users,
)
