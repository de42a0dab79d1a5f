"""Apply, roll back, apply again: the catalog must come back exactly each time."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import asyncpg
from pydantic import BaseModel

from agent.catalog import Catalog, compare, fingerprint, read_catalog
from agent.sql.migration_file import BACKUP_PREFIX

__all__ = [
    "MigrationText",
    "RoundTripReport",
    "StepResult",
    "apply_sql",
    "verify_round_trip",
    "without_backups",
]


@dataclass(frozen=True)
class MigrationText:
    name: str
    up_sql: str
    down_sql: str


class StepResult(BaseModel):
    name: str
    passed: bool
    detail: str = ""
    duration_ms: float = 0.0


class RoundTripReport(BaseModel):
    steps: list[StepResult]
    before_fingerprint: str = ""
    after_fingerprint: str = ""

    @property
    def passed(self) -> bool:
        return all(step.passed for step in self.steps)


class ApplyError(RuntimeError):
    pass


async def apply_sql(connection: asyncpg.Connection, name: str, sql: str) -> float:
    """Run one file's SQL; returns milliseconds. Errors name the file and PostgreSQL's reason."""
    started = time.perf_counter()
    try:
        await connection.execute(sql)
    except asyncpg.PostgresError as error:
        if connection.is_in_transaction():
            await connection.execute("ROLLBACK")
        detail = "; ".join(filter(None, [str(error), getattr(error, "detail", None),
                                         getattr(error, "hint", None)]))
        raise ApplyError(f"{name}: {detail}") from None
    return (time.perf_counter() - started) * 1000


async def _apply_all(
    connection: asyncpg.Connection, files: Sequence[tuple[str, str]], step: str
) -> StepResult:
    total = 0.0
    try:
        for name, sql in files:
            total += await apply_sql(connection, name, sql)
    except ApplyError as error:
        return StepResult(name=step, passed=False, detail=str(error), duration_ms=total)
    return StepResult(name=step, passed=True, detail=f"{len(files)} file(s)", duration_ms=total)


def without_backups(catalog: Catalog) -> Catalog:
    """Backup tables that down migrations leave behind on purpose are not part of the schema."""
    kept = tuple(t for t in catalog.tables if not t.name.startswith(BACKUP_PREFIX))
    return catalog.model_copy(update={"tables": kept})


def _same(expected: Catalog, actual: Catalog, step: str, what: str) -> StepResult:
    differences = compare(expected, without_backups(actual), labels=(what, "the database now"))
    if not differences:
        return StepResult(name=step, passed=True, detail=f"catalog equals {what}")
    listed = "; ".join(d.message for d in differences[:20])
    return StepResult(name=step, passed=False, detail=f"{len(differences)} difference(s): {listed}")


async def verify_round_trip(
    connection: asyncpg.Connection, migrations: Sequence[MigrationText]
) -> RoundTripReport:
    ups = [(m.name, m.up_sql) for m in migrations]
    downs = [(f"{m.name} (down)", m.down_sql) for m in reversed(migrations)]
    before = await read_catalog(connection)
    report = RoundTripReport(steps=[await _apply_all(connection, ups, "apply up")],
                             before_fingerprint=fingerprint(before))
    steps = report.steps
    if not steps[-1].passed:
        return report
    after = await read_catalog(connection)
    report.after_fingerprint = fingerprint(after)
    for name, files, expected, what in (
        ("apply down", downs, before, "the catalog before up"),
        ("apply up again", ups, after, "the catalog after the first up"),
    ):
        steps.append(await _apply_all(connection, files, name))
        if not steps[-1].passed:
            return report
        steps.append(_same(expected, await read_catalog(connection), f"{name}: compare", what))
    return report
