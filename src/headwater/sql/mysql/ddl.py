"""MySQL table definitions in SQLite: ``CREATE TABLE`` column by column, ``ALTER TABLE``
actions SQLite can express, and what is kept in the side table for clients to see.

Columns keep their MySQL type as SQLite's declared type (``VARCHAR(45)``, ``SMALLINT
UNSIGNED``, ``DECIMAL(5,2)``), which also gives SQLite the right affinity. Where SQLite
needs something else the MySQL type is recorded in ``_headwater_columns``: ENUM/SET become
``TEXT`` (ENUM with a CHECK on its members), an ``AUTO_INCREMENT`` key becomes ``INTEGER
PRIMARY KEY AUTOINCREMENT``. Text columns compare case-insensitively like MySQL's default
collation (``COLLATE NOCASE``; ``*_bin`` collations stay binary). ``ON UPDATE
CURRENT_TIMESTAMP`` becomes a trigger. Indexes are named ``table.index`` because SQLite's
index names are per database and MySQL's per table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlglot import exp

from headwater.sql.mysql.errors import ENUM_CHECK_PREFIX, unsupported
from headwater.sql.mysql.sqlite import quote, to_sqlite

TEXT_TYPES = {"CHAR", "VARCHAR", "TEXT", "TINYTEXT", "MEDIUMTEXT", "LONGTEXT", "ENUM", "SET"}
INDEX_SEPARATOR = "."


@dataclass
class TablePlan:
    """The SQLite statements for one MySQL ``CREATE TABLE`` and what to record about it."""

    name: str
    columns: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    types: dict[str, str] = field(default_factory=dict)
    extras: dict[str, str] = field(default_factory=dict)
    primary_key: list[str] = field(default_factory=list)
    auto_increment: str | None = None
    checks: int = 0

    def statements(self, if_not_exists: bool, temporary: bool) -> list[str]:
        head = "CREATE TEMPORARY TABLE" if temporary else "CREATE TABLE"
        if if_not_exists:
            head += " IF NOT EXISTS"
        body = ", ".join(self.columns + self.constraints)
        return [f"{head} {quote(self.name)} ({body})", *self.after]


def base_type(data_type: exp.DataType) -> str:
    return data_type.sql("mysql").split("(")[0].split()[0].upper()


def mysql_type_text(data_type: exp.DataType) -> str:
    """The type as MySQL shows it: ``varchar(45)``, ``decimal(5,2)``, ``tinyint(1)`` for BOOLEAN."""
    text = data_type.sql("mysql")
    if base_type(data_type) in ("BOOLEAN", "BOOL"):
        return "tinyint(1)"
    if base_type(data_type) in ("ENUM", "SET"):
        name, _, members = text.partition("(")
        return f"{name.lower()}({members.replace(', ', ',')}"
    return text.lower().replace(", ", ",")


def enum_members(data_type: exp.DataType) -> list[str]:
    return [member.name for member in data_type.expressions]


def plan_create_table(create: exp.Create) -> TablePlan:
    schema = create.this
    if not isinstance(schema, exp.Schema):
        raise unsupported("CREATE TABLE without a column list")
    plan = TablePlan(schema.this.name)
    definitions = schema.expressions
    plan.primary_key = table_primary_key(definitions)
    for definition in definitions:
        if isinstance(definition, exp.ColumnDef):
            plan.columns.append(column_sql(plan, definition))
    for definition in definitions:
        if not isinstance(definition, exp.ColumnDef):
            add_table_constraint(plan, definition)
    return plan


def table_primary_key(definitions: list[exp.Expression]) -> list[str]:
    for definition in definitions:
        if isinstance(definition, exp.PrimaryKey):
            return [column.name for column in definition.expressions]
        if isinstance(definition, exp.ColumnDef) and _has(definition, exp.PrimaryKeyColumnConstraint):
            return [definition.name]
    return []


def _has(column: exp.ColumnDef, kind: type) -> bool:
    return any(isinstance(c.kind, kind) for c in column.constraints)


def column_sql(plan: TablePlan, column: exp.ColumnDef, adding: bool = False) -> str:
    """One column definition in SQLite; records its MySQL type in ``plan``."""
    name = column.name
    data_type = column.args.get("kind")
    if not isinstance(data_type, exp.DataType):
        raise unsupported(f"a column without a type ({name})")
    kind = base_type(data_type)
    shown = mysql_type_text(data_type)
    auto_increment = _has(column, exp.AutoIncrementColumnConstraint)
    parts = [quote(name)]
    if auto_increment:
        if adding or plan.primary_key != [name]:
            raise unsupported("AUTO_INCREMENT on a column that is not the whole primary key")
        plan.auto_increment = name
        plan.types[name] = shown
        plan.extras[name] = "auto_increment"
        parts.append("INTEGER PRIMARY KEY AUTOINCREMENT")
    elif kind in ("ENUM", "SET"):
        plan.types[name] = shown
        parts.append("TEXT")
    elif kind in ("BOOLEAN", "BOOL"):
        parts.append("TINYINT(1)")
    else:
        parts.append(data_type.sql("mysql").replace(", ", ","))
    for constraint in column.constraints:
        parts.extend(constraint_sql(plan, name, constraint.kind, adding))
    if kind == "ENUM":
        members = ", ".join(to_sqlite(exp.Literal.string(m)) for m in enum_members(data_type))
        parts.append(f"CONSTRAINT {quote(ENUM_CHECK_PREFIX + name)} CHECK ({quote(name)} IN ({members}))")
    if kind in TEXT_TYPES and not any("COLLATE" in part for part in parts):
        parts.append("COLLATE NOCASE")
    return " ".join(parts)


def constraint_sql(plan: TablePlan, column: str, kind: exp.Expression, adding: bool) -> list[str]:
    if isinstance(kind, exp.NotNullColumnConstraint):
        return ["NULL" if kind.args.get("allow_null") else "NOT NULL"]
    if isinstance(kind, exp.PrimaryKeyColumnConstraint):
        if adding:
            raise unsupported("ALTER TABLE ADD COLUMN ... PRIMARY KEY")
        return [] if plan.auto_increment == column else ["PRIMARY KEY"]
    if isinstance(kind, exp.UniqueColumnConstraint):
        if adding:
            raise unsupported("ALTER TABLE ADD COLUMN ... UNIQUE")
        plan.after.append(index_sql(plan.name, column, [column], unique=True))
        return []
    if isinstance(kind, exp.DefaultColumnConstraint):
        return [f"DEFAULT {default_sql(kind.this)}"]
    if isinstance(kind, exp.OnUpdateColumnConstraint):
        if not isinstance(kind.this, exp.CurrentTimestamp):
            raise unsupported("ON UPDATE with anything but CURRENT_TIMESTAMP")
        plan.extras[column] = "on update CURRENT_TIMESTAMP"
        plan.after.append(on_update_trigger(plan.name, column))
        return []
    if isinstance(kind, exp.CheckColumnConstraint):
        return [check_sql(plan, kind.this, None)]
    if isinstance(kind, exp.CollateColumnConstraint):
        return ["COLLATE BINARY" if kind.name.lower().endswith("_bin") else "COLLATE NOCASE"]
    if isinstance(kind, (exp.AutoIncrementColumnConstraint, exp.CommentColumnConstraint,
                         exp.CharacterSetColumnConstraint)):
        return []
    raise unsupported(f"column option {kind.sql('mysql')}")


def default_sql(value: exp.Expression) -> str:
    if isinstance(value, exp.CurrentTimestamp):
        return "CURRENT_TIMESTAMP"
    if isinstance(value, exp.Boolean):
        return "1" if value.this else "0"
    if isinstance(value, (exp.Literal, exp.Null)):
        return to_sqlite(value)
    if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
        return to_sqlite(value)
    return f"({to_sqlite(value)})"


def check_sql(plan: TablePlan, condition: exp.Expression, name: str | None) -> str:
    plan.checks += 1
    name = name or f"{plan.name}_chk_{plan.checks}"
    return f"CONSTRAINT {quote(name)} CHECK ({to_sqlite(condition)})"


def add_table_constraint(plan: TablePlan, definition: exp.Expression) -> None:
    if isinstance(definition, exp.PrimaryKey):
        if plan.auto_increment is None:
            columns = ", ".join(quote(c.name) for c in definition.expressions)
            plan.constraints.append(f"PRIMARY KEY ({columns})")
    elif isinstance(definition, exp.IndexColumnConstraint):
        columns = [c.name for c in definition.expressions]
        name = definition.name or columns[0]
        plan.after.append(index_sql(plan.name, name, columns, unique=False))
    elif isinstance(definition, exp.UniqueColumnConstraint):
        target = definition.this
        columns = [c.name for c in target.expressions] if isinstance(target, exp.Schema) else []
        name = target.name if isinstance(target, exp.Schema) and target.name else columns[0]
        plan.after.append(index_sql(plan.name, name, columns, unique=True))
    elif isinstance(definition, exp.Constraint):
        for inner in definition.expressions:
            add_named_constraint(plan, definition.name, inner)
    elif isinstance(definition, (exp.ForeignKey, exp.CheckColumnConstraint)):
        add_named_constraint(plan, None, definition)
    else:
        raise unsupported(f"table element {definition.sql('mysql')}")


def add_named_constraint(plan: TablePlan, name: str | None, inner: exp.Expression) -> None:
    if isinstance(inner, exp.ForeignKey):
        prefix = f"CONSTRAINT {quote(name)} " if name else ""
        plan.constraints.append(prefix + to_sqlite(inner))
    elif isinstance(inner, exp.CheckColumnConstraint):
        plan.constraints.append(check_sql(plan, inner.this, name))
    elif isinstance(inner, (exp.PrimaryKey, exp.UniqueColumnConstraint)):
        add_table_constraint(plan, inner)
    else:
        raise unsupported(f"constraint {inner.sql('mysql')}")


def index_name(table: str, name: str) -> str:
    return f"{table}{INDEX_SEPARATOR}{name}"


def index_sql(table: str, name: str, columns: list[str], unique: bool) -> str:
    kind = "UNIQUE INDEX" if unique else "INDEX"
    listed = ", ".join(quote(c) for c in columns)
    return f"CREATE {kind} {quote(index_name(table, name))} ON {quote(table)} ({listed})"


def on_update_trigger(table: str, column: str) -> str:
    name = quote(f"_headwater_on_update_{table}_{column}")
    return (
        f"CREATE TRIGGER {name} AFTER UPDATE ON {quote(table)} FOR EACH ROW"
        f" WHEN NEW.{quote(column)} IS OLD.{quote(column)}"
        f" BEGIN UPDATE {quote(table)} SET {quote(column)} = CURRENT_TIMESTAMP"
        f" WHERE rowid = NEW.rowid; END"
    )
