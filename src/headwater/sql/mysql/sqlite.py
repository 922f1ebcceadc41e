"""MySQL expressions and statements written as SQLite SQL (sqlglot), with the rewrites
that keep MySQL's meaning, and a clear MySQL error for what has no SQLite equivalent.

Identifiers are always quoted, with backticks: SQLite takes a double-quoted name that
matches no column for a string literal, which would turn a typo into a wrong result.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.errors import ErrorLevel, UnsupportedError

from headwater.sql.mysql.errors import unsupported


class BacktickSQLite(SQLite):
    class Tokenizer(SQLite.Tokenizer):
        IDENTIFIERS = ["`"]  # noqa: RUF012 - sqlglot reads it as a list

    class Generator(SQLite.Generator):
        def placeholder_sql(self, expression: exp.Placeholder) -> str:
            """Numbered placeholders as SQLite's ``?NNN`` (see ``translations``)."""
            name = expression.name
            return f"?{name}" if name.isdigit() else super().placeholder_sql(expression)


def quote(identifier: str) -> str:
    return "`" + identifier.replace("`", "``") + "`"


def to_sqlite(expression: exp.Expression) -> str:
    try:
        return expression.sql(dialect=BacktickSQLite, identify=True, unsupported_level=ErrorLevel.RAISE)
    except UnsupportedError as error:
        raise unsupported(str(error).split("\n")[0]) from None


def _mysql_meaning(node: exp.Expression) -> exp.Expression:
    """MySQL's ``*_bin`` collations compare bytes, the others ignore case; LIKE patterns
    escape with a backslash unless they say otherwise."""
    if isinstance(node, exp.Collate):
        binary = node.expression.name.lower().endswith("_bin")
        return exp.Collate(this=node.this, expression=exp.var("BINARY" if binary else "NOCASE"))
    if isinstance(node, (exp.Like, exp.ILike)) and not isinstance(node.parent, exp.Escape):
        return exp.Escape(this=node.copy(), expression=exp.Literal.string("\\"))
    return node


def mysql_to_sqlite(expression: exp.Expression) -> str:
    """A parsed MySQL query or DML statement as SQLite SQL."""
    if expression.args.get("locks"):
        expression.set("locks", None)  # SQLite transactions are serializable: FOR UPDATE adds nothing
    if isinstance(expression, exp.Select):
        source = expression.args.get("from_")
        if source is not None and isinstance(source.this, exp.Table) and source.this.name.lower() == "dual":
            expression.set("from_", None)
    return to_sqlite(expression.transform(_mysql_meaning, copy=False))
