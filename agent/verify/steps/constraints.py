"""Step: every NOT NULL, CHECK, UNIQUE and FOREIGN KEY refuses a violating row with the right
SQLSTATE and accepts a valid one. Each attempt copies a sample row in a rolled-back savepoint."""

from __future__ import annotations

from typing import Any

import asyncpg
from pglast import ast, parser
from pglast.visitors import Visitor

from agent.schema.tables import Check, Column, ForeignKey, Schema, Table
from agent.verify.constraint_values import bounds_of
from agent.verify.context import TENANT_A, TENANT_B, VerifyContext
from agent.verify.report import Finding
from agent.verify.rows import attempt, clone, fresh_value, unique_overrides

__all__ = ["run"]

NOT_NULL, CHECK, UNIQUE, FOREIGN_KEY = "23502", "23514", "23505", "23503"
_CANDIDATES: dict[str, list[Any]] = {
    "integer": [-1, 0, -1_000_000], "smallint": [-1, 0], "bigint": [-1, 0], "decimal": [-1, 0, -1_000_000],
    "float": [-1, 0], "double": [-1, 0], "date": ["1900-01-01", "2999-12-31"],
    "timestamp": ["1900-01-01T00:00:00+00:00", "2999-12-31T00:00:00+00:00"],
    "string": ["", "#", " "], "text": ["", "#", " "], "boolean": [False, True],
}


class _Case:
    def __init__(self, context: VerifyContext, table: Table) -> None:
        self.context, self.table = context, table
        self.schema: Schema = context.schema
        self.tenant = TENANT_A if table.tenant_scoped else None
        self.key = context.sample.some_key(table.name, _uuid(self.tenant)) if context.sample else None
        self.base = unique_overrides(table, self.schema.tenant_column)

    async def expect(self, check: str, changes: dict[str, Any], sqlstate: str | None, constraint: str | None,
                     what: str) -> Finding:
        def insert() -> Any:
            return clone(self.context.connection, self.table, self.key, {**self.base, **changes})

        error = await attempt(self.context.connection, insert)
        got = getattr(error, "sqlstate", None)
        passed = got == sqlstate and (constraint is None or getattr(error, "constraint_name", None) == constraint)
        if sqlstate is None:
            message = f"{what} is accepted" if passed else f"{what} is refused: {error}"
        elif passed:
            message = f"{what} is refused with {sqlstate}"
        else:
            outcome = "accepted" if error is None else f"refused with {got} ({error})"
            message = f"{what} is {outcome}; expected {sqlstate}"
        return Finding(check=check, table=self.table.name, passed=passed, message=message)


def _uuid(text: str | None) -> Any:
    import uuid

    return uuid.UUID(text) if text else None


async def _not_null(case: _Case) -> list[Finding]:
    return [await case.expect("not-null", {c.name: None}, NOT_NULL, None, f"NULL in {c.name}")
            for c in case.table.columns if c.not_null]


def _check_candidates(case: _Case, check: Check) -> list[dict[str, Any]]:
    if check.columns:
        column = case.table.column(check.columns[0])
        return [{column.name: value} for value in _violations(column, check)]
    return [{name: value} for name in _columns_of(check.expression)
            for value in _CANDIDATES.get(case.table.column(name).property_type, [])
            if name in case.table.column_names]


def _violations(column: Column, check: Check) -> list[Any]:
    if column.enum_values:
        return ["#"]
    low, high = bounds_of(check.expression, column.name)
    found = [v for v in ((low - 1) if low is not None else None, (high + 1) if high is not None else None)
             if v is not None]
    return found or _CANDIDATES.get(column.property_type, [])


def _columns_of(expression: str) -> list[str]:
    names: list[str] = []

    class Columns(Visitor):
        def visit_ColumnRef(self, ancestors: object, node: Any) -> None:
            names.extend(str(f.sval) for f in node.fields or () if isinstance(f, ast.String))

    Columns()(parser.parse_sql(f"SELECT {expression}"))
    return sorted(set(names))


async def _check(case: _Case, check: Check) -> Finding:
    for changes in _check_candidates(case, check):
        finding = await case.expect("check", changes, CHECK, check.name, f"a row breaking {check.name}")
        if finding.passed:
            return finding
    return Finding(check="check", table=case.table.name, passed=True,
                   message=f"no simple row breaks {check.name}; its expression is checked against the schema only")


async def _unique(case: _Case) -> list[Finding]:
    findings = []
    for unique in case.table.uniques:
        if case.table.primary_key.columns[0] in unique.columns:
            continue  # (tenant, pk) exists for composite keys; the primary key already makes it unique
        keep = {c: None for c in unique.columns}
        changes = {k: v for k, v in case.base.items() if k not in keep}
        case_base, case.base = case.base, changes
        findings.append(await case.expect("unique", {}, UNIQUE, unique.name, f"a duplicate of {unique.name}"))
        if case.table.tenant_scoped and case.schema.tenant_column in unique.columns:
            moved = _to_tenant(case, TENANT_B)
            findings.append(await case.expect("unique", moved, None, None,
                                              f"the same {', '.join(unique.columns[1:])} in another tenant"))
        case.base = case_base
    return findings


def _to_tenant(case: _Case, tenant: str) -> dict[str, Any]:
    """Changes that move a copied row into `tenant`, its references included."""
    changes: dict[str, Any] = {case.schema.tenant_column: tenant}
    for key in case.table.foreign_keys:
        if case.schema.tenant_column not in key.columns:
            continue  # a key to a shared table stays valid in any tenant
        for column in key.columns:
            if column != case.schema.tenant_column:
                parent = case.context.sample.some_key(key.ref_table, _uuid(tenant)) if case.context.sample else None
                changes[column] = str(parent) if parent and key.ref_table != case.table.name else None
    return changes


async def _foreign_key(case: _Case, key: ForeignKey) -> list[Finding]:
    column = next(c for c in key.columns if c != case.schema.tenant_column)
    findings = [await case.expect("foreign-key", {column: fresh_value(case.table.column(column))},
                                  FOREIGN_KEY, key.name, f"{column} pointing at no {key.ref_table} row")]
    if case.schema.tenant_column in key.columns and case.context.sample:
        other = case.context.sample.some_key(key.ref_table, _uuid(TENANT_B))
        if other is not None:
            findings.append(await case.expect("same-tenant-key", {column: str(other)}, FOREIGN_KEY, key.name,
                                              f"{column} pointing at another tenant's {key.ref_table} row"))
    return findings


async def _table(context: VerifyContext, table: Table) -> list[Finding]:
    case = _Case(context, table)
    if case.key is None:
        return [Finding(check="constraints", table=table.name, passed=False, message="no sample row to copy")]
    findings = [await case.expect("valid-row", {}, None, None, "a valid row")]
    findings += await _not_null(case)
    findings += [await _check(case, check) for check in table.checks]
    findings += await _unique(case)
    for key in table.foreign_keys:
        findings += await _foreign_key(case, key)
    return findings


async def run(context: VerifyContext) -> list[Finding]:
    findings: list[Finding] = []
    for table in context.schema.tables:
        try:
            findings += await _table(context, table)
        except asyncpg.PostgresError as error:
            findings.append(Finding(check="constraints", table=table.name, passed=False,
                                    message=f"the checks stopped: {error}"))
    return findings
