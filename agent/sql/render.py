"""Each operation type to SQL, through one dispatch table.

Identifiers go through `quote_ident`, text through `quote_literal`, and every
expression is the canonical rendering of a parse tree made in `agent.schema`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from agent.plan.operations import (
    AddForeignKey,
    CreateFunction,
    CreateIndex,
    CreatePolicy,
    CreateTable,
    CreateTrigger,
    DisableRowLevelSecurity,
    DropForeignKey,
    DropFunction,
    DropIndex,
    DropPolicy,
    DropTable,
    DropTrigger,
    EnableRowLevelSecurity,
    Operation,
    SetComment,
)
from agent.schema.expressions import is_column_key
from agent.schema.index_storage import storage_sql
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.tables import Column, ForeignKey, Index, Table
from agent.sql.policy_sql import create_policy_sql, drop_policy_sql
from agent.sql.render_alter import (
    ALTER_RENDERERS,
    backfill_bypass,
    column_definition,
    deferrable_clause,
    sealed,
    set_aside,
)
from agent.sql.render_types import TYPE_AND_OBJECT_RENDERERS

__all__ = ["column_list", "drop_leftover", "foreign_key_clause", "render", "table_backup", "updated_at_function_sql"]

INDENT = "    "


def column_list(names: tuple[str, ...]) -> str:
    return ", ".join(quote_ident(name) for name in names)


def foreign_key_clause(fk: ForeignKey) -> str:
    clause = (
        f"FOREIGN KEY ({column_list(fk.columns)}) "
        f"REFERENCES {quote_ident(fk.ref_table)} ({column_list(fk.ref_columns)})"
    )
    only = f" ({column_list(fk.set_null_columns)})" if fk.set_null_columns else ""
    clause += f" ON DELETE {fk.on_delete}{only}"
    if fk.on_update != "NO ACTION":
        clause += f" ON UPDATE {fk.on_update}"
    clause += deferrable_clause(fk.deferrable)
    return clause


def _table_constraints(table: Table, foreign_keys: tuple[ForeignKey, ...]) -> list[str]:
    pk = table.primary_key
    lines = [f"CONSTRAINT {quote_ident(pk.name)} PRIMARY KEY ({column_list(pk.columns)})"] if pk else []
    lines += [f"CONSTRAINT {quote_ident(u.name)} UNIQUE ({column_list(u.columns)}){deferrable_clause(u.deferrable)}"
              for u in table.uniques]
    lines += [f"CONSTRAINT {quote_ident(c.name)} CHECK ({c.expression})" for c in table.checks if c.validated]
    lines += [f"CONSTRAINT {quote_ident(fk.name)} {foreign_key_clause(fk)}" for fk in foreign_keys if fk.validated]
    return lines


def _not_validated(table: Table, foreign_keys: tuple[ForeignKey, ...]) -> str:
    """Constraints the YAML marks `validated: false`: added NOT VALID after the table is made (in
    CREATE TABLE PostgreSQL would mark them valid), as the adopted database has them."""
    added = [(c.name, f"CHECK ({c.expression})") for c in table.checks if not c.validated]
    added += [(fk.name, foreign_key_clause(fk)) for fk in foreign_keys if not fk.validated]
    return "".join(f"\nALTER TABLE {quote_ident(table.name)}\n{INDENT}ADD CONSTRAINT {quote_ident(name)} {clause} "
                   "NOT VALID;" for name, clause in added)


def _column_groups(table: Table) -> list[tuple[str, list[Column]]]:
    """Titled groups in the table's own column order: a key of several columns after the tenant
    column sits among the columns."""
    pk = set(itertools.takewhile(lambda name: name in table.key_columns, table.column_names))
    audit = {"created_at", "created_by", "updated_at", "updated_by"} if table.audit else set()
    tenant = {c.name for c in table.columns if c.implicit} - pk - audit
    groups = [
        ("Primary key", [c for c in table.columns if c.name in pk]),
        ("Multi-tenant isolation", [c for c in table.columns if c.name in tenant]),
        ("Columns", [c for c in table.columns if c.name not in pk | tenant | audit]),
        ("Audit", [c for c in table.columns if c.name in audit and c.implicit]),
    ]
    return [(title, columns) for title, columns in groups if columns]


def _create_table(op: CreateTable) -> str:
    table = op.table
    groups = [(title, [column_definition(c) for c in columns]) for title, columns in _column_groups(table)]
    groups.append(("Constraints", _table_constraints(table, op.foreign_keys)))
    titles, blocks = zip(*[(title, block) for title, block in groups if block], strict=True)
    lines = []
    for number, (title, block) in enumerate(zip(titles, blocks, strict=True)):
        last_block = number == len(blocks) - 1
        lines.append(f"{INDENT}-- {title}")
        for i, line in enumerate(block):
            last = last_block and i == len(block) - 1
            lines.append(f"{INDENT}{line}{'' if last else ','}")
        if not last_block:
            lines.append("")
    create = f"CREATE TABLE {quote_ident(table.name)} (\n" + "\n".join(lines) + "\n);"
    return create + (f"\n{_restore_rows(op)}" if op.restore_from else "") + _not_validated(table, op.foreign_keys)


def _restore_rows(op: CreateTable) -> str:
    """The backup's rows back, by column name (the table's columns may have been added in
    another order than its YAML's), before its triggers and policies exist; then the backup goes."""
    columns = column_list(tuple(c.name for c in op.table.columns))
    values = ", ".join(f"{quote_ident(c.name)}::{c.sql_type}" if _backed_up_as_text(c) else quote_ident(c.name)
                       for c in op.table.columns)
    backup = quote_ident(op.restore_from or "")
    return (f"INSERT INTO {quote_ident(op.table.name)} ({columns}) OVERRIDING SYSTEM VALUE\n"
            f"{INDENT}SELECT {values} FROM {backup};\nDROP TABLE {backup};")


