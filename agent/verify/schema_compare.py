"""Does the database hold exactly what the YAML promised?

Both sides are projected onto the same flat facts (`lots / column quantity / default`
-> `0`), expressions in one normal form, and the facts are compared one by one.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from pglast import ast
from pglast.enums import AlterTableType, SortByDir, SortByNulls
from pglast.parser import ParseError

from agent.catalog import Catalog
from agent.catalog import Table as CatalogTable
from agent.catalog.model import Constraint
from agent.catalog.model import Index as CatalogIndex
from agent.schema.custom_types import custom_type_name
from agent.schema.expressions import is_column_key
from agent.schema.index_storage import definition_storage
from agent.schema.literals import quote_ident
from agent.schema.tables import UPDATED_AT_FUNCTION, Schema, SqlObject, Table
from agent.sql.parsing import parse_sql
from agent.verify.normal_form import normal_form
from agent.verify.report import Finding

__all__ = ["catalog_facts", "compare_schema", "format_type", "schema_facts", "tables_given_columns"]

Facts = dict[str, str]
_NULLS = {SortByNulls.SORTBY_NULLS_FIRST: "FIRST", SortByNulls.SORTBY_NULLS_LAST: "LAST"}

_TYPES = {
    "UUID": "uuid", "TEXT": "text", "SMALLINT": "smallint", "INTEGER": "integer", "BIGINT": "bigint",
    "REAL": "real", "DOUBLE PRECISION": "double precision", "BOOLEAN": "boolean", "DATE": "date",
    "TIME": "time without time zone", "TIMESTAMPTZ": "timestamp with time zone",
    "INTERVAL": "interval", "JSON": "json", "JSONB": "jsonb", "BYTEA": "bytea", "INET": "inet",
    "DECIMAL": "numeric", "VARCHAR": "character varying",
}


def format_type(sql_type: str) -> str:
    """The migration's spelling of a type as PostgreSQL's format_type prints it."""
    if sql_type.endswith("[]"):
        return format_type(sql_type[:-2]) + "[]"
    if match := re.fullmatch(r"VARCHAR\((\d+)\)", sql_type):
        return f"character varying({match[1]})"
    if match := re.fullmatch(r"CHAR\((\d+)\)", sql_type):
        return f"character({match[1]})"
    if match := re.fullmatch(r"DECIMAL\((\d+), (\d+)\)", sql_type):
        return f"numeric({match[1]},{match[2]})"
    if match := re.fullmatch(r"TIMESTAMP(TZ)?(?:\((\d)\))?", sql_type):
        zone = "with" if match[1] else "without"
        return f"timestamp{f'({match[2]})' if match[2] else ''} {zone} time zone"
    if sql_type.startswith('"'):
        return sql_type  # a native enum type's name, quoted as format_type quotes it
    return _TYPES.get(sql_type, sql_type.lower())


def _expression(text: str | None) -> str:
    return "-" if text is None else normal_form(text)


def _on_delete(action: str, set_null_columns: tuple[str, ...]) -> str:
    return f"{action} ({', '.join(set_null_columns)})" if set_null_columns else action


def _table_facts(table: Table) -> Facts:
    name = table.name
    facts: Facts = {f"{name} / comment": table.comment or "-",
                    f"{name} / column order": ", ".join(table.column_names),
                    f"{name} / row level security": f"enabled={table.rls_enabled}, forced={table.rls_forced}"}
    if table.primary_key:
        facts[f"{name} / primary key"] = ", ".join(table.primary_key.columns)
    for column in table.columns:
        prefix = f"{name} / column {column.name}"
        facts[f"{prefix} / type"] = format_type(column.sql_type)
        facts[f"{prefix} / not null"] = str(column.not_null)
        facts[f"{prefix} / default"] = _expression(column.default)
        facts[f"{prefix} / comment"] = column.comment or "-"
        facts[f"{prefix} / identity"] = column.identity or "-"
    facts |= {f"{name} / unique {u.name}": ", ".join(u.columns)
              + (f", deferrable initially {u.deferrable}" if u.deferrable else "") for u in table.uniques}
    facts |= {f"{name} / check {c.name}": _expression(c.expression) + _unvalidated(c.validated) for c in table.checks}
    for fk in table.foreign_keys:
        facts[f"{name} / foreign key {fk.name}"] = (
            f"({', '.join(fk.columns)}) -> {fk.ref_table} ({', '.join(fk.ref_columns)}) "
            f"on delete {_on_delete(fk.on_delete, fk.set_null_columns)}, on update {fk.on_update}"
            + (f", deferrable initially {fk.deferrable}" if fk.deferrable else "") + _unvalidated(fk.validated))
        facts[f"{name} / foreign key {fk.name} / comment"] = fk.comment or "-"
    for index in table.indexes:
        facts[f"{name} / index {index.name}"] = _index_fact(
            index.method, index.unique, index.keys, index.include, index.where,
            tuple(_order(index.opclass_of(k), k in index.descending, index.nulls_of(k), index.collation_of(k))
                  for k in index.keys),
            index.storage)
    for policy in table.policies:
        facts[f"{name} / policy {policy.name}"] = _policy_fact(
            policy.command, policy.permissive, policy.roles or ("PUBLIC",), policy.using, policy.with_check)
    facts |= {f"{name} / trigger {t.name}": f"{t.timing} {' OR '.join(t.events)} -> {t.function}"
              for t in table.triggers}
    return facts


def _index_fact(method: str, unique: bool, keys: tuple[str, ...], include: tuple[str, ...],
                where: str | None, opclasses: tuple[str | None, ...] = (),
                storage: tuple[tuple[str, str], ...] = ()) -> str:
    named = [_key(k) + (f" {c}" if c else "") for k, c in zip(keys, opclasses or (None,) * len(keys), strict=True)]
    shape = f"{'unique ' if unique else ''}{method} ({', '.join(named)})"
    if include:
        shape += f" include ({', '.join(include)})"
    if storage:
        shape += f" with ({', '.join(f'{name}={text}' for name, text in sorted(storage))})"
    return shape + (f" where {normal_form(where)}" if where else "")


def _opclasses(index: CatalogIndex) -> tuple[str | None, ...]:
    """The operator class and order of each key, as the index's definition names them (None: the default)."""
    elements = list(_definition(index).indexParams or ())[: len(index.keys)]
    return tuple(_order(str(e.opclass[-1].sval) if e.opclass else None, e.ordering == SortByDir.SORTBY_DESC,
                        _NULLS.get(e.nulls_ordering), str(e.collation[-1].sval) if e.collation else None)
                 for e in elements)


