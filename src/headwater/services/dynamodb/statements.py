"""PartiQL for DynamoDB: ExecuteStatement, BatchExecuteStatement and ExecuteTransaction.

A statement is parsed (``partiql.parser``) and run on the core: a SELECT reads the table
or index in key order, as a Query of the partitions its WHERE fixes or else a Scan
(``partiql.selects``), evaluating the WHERE with the expression language; INSERT, UPDATE
and DELETE become PutItem, UpdateItem and DeleteItem requests (``partiql.writes``); a
transaction becomes a TransactWriteItems or TransactGetItems request. Conditions, indexes,
stream records, capacity and idempotency tokens are therefore the core's own.
"""

from __future__ import annotations

from functools import lru_cache

from headwater.errors import ServiceError
from headwater.services.dynamodb import items, lookup, service, transactions, types
from headwater.services.dynamodb.batch import DUPLICATES
from headwater.services.dynamodb.partiql import selects
from headwater.services.dynamodb.partiql.lexer import invalid
from headwater.services.dynamodb.partiql.parser import parse
from headwater.services.dynamodb.partiql.syntax import Exists, Insert, Select, Statement
from headwater.services.dynamodb.partiql.translate import Translation
from headwater.services.dynamodb.partiql.writes import DUPLICATE_ITEM, KeyProblem, write
from headwater.services.dynamodb.query_scan import read_capacity

PARAMETER_COUNT = "Number of parameters in request and statement don't match."
EXISTS_OUTSIDE = "EXISTS can only be used in ExecuteTransaction write requests."
BATCH_NEEDS_KEY = "Select statements within BatchExecuteStatement must specify the primary key in the where clause."
TRANSACTION_NEEDS_KEY = "Select statements within ExecuteTransaction must specify the primary key in the where clause."
MIXED_BATCH = "Statements in a BatchExecuteStatement request must be either all reads or all writes"
MIXED_TRANSACTION = "Statements in an ExecuteTransaction request must be either all reads or all writes"
WRITE_OPERATIONS = {"Put": items.put_item, "Update": items.update_item, "Delete": items.delete_item}
#: Error codes as BatchExecuteStatement reports them per statement.
BATCH_CODES = {
    "ValidationException": "ValidationError",
    "ConditionalCheckFailedException": "ConditionalCheckFailed",
    "ResourceNotFoundException": "ResourceNotFound",
    "DuplicateItemException": "DuplicateItem",
    "TransactionConflictException": "TransactionConflict",
    "ItemCollectionSizeLimitExceededException": "ItemCollectionSizeLimitExceeded",
    "ProvisionedThroughputExceededException": "ProvisionedThroughputExceeded",
    "ThrottlingException": "ThrottlingError",
}


@lru_cache(maxsize=2048)
def _parsed(text: str) -> Statement:
    return parse(text)


def _parameters(entry: dict) -> list[dict]:
    """A request's (or request entry's) Parameters, checked before its statement is read."""
    return [types.validate_value(value) for value in entry.get("Parameters") or ()]


def _statement(text: str, parameters: list[dict]) -> tuple[Statement, Translation]:
    statement = _parsed(text)
    if statement.parameters != len(parameters):
        raise invalid(PARAMETER_COUNT)
    return statement, Translation(parameters)


class WholeRequest(ServiceError):
    """A problem of a whole BatchExecuteStatement, not of one of its statements."""


#: The IAM action a PartiQL statement needs, by its kind (ExecuteStatement itself is no action).
PARTIQL_ACTIONS = {"Select": "dynamodb:PartiQLSelect", "Exists": "dynamodb:PartiQLSelect",
                   "Insert": "dynamodb:PartiQLInsert", "Update": "dynamodb:PartiQLUpdate",
                   "Delete": "dynamodb:PartiQLDelete"}