def _as_text(column: Column) -> str:
    name = quote_ident(column.name)
    return f"{name}::{'text[]' if column.sql_type.endswith('[]') else 'text'} AS {name}"


def _backed_up_as_text(column: Column) -> bool:
    """A column of a native enum type or a custom one (an extension's), or an array of one: its
    backup holds text, so that the type can be dropped after the table."""
    kind = column.array_of or column.property_type
    return (kind == "enum" and not column.sql_type.startswith("VARCHAR")) or kind == "custom"


def table_backup(op: DropTable) -> str:
    backup = op.backup_as or ""
    table = quote_ident(op.table.name)
    source = f"TABLE {table}"
    if any(_backed_up_as_text(c) for c in op.table.columns):
        listed = ", ".join(_as_text(c) if _backed_up_as_text(c) else quote_ident(c.name) for c in op.table.columns)
        source = f"SELECT {listed} FROM {table}"
    return f"{set_aside(backup)}\nCREATE TABLE {quote_ident(backup)} AS {source};\n{sealed(backup)}"


def _drop_table(op: DropTable) -> str:
    backup = table_backup(op) + "\n" if op.backup_as else ""
    return f"{backup}DROP TABLE {quote_ident(op.table.name)} RESTRICT;"


def _add_foreign_key(op: AddForeignKey) -> str:
    table, fk = quote_ident(op.table), op.foreign_key
    return (
        f"ALTER TABLE {table}\n{INDENT}ADD CONSTRAINT {quote_ident(fk.name)} "
        f"{foreign_key_clause(fk)} NOT VALID;"
        + (f"\nALTER TABLE {table} VALIDATE CONSTRAINT {quote_ident(fk.name)};" if fk.validated else "")
    )


def _drop_foreign_key(op: DropForeignKey) -> str:
    return f"ALTER TABLE {quote_ident(op.table)} DROP CONSTRAINT {quote_ident(op.foreign_key.name)};"


def index_key(key: str) -> str:
    """Index keys are column names (any identifier) or canonical expressions."""
    return quote_ident(key) if is_column_key(key) else f"({key})"


def _index_element(index: Index, key: str) -> str:
    """A key with its collation, operator class, DESC and NULLS order (`created_at DESC NULLS LAST`)."""
    opclass, nulls, collation = index.opclass_of(key), index.nulls_of(key), index.collation_of(key)
    return (index_key(key) + (f" COLLATE {quote_ident(collation)}" if collation else "")
            + (f" {quote_ident(opclass)}" if opclass else "")
            + (" DESC" if key in index.descending else "") + (f" NULLS {nulls}" if nulls else ""))


def create_index_sql(table: str, index: Index, *, concurrently: bool = False) -> str:
    head = "CREATE UNIQUE INDEX" if index.unique else "CREATE INDEX"
    head += " CONCURRENTLY" if concurrently else ""
    using = f" USING {index.method}" if index.method != "btree" else ""
    keys = ", ".join(_index_element(index, key) for key in index.keys)
    sql = f"{head} {quote_ident(index.name)}\n{INDENT}ON {quote_ident(table)}{using} ({keys})"
    if index.include:
        sql += f" INCLUDE ({column_list(index.include)})"
    sql += storage_sql(index.storage)
    if index.where:
        sql += f" WHERE {index.where}"
    return sql + ";"


