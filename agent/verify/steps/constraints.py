"""Step: every NOT NULL, CHECK, UNIQUE and FOREIGN KEY refuses a violating row with the right
SQLSTATE (and the right constraint) and accepts a valid one.

Every attempt copies a sample row of tenant A (a new primary key and new values for unique
columns, so the copy itself is valid) with the violating change applied, in a savepoint
that is rolled back. Violating values are built from the resolved schema: a value outside
an enum's list, minimum - 1 and maximum + 1, an empty string for a length check; for a
free-form table check simple candidates per column (and pairs of them) are tried, and when
none breaks it the finding passes with a note instead of failing. Runs as the connection
it is given (the scratch superuser, which row security lets through).
"""

from __future__ import annotations

import itertools
import json
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from agent.schema.literals import quote_ident
from agent.schema.tables import Check, Column, ForeignKey, Schema, Table
from agent.verify.context import TENANT_A, TENANT_B, VerifyContext
from agent.verify.parallel import per_item
from agent.verify.report import Finding
from agent.verify.row_key import row_key_sql
from agent.verify.rows import (
    attempt,
    clone,
    columns_in,
    examples_of,
    free_columns,
    materialized,
    referenced_values,
    unique_overrides,
    unused_value,
)
from agent.verify.sample_data import fresh_value, rules_of

__all__ = ["run"]

NOT_NULL, CHECK, UNIQUE, FOREIGN_KEY = "23502", "23514", "23505", "23503"
_CANDIDATES: dict[str, list[Any]] = {
    "integer": [-1, 0, -1_000_000, 1_000_000], "smallint": [-1, 0, 30_000], "bigint": [-1, 0, 10**12],
    "decimal": [-1, 0, -1_000_000, 1_000_000], "float": [-1, 0, 1e9], "double": [-1, 0, 1e9],
    "date": ["1900-01-01", "2999-12-31"],
    "timestamp": ["1900-01-01T00:00:00+00:00", "2999-12-31T00:00:00+00:00"],
    "string": ["", "#", " "], "text": ["", "#", " "], "boolean": [False, True], "enum": ["#"],
}
Action = Callable[[], Awaitable[Any]]


class _Case:
    def __init__(self, context: VerifyContext, table: Table, connection: asyncpg.Connection) -> None:
        self.context, self.table = context, table
        self.connection = connection
        self.schema: Schema = context.schema
        self.tenant = uuid.UUID(TENANT_A) if table.tenant_scoped else None
        self.key = context.sample.some_key(table.name, self.tenant) if context.sample else None
        self.base: dict[str, Any] = {}  # set by `_check_table`: finding fresh values reads the table
        self.source: dict[str, Any] = {}
        self.trigger_filled = bool(context.sample) and table.name in context.sample.trigger_filled

    def insert(self, changes: dict[str, Any], base: dict[str, Any] | None = None) -> Action:
        overrides = self.base if base is None else base
        return lambda: clone(self.connection, self.table, self.key, {**overrides, **changes},
                             over_a_triggers_row=self.trigger_filled)

    async def expect(self, check: str, action: Action, sqlstate: str | None, constraints: set[str],
                     what: str) -> Finding:
        error = await attempt(self.connection, action)
        got = getattr(error, "sqlstate", None)
        named = getattr(error, "constraint_name", None)
        passed = got == sqlstate and (not constraints or named in constraints)
        if sqlstate is None:
            message = f"{what} is accepted" if passed else f"{what} is refused: {got} {error}"
        elif passed:
            message = f"{what} is refused with {sqlstate}"
        else:
            outcome = "accepted" if error is None else f"refused with {got} ({error})"
            message = f"{what} is {outcome}; expected {sqlstate}" + (
                f" from {' or '.join(sorted(constraints))}" if constraints else "")
        return Finding(check=check, table=self.table.name, passed=passed, message=f"{self.table.name}: {message}",
                       details={"sqlstate": got, "constraint": named})


async def _not_null(case: _Case) -> list[Finding]:
    return [await _not_null_of(case, c) for c in case.table.columns if c.not_null]


async def _not_null_of(case: _Case, column: Column) -> Finding:
    """NULL is refused, or replaced before the row is stored (a BEFORE trigger fills the column,
    as crates.io's fill a search vector): either way no row holds NULL there."""
    finding = await case.expect("not-null", case.insert({column.name: None}), NOT_NULL, set(),
                                f"NULL in NOT NULL column {column.name}")
    if finding.passed or finding.details.get("sqlstate") is not None:
        return finding
    stored: list[Any] = []

    async def insert_and_read() -> None:
        key = await case.insert({column.name: None})()
        stored.append(await case.connection.fetchval(
            f"SELECT {quote_ident(column.name)} IS NULL FROM {quote_ident(case.table.name)} AS t "
            f"WHERE {row_key_sql(case.table, 't')} = $1", key))

    await attempt(case.connection, insert_and_read)
    if stored != [False]:
        return finding
    return finding.model_copy(update={"passed": True, "message": (
        f"{case.table.name}: NULL in NOT NULL column {column.name} is replaced before the row is stored "
        "(a trigger fills it)")})