def _tables_resource(texts) -> callable:
    """``(action, table ARN)`` pairs: each statement asks for its PartiQL action on its table
    (an unparseable statement asks for nothing; the handler refuses it)."""
    def resources(ctx, req: dict) -> list:
        pairs = []
        for text in texts(req):
            try:
                statement = _parsed(text)
            except (ServiceError, TypeError):
                continue
            pairs.append((PARTIQL_ACTIONS[type(statement.body).__name__], lookup.table_arn(ctx, statement.table)))
        return list(dict.fromkeys(pairs)) or [lookup.table_arn(ctx, "*")]
    return resources


def _passed_on(req: dict, *members: str) -> dict:
    return {member: req[member] for member in members if req.get(member) is not None}


# --- ExecuteStatement -----------------------------------------------------------------------


@service.operation("ExecuteStatement", resources=_tables_resource(lambda req: [req.get("Statement")]))
def execute_statement(ctx, req: dict) -> dict:
    statement, translation = _statement(req["Statement"], _parameters(req))
    body = statement.body
    if type(body) is Select:
        return _select(ctx, req, body, translation)
    if type(body) is Exists:
        raise invalid(EXISTS_OUTSIDE)
    return _write(ctx, req, body, translation)


def _select(ctx, req: dict, select: Select, translation: Translation) -> dict:
    consistent = bool(req.get("ConsistentRead"))
    plan = selects.plan(ctx, select, translation, consistent)
    print_ = selects.fingerprint(req["Statement"], translation.parameters, consistent)
    resume = selects.resume_from(req["NextToken"], print_) if req.get("NextToken") else None
    page = selects.read(ctx, plan, req.get("Limit"), resume)
    result = {"Items": page.items}
    if page.resume is not None:
        result["NextToken"] = selects.next_token(print_, page.resume)
        result["LastEvaluatedKey"] = page.resume[1]
    consumed = read_capacity(req, plan.reader, page.size)
    if consumed is not None:
        result["ConsumedCapacity"] = consumed
    return result


def _write(ctx, req: dict, body, translation: Translation) -> dict:
    table = lookup.active_table(ctx, body.table)
    return _run_write(ctx, req, body, write(table, body, translation))


def _run_write(ctx, req: dict, body, planned) -> dict:
    request = {**planned.request, **_passed_on(req, "ReturnConsumedCapacity", "ReturnValuesOnConditionCheckFailure")}
    try:
        result = WRITE_OPERATIONS[planned.kind](ctx, request)
    except ServiceError as error:
        if type(body) is Insert and error.code == "ConditionalCheckFailedException":
            raise ServiceError("DuplicateItemException", DUPLICATE_ITEM) from None
        raise
    answer = {"Items": [result["Attributes"]] if result.get("Attributes") else []}
    if "ConsumedCapacity" in result:
        answer["ConsumedCapacity"] = result["ConsumedCapacity"]
    return answer


# --- BatchExecuteStatement ------------------------------------------------------------------


@service.operation("BatchExecuteStatement", resources=_tables_resource(
    lambda req: [entry.get("Statement") for entry in req.get("Statements") or () if isinstance(entry, dict)]))
def batch_execute_statement(ctx, req: dict) -> dict:
    entries = req["Statements"]
    parsed = [_attempt(lambda entry: _statement(entry["Statement"], _parameters(entry)), entry) for entry in entries]
    kinds = {found[0].is_read for found in parsed if not isinstance(found, ServiceError)}
    if len(kinds) > 1:
        raise invalid(MIXED_BATCH)
    run = _batch_read if kinds == {True} else _batch_write
    responses, reports, seen = [], [], set()
    for entry, found in zip(entries, parsed):
        if isinstance(found, ServiceError):
            responses.append(_error_entry(found, None))
            continue
        statement, translation = found
        try:
            response, report = run(ctx, req, entry, statement, translation, seen)
        except WholeRequest:
            raise
        except ServiceError as error:
            response, report = _error_entry(error, statement.table), None
        responses.append(response)
        if report is not None:
            reports.append(report)
    result = {"Responses": responses}
    if req.get("ReturnConsumedCapacity") in ("TOTAL", "INDEXES"):
        result["ConsumedCapacity"] = _merged(reports)
    return result


