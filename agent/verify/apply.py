"""Running migration SQL on a connection, and what a rollback leaves on purpose."""

from __future__ import annotations

import time
from dataclasses import dataclass

import asyncpg

from agent.catalog import Catalog
from agent.sql.migration_file import BACKUP_PREFIX

__all__ = ["ApplyError", "MigrationText", "apply_sql", "without_backups"]


@dataclass(frozen=True)
class MigrationText:
    name: str
    up_sql: str
    down_sql: str


class ApplyError(RuntimeError):
    """A file failed; the message names it and gives PostgreSQL's reason."""


async def apply_sql(connection: asyncpg.Connection, name: str, sql: str) -> float:
    """Run one file's SQL; returns milliseconds. A failed file leaves no open transaction."""
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


def without_backups(catalog: Catalog) -> Catalog:
    """Backup tables that down migrations leave behind on purpose are not part of the schema."""
    kept = tuple(t for t in catalog.tables if not t.name.startswith(BACKUP_PREFIX))
    return catalog.model_copy(update={"tables": kept})