def _column_violations(table: Table, column: Column) -> list[Any]:
    """Values that break the column's own rules: outside the enum, the bounds, the length."""
    if column.enum_values:
        return ["#" if "#" not in column.enum_values else "##"]
    rules = rules_of(table, column.name)
    low, high = rules.bounds
    found: list[Any] = [v for v in ((low - 1) if low is not None else None,
                                    (high + 1) if high is not None else None) if v is not None]
    if rules.min_length:
        found.append("")
    return found + _CANDIDATES.get(column.property_type, [])


def _check_candidates(table: Table, check: Check) -> list[dict[str, Any]]:
    if check.columns:
        column = table.column(check.columns[0])
        return [{column.name: value} for value in _column_violations(table, column)]
    named = [c for c in columns_in(table, check.expression) if c in table.column_names]
    singles = [{name: value} for name in named for value in _column_violations(table, table.column(name))]
    pairs = [{**a, **b} for a, b in itertools.combinations(singles, 2) if a.keys() != b.keys()]
    return singles + pairs[:40]


async def _check(case: _Case, check: Check) -> Finding:
    for changes in _check_candidates(case.table, check):
        finding = await case.expect("check", case.insert(changes), CHECK, {check.name},
                                    f"a row breaking {check.name} ({json.dumps(changes, default=str)})")
        if finding.passed:
            return finding
    return Finding(check="check", table=case.table.name, passed=True, details={"note": "no violating row"},
                   message=f"{case.table.name}: could not construct a row violating {check.name} "
                           f"({check.expression}); only the schema comparison vouches for it")


def _unique_keys(table: Table) -> list[tuple[str, tuple[str, ...], bool]]:
    """(name, columns named, is an expression index) of every unique constraint and unique index."""
    keys = [(u.name, u.columns, False) for u in table.uniques]
    for index in table.indexes:
        if index.unique and not index.where:
            named = tuple(c for k in index.keys for c in ([k] if k in table.column_names else columns_in(table, k)))
            keys.append((index.name, named, any(k not in table.column_names for k in index.keys)))
    return keys


async def _unique(case: _Case) -> list[Finding]:
    findings = []
    keys = _unique_keys(case.table)
    pk = case.table.primary_key
    several = [(pk.name, pk.columns, False)] if pk and len(pk.columns) > 1 else []
    for name, columns, _ in keys:
        if pk and set(pk.columns) <= set(columns):
            continue  # (tenant, pk) for composite foreign keys: the primary key already makes it unique
        # Keys whose free columns (not the tenant, an enum, a boolean or a column its checks confine)
        # all lie in this one cannot be told apart from it: a copy that repeats it repeats them.
        tenant = case.schema.tenant_column
        covering = [(other, cols) for other, cols, _ in [*keys, *several]
                    if set(free_columns(case.table, cols, tenant)) <= set(columns)]
        implied = {other for other, _ in covering}
        across = {other for other, cols in covering if tenant not in cols}
        findings += await _duplicate(case, name, columns, implied, across)
    return findings


async def _duplicate(case: _Case, name: str, columns: tuple[str, ...], implied: set[str],
                     across: set[str]) -> list[Finding]:
    """Insert a copy with fresh values in the key's NULL columns, then a second copy of it; in
    another tenant the copy passes a per-tenant key unless a global one (`across`) repeats too."""
    tenant = case.schema.tenant_column
    filled = {c: await _new_key_value(case, case.table.column(c)) for c in columns if c != tenant}
    filled = {c: v for c, v in filled.items() if v is not None}
    base = {k: v for k, v in case.base.items() if k not in columns}
    second = await unique_overrides(case.connection, case.table, tenant, case.base, schema=case.schema,
                                    kept=frozenset(columns))

    def twice(extra: dict[str, Any]) -> Action:
        async def action() -> None:
            shared = await materialized(case.connection, filled)  # both copies point at the same new parent
            await clone(case.connection, case.table, case.key, {**base, **shared},
                        over_a_triggers_row=case.trigger_filled)
            await clone(case.connection, case.table, case.key, {**second, **shared, **extra})
        return action

    shown = ", ".join(columns)
    implied = implied | _repeated(case.table, columns, {*filled, *second})
    found = [await case.expect("unique", twice({}), UNIQUE, implied, f"a duplicate of {name} ({shown})")]
    if case.table.tenant_scoped:
        moved = await _to_tenant(case, TENANT_B)
        if tenant in columns and across:
            found.append(await case.expect("unique-per-tenant", twice(moved), UNIQUE, across, (
                f"the same ({shown}) values in another tenant under {name}, also under global "
                f"{', '.join(sorted(across))},")))
        elif tenant in columns:
            found.append(await case.expect("unique-per-tenant", twice(moved), None, set(),
                                           f"the same ({shown}) values in another tenant under {name}"))
        else:
            found.append(await case.expect("unique-global", twice(moved), UNIQUE, implied,
                                           f"the same ({shown}) values in another tenant under global {name}"))
    return found