def _attempt(function, *args):
    try:
        return function(*args)
    except ServiceError as error:
        if error.code != "ValidationException":
            raise
        return error


def _error_entry(error: ServiceError, table_name: str | None) -> dict:
    code = BATCH_CODES.get(error.code)
    if code is None:
        raise error
    entry = {"Error": {"Code": code, "Message": error.message}}
    if error.fields and error.fields.get("Item") is not None:
        entry["Error"]["Item"] = error.fields["Item"]
    if table_name is not None:
        entry["TableName"] = table_name
    return entry


def _check_unique(seen: set, table, key: tuple) -> None:
    """Two statements of a batch may not name one item (the whole request is refused)."""
    item_id = (table.id, key[1], key[2])
    if item_id in seen:
        raise WholeRequest("ValidationException", DUPLICATES)
    seen.add(item_id)


def _batch_read(ctx, req: dict, entry: dict, statement: Statement, translation: Translation, seen: set):
    select = statement.body
    table = lookup.active_table(ctx, select.source.table)
    if select.source.index is not None:
        raise invalid(BATCH_NEEDS_KEY)
    key = selects.single_item(select, table, translation, BATCH_NEEDS_KEY)
    columns = selects.columns(select.projection)
    _check_unique(seen, table, table.key_of(key))
    request = {"TableName": table.name, "Key": key, **_passed_on(entry, "ConsistentRead"),
               **_passed_on(req, "ReturnConsumedCapacity")}
    result = items.read_item(ctx, request)
    response = {"TableName": table.name}
    if "Item" in result:
        response["Item"] = selects.project(result["Item"], columns)
    return response, result.get("ConsumedCapacity")


def _batch_write(ctx, req: dict, entry: dict, statement: Statement, translation: Translation, seen: set):
    body = statement.body
    if type(body) is Exists:
        raise invalid(EXISTS_OUTSIDE)
    table = lookup.active_table(ctx, body.table)
    planned = write(table, body, translation)
    _check_unique(seen, table, planned.storage_key(table))
    answer = _run_write(ctx, {**req, **_passed_on(entry, "ReturnValuesOnConditionCheckFailure")}, body, planned)
    response = {"TableName": table.name}
    if answer["Items"]:
        response["Item"] = answer["Items"][0]
    return response, answer.get("ConsumedCapacity")


def _merged(reports: list[dict]) -> list[dict]:
    """One ConsumedCapacity per table, adding up the statements' reports."""
    totals: dict[str, dict] = {}
    for report in reports:
        _add(totals.setdefault(report["TableName"], {}), report)
    return list(totals.values())


def _add(total: dict, report: dict) -> None:
    for member, value in report.items():
        if isinstance(value, dict):
            _add(total.setdefault(member, {}), value)
        elif isinstance(value, float):
            total[member] = total.get(member, 0.0) + value
        else:
            total[member] = value


# --- ExecuteTransaction ---------------------------------------------------------------------


@service.operation("ExecuteTransaction", resources=_tables_resource(
    lambda req: [entry.get("Statement") for entry in req.get("TransactStatements") or () if isinstance(entry, dict)]))
def execute_transaction(ctx, req: dict) -> dict:
    entries = req["TransactStatements"]
    parameters = [_parameters(entry) for entry in entries]  # all checked before any statement is read
    statements = [_in_transaction(position, entry["Statement"], values)
                  for position, (entry, values) in enumerate(zip(entries, parameters))]
    reads = {statement.is_read for statement, _ in statements}
    if len(reads) > 1:
        raise invalid(MIXED_TRANSACTION)
    if reads == {True}:
        return _transact_reads(ctx, req, statements)
    return _transact_writes(ctx, req, entries, statements)


