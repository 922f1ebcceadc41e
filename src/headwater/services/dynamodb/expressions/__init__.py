"""DynamoDB's expression language: condition, filter, key-condition, update and projection
expressions, and the legacy parameters converted into the same objects.

``Expressions(names, values)`` is made once per request; its methods parse (cached by
text), bind the request's placeholders and return objects that evaluate items without
re-reading strings.
"""

from headwater.services.dynamodb.expressions.conditions import Condition
from headwater.services.dynamodb.expressions.keys import KeyCondition
from headwater.services.dynamodb.expressions.legacy import (
    legacy_condition,
    legacy_filter,
    legacy_key_condition,
    legacy_projection,
    legacy_update,
)
from headwater.services.dynamodb.expressions.paths import project
from headwater.services.dynamodb.expressions.projections import Projection
from headwater.services.dynamodb.expressions.request import (
    PARAMETERS,
    Expressions,
    check_parameters,
)
from headwater.services.dynamodb.expressions.updates import Update, UpdateResult

__all__ = [
    "PARAMETERS",
    "Condition",
    "Expressions",
    "KeyCondition",
    "Projection",
    "Update",
    "UpdateResult",
    "check_parameters",
    "legacy_condition",
    "legacy_filter",
    "legacy_key_condition",
    "legacy_projection",
    "legacy_update",
    "project",
]