def _definition(index: CatalogIndex) -> Any:
    return parse_sql(index.definition)[0].stmt


def _order(opclass: str | None, descending: bool, nulls: str | None = None, collation: str | None = None) -> str | None:
    """A key's collation, operator class and sort order, as the index fact shows them after the key."""
    words = (f"COLLATE {collation}" if collation else None, opclass, "DESC" if descending else None,
             f"NULLS {nulls}" if nulls else None)
    return " ".join(word for word in words if word) or None


def _unvalidated(validated: bool) -> str:
    return "" if validated else ", not validated"


def _key(key: str) -> str:
    """A column by its exact name (`"userId"`), an expression in normal form."""
    return quote_ident(key) if is_column_key(key) else normal_form(key)


def _policy_fact(command: str, permissive: bool, roles: tuple[str, ...], using: str | None,
                 with_check: str | None) -> str:
    kind = "permissive" if permissive else "restrictive"
    return (f"{kind} for {command} to {', '.join(sorted(roles))}; using {_expression(using)}; "
            f"with check {_expression(with_check)}")


def schema_facts(schema: Schema) -> Facts:
    facts: Facts = {f"table {t.name}": "present" for t in schema.tables}
    for table in schema.tables:
        facts |= _table_facts(table)
    if schema.needs_updated_at_function:
        facts[f"function {UPDATED_AT_FUNCTION}"] = "present"
    facts |= {f"enum type {e.name}": ", ".join(e.values) for e in schema.enums}
    facts |= {f"function {o.defines}": "present" for o in schema.sql_objects if o.defines}
    facts |= {f"{o.table} / trigger {o.trigger}": f"{o.timing} {' OR '.join(o.events)} -> {o.function}"
              for o in schema.sql_objects if o.kind == "trigger"}
    facts |= {f"{o.kind} {o.view}": "present" for o in schema.sql_objects if o.view}
    facts |= {f"extension {o.extension}": "present" for o in schema.sql_objects if o.extension}
    for item in schema.sql_objects:
        facts |= _object_facts(item)
    return facts


