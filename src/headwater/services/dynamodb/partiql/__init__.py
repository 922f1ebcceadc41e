"""DynamoDB's PartiQL: the statement language of ExecuteStatement, BatchExecuteStatement and
ExecuteTransaction (``statements.py``).

``lexer`` and ``parser`` turn a statement into the trees of ``syntax``; ``keys`` reads what
its WHERE says about keys; ``translate`` expresses conditions and updates in the expression
language, whose rules evaluate them; ``selects`` plans and pages a SELECT on the store's
key-ordered reads; ``writes`` turns INSERT, UPDATE, DELETE and EXISTS into the item
operations' requests.
"""

from headwater.services.dynamodb.partiql.parser import parse
from headwater.services.dynamodb.partiql.syntax import Statement

__all__ = ["Statement", "parse"]
