"""Running migration SQL on a connection, and what a rollback leaves on purpose."""

from __future__ import annotations

import time
from dataclasses import dataclass

import asyncpg
from pglast import parser

from agent.catalog import Catalog
from agent.postgres_errors import postgres_reason
from agent.sql.migration_file import BACKUP_PREFIX

__all__ = [
    "ApplyError",
    "MigrationText",
    "apply_sql",
    "columns_by_name",
    "runs_without_transaction",
    "statements",
    "without_backups",
]


@dataclass(frozen=True)
class MigrationText:
    name: str
    up_sql: str
    down_sql: str


class ApplyError(RuntimeError):
    """A file failed; the message names it and gives PostgreSQL's reason."""


NO_TRANSACTION_MARKER = "-- agent:no-transaction"


def runs_without_transaction(sql: str) -> bool:
    """Marked files hold statements that cannot run in a transaction block (CONCURRENTLY, COMMIT)."""
    header = sql.split("\n\n", 1)[0]
    return any(line.strip() == NO_TRANSACTION_MARKER for line in header.splitlines())


def statements(sql: str) -> tuple[str, ...]:
    """The file's statements as libpg_query splits them (dollar quotes and comments respected)."""
    return tuple(parser.split(sql))


async def apply_sql(connection: asyncpg.Connection, name: str, sql: str) -> float:
    """Run one file's SQL; returns milliseconds. A failed transactional file leaves nothing behind;
    a no-transaction file runs statement by statement, as psql would."""
    started = time.perf_counter()
    try:
        if runs_without_transaction(sql):
            for statement in statements(sql):
                await connection.execute(statement)
        else:
            await connection.execute(sql)
    except parser.ParseError as error:
        raise ApplyError(f"{name}: not valid SQL: {error}") from None
    except asyncpg.PostgresError as error:
        if connection.is_in_transaction():
            await connection.execute("ROLLBACK")
        raise ApplyError(f"{name}: {postgres_reason(error)}") from None
    return (time.perf_counter() - started) * 1000


def without_backups(catalog: Catalog) -> Catalog:
    """Backup tables that down migrations leave behind on purpose are not part of the schema."""
    kept = tuple(t for t in catalog.tables if not t.name.startswith(BACKUP_PREFIX))
    return catalog.model_copy(update={"tables": kept})


def columns_by_name(catalog: Catalog) -> Catalog:
    """The catalog with each table's columns sorted by name: a down migration that re-adds a
    dropped column can restore everything but its position, which would need a table rewrite."""
    tables = tuple(t.model_copy(update={"columns": tuple(sorted(t.columns, key=lambda c: c.name))})
                   for t in catalog.tables)
    return catalog.model_copy(update={"tables": tables})