def _create_index(op: CreateIndex) -> str:
    sql = create_index_sql(op.table, op.index, concurrently=op.concurrently)
    return (drop_leftover(op.index.name) + sql) if op.concurrently else sql


def drop_leftover(name: str) -> str:
    """A failed CONCURRENTLY build leaves an INVALID index behind; a rerun removes it first."""
    return f"DROP INDEX CONCURRENTLY IF EXISTS {quote_ident(name)};\n"


def _drop_index(op: DropIndex) -> str:
    concurrently = " CONCURRENTLY" if op.concurrently else ""
    return f"DROP INDEX{concurrently} {quote_ident(op.index.name)};"


def updated_at_function_sql(name: str) -> str:
    """The `updated_at` trigger function, as a create migration writes it."""
    return (
        f"CREATE FUNCTION {quote_ident(name)}()\n"
        "RETURNS trigger\n"
        "LANGUAGE plpgsql\n"
        "AS $$\n"
        "BEGIN\n"
        f"{INDENT}-- A batched backfill is not an edit: it keeps updated_at as it was.\n"
        f"{backfill_bypass(INDENT)}\n"
        f"{INDENT}NEW.updated_at = now();\n"
        f"{INDENT}RETURN NEW;\n"
        "END;\n"
        "$$;"
    )


def _create_function(op: CreateFunction) -> str:
    return updated_at_function_sql(op.name)


def _drop_function(op: DropFunction) -> str:
    return f"DROP FUNCTION {quote_ident(op.name)}();"


def _create_trigger(op: CreateTrigger) -> str:
    trigger = op.trigger
    return (
        f"CREATE TRIGGER {quote_ident(trigger.name)}\n"
        f"{INDENT}{trigger.timing} {' OR '.join(trigger.events)} ON {quote_ident(op.table)}\n"
        f"{INDENT}FOR EACH ROW\n"
        f"{INDENT}EXECUTE FUNCTION {quote_ident(trigger.function)}();"
    )


def _drop_trigger(op: DropTrigger) -> str:
    return f"DROP TRIGGER {quote_ident(op.trigger.name)} ON {quote_ident(op.table)};"


def _enable_rls(op: EnableRowLevelSecurity) -> str:
    table = quote_ident(op.table)
    sql = f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;"
    return sql + (f"\nALTER TABLE {table} FORCE ROW LEVEL SECURITY;" if op.force else "")


def _disable_rls(op: DisableRowLevelSecurity) -> str:
    table = quote_ident(op.table)
    sql = f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY;\n" if op.force else ""
    return sql + f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY;"


def _create_policy(op: CreatePolicy) -> str:
    return create_policy_sql(op.table, op.policy)


def _drop_policy(op: DropPolicy) -> str:
    return drop_policy_sql(op.table, op.policy)


def _set_comment(op: SetComment) -> str:
    text = "NULL" if op.text is None else quote_literal(op.text)
    if op.target == "table":
        return f"COMMENT ON TABLE {quote_ident(op.table)} IS\n{INDENT}{text};"
    if op.target == "column":
        return f"COMMENT ON COLUMN {quote_ident(op.table)}.{quote_ident(op.name)} IS\n{INDENT}{text};"
    return f"COMMENT ON CONSTRAINT {quote_ident(op.name)} ON {quote_ident(op.table)} IS\n{INDENT}{text};"


_RENDERERS: dict[type[Operation], Callable[[Any], str]] = {
    CreateTable: _create_table,
    DropTable: _drop_table,
    AddForeignKey: _add_foreign_key,
    DropForeignKey: _drop_foreign_key,
    CreateIndex: _create_index,
    DropIndex: _drop_index,
    CreateFunction: _create_function,
    DropFunction: _drop_function,
    CreateTrigger: _create_trigger,
    DropTrigger: _drop_trigger,
    EnableRowLevelSecurity: _enable_rls,
    DisableRowLevelSecurity: _disable_rls,
    CreatePolicy: _create_policy,
    DropPolicy: _drop_policy,
    SetComment: _set_comment,
}


_RENDERERS.update(ALTER_RENDERERS)
_RENDERERS.update(TYPE_AND_OBJECT_RENDERERS)


def render(operation: Operation) -> str:
    try:
        renderer = _RENDERERS[type(operation)]
    except KeyError:
        raise TypeError(f"no renderer for {type(operation).__name__}") from None
    return renderer(operation)
