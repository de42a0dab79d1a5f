"""Deterministic sample rows for every table, two tenants, consistent with keys and checks.

Rows are generated per table in foreign-key order (a child points at a parent row of
its own tenant), copied into a staging table with COPY, and moved into the table by one
INSERT that keeps only rows every CHECK of the table accepts, so free-form checks need no
Python twin. The loader runs as the scratch database's superuser, which RLS lets through.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import asyncpg

from agent.schema.literals import quote_ident
from agent.schema.tables import Column, Schema, Table
from agent.verify.constraint_values import bounds_of
from agent.verify.context import TENANT_A, TENANT_B

__all__ = ["SampleData", "load_sample_data"]

TENANTS = (uuid.UUID(TENANT_A), uuid.UUID(TENANT_B))
_EPOCH = dt.date(2024, 1, 1)


@dataclass
class SampleData:
    """Primary keys loaded per table and tenant, for steps that need real rows."""

    keys: dict[str, dict[uuid.UUID | None, list[Any]]] = field(default_factory=dict)
    rows: int = 0

    def some_key(self, table: str, tenant: uuid.UUID | None) -> Any:
        found = self.keys.get(table, {}).get(tenant) or []
        return found[0] if found else None


Bounds = tuple[float | None, float | None]


@dataclass
class _Generator:
    schema: Schema
    rng: random.Random
    data: SampleData
    bounds: dict[tuple[str, str], Bounds] = field(default_factory=dict)

    def value(self, table: Table, column: Column, i: int, tenant: uuid.UUID | None) -> Any:
        reference = self._reference(table, column, tenant, i)
        if reference is not _NO_REFERENCE:
            return reference
        if column.name == self.schema.tenant_column and table.tenant_scoped:
            return tenant
        bounds = self.bounds.get((table.name, column.name), (None, None))
        return _VALUES.get(column.property_type, _text)(column, i, self.rng, bounds)

    def _reference(self, table: Table, column: Column, tenant: uuid.UUID | None, i: int) -> Any:
        for key in table.foreign_keys:
            if column.name in key.columns and column.name != self.schema.tenant_column:
                parents = self.data.keys.get(key.ref_table, {}).get(tenant if _same_tenant(key, self.schema)
                                                                    else _first(self.data, key.ref_table))
                if not parents or (key.ref_table == table.name and i % 3 == 0):
                    return None if not column.not_null else (parents[0] if parents else None)
                return parents[i % len(parents)]
        return _NO_REFERENCE


_NO_REFERENCE = object()


def _same_tenant(key: Any, schema: Schema) -> bool:
    return schema.tenant_column in key.columns


def _first(data: SampleData, table: str) -> uuid.UUID | None:
    return next(iter(data.keys.get(table, {})), None)


def _in_bounds(i: int, bounds: Bounds, low: float, high: float) -> int:
    low = bounds[0] if bounds[0] is not None else low
    high = bounds[1] if bounds[1] is not None else max(high, low + 1)
    return int(low) + 1 + (i % max(int(high - low) - 1, 1))


def _integer(column: Column, i: int, rng: random.Random, bounds: Bounds) -> int:
    return _in_bounds(i, bounds, 0, 1000)


def _decimal(column: Column, i: int, rng: random.Random, bounds: Bounds) -> Decimal:
    return Decimal(_in_bounds(i, bounds, 0, 100))


def _text(column: Column, i: int, rng: random.Random, bounds: Bounds) -> str:
    if column.enum_values:
        return column.enum_values[i % len(column.enum_values)]
    width = _width(column)
    text = f"{column.name[:8]}-{i}-{rng.randrange(1_000_000)}"
    return text[-width:] if width else text


def _width(column: Column) -> int | None:
    """VARCHAR(n) columns get values that fit."""
    if column.sql_type.startswith("VARCHAR("):
        return int(column.sql_type[8:-1])
    return None


_VALUES: dict[str, Callable[[Column, int, random.Random, Bounds], Any]] = {
    "uuid": lambda c, i, rng, b: uuid.UUID(int=rng.getrandbits(128), version=4),
    "smallint": _integer, "integer": _integer, "bigint": _integer,
    "decimal": _decimal,
    "float": lambda c, i, rng, b: float(_integer(c, i, rng, b)),
    "double": lambda c, i, rng, b: float(_integer(c, i, rng, b)),
    "boolean": lambda c, i, rng, b: i % 2 == 0,
    "date": lambda c, i, rng, b: _EPOCH + dt.timedelta(days=i % 700),
    "timestamp": lambda c, i, rng, b: dt.datetime(2024, 1, 1, tzinfo=dt.UTC) + dt.timedelta(minutes=i),
    "time": lambda c, i, rng, b: dt.time(i % 24, i % 60),
    "interval": lambda c, i, rng, b: dt.timedelta(minutes=i % 10_000),
    "json": lambda c, i, rng, b: json.dumps({"n": i, "grade": "AB"[i % 2]}),
    "jsonb": lambda c, i, rng, b: json.dumps({"n": i, "grade": "AB"[i % 2]}),
    "bytea": lambda c, i, rng, b: i.to_bytes(4, "big"),
    "inet": lambda c, i, rng, b: f"10.{(i >> 16) % 256}.{(i >> 8) % 256}.{i % 256}",
}


def _loaded_columns(table: Table) -> list[Column]:
    """Everything but audit columns and columns whose only sensible value is their default."""
    audit = {"created_at", "created_by", "updated_at", "updated_by"} if table.audit else set()
    return [c for c in table.columns if c.name not in audit and c.property_type != "array"]


async def _load_table(connection: asyncpg.Connection, generator: _Generator, table: Table,
                      rows: int) -> int:
    columns = _loaded_columns(table)
    tenants: tuple[uuid.UUID | None, ...] = TENANTS if table.tenant_scoped else (None,)
    records = []
    for i in range(rows):
        tenant = tenants[i % len(tenants)]
        records.append(tuple(generator.value(table, c, i, tenant) for c in columns))
    names = [c.name for c in columns]
    stage = f"stage_{table.name}"[:60]
    await connection.execute(f"CREATE TEMP TABLE {quote_ident(stage)} "
                             f"(LIKE {quote_ident(table.name)} INCLUDING DEFAULTS) ON COMMIT DROP")
    await connection.copy_records_to_table(stage, records=records, columns=names)
    accepted = " AND ".join(f"({check.expression}) IS NOT FALSE" for check in table.checks) or "true"
    listed = ", ".join(quote_ident(n) for n in names)
    pk = quote_ident(table.primary_key.columns[0])
    tenant_column = quote_ident(table.columns[1].name) if table.tenant_scoped else "NULL::uuid"
    inserted = await connection.fetch(
        f"INSERT INTO {quote_ident(table.name)} ({listed}) SELECT {listed} FROM {quote_ident(stage)} "
        f"WHERE {accepted} ON CONFLICT DO NOTHING RETURNING {pk}, {tenant_column}")
    keys: dict[uuid.UUID | None, list[Any]] = {}
    for key, tenant in inserted:
        keys.setdefault(tenant, []).append(key)
    generator.data.keys[table.name] = keys
    return len(inserted)


async def _link_back_references(connection: asyncpg.Connection, table: Table, schema: Schema,
                                loaded: set[str]) -> None:
    """Keys to rows that did not exist yet (itself, or a table later in a reference cycle):
    two rows in three are pointed at a row of their own tenant afterwards."""
    tenant = schema.tenant_column
    for key in table.foreign_keys:
        if key.ref_table in loaded and key.ref_table != table.name:
            continue
        parent = schema.table(key.ref_table)
        if parent is None:
            continue
        column = next(c for c in key.columns if c != tenant)
        target = next(c for c in key.ref_columns if c != tenant)
        await connection.execute(_link_sql(table, parent, column, target, tenant, tenant in key.columns))


def _link_sql(child: Table, parent: Table, column: str, target: str, tenant: str, same_tenant: bool) -> str:
    partition = f"PARTITION BY {quote_ident(tenant)} " if same_tenant else ""
    shift = " - 1" if child.name == parent.name else ""
    join_tenant = " AND p.tenant = c.tenant" if same_tenant else ""
    tenant_of = quote_ident(tenant) if same_tenant else "NULL::uuid"
    child_pk, parent_key = quote_ident(child.primary_key.columns[0]), quote_ident(target)
    return (
        f"WITH c AS (SELECT {child_pk} AS id, {tenant_of} AS tenant, "
        f"row_number() OVER ({partition}ORDER BY {child_pk}) AS n FROM {quote_ident(child.name)}), "
        f"p AS (SELECT {parent_key} AS id, {tenant_of} AS tenant, "
        f"row_number() OVER ({partition}ORDER BY {parent_key}) AS n FROM {quote_ident(parent.name)}) "
        f"UPDATE {quote_ident(child.name)} AS t SET {quote_ident(column)} = p.id FROM c JOIN p "
        f"ON p.n = c.n{shift}{join_tenant} WHERE t.{child_pk} = c.id AND c.n % 3 <> 0")


def _column_bounds(schema: Schema) -> dict[tuple[str, str], Bounds]:
    found = {}
    for table in schema.tables:
        for check in table.checks:
            if len(check.columns) == 1:
                found[(table.name, check.columns[0])] = bounds_of(check.expression, check.columns[0])
    return found


async def load_sample_data(connection: asyncpg.Connection, schema: Schema, ordered: list[Table],
                           rows_per_table: int, seed: int = 1) -> SampleData:
    generator = _Generator(schema, random.Random(seed), SampleData(), _column_bounds(schema))
    async with connection.transaction():
        for table in ordered:
            generator.data.rows += await _load_table(connection, generator, table, rows_per_table)
        for position, table in enumerate(ordered):
            await _link_back_references(connection, table, schema, {t.name for t in ordered[:position]})
    await connection.execute("ANALYZE")
    return generator.data