def _wrapped(position: int, error: ServiceError) -> ServiceError:
    if error.code != "ValidationException":
        return error
    return invalid(f"Validation failed in TransactStatements[{position}]: {error.message}")


def _in_transaction(position: int, text: str, parameters: list[dict]) -> tuple[Statement, Translation]:
    try:
        statement, translation = _statement(text, parameters)
        body = statement.body
        if getattr(body, "returning", None):
            raise invalid("RETURNING clause is not supported in ExecuteTransaction.")
        if type(body) is Select and body.source.index is not None:
            raise invalid("Reads on indices are not supported within transactions.")
        if type(body) is Exists and body.select.source.index is not None:
            raise invalid("Operations on indices are not supported in transactions")
    except ServiceError as error:
        raise _wrapped(position, error) from None
    return statement, translation


def _each_statement(ctx, statements: list, plan) -> list:
    """``plan(table, statement, translation)`` per statement; a missing table or a key that
    names no item cancels the transaction with a reason per statement."""
    planned, reasons = [], []
    for position, (statement, translation) in enumerate(statements):
        reason = {"Code": "None"}
        try:
            table = lookup.active_table(ctx, statement.table)
            planned.append(plan(table, statement, translation))
        except KeyProblem as problem:
            reason = {"Code": "ValidationError", "Message": problem.message}
        except ServiceError as error:
            if error.code != "ResourceNotFoundException":
                raise _wrapped(position, error) from None
            reason = {"Code": "ResourceNotFound", "Message": error.message}
        reasons.append(reason)
    if any(reason["Code"] != "None" for reason in reasons):
        raise transactions.cancelled(reasons)
    return planned


def _transact_reads(ctx, req: dict, statements: list) -> dict:
    def plan(table, statement, translation):
        key = selects.single_item(statement.body, table, translation, TRANSACTION_NEEDS_KEY)
        try:
            storage_key = table.key_of(key)
        except ServiceError as error:
            raise KeyProblem(error.message) from None
        return table, key, storage_key, selects.columns(statement.body.projection)

    planned = _each_statement(ctx, statements, plan)
    ids = [(table.id, storage_key[1], storage_key[2]) for table, _, storage_key, _ in planned]
    if len(set(ids)) != len(ids):
        raise invalid(transactions.ONE_ITEM_ONCE)
    gets = [{"Get": {"TableName": table.name, "Key": key}} for table, key, _, _ in planned]
    result = transactions.transact_get_items(ctx, {"TransactItems": gets, **_passed_on(req, "ReturnConsumedCapacity")})
    responses = [{"Item": selects.project(response["Item"], columns)} if "Item" in response else {}
                 for response, (_, _, _, columns) in zip(result["Responses"], planned)]
    return {**result, "Responses": responses}


def _transact_writes(ctx, req: dict, entries: list, statements: list) -> dict:
    planned = _each_statement(ctx, statements, lambda table, statement, translation: write(
        table, statement.body, translation, transaction=True))
    actions = [{write_.kind: {**write_.action, **_passed_on(entry, "ReturnValuesOnConditionCheckFailure")}}
               for write_, entry in zip(planned, entries)]
    request = {"TransactItems": actions, **_passed_on(req, "ClientRequestToken", "ReturnConsumedCapacity")}
    try:
        return transactions.transact_write_items(ctx, request)
    except ServiceError as error:
        if error.code != "TransactionCanceledException":
            raise
        reasons = [_duplicate_reason(reason, statement) for reason, (statement, _) in
                   zip(error.fields["CancellationReasons"], statements)]
        raise transactions.cancelled(reasons) from None


def _duplicate_reason(reason: dict, statement: Statement) -> dict:
    """An INSERT whose item exists is cancelled as a duplicate, not as a failed condition."""
    if type(statement.body) is Insert and reason["Code"] == "ConditionalCheckFailed":
        return {"Code": "DuplicateItem", "Message": DUPLICATE_ITEM}
    return reason
