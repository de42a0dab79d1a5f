"""Seed SQL per environment: deterministic fake rows for several tenants, insertable under RLS.

The rows come from `agent.sample`, the engine verification's sample data uses: a child row points
at a parent row of its own tenant, a key closing a reference cycle is inserted NULL and set by an
UPDATE once both sides exist, every CHECK is met by construction and unique keys never repeat.
This module gives the values their readable style (words, codes) and writes the SQL. Each
tenant's rows are inserted after `SET LOCAL <tenant setting>` inside one transaction, so the file
runs as the application role with row-level security forced, exactly as the application would write.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from agent.codegen.model import CodegenOptions, Files, base_type, element_sql_type, header, type_arguments
from agent.sample.engine import SampleError, TableRows, ValueMaker, solve
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.tables import Column, Schema, Table
from agent.verify.constraint_values import bounds_of
from agent.verify.sample_data import rules_of, value_from_pattern

__all__ = ["ENVIRONMENTS", "SeedError", "render", "seed_rows"]

ENVIRONMENTS = {"dev": 2, "staging": 3}
"""Environment -> number of tenants."""
_WORDS = ("north", "south", "east", "west", "alpha", "bravo", "delta", "cold", "dry", "bulk", "fast", "main")
_EPOCH = dt.date(2024, 1, 1)

Row = dict[str, Any]


class SeedError(ValueError):
    """The schema asks for rows the engine cannot make (a check it cannot meet); names the check."""


def render(schema: Schema, options: CodegenOptions) -> Files:
    return {f"{env}.sql": _file(schema, options, env, tenants) for env, tenants in ENVIRONMENTS.items()}


def tenant_ids(options: CodegenOptions, env: str) -> list[uuid.UUID]:
    rng = random.Random(f"{options.seed}:{env}:tenants")
    return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(ENVIRONMENTS[env])]


def seed_rows(schema: Schema, options: CodegenOptions, env: str) -> dict[str, dict[uuid.UUID | None, list[Row]]]:
    """Rows per table and tenant (None for shared tables), in insertion order."""
    return {made.table.name: _by_tenant(made) for made in _solved(schema, options, env)}


def _solved(schema: Schema, options: CodegenOptions, env: str) -> list[TableRows]:
    counts: list[tuple[Any, int]] = [(tenant, options.rows) for tenant in tenant_ids(options, env)]
    try:
        return solve(schema, counts, _maker(options.rows), f"{options.seed}:{env}", shared_rows=options.rows)
    except (SampleError, ValueError) as error:
        raise SeedError(str(error)) from error


def _by_tenant(made: TableRows) -> dict[uuid.UUID | None, list[Row]]:
    found: dict[uuid.UUID | None, list[Row]] = {}
    for row, tenant in zip(made.rows, made.tenants, strict=True):
        found.setdefault(tenant, []).append({c: row[c] for c in made.columns})
    return found


def _maker(rows: int) -> ValueMaker:
    def make(table: Table, column: Column) -> Callable[[int, random.Random], Any]:
        return lambda i, rng: _value(table, column, i // max(rows, 1) + 1, i % max(rows, 1), rng)
    return make


def _segments(order: list[TableRows]) -> list[list[TableRows]]:
    """Runs of tenant-scoped tables (written tenant by tenant) and of shared tables, in insertion order."""
    runs: list[list[TableRows]] = []
    for made in order:
        if runs and runs[-1][0].table.tenant_scoped == made.table.tenant_scoped:
            runs[-1].append(made)
        else:
            runs.append([made])
    return runs


def _inserted(table: Table) -> list[Column]:
    """Every column but the implicit audit columns, which keep their defaults."""
    return [c for c in table.columns if not c.implicit or c.name in (*table.key_columns, "tenant_id")]


def _value(table: Table, column: Column, number: int, i: int, rng: random.Random) -> Any:
    if not column.not_null and column.name not in table.key_columns and rng.random() < 0.15:
        return None
    if column.property_type == "array":
        return [_scalar(table, column, number, i * 3 + n, rng) for n in range(2)]
    return _scalar(table, column, number, i, rng)


def _scalar(table: Table, column: Column, number: int, i: int, rng: random.Random) -> Any:
    kind = base_type(column)
    if kind == "enum":
        return rng.choice(column.enum_values or column.item_values)
    if kind in ("string", "text"):
        return _text(table, column, number, i, rng)
    if kind in ("smallint", "integer", "bigint", "decimal", "float", "double"):
        return _number(table, column, rng)
    if kind in ("date", "timestamp"):
        return _moment(kind, rng)
    return _OTHERS[kind](rng, number, i)


def _text(table: Table, column: Column, number: int, i: int, rng: random.Random) -> str:
    width = (type_arguments(element_sql_type(column)) or (60,))[0]
    rules = rules_of(table, column.name)
    if rules.pattern is not None:  # the verification's generator: a value the regex accepts
        return value_from_pattern(rules.pattern, rng.randrange(10**9)) or ""
    return _plain_text(column, number, i, rng, width).ljust(rules.min_length or 0, "x")


def _plain_text(column: Column, number: int, i: int, rng: random.Random, width: int) -> str:
    initials = "".join(part[0] for part in column.name.split("_")).upper()
    code = f"{initials}{number}-{i + 1:04d}"
    if column.name.endswith(("_code", "_number", "_key", "_ref")) or width < 12:
        text = code if len(code) <= width else "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(width))
        return text
    words = " ".join(rng.choice(_WORDS) for _ in range(3)).capitalize()
    return f"{words} {code}"[:width]


def _number(table: Table, column: Column, rng: random.Random) -> Any:
    low, high = 0.0, 1000.0
    for check in (c for c in table.checks if c.columns == (column.name,)):
        found_low, found_high = bounds_of(check.expression, column.name)
        low, high = found_low if found_low is not None else low, found_high if found_high is not None else high
    kind = base_type(column)
    arguments = type_arguments(element_sql_type(column))
    if kind == "decimal":
        precision, scale = arguments if len(arguments) == 2 else (12, 2)
        high = min(high, 10 ** (precision - scale) - 1)
        return Decimal(str(round(rng.uniform(max(low, 1.0) if high > 1 else low, high), scale)))
    if kind in ("float", "double"):
        return round(rng.uniform(max(low, 1.0), high), 3)
    return rng.randint(int(max(low, 1)), int(high))


def _moment(kind: str, rng: random.Random) -> Any:
    day = _EPOCH + dt.timedelta(days=rng.randint(1, 365))
    if kind == "date":
        return day
    return dt.datetime.combine(day, dt.time(rng.randint(0, 23), rng.randint(0, 59)), dt.UTC)


_OTHERS: dict[str, Any] = {
    "uuid": lambda rng, number, i: uuid.UUID(int=rng.getrandbits(128), version=4),
    "boolean": lambda rng, number, i: rng.random() < 0.8,
    "time": lambda rng, number, i: dt.time(rng.randint(6, 20), rng.choice((0, 15, 30, 45))),
    "interval": lambda rng, number, i: dt.timedelta(days=rng.randint(1, 90)),
    "json": lambda rng, number, i: {"tag": rng.choice(_WORDS), "n": i},
    "jsonb": lambda rng, number, i: {"tag": rng.choice(_WORDS), "n": i},
    "bytea": lambda rng, number, i: bytes(rng.getrandbits(8) for _ in range(4)),
    "inet": lambda rng, number, i: f"10.{number}.{i // 250}.{i % 250 + 1}",
    "custom": lambda rng, number, i: f"sample_{number}_{i}",
}


# ------------------------------------------------------------------ rendering


def _file(schema: Schema, options: CodegenOptions, env: str, tenants: int) -> str:
    order = _solved(schema, options, env)
    lines = [
        f"-- Seed data: {env} ({tenants} tenants, {options.rows} rows per table and tenant, seed {options.seed}).",
        header("--"),
        f"-- Run it as the application role ({schema.app_role}) with row-level security on, e.g.",
        f'--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f {env}.sql',
        f"-- Each tenant's rows are written after SET LOCAL {schema.tenant_setting}, so RLS checks them.",
        "",
        "BEGIN;",
    ]
    for segment in _segments(order):
        if segment[0].table.tenant_scoped:
            lines += _tenant_blocks(schema, options, env, segment, _insert)
        else:
            lines += _banner("Shared tables (not tenant-scoped)")
            lines += [s for made in segment for s in _insert(made, None)]
    linked = [made for made in order if any(made.links.values())]
    if linked:
        lines += _banner("Keys that close a reference cycle, set once both sides exist")
        shared = [made for made in linked if not made.table.tenant_scoped]
        lines += [s for made in shared for s in _links(made, None)]
        scoped = [made for made in linked if made.table.tenant_scoped]
        if scoped:
            lines += _tenant_blocks(schema, options, env, scoped, _links)
    return "\n".join([*lines, "", "COMMIT;", ""])


def _tenant_blocks(schema: Schema, options: CodegenOptions, env: str, segment: list[TableRows],
                   write: Callable[[TableRows, uuid.UUID | None], list[str]]) -> list[str]:
    lines = []
    tenants = tenant_ids(options, env)
    for number, tenant in enumerate(tenants, start=1):
        lines += _banner(f"Tenant {number} of {len(tenants)}: {tenant}")
        lines += ["", f"SET LOCAL {schema.tenant_setting} = {quote_literal(str(tenant))};"]
        lines += [s for made in segment for s in write(made, tenant)]
    return lines


def _banner(title: str) -> list[str]:
    return ["", "-- ============================================", f"-- {title}",
            "-- ============================================"]


def _owned(made: TableRows, tenant: uuid.UUID | None) -> list[Row]:
    return [row for row, owner in zip(made.rows, made.tenants, strict=True) if owner == tenant]


def _insert(made: TableRows, tenant: uuid.UUID | None) -> list[str]:
    rows = _owned(made, tenant)
    if not rows:
        return []
    table, columns = made.table, made.columns
    values = [f"    ({', '.join(_literal(table.column(c), None if c in made.deferred else r[c]) for c in columns)})"
              for r in rows]
    return ["", f"INSERT INTO {quote_ident(table.name)} ({', '.join(quote_ident(c) for c in columns)}) VALUES",
            ",\n".join(values) + ";"]


def _links(made: TableRows, tenant: uuid.UUID | None) -> list[str]:
    table, pk = made.table, made.pk
    if pk is None:
        return []  # rows without a key column are not linked (their deferred keys stay NULL)
    keys = {row[pk] for row in _owned(made, tenant)}
    lines = []
    for column, pairs in sorted(made.links.items()):
        chosen = [(key, value) for key, value in pairs if key in keys]
        if not chosen:
            continue
        kind = table.column(column)
        key_type = table.column(pk).sql_type
        values = ",\n".join(f"    (CAST({quote_literal(str(key))} AS {key_type}), {_literal(kind, value)})"
                            for key, value in chosen)
        cast = f"CAST(v.value AS {kind.sql_type})"
        lines += ["", f"UPDATE {quote_ident(table.name)} AS t SET {quote_ident(column)} = {cast} FROM (VALUES",
                  values, f") AS v(id, value) WHERE t.{quote_ident(pk)} = v.id;"]
    return lines


def _literal(column: Column, value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, list):
        items = ", ".join(_literal(column.model_copy(update={"property_type": column.array_of}), v) for v in value)
        return f"ARRAY[{items}]::{column.sql_type}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, dict):
        return quote_literal(json.dumps(value, sort_keys=True))
    if isinstance(value, bytes):
        return f"'\\x{value.hex()}'"
    if isinstance(value, dt.timedelta):
        return quote_literal(f"{value.days} days")
    if isinstance(value, dt.datetime):
        return quote_literal(value.isoformat(sep=" "))
    return quote_literal(str(value))
