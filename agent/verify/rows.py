"""Real rows for the data checks: copy a sample row with changes, inside a rolled-back savepoint."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

from agent.schema.literals import quote_ident
from agent.schema.tables import Column, Table
from agent.verify.sample_data import fresh_value

__all__ = ["attempt", "clone", "columns_in", "free_columns", "rolled_back", "unique_overrides"]


def columns_in(table: Table, expression: str) -> list[str]:
    """The table's columns an expression names (for expression index keys and checks)."""
    return [c for c in table.column_names if re.search(rf"(?<![\w$]){re.escape(c)}(?![\w$])", expression)]


async def unique_overrides(connection: asyncpg.Connection, table: Table, tenant_column: str,
                           avoid: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A new primary key and, for every unique key (constraint or unique index, expressions
    included), a new value in one of its free columns (not the tenant, not an enum, not a
    boolean), so a copy of a sample row violates none of them. Values are checked against the
    table (a two-letter code has little room) and differ from `avoid`'s."""
    avoid = avoid or {}
    return {name: await _unused_value(connection, table, table.column(name), avoid.get(name))
            for name in _override_columns(table, tenant_column)}


async def _unused_value(connection: asyncpg.Connection, table: Table, column: Column, avoid: Any) -> Any:
    key = next((k for k in table.foreign_keys if k.columns == (column.name,)), None)
    if key is not None:
        return await _unused_parent(connection, table, column, key.ref_table, key.ref_columns[0], avoid)
    candidates = [value for value in (fresh_value(table, column) for _ in range(20)) if value is not None]
    if not candidates:
        return None
    taken = {row[0] for row in await connection.fetch(
        f"SELECT {quote_ident(column.name)}::text FROM {quote_ident(table.name)} "
        f"WHERE {quote_ident(column.name)}::text = ANY($1::text[])", [str(c) for c in candidates])}
    return next((c for c in candidates if str(c) not in taken and c != avoid), candidates[0])


async def _unused_parent(connection: asyncpg.Connection, table: Table, column: Column, parent: str,
                         referenced: str, avoid: Any) -> Any:
    """A key column must still point at a row: a parent row no row of this table points at yet."""
    mine, theirs = quote_ident(column.name), quote_ident(referenced)
    rows = await connection.fetch(
        f"SELECT p.{theirs} AS v FROM {quote_ident(parent)} AS p WHERE p.{theirs} IS NOT NULL AND NOT EXISTS "
        f"(SELECT FROM {quote_ident(table.name)} AS c WHERE c.{mine} = p.{theirs}) LIMIT 2")
    values = [row["v"] for row in rows if row["v"] != avoid]
    return values[0] if values else fresh_value(table, column)


def _override_columns(table: Table, tenant_column: str) -> list[str]:
    columns = set(table.primary_key.columns)
    keys = [u.columns for u in table.uniques] + [i.keys for i in table.indexes if i.unique]
    for key in keys:
        named = [c for part in key for c in ([part] if part in table.column_names else columns_in(table, part))]
        free = free_columns(table, named, tenant_column)
        if not columns.intersection(named):
            columns.update(free[:1])
    return sorted(columns)


def free_columns(table: Table, named: Iterable[str], tenant_column: str) -> list[str]:
    """The columns a copy can vary to leave a unique key: not the tenant, an enum or a boolean;
    a foreign key's column last (a new value for it must be a parent row nothing points at)."""
    keyed = {c for k in table.foreign_keys for c in k.columns}
    free = [c for c in named if c != tenant_column and not table.column(c).enum_values
            and table.column(c).property_type != "boolean"]
    return sorted(free, key=lambda c: c in keyed)


async def clone(connection: asyncpg.Connection, table: Table, key: Any, changes: dict[str, Any]) -> Any:
    """Insert a copy of row `key` with `changes` applied; returns the new row's key (or raises)."""
    pk = quote_ident(table.primary_key.columns[0])
    name = quote_ident(table.name)
    return await connection.fetchval(
        f"INSERT INTO {name} SELECT (jsonb_populate_record(NULL::{name}, to_jsonb(source) || $2::jsonb)).* "
        f"FROM {name} AS source WHERE source.{pk} = $1 RETURNING {pk}",
        key, json.dumps(changes, default=str))


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
    """Run `action()` in a savepoint that is always rolled back; the error it raised, if any."""
    async with rolled_back(connection):
        try:
            await action()
        except asyncpg.PostgresError as error:
            return error
    return None
