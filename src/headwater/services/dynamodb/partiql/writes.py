"""INSERT, UPDATE, DELETE and a transaction's EXISTS as the item operations' requests.

An INSERT is a PutItem that must not find the item, an UPDATE an UpdateItem that must find
it, a DELETE a DeleteItem, an EXISTS a ConditionCheck; the WHERE beyond the key becomes
their ConditionExpression. The requests are then run by the core's own operations, so
that every write takes the one write path (conditions, indexes, streams, capacity).
"""

from __future__ import annotations

from dataclasses import dataclass

from headwater.errors import ServiceError
from headwater.services.dynamodb import errors
from headwater.services.dynamodb.partiql import keys
from headwater.services.dynamodb.partiql.lexer import invalid
from headwater.services.dynamodb.partiql.syntax import (
    And,
    Call,
    Delete,
    Exists,
    Insert,
    Path,
    Update,
)
from headwater.services.dynamodb.partiql.translate import (
    Translation,
    all_of,
    text,
    update_text,
)
from headwater.services.dynamodb.schema import Table

DUPLICATE_ITEM = "Duplicate primary key exists in table"
EXISTS_NEEDS_CONDITION = "EXISTS() must contain a single item read with additional condition"


class KeyProblem(Exception):
    """In a transaction, a statement that does not name one item of its table: a
    cancellation reason (ValidationError) rather than an error of the whole request."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class Write:
    kind: str  # Put, Update, Delete, ConditionCheck (TransactWriteItems' names)
    request: dict  # the PutItem/UpdateItem/DeleteItem request, or the ConditionCheck
    returning: str | None = None

    @property
    def action(self) -> dict:
        """The request as a TransactWriteItems action."""
        return {name: value for name, value in self.request.items() if name != "ReturnValues"}

    def storage_key(self, table: Table) -> tuple:
        key = self.request.get("Key")
        return table.key_of(key) if key is not None else table.key_of_item(self.request["Item"])


def write(table: Table, body, translation: Translation, transaction: bool = False) -> Write:
    """The item request a write statement (or, in a transaction, an EXISTS) stands for."""
    kind = type(body)
    if kind is Insert:
        return _insert(table, body, translation, transaction)
    if kind is Update:
        return _update(table, body, translation, transaction)
    if kind is Delete:
        key, rest = _key(table, body.where, translation, transaction)
        members = {"ReturnValues": "ALL_OLD"} if body.returning else {}
        return Write("Delete", _request(table, translation, rest, Key=key, **members), body.returning)
    return _exists(table, body, translation)


def _exists_of(table: Table, attribute: bool = True) -> Call:
    return Call("attribute_exists" if attribute else "attribute_not_exists", (Path((table.hash.name,)),))


def _insert(table: Table, body: Insert, translation: Translation, transaction: bool) -> Write:
    item = {name: translation.value(value) for name, value in body.item}
    if transaction:
        _checked(table.key_of_item, item)
    else:
        keys.check_item_keys(item, table.key_parts)
    return Write("Put", _request(table, translation, _exists_of(table, False), Item=item))


def _update(table: Table, body: Update, translation: Translation, transaction: bool) -> Write:
    key, rest = _key(table, body.where, translation, transaction)
    actions = translation.actions(body.actions)
    translation.update(actions)  # the update's own checks, in PartiQL's wording
    condition = _exists_of(table) if rest is None else And(_exists_of(table), rest)
    request = _request(table, translation, condition, Key=key, UpdateExpression=update_text(actions),
                       ReturnValues=body.returning or "NONE")
    return Write("Update", request, body.returning)


def _exists(table: Table, body: Exists, translation: Translation) -> Write:
    key, rest = _key(table, body.select.where, translation, transaction=True, exists=True)
    if rest is None:
        raise invalid(EXISTS_NEEDS_CONDITION)
    return Write("ConditionCheck", _request(table, translation, And(_exists_of(table), rest), Key=key))


def _key(table: Table, where, translation: Translation, transaction: bool, exists: bool = False) -> tuple:
    """(Key, the rest of the WHERE). A single statement gets PartiQL's errors; in a
    transaction the first equality on each key attribute names the item (an EXISTS keeps
    the others as conditions) and anything else is a KeyProblem."""
    if not transaction:
        return keys.write_key(where, table.key_parts, translation)
    found = keys.item_key(where, table.key_names, translation)
    key = found.first_key(table.key_names)
    rest = list(found.rest)
    for name in table.key_names:
        if found.conflicting(name):
            if not exists:
                raise KeyProblem(errors.key_mismatch().message)
            rest += found.nodes[name][1:]
    if key is None:
        raise KeyProblem(errors.key_mismatch().message)
    _checked(table.key_of, key)
    return key, all_of(rest)


def _checked(make_key, value: dict) -> None:
    try:
        make_key(value)
    except ServiceError as error:
        if error.code != "ValidationException":
            raise
        raise KeyProblem(error.message) from None


def _request(table: Table, translation: Translation, condition=None, **members) -> dict:
    request = {"TableName": table.name, **members}
    if condition is not None:
        tree = translation.node(condition)
        translation.condition(tree)  # the condition's own checks, in PartiQL's wording
        request["ConditionExpression"] = text(tree)
    if translation.names:
        request["ExpressionAttributeNames"] = dict(translation.names)
    if translation.values:
        request["ExpressionAttributeValues"] = dict(translation.values)
    return request