def _repeated(table: Table, columns: tuple[str, ...], varied: set[str]) -> set[str]:
    """Other keys the two copies repeat too: all their columns outside `columns` are left as the
    sample row has them (a foreign key's column may be left, having no fresh parent), so
    PostgreSQL may name either key."""
    return {other for other, cols, _ in _unique_keys(table) if not (set(cols) - set(columns)) & varied}


async def _new_key_value(case: _Case, column: Column) -> Any:
    """A value no row holds for a free column (for a key's column, a parent row none points at);
    a fixed valid one for enums and booleans when NULL."""
    if column.enum_values or column.property_type == "boolean":
        fixed = column.enum_values[0] if column.enum_values else True
        return fixed if case.source.get(column.name) is None else None
    if any(k.columns == (column.name,) for k in case.table.foreign_keys):
        return await unused_value(case.connection, case.table, column, tenant_column=case.schema.tenant_column,
                                  schema=case.schema)
    return fresh_value(case.table, column, examples_of(case.schema, case.table, column))


async def _to_tenant(case: _Case, tenant: str) -> dict[str, Any]:
    """Changes that move a copied row into `tenant`, its same-tenant references included."""
    changes: dict[str, Any] = {case.schema.tenant_column: tenant}
    for position, key in enumerate(case.table.foreign_keys):
        if case.schema.tenant_column not in key.columns:
            continue  # a key to a shared table stays valid in any tenant
        # Each key its own parent row: a check such as `from_id <> to_id` holds for the copy too.
        pointing = await _referenced_values(case, key, tenant, position)
        changes |= pointing or {c: None for c in key.columns if c != case.schema.tenant_column}
    return changes


async def _referenced_values(case: _Case, key: ForeignKey, tenant: str, position: int = 0) -> dict[str, Any] | None:
    """The key's columns pointed at a real row of `tenant` in the referenced table."""
    parent = case.context.schema.table(key.ref_table)
    row_key = case.context.sample.some_key(key.ref_table, uuid.UUID(tenant), position) if case.context.sample else None
    if parent is None:
        return None
    return await referenced_values(case.connection, parent, key, row_key, case.schema.tenant_column)


async def _foreign_key(case: _Case, key: ForeignKey) -> list[Finding]:
    tenant = case.schema.tenant_column
    own = [c for c in key.columns if c != tenant]
    dangling = {c: fresh_value(case.table, case.table.column(c)) for c in own}
    shown = ", ".join(own)
    findings = [await case.expect("foreign-key", case.insert(dangling), FOREIGN_KEY, {key.name},
                                  f"({shown}) pointing at no {key.ref_table} row under {key.name}")]
    if tenant in key.columns and case.table.tenant_scoped:
        other = await _referenced_values(case, key, TENANT_B)
        if other:
            findings.append(await case.expect(
                "same-tenant-key", case.insert(other or {}), FOREIGN_KEY, {key.name},
                f"a tenant A row whose ({shown}) points at tenant B's {key.ref_table} row under {key.name}"))
    return findings


async def _table(context: VerifyContext, connection: asyncpg.Connection, table: Table) -> list[Finding]:
    case = _Case(context, table, connection)
    case.base = await unique_overrides(case.connection, table, case.schema.tenant_column, schema=case.schema)
    if case.key is None:
        return [Finding(check="constraints", table=table.name, passed=False,
                        message=f"{table.name}: no sample row to copy, the constraints could not be tried")]
    row = await connection.fetchval(
        f"SELECT to_jsonb(t.*) FROM {quote_ident(table.name)} AS t WHERE {row_key_sql(table, 't')} = $1", case.key)
    case.source = json.loads(row) if row else {}
    findings = [await case.expect("valid-row", case.insert({}), None, set(), "a valid copy of a sample row")]
    findings += await _not_null(case)
    findings += [await _check(case, check) for check in table.checks]
    findings += await _unique(case)
    for key in table.foreign_keys:
        findings += await _foreign_key(case, key)
    return findings


async def run(context: VerifyContext) -> list[Finding]:
    async def probe(connection: asyncpg.Connection, table: Table) -> list[Finding]:
        try:
            return await _table(context, connection, table)
        except (asyncpg.PostgresError, KeyError, ValueError) as error:
            return [Finding(check="constraints", table=table.name, passed=False,
                            message=f"{table.name}: the constraint checks stopped: {error}")]
    return await per_item(context, context.schema.tables, probe)
