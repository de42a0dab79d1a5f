"""Seed SQL per environment: deterministic fake rows for several tenants, insertable under RLS.

Tables are filled parents first; a child row points at a parent row of its own tenant
(self-references at an earlier row of the same table). Values honour types, lengths,
enum values, ranges, and every CHECK (each row is evaluated and redrawn until its checks
pass), and unique keys are never repeated. Each tenant's rows are inserted after
`SET LOCAL <tenant setting>` inside one transaction, so the file runs as the application
role with row-level security forced, exactly as the application would write.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from agent.codegen.check_eval import passes
from agent.codegen.model import CodegenOptions, Files, base_type, element_sql_type, header, own_columns, type_arguments
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.tables import Column, ForeignKey, Schema, Table
from agent.verify.constraint_values import bounds_of
from agent.verify.sample_data import rules_of, value_from_pattern

__all__ = ["ENVIRONMENTS", "SeedError", "render", "seed_rows"]

ENVIRONMENTS = {"dev": 2, "staging": 3}
"""Environment -> number of tenants."""
_WORDS = ("north", "south", "east", "west", "alpha", "bravo", "delta", "cold", "dry", "bulk", "fast", "main")
_EPOCH = dt.date(2024, 1, 1)
_ATTEMPTS = 200

Row = dict[str, Any]


class SeedError(ValueError):
    """The schema asks for rows these generators cannot make (a required key with no parent)."""


def render(schema: Schema, options: CodegenOptions) -> Files:
    return {f"{env}.sql": _file(schema, options, env, tenants) for env, tenants in ENVIRONMENTS.items()}


def tenant_ids(options: CodegenOptions, env: str) -> list[uuid.UUID]:
    rng = random.Random(f"{options.seed}:{env}:tenants")
    return [uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(ENVIRONMENTS[env])]


def seed_rows(schema: Schema, options: CodegenOptions, env: str) -> dict[str, dict[uuid.UUID | None, list[Row]]]:
    """Rows per table and tenant (None for shared tables), in insertion order."""
    generator = _Generator(schema, options, env)
    for table in insertion_order(schema):
        owners: list[uuid.UUID | None] = list(tenant_ids(options, env)) if table.tenant_scoped else [None]
        for number, tenant in enumerate(owners, start=1):
            generator.fill(table, tenant, number)
    return generator.rows


def insertion_order(schema: Schema) -> list[Table]:
    """Parents before children; ties by name; a cycle is broken at its first table by name."""
    remaining = {t.name: t for t in schema.tables}
    order: list[Table] = []
    while remaining:
        ready = [n for n, t in remaining.items() if not _parents(t) & (remaining.keys() - {n})]
        name = min(ready or remaining)
        order.append(remaining.pop(name))
    return order


def _parents(table: Table) -> set[str]:
    return {k.ref_table for k in table.foreign_keys}


def _segments(order: list[Table]) -> list[list[Table]]:
    """Runs of tenant-scoped tables (written tenant by tenant) and of shared tables, in insertion order."""
    runs: list[list[Table]] = []
    for table in order:
        if runs and runs[-1][0].tenant_scoped == table.tenant_scoped:
            runs[-1].append(table)
        else:
            runs.append([table])
    return runs


@dataclass
class _Generator:
    schema: Schema
    options: CodegenOptions
    env: str
    rows: dict[str, dict[uuid.UUID | None, list[Row]]] = field(default_factory=dict)
    seen: dict[tuple[str, ...], set[tuple[Any, ...]]] = field(default_factory=dict)

    def fill(self, table: Table, tenant: uuid.UUID | None, number: int) -> None:
        rng = random.Random(f"{self.options.seed}:{self.env}:{table.name}:{number}")
        made = self.rows.setdefault(table.name, {}).setdefault(tenant, [])
        for i in range(self.options.rows):
            made.append(self._row(table, tenant, number, i, rng))

    def _row(self, table: Table, tenant: uuid.UUID | None, number: int, i: int, rng: random.Random) -> Row:
        for _ in range(_ATTEMPTS):
            row = self._draw(table, tenant, number, i, rng)
            if all(passes(c.expression, row) for c in table.checks) and self._claim(table, row):
                return row
        raise SeedError(f"{table.name}: no row found that passes its checks and unique keys")

    def _draw(self, table: Table, tenant: uuid.UUID | None, number: int, i: int, rng: random.Random) -> Row:
        row: Row = {}
        for column in _inserted(table):
            if column.name == self.schema.tenant_column and table.tenant_scoped:
                row[column.name] = tenant
            elif column.name not in row:
                row[column.name] = _value(table, column, number, i, rng, row)
        for key in table.foreign_keys:
            self._reference(table, key, tenant, row, rng)
        return row

    def _reference(self, table: Table, key: ForeignKey, tenant: uuid.UUID | None, row: Row,
                   rng: random.Random) -> None:
        own = own_columns(self.schema, table, key)
        optional = any(not table.column(c).not_null for c in own)
        same_tenant = len(own) < len(key.columns)
        candidates = self.rows.get(key.ref_table, {})
        pool = candidates.get(tenant, []) if same_tenant else [r for rs in candidates.values() for r in rs]
        if key.ref_table == table.name and not pool and not optional:
            pool = [row]
        if (optional and rng.random() < 0.25) or not pool:
            if not optional:
                raise SeedError(f"{table.name}.{', '.join(own)}: required key to {key.ref_table} has no parent row")
            row.update(dict.fromkeys(own))
            return
        parent = pool[rng.randrange(len(pool))]
        row.update({c: parent[r] for c, r in zip(key.columns, key.ref_columns, strict=True)})

    def _claim(self, table: Table, row: Row) -> bool:
        keys = [u.columns for u in table.uniques] + [
            i.keys for i in table.indexes if i.unique and not i.where and set(i.keys) <= set(row)]
        values = [(table.name, *k) for k in keys]
        found = [tuple(row[c] for c in k) for k in keys]
        if any(None not in v and v in self.seen.get(name, set()) for name, v in zip(values, found, strict=True)):
            return False
        for name, value in zip(values, found, strict=True):
            self.seen.setdefault(name, set()).add(value)
        return True


def _inserted(table: Table) -> list[Column]:
    """Every column but the implicit audit columns, which keep their defaults."""
    return [c for c in table.columns if not c.implicit or c.name in (*table.primary_key.columns, "tenant_id")]


def _value(table: Table, column: Column, number: int, i: int, rng: random.Random, row: Row) -> Any:
    if not column.not_null and column.name not in table.primary_key.columns and rng.random() < 0.15:
        return None
    if column.property_type == "array":
        return [_scalar(table, column, number, i * 3 + n, rng, row) for n in range(2)]
    return _scalar(table, column, number, i, rng, row)


def _scalar(table: Table, column: Column, number: int, i: int, rng: random.Random, row: Row) -> Any:
    kind = base_type(column)
    if kind == "enum":
        return rng.choice(column.enum_values)
    if kind in ("string", "text"):
        return _text(table, column, number, i, rng)
    if kind in ("smallint", "integer", "bigint", "decimal", "float", "double"):
        return _number(table, column, rng)
    if kind in ("date", "timestamp"):
        return _moment(kind, rng, row)
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


def _moment(kind: str, rng: random.Random, row: Row) -> Any:
    """Dates in a row come in column order (manufactured before expires), so ordering checks hold."""
    earlier = [v for v in row.values() if isinstance(v, dt.date)]
    start = max((v.date() if isinstance(v, dt.datetime) else v for v in earlier), default=_EPOCH)
    day = start + dt.timedelta(days=rng.randint(1, 365))
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
}


# ------------------------------------------------------------------ rendering


def _file(schema: Schema, options: CodegenOptions, env: str, tenants: int) -> str:
    rows = seed_rows(schema, options, env)
    lines = [
        f"-- Seed data: {env} ({tenants} tenants, {options.rows} rows per table and tenant, seed {options.seed}).",
        header("--"),
        f"-- Run it as the application role ({schema.app_role}) with row-level security on, e.g.",
        f'--   psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f {env}.sql',
        f"-- Each tenant's rows are written after SET LOCAL {schema.tenant_setting}, so RLS checks them.",
        "",
        "BEGIN;",
    ]
    for segment in _segments(insertion_order(schema)):
        if segment[0].tenant_scoped:
            lines += _tenant_blocks(schema, options, env, segment, rows)
        else:
            lines += _banner("Shared tables (not tenant-scoped)")
            lines += [s for t in segment for s in _insert(t, rows[t.name][None])]
    return "\n".join([*lines, "", "COMMIT;", ""])


def _tenant_blocks(schema: Schema, options: CodegenOptions, env: str, segment: list[Table],
                   rows: dict[str, dict[uuid.UUID | None, list[Row]]]) -> list[str]:
    lines = []
    tenants = tenant_ids(options, env)
    for number, tenant in enumerate(tenants, start=1):
        lines += _banner(f"Tenant {number} of {len(tenants)}: {tenant}")
        lines += ["", f"SET LOCAL {schema.tenant_setting} = {quote_literal(str(tenant))};"]
        lines += [s for t in segment for s in _insert(t, rows[t.name][tenant])]
    return lines


def _banner(title: str) -> list[str]:
    return ["", "-- ============================================", f"-- {title}",
            "-- ============================================"]


def _insert(table: Table, rows: list[Row]) -> list[str]:
    if not rows:
        return []
    columns = list(rows[0])
    values = [f"    ({', '.join(_literal(table.column(c), r[c]) for c in columns)})" for r in rows]
    return ["", f"INSERT INTO {quote_ident(table.name)} ({', '.join(quote_ident(c) for c in columns)}) VALUES",
            ",\n".join(values) + ";"]


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