def _object_facts(item: SqlObject) -> Facts:
    """A sequence's owner, an object's comment, a materialized view's indexes by name."""
    facts: Facts = {}
    if item.sequence:
        facts[f"sequence {item.sequence}"] = _owner(".".join(item.owned_by) if item.owned_by else None)
    what = (f"function {item.defines}" if item.defines else f"{item.kind} {item.view}" if item.view
            else f"sequence {item.sequence}" if item.sequence else None)
    if what and item.comment is not None:
        facts[f"{what} / comment"] = item.comment
    for index in item.indexes:
        statement: Any = parse_sql(index)[0].stmt
        facts[f"{what} / index {statement.idxname}"] = "present"
    return facts


def _owner(column: str | None) -> str:
    return f"owned by {column}" if column else "present"


def _catalog_type(type_text: str) -> str:
    """format_type text; a type of `type: custom` in its parsed spelling, as the YAML side has it."""
    try:
        return format_type(custom_type_name(type_text))
    except ValueError:
        return type_text


def _catalog_table_facts(table: CatalogTable) -> Facts:
    name = table.name
    facts: Facts = {f"{name} / comment": table.comment or "-",
                    f"{name} / column order": ", ".join(c.name for c in table.columns),
                    f"{name} / row level security": f"enabled={table.rls_enabled}, forced={table.rls_forced}"}
    for column in table.columns:
        prefix = f"{name} / column {column.name}"
        facts[f"{prefix} / type"] = _catalog_type(column.type)
        facts[f"{prefix} / not null"] = str(column.not_null)
        facts[f"{prefix} / default"] = _expression(column.default)
        facts[f"{prefix} / comment"] = column.comment or "-"
        facts[f"{prefix} / identity"] = column.identity or "-"
    for constraint in table.constraints:
        facts |= _constraint_facts(name, constraint)
    for index in table.indexes:
        if index.constraint is None:
            facts[f"{name} / index {index.name}"] = _index_fact(
                index.method, index.unique, index.keys, index.include, index.predicate, _opclasses(index),
                definition_storage(_definition(index)))
    for policy in table.policies:
        facts[f"{name} / policy {policy.name}"] = _policy_fact(
            policy.command, policy.permissive, policy.roles, policy.using, policy.with_check)
    facts |= {f"{name} / trigger {t.name}": f"{t.timing} {' OR '.join(t.events)} -> {t.function}"
              for t in table.triggers}
    return facts


def _constraint_facts(table: str, constraint: object) -> Facts:
    from agent.catalog import Constraint

    assert isinstance(constraint, Constraint)
    columns = ", ".join(constraint.columns)
    if constraint.kind == "primary":
        return {f"{table} / primary key": columns}
    if constraint.kind == "unique":
        return {f"{table} / unique {constraint.name}": columns + _deferrable(constraint)}
    if constraint.kind == "check":
        return {f"{table} / check {constraint.name}": _expression(constraint.expression)
                + _unvalidated(constraint.validated)}
    if constraint.kind == "foreign":
        key = f"{table} / foreign key {constraint.name}"
        return {key: (f"({columns}) -> {constraint.referenced_table} "
                      f"({', '.join(constraint.referenced_columns)}) on delete {constraint.on_delete}, "
                      f"on update {constraint.on_update}" + _deferrable(constraint)
                      + _unvalidated(constraint.validated)),
                f"{key} / comment": constraint.comment or "-"}
    return {f"{table} / {constraint.kind} {constraint.name}": constraint.definition}


def _deferrable(constraint: Constraint) -> str:
    if not constraint.deferrable:
        return ""
    return f", deferrable initially {'deferred' if constraint.initially_deferred else 'immediate'}"


