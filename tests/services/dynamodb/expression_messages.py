"""DynamoDB's wording of the expression errors several test tables expect, said once."""


def undefined_value(name: str) -> str:
    return f"An expression attribute value used in expression is not defined; attribute value: {name}"


def undefined_name(name: str) -> str:
    return f"An expression attribute name used in the document path is not defined; attribute name: {name}"


def operand_count(function: str, count: int) -> str:
    return ("Incorrect number of operands for operator or function; "
            f"operator or function: {function}, number of operands: {count}")


def operand_type(function: str, kind: str) -> str:
    return f"Incorrect operand type for operator or function; operator or function: {function}, operand type: {kind}"


def action_operand_type(action: str, type_name: str) -> str:
    """ADD and DELETE name their operator and the type in words (``STRING``)."""
    return f"Incorrect operand type for operator or function; operator: {action}, operand type: {type_name}"


def path_required(function: str) -> str:
    return f"Operator or function requires a document path; operator or function: {function}"


def not_distinct(operator: str, first: str) -> str:
    return ("The first operand must be distinct from the remaining operands for this operator or function; "
            f"operator: {operator}, first operand: {first}")


def paths_clash(verb: str, one: str, two: str) -> str:
    """Two paths of one expression that ``overlap`` (one is a prefix of the other) or ``conflict``."""
    return f"Two document paths {verb} with each other; must remove or rewrite one of these paths; " \
           f"path one: {one}, path two: {two}"
