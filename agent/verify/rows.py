"""Real rows for the data checks: copy a sample row with changes, inside a savepoint."""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from agent.schema.literals import quote_ident
from agent.schema.tables import Column, Table

__all__ = ["attempt", "clone", "fresh_value", "unique_overrides"]


def fresh_value(column: Column) -> Any:
    """A value no sample row holds, of the column's type (for keys and unique columns)."""
    token = uuid.uuid4()
    if column.property_type == "uuid":
        return str(token)
    if column.property_type in ("smallint", "integer", "bigint"):
        return token.int % 30_000 + 1_000_000 if column.property_type != "smallint" else token.int % 30_000
    width = int(column.sql_type[8:-1]) if column.sql_type.startswith("VARCHAR(") else 32
    return f"u{token.hex}"[:width]


def unique_overrides(table: Table, tenant_column: str) -> dict[str, Any]:
    """A new primary key and, for every unique key, a new value in one of its free columns
    (not the tenant, not an enum), so a copy violates nothing."""
    columns = {table.primary_key.columns[0]}
    keys = [u.columns for u in table.uniques] + [i.keys for i in table.indexes if i.unique]
    for key in keys:
        free = [c for c in key if c in table.column_names and c != tenant_column
                and not table.column(c).enum_values]
        columns.update(free[:1])
    return {name: fresh_value(table.column(name)) for name in columns}


async def clone(connection: asyncpg.Connection, table: Table, key: Any, changes: dict[str, Any]) -> Any:
    """Insert a copy of row `key` with `changes` applied; returns the new row's key (or raises)."""
    pk = quote_ident(table.primary_key.columns[0])
    name = quote_ident(table.name)
    return await connection.fetchval(
        f"INSERT INTO {name} SELECT (jsonb_populate_record(NULL::{name}, to_jsonb(source) || $2::jsonb)).* "
        f"FROM {name} AS source WHERE source.{pk} = $1 RETURNING {pk}",
        key, json.dumps(changes, default=str))


async def attempt(connection: asyncpg.Connection, action: Any) -> asyncpg.PostgresError | None:
    """Run `action()` in a savepoint that is always rolled back; the error it raised, if any."""
    transaction = connection.transaction()
    await transaction.start()
    try:
        await action()
    except asyncpg.PostgresError as error:
        return error
    finally:
        await transaction.rollback()
    return None
