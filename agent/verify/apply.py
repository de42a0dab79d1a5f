"""Running migration SQL on a connection, and what a rollback leaves on purpose."""

from __future__ import annotations

import time
from dataclasses import dataclass

import asyncpg
from pglast import ast, parser

from agent.catalog import Catalog
from agent.postgres_errors import postgres_reason
from agent.sql.migration_file import BACKUP_PREFIX
from agent.sql.parsing import parse_sql

__all__ = [
    "SESSION_ENDED_CAUSE",
    "ApplyError",
    "MigrationText",
    "apply_sql",
    "columns_by_name",
    "runs_without_transaction",
    "session_ended",
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
    """Run one file's SQL, statement by statement as psql would; returns milliseconds. A failed
    transactional file leaves nothing behind (without BEGIN of its own it runs in one transaction)."""
    started = time.perf_counter()
    try:
        parts = _statements_with_lines(sql)
    except parser.ParseError as error:
        raise ApplyError(f"{name}: not valid SQL: {error}") from None
    own_transaction = runs_without_transaction(sql) or any(controls for _, _, controls in parts)
    at: tuple[int, str] = (0, "")
    try:
        if not own_transaction:
            await connection.execute("BEGIN")
        for line, text, _ in parts:
            at = (line, text)
            await connection.execute(text)
        if not own_transaction:
            await connection.execute("COMMIT")
    except (asyncpg.PostgresError, asyncpg.InterfaceError) as error:
        raise ApplyError(f"{name}: {await _failure(connection, error, *at)}") from None
    return (time.perf_counter() - started) * 1000


def _statements_with_lines(sql: str) -> list[tuple[int, str, bool]]:
    """Each statement's text, the line its first word is on, and whether it controls the transaction."""
    encoded, found = sql.encode(), []
    for raw in parse_sql(sql):
        start = raw.stmt_location or 0
        end = start + raw.stmt_len if raw.stmt_len else len(encoded)
        text = encoded[start:end].decode()
        leading = len(text) - len(text.lstrip())
        lines = text[leading:].splitlines()
        comments = next((i for i, each in enumerate(lines) if each.strip() and not each.lstrip().startswith("--")),
                        0)
        line = encoded[:start].count(b"\n") + text[:leading].count("\n") + comments + 1
        found.append((line, text, isinstance(raw.stmt, ast.TransactionStmt)))
    return found


_TIMEOUTS = frozenset({"57014", "55P03"})  # statement (or cancel) and lock timeouts
SESSION_ENDED_CAUSE = ("SQL it ran (the migration's, or a check, default or trigger of the schema) ended it "
                       "(pg_terminate_backend), or the server went away")
_SESSION_ENDED = frozenset({"57P01", "57P02", "57P03"})  # terminated, crash, cannot connect now


def session_ended(connection: asyncpg.Connection, error: BaseException) -> bool:
    return (connection.is_closed() or isinstance(error, asyncpg.PostgresConnectionError | asyncpg.InterfaceError)
            or getattr(error, "sqlstate", None) in _SESSION_ENDED)


async def _failure(connection: asyncpg.Connection, error: asyncpg.PostgresError | asyncpg.InterfaceError,
                   line: int, text: str) -> str:
    """PostgreSQL's reason, with the statement named where the reason alone would not say which."""
    reason = postgres_reason(error)
    if session_ended(connection, error):
        if isinstance(error, asyncpg.InterfaceError):
            reason = "the connection was closed by the server"
        return (f"the database session ended at the statement on line {line} ({_excerpt(text)}): {reason}; "
                f"{SESSION_ENDED_CAUSE}")
    if connection.is_in_transaction():
        await connection.execute("ROLLBACK")
    if getattr(error, "sqlstate", None) in _TIMEOUTS:
        return f"{reason}: the statement on line {line} ({_excerpt(text)})"
    return reason


def _excerpt(statement: str, width: int = 80) -> str:
    flat = " ".join(" ".join(each for each in statement.splitlines() if not each.lstrip().startswith("--")).split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"


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
