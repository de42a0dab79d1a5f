"""Real rows for the data checks: copy a sample row with changes, inside a rolled-back savepoint."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import asyncpg

from agent.schema.literals import quote_ident
from agent.schema.tables import Column, ForeignKey, Schema, Table
from agent.verify.row_key import row_key_columns, row_key_sql
from agent.verify.sample_data import confined, fresh_value

__all__ = ["NewParent", "attempt", "clone", "columns_in", "examples_of", "free_columns", "materialized",
           "referenced_values", "rolled_back", "unique_overrides", "unused_value"]


def columns_in(table: Table, expression: str) -> list[str]:
    """The table's columns an expression names (for expression index keys and checks)."""
    return [c for c in table.column_names if re.search(rf"(?<![\w$]){re.escape(c)}(?![\w$])", expression)]


@dataclass(frozen=True)
class NewParent:
    """A parent row made when the copy is inserted (a copy of `source_key`'s row, with `overrides`):
    a unique key made of a foreign key's column already points at every parent row there is."""

    parent: Table
    referenced: str
    source_key: Any
    overrides: dict[str, Any]


async def unique_overrides(connection: asyncpg.Connection, table: Table, tenant_column: str,
                           avoid: Mapping[str, Any] | None = None, *, schema: Schema | None = None,
                           new_parents: bool = True, kept: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A new primary key and, for every unique key (constraint or unique index, expressions
    included), a new value in one of its free columns (not the tenant, not an enum, not a
    boolean), so a copy of a sample row violates none of them. Values are checked against the
    table (a two-letter code has little room) and differ from `avoid`'s. With `schema`, text is
    shaped like the column's examples, and (`new_parents`) a key column with no parent row left
    to point at gets a `NewParent`, made by `clone`."""
    avoid = avoid or {}
    return {name: await unused_value(connection, table, table.column(name), avoid.get(name),
                                     tenant_column=tenant_column, schema=schema, new_parents=new_parents)
            for name in _override_columns(table, tenant_column, kept)}


async def unused_value(connection: asyncpg.Connection, table: Table, column: Column, avoid: Any = None, *,
                       tenant_column: str, schema: Schema | None = None, new_parents: bool = True) -> Any:
    """A value of `column` no row holds; for a foreign key's column, a parent row no row points at."""
    key = next((k for k in table.foreign_keys if k.columns == (column.name,)), None)
    if key is not None:
        found = await _unused_parent(connection, table, column, key.ref_table, key.ref_columns[0], avoid)
        parent = schema.table(key.ref_table) if schema is not None and new_parents and found is None else None
        if parent is None:
            return fresh_value(table, column) if found is None else found
        made = await _new_parent(connection, schema, parent, key.ref_columns[0], tenant_column)
        return made or fresh_value(table, column)
    examples = examples_of(schema, table, column) if schema is not None else ()
    candidates = [value for value in (fresh_value(table, column, examples) for _ in range(20)) if value is not None]
    if not candidates:
        return None
    taken = {row[0] for row in await connection.fetch(
        f"SELECT {quote_ident(column.name)}::text FROM {quote_ident(table.name)} "
        f"WHERE {quote_ident(column.name)}::text = ANY($1::text[])", [str(c) for c in candidates])}
    return next((c for c in candidates if str(c) not in taken and c != avoid), candidates[0])


def examples_of(schema: Schema, table: Table, column: Column) -> tuple[str, ...]:
    """The column's `example:` values, as text."""
    found = next((hint.values for hint in schema.examples if (hint.table, hint.column) == (table.name, column.name)),
                 ())
    return tuple(value for value in (json.loads(text) for text in found) if isinstance(value, str))


async def _unused_parent(connection: asyncpg.Connection, table: Table, column: Column, parent: str,
                         referenced: str, avoid: Any) -> Any:
    """A key column must still point at a row: a parent row no row of this table points at yet."""
    mine, theirs = quote_ident(column.name), quote_ident(referenced)
    rows = await connection.fetch(
        f"SELECT p.{theirs} AS v FROM {quote_ident(parent)} AS p WHERE p.{theirs} IS NOT NULL AND NOT EXISTS "
        f"(SELECT FROM {quote_ident(table.name)} AS c WHERE c.{mine} = p.{theirs}) LIMIT 2")
    values = [row["v"] for row in rows if row["v"] != avoid]
    return values[0] if values else None


async def _new_parent(connection: asyncpg.Connection, schema: Schema | None, parent: Table, referenced: str,
                      tenant_column: str) -> NewParent | None:
    key = row_key_sql(parent)
    source = await connection.fetchval(f"SELECT {key} FROM {quote_ident(parent.name)} ORDER BY {key} LIMIT 1")
    if source is None:
        return None
    # the parent's own key columns get plain fresh values: one level of new rows, never a chain
    overrides = await unique_overrides(connection, parent, tenant_column, schema=schema, new_parents=False)
    return NewParent(parent, referenced, source, overrides)


async def materialized(connection: asyncpg.Connection, changes: Mapping[str, Any]) -> dict[str, Any]:
    """`changes` with each `NewParent` made and replaced by the value that points at it."""
    found: dict[str, Any] = {}
    for name, value in changes.items():
        if not isinstance(value, NewParent):
            found[name] = value
            continue
        made = await clone(connection, value.parent, value.source_key, value.overrides)
        found[name] = made if row_key_columns(value.parent) == (value.referenced,) else await connection.fetchval(
            f"SELECT {quote_ident(value.referenced)} FROM {quote_ident(value.parent.name)} AS t "
            f"WHERE {row_key_sql(value.parent, 't')} = $1", made)
    return found


def _override_columns(table: Table, tenant_column: str, kept: frozenset[str] = frozenset()) -> list[str]:
    """One column to vary per key (the primary key's own column, else one free column of each
    unique key no other choice varies already); never a column of `kept`, the columns a copy
    repeats on purpose (a duplicate of one key must still leave every other)."""
    single = len(table.key_columns) == 1
    columns = set(table.key_columns if single else ())
    keys = [u.columns for u in table.uniques] + [i.keys for i in table.indexes if i.unique]
    keys += [] if single or not table.key_columns else [table.key_columns]
    for key in keys:
        named = [c for part in key for c in ([part] if part in table.column_names else columns_in(table, part))]
        free = [c for c in free_columns(table, named, tenant_column) if c not in kept]
        if not columns.intersection(set(named) - kept):
            columns.update(free[:1])
    return sorted(columns - kept)


def free_columns(table: Table, named: Iterable[str], tenant_column: str) -> list[str]:
    """The columns a copy can vary to leave a unique key: not the tenant, an enum, a boolean, a
    column its checks confine to few values or one a check compares with another (a new value may
    break `end_on > start_on`); a foreign key's column last (a new value for it must be a parent
    row nothing points at)."""
    keyed = {c for k in table.foreign_keys for c in k.columns}
    compared = {c for check in table.checks for found in [columns_in(table, check.expression)]
                if len(found) > 1 for c in found}
    free = [c for c in named if c != tenant_column and not table.column(c).enum_values
            and table.column(c).property_type != "boolean" and not confined(table, c) and c not in compared]
    return sorted(free, key=lambda c: c in keyed)


async def clone(connection: asyncpg.Connection, table: Table, key: Any, changes: dict[str, Any], *,
                over_a_triggers_row: bool = False) -> Any:
    """Insert a copy of row `key` (see row_key) with `changes` applied; returns the new row's key (or
    raises). `over_a_triggers_row`: the copy takes the place of a row a trigger made for its key."""
    changes = await materialized(connection, changes)
    name = quote_ident(table.name)
    return await connection.fetchval(
        f"INSERT INTO {name} OVERRIDING SYSTEM VALUE "  # a copy keeps even a GENERATED ALWAYS key's new value
        f"SELECT (jsonb_populate_record(NULL::{name}, to_jsonb(source.*) || $2::jsonb)).* "
        f"FROM {name} AS source WHERE {row_key_sql(table, 'source')} = $1"
        f"{_upsert(table) if over_a_triggers_row else ''} "
        f"RETURNING {row_key_sql(table)}",
        key, json.dumps(changes, default=str))


def _upsert(table: Table) -> str:
    """A copy takes the place of a row a trigger made for the same key (a counter row per parent:
    the new parent a copy needs made it)."""
    if table.primary_key is None:
        return ""
    columns = [c.name for c in table.columns if c.identity != "always"]
    listed = ", ".join(quote_ident(c) for c in columns)
    taken = ", ".join(f"EXCLUDED.{quote_ident(c)}" for c in columns)
    assignment = f"({listed}) = ROW({taken})" if len(columns) > 1 else f"{listed} = {taken}"
    return f" ON CONFLICT ON CONSTRAINT {quote_ident(table.primary_key.name)} DO UPDATE SET {assignment}"


async def referenced_values(connection: asyncpg.Connection, parent: Table, key: ForeignKey, parent_key: Any,
                            tenant_column: str) -> dict[str, Any] | None:
    """The key's columns (the tenant column aside) set to what they reference in the parent row
    `parent_key`, as text; None when there is no such row."""
    pairs = [(mine, theirs) for mine, theirs in zip(key.columns, key.ref_columns, strict=True) if mine != tenant_column]
    listed = ", ".join(f"t.{quote_ident(theirs)}::text" for _, theirs in pairs)
    values = None if parent_key is None else await connection.fetchrow(
        f"SELECT {listed} FROM {quote_ident(parent.name)} AS t WHERE {row_key_sql(parent, 't')} = $1", parent_key)
    return None if values is None else {mine: values[n] for n, (mine, _) in enumerate(pairs)}


@asynccontextmanager
async def rolled_back(connection: asyncpg.Connection) -> AsyncIterator[None]:
    """A transaction (or savepoint) that is always rolled back."""
    transaction = connection.transaction()
    await transaction.start()
    try:
        yield
    finally:
        await transaction.rollback()


async def attempt(connection: asyncpg.Connection,
                  action: Callable[[], Awaitable[Any]]) -> asyncpg.PostgresError | None:
    """Run `action()` in a savepoint that is always rolled back; the error it raised, if any.
    Deferred keys are checked at once: the savepoint never commits, where they would be."""
    async with rolled_back(connection):
        await connection.execute("SET CONSTRAINTS ALL IMMEDIATE")
        try:
            await action()
        except asyncpg.PostgresError as error:
            return error
    return None