def catalog_facts(catalog: Catalog, ignore_tables: tuple[str, ...] = ("_backup_",)) -> Facts:
    facts: Facts = {}
    for table in catalog.tables:
        if table.name.startswith(ignore_tables):
            continue
        facts[f"table {table.name}"] = "present"
        facts |= _catalog_table_facts(table)
    facts |= {f"function {f.name}": "present" for f in catalog.functions}
    facts |= {f"enum type {e.name}": ", ".join(e.labels) for e in catalog.enums}
    facts |= {f"extension {e.name}": "present" for e in catalog.extensions}
    facts |= {f"{'materialized view' if v.materialized else 'view'} {v.name}": "present" for v in catalog.views}
    facts |= {f"function {f.name} / comment": f.comment for f in catalog.functions if f.comment is not None}
    for view in catalog.views:
        what = f"{'materialized view' if view.materialized else 'view'} {view.name}"
        facts |= {f"{what} / comment": view.comment} if view.comment is not None else {}
        facts |= {f"{what} / index {index.name}": "present" for index in view.indexes}
    for sequence in catalog.sequences:
        facts[f"sequence {sequence.name}"] = _owner(sequence.owned_by)
        facts |= {f"sequence {sequence.name} / comment": sequence.comment} if sequence.comment is not None else {}
    return facts


def compare_schema(schema: Schema, catalog: Catalog, *, column_order: bool = True,
                   columns_added_later: Collection[str] = ()) -> list[Finding]:
    """One failed finding per fact that differs; one passed finding per table that matches.

    `column_order=False` for tables changed by later migrations: PostgreSQL adds a column
    at the end, and moving it would rewrite the table, so only the set of columns is promised.
    `columns_added_later` names the tables it holds for alone (see `tables_given_columns`).
    """
    promised, found = schema_facts(schema), catalog_facts(catalog)
    # views are the YAML's only as SQL objects: one a migration made by hand is the RLS step's to judge
    # and a sequence only as one (a serial column's own is its default's)
    found = {k: v for k, v in found.items()
             if not k.startswith(("view ", "materialized view ", "sequence ")) or k in promised}
    if not column_order:
        promised, found = _without_order(promised), _without_order(found)
    elif columns_added_later:
        promised, found = _without_order(promised, columns_added_later), _without_order(found, columns_added_later)
    findings = [_difference(key, promised.get(key), found.get(key))
                for key in sorted(promised.keys() | found.keys()) if promised.get(key) != found.get(key)]
    failed_tables = {f.table for f in findings}
    findings += [Finding(check="schema-compare", passed=True, table=t.name,
                         message=f"{t.name} holds exactly what the YAML promises")
                 for t in schema.tables if t.name not in failed_tables]
    return findings


def _without_order(facts: Facts, tables: Collection[str] | None = None) -> Facts:
    """The facts less the column order of `tables` (None: of every table)."""
    keys = None if tables is None else {f"{table} / column order" for table in tables}
    return {key: value for key, value in facts.items()
            if not key.endswith(" / column order") or (keys is not None and key not in keys)}


def tables_given_columns(up_sql: str) -> set[str]:
    """The tables a migration adds columns to with ALTER TABLE (their order is then the catalog's)."""
    found: set[str] = set()
    try:
        statements = parse_sql(up_sql)
    except ParseError:  # it applied, so PostgreSQL read it: the order stays promised
        return found
    for raw in statements:
        statement = raw.stmt
        if isinstance(statement, ast.AlterTableStmt) and statement.relation and statement.relation.relname:
            commands = statement.cmds or ()
            if any(getattr(c, "subtype", None) == AlterTableType.AT_AddColumn for c in commands):
                found.add(statement.relation.relname)
    return found


def _difference(key: str, promised: str | None, found: str | None) -> Finding:
    table = key.split(" / ", 1)[0].removeprefix("table ").removeprefix("function ").removeprefix("enum type ")
    if found is None:
        message = f"missing {key}: the YAML promises {promised}"
    elif promised is None:
        message = f"{key} is in the database but not in the YAML ({found})"
    else:
        message = f"{key}: the YAML promises {promised}, the database has {found}"
    return Finding(check="schema-compare", passed=False, table=table, message=message)
