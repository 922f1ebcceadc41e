"""A request's conditions, updates, projections and key conditions, from its expressions or
from the legacy parameters, with AWS's checks in AWS's order (mixing, then each
expression, then unused names and values)."""

from __future__ import annotations

from headwater.services.dynamodb import errors, expressions
from headwater.services.dynamodb.expressions import Expressions

NO_UPDATE = expressions.Update([])
WRITE_RETURN_VALUES = ("NONE", "ALL_OLD")


#: Per operation, every member that may hold an expression, a legacy parameter, names or values.
_EXPRESSION_MEMBERS = {
    operation: frozenset({*expression_members, *legacy, "ExpressionAttributeNames", "ExpressionAttributeValues"})
    for operation, (expression_members, legacy) in expressions.PARAMETERS.items()
}


def _plain(req: dict, operation: str) -> bool:
    """Whether the request has none of its operation's expression members (most GetItem and
    PutItem requests): then there is nothing to check and nothing to compile."""
    return _EXPRESSION_MEMBERS[operation].isdisjoint(req)


def _expressions(req: dict) -> Expressions:
    return Expressions(req.get("ExpressionAttributeNames"), req.get("ExpressionAttributeValues"))


def _condition(req: dict, exprs: Expressions, expression: str, legacy: str, kind: str):
    if req.get(expression) is not None:
        return exprs.condition(req[expression], kind)
    if req.get(legacy):
        convert = expressions.legacy_condition if legacy == "Expected" else expressions.legacy_filter
        return convert(req[legacy], req.get("ConditionalOperator"))
    return None


def check_write_return_values(req: dict) -> str:
    """PutItem and DeleteItem return nothing or the old item."""
    value = req.get("ReturnValues", "NONE")
    if value not in WRITE_RETURN_VALUES:
        raise errors.validation("ReturnValues can only be ALL_OLD or NONE")
    return value


def write_condition(req: dict, operation: str):
    """The condition of a PutItem, DeleteItem or ConditionCheck (None without one)."""
    operation = "PutItem" if operation == "ConditionCheck" else operation
    if _plain(req, operation):
        return None
    expressions.check_parameters(req, operation)
    exprs = _expressions(req)
    condition = _condition(req, exprs, "ConditionExpression", "Expected", "ConditionExpression")
    exprs.check_unused()
    return condition


def update_and_condition(req: dict) -> tuple:
    """(update, condition) of an UpdateItem; an update with neither parameter changes nothing."""
    expressions.check_parameters(req, "UpdateItem")
    exprs = _expressions(req)
    if req.get("UpdateExpression") is not None:
        update = exprs.update(req["UpdateExpression"])
    elif req.get("AttributeUpdates"):
        update = expressions.legacy_update(req["AttributeUpdates"])
    else:
        update = NO_UPDATE
    condition = _condition(req, exprs, "ConditionExpression", "Expected", "ConditionExpression")
    exprs.check_unused()
    return update, condition


def _projection(req: dict, exprs: Expressions):
    if req.get("ProjectionExpression") is not None:
        return exprs.projection(req["ProjectionExpression"])
    if req.get("AttributesToGet"):
        return expressions.legacy_projection(req["AttributesToGet"])
    return None


def projection(req: dict):
    """The projection of a GetItem (or a BatchGetItem/TransactGetItems entry)."""
    if _plain(req, "GetItem"):
        return None
    expressions.check_parameters(req, "GetItem")
    exprs = _expressions(req)
    result = _projection(req, exprs)
    exprs.check_unused()
    return result


def query_expressions(req: dict, key_schema: list[dict], attribute_types: dict) -> tuple:
    """(key condition, filter, projection) of a Query on a table or index key schema."""
    expressions.check_parameters(req, "Query")
    exprs = _expressions(req)
    if req.get("KeyConditionExpression") is not None:
        key = exprs.key_condition(req["KeyConditionExpression"], key_schema, attribute_types)
    elif req.get("KeyConditions"):
        key = expressions.legacy_key_condition(req["KeyConditions"], key_schema, attribute_types)
    else:
        raise errors.validation("Either the KeyConditions or KeyConditionExpression parameter must be specified in the request.")
    condition = _condition(req, exprs, "FilterExpression", "QueryFilter", "FilterExpression")
    result = _projection(req, exprs)
    exprs.check_unused()
    return key, condition, result


def scan_expressions(req: dict) -> tuple:
    """(filter, projection) of a Scan."""
    expressions.check_parameters(req, "Scan")
    exprs = _expressions(req)
    condition = _condition(req, exprs, "FilterExpression", "ScanFilter", "FilterExpression")
    result = _projection(req, exprs)
    exprs.check_unused()
    return condition, result
