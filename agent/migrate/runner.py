"""Applying migration files to a real database, never half-way and never twice.

A session-level advisory lock keeps runners from interleaving. A transactional file runs
in one transaction together with its tracking row. A `-- agent:no-transaction` file runs
statement by statement and records its progress, so a rerun resumes where it stopped; an
INVALID index left by a failed concurrent build is dropped before the build is retried.
Lock timeouts are retried with exponential backoff and jitter.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import asyncpg
from pglast import ast, parser
from pglast.enums import AlterTableType

from agent.lint.destructive import Destruction, destructions, destructions_in
from agent.migrate.discovery import MigrationFile
from agent.migrate.layouts import VersionKey, version_order
from agent.migrate.tracking import AppliedRow, Tracking
from agent.postgres_errors import postgres_reason
from agent.schema.literals import quote_ident
from agent.sql.parsing import parse_sql
from agent.structured_logging import get_logger

__all__ = ["RunSettings", "Runner", "RunnerError", "Status", "sets_row_security_off"]

LOCK_KEY = 7_310_422_861_001
log = get_logger("agent.migrate")


class RunnerError(RuntimeError):
    """The run was refused or failed; the message names the file and what to do."""


@dataclass(frozen=True)
class RunSettings:
    lock_timeout_ms: int = 2_000
    statement_timeout_ms: int = 0
    attempts: int = 8
    backoff_ms: int = 200
    wait_timeout_s: float = 0.0
    confirm: bool = False
    allow_out_of_order: bool = False
    quiet: bool = False
    """Log applied files at debug level (the memory store migrating itself under every command)."""


@dataclass
class Status:
    applied: list[AppliedRow] = field(default_factory=list)
    pending: list[MigrationFile] = field(default_factory=list)
    changed: list[tuple[MigrationFile, AppliedRow]] = field(default_factory=list)
    partial: list[tuple[MigrationFile, AppliedRow]] = field(default_factory=list)
    missing: list[AppliedRow] = field(default_factory=list)
    gaps: list[MigrationFile] = field(default_factory=list)


def _order(files: list[MigrationFile]) -> Callable[[str], VersionKey]:
    """Versions in the order the folder's tool gives them (golang-migrate's 2 before 10)."""
    return version_order(files[0].layout if files else "ours")


def status_of(files: list[MigrationFile], applied: dict[str, AppliedRow]) -> Status:
    key = _order(files)
    status = Status(applied=sorted(applied.values(), key=lambda row: key(row.version)))
    complete = [key(v) for v, row in applied.items() if row.complete]
    newest = max(complete) if complete else None
    by_version = {f.version: f for f in files}
    for file in files:
        row = applied.get(file.version)
        if row is None:
            status.pending.append(file)
            if newest is not None and key(file.version) < newest:
                status.gaps.append(file)
        elif row.checksum != file.checksum:
            status.changed.append((file, row))
        elif not row.complete:
            status.partial.append((file, row))
    status.missing = [row for v, row in applied.items() if v not in by_version]
    return status


class Runner:
    def __init__(self, connection: asyncpg.Connection, settings: RunSettings,
                 progress: Callable[[str], None] = lambda _m: None) -> None:
        self.connection = connection
        self.settings = settings
        self.tracking = Tracking(connection)
        self.progress = progress

    # ------------------------------------------------------------ lock

    async def lock(self) -> None:
        deadline = time.monotonic() + self.settings.wait_timeout_s
        while not await self.connection.fetchval("SELECT pg_try_advisory_lock($1)", LOCK_KEY):
            if time.monotonic() >= deadline:
                holder = await self.connection.fetchval(
                    "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objid = $1 AND granted",
                    LOCK_KEY & 0xFFFFFFFF)
                raise RunnerError(f"another runner holds the migration lock (backend pid {holder}); "
                                  "wait for it or pass --wait-timeout SECONDS")
            await asyncio.sleep(0.2)

    async def unlock(self) -> None:
        await self.connection.execute("SELECT pg_advisory_unlock($1)", LOCK_KEY)

    # ------------------------------------------------------------ checks

    async def status(self, files: list[MigrationFile]) -> Status:
        return status_of(files, await self.tracking.applied())

    def refuse_drift(self, status: Status) -> None:
        if status.changed:
            file, _row = status.changed[0]
            raise RunnerError(
                f"{file.name} was changed after it was applied (checksum differs). Restore the applied "
                "version from version control, and put the change in a new migration file")
        if status.gaps and not self.settings.allow_out_of_order:
            names = ", ".join(f.name for f in status.gaps)
            raise RunnerError(f"{names} is older than the newest applied migration; apply it with "
                              "--allow-out-of-order if that is intended")

    def refuse_destructive(self, file: MigrationFile, down: bool) -> None:
        """A file marked destructive, or holding a statement that destroys data whatever its
        markers say (`agent.lint.destructive`), runs only with `confirm`. A file that does not
        parse raises `SqlSyntaxError` (file:line:col), before anything runs."""
        found = _destructions(file, down)
        if self.settings.confirm:
            return
        markers = file.down_markers if down else file.up_markers
        if markers.destructive:
            which = f"{file.name} (down)" if down else file.name
            raise RunnerError(f"{which} is marked destructive; rerun with --confirm once its backup is understood")
        if found:
            more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
            raise RunnerError(f"{found[0]}{more}: a statement that destroys data (or SQL that cannot be read "
                              "for it) needs --confirm (confirm=true in an apply job) whatever the file's markers "
                              "say; nothing was applied")

    async def refuse_filtered_role(self, runs: list[tuple[str, str]]) -> None:
        """A file that sets row_security off reads every tenant's rows: with FORCE ROW LEVEL
        SECURITY on a table (now or from a file of this run), a role without BYPASSRLS would
        stop part-way through it. Refused before anything runs."""
        needs = [name for name, sql in runs if sets_row_security_off(sql)]
        if not needs:
            return
        role = await self.connection.fetchrow(
            "SELECT current_user AS name, rolsuper OR rolbypassrls AS bypasses FROM pg_roles "
            "WHERE rolname = current_user")
        if role is None or role["bypasses"]:
            return
        forced = await self.connection.fetchval(
            "SELECT coalesce(array_agg(relname::text ORDER BY relname), '{}') FROM pg_class "
            "WHERE relforcerowsecurity AND relnamespace = to_regnamespace(current_schema())")
        if forced or any(_forces_row_security(sql) for _, sql in runs):
            more = f" and {len(forced) - 3} more" if len(forced) > 3 else ""
            on = f" ({', '.join(forced[:3])}{more})" if forced else ""
            raise RunnerError(
                f"{needs[0]} reads every tenant's rows (row_security off), and tables here have FORCE "
                f"ROW LEVEL SECURITY{on}: role {role['name']} is neither a superuser nor BYPASSRLS, so "
                "PostgreSQL would stop the file part-way. Run migrations as a role with BYPASSRLS; "
                "nothing was applied")

    # ------------------------------------------------------------ running

    async def up(self, files: list[MigrationFile], to: str | None = None) -> list[str]:
        await self.tracking.ensure()
        status = await self.status(files)
        self.refuse_drift(status)
        partial = {f.version for f, _ in status.partial}
        todo = [f for f in files if f in status.pending or f.version in partial]
        key = _order(files)
        todo = [f for f in todo if to is None or key(f.version) <= key(to)]
        for file in todo:
            self.refuse_destructive(file, down=False)
        await self.refuse_filtered_role([(f.name, _joined(f.statements())) for f in todo])
        done = []
        for file in todo:
            row = next((r for f, r in status.partial if f.version == file.version), None)
            await self._apply(file, row.statements_done if row else 0)
            done.append(file.name)
        return done

    async def down(self, files: list[MigrationFile], steps: int | None = 1, to: str | None = None) -> list[str]:
        applied = await self.tracking.applied()
        by_version = {f.version: f for f in files}
        key = _order(files)
        versions = sorted(applied, key=key, reverse=True)
        chosen = [v for v in versions if key(v) > key(to)] if to is not None else versions[: steps or 0]
        missing = [v for v in chosen if v not in by_version or by_version[v].down_sql is None]
        if missing:
            raise RunnerError(f"no down file for applied version(s) {', '.join(missing)}")
        for version in chosen:
            self.refuse_destructive(by_version[version], down=True)
        await self.refuse_filtered_role([_down_run(by_version[v]) for v in chosen])
        done = []
        for version in chosen:
            file = by_version[version]
            await self._revert(file)
            done.append(file.down_name)
        return done

    async def _apply(self, file: MigrationFile, resume_at: int) -> None:
        self.progress(f"applying {file.name}")
        started = time.perf_counter()
        statements = file.statements()
        if not file.in_transaction():
            await self._statement_by_statement(file, statements, resume_at, started)
            return

        async def once() -> None:
            async with self.connection.transaction():
                await self._timeouts(local=True)
                for statement in statements:
                    await self.connection.execute(statement)
                await self.tracking.record(file.version, file.name, file.checksum, _ms(started))

        await self._with_retries(file.name, once)
        (log.debug if self.settings.quiet else log.info)("migration applied", file=file.name,
                                                          duration_ms=_ms(started))

    async def _statement_by_statement(self, file: MigrationFile, statements: list[str], resume_at: int,
                                      started: float) -> None:
        await self._timeouts(local=False)
        if resume_at:
            log.info("resuming", file=file.name, at_statement=resume_at + 1)
        for number, statement in enumerate(statements[resume_at:], start=resume_at + 1):
            await self._drop_invalid_index(statement)
            await self._with_retries(file.name, self._executor(statement))
            await self.tracking.record(file.version, file.name, file.checksum, _ms(started),
                                       statements_done=number, complete=number == len(statements))
            self.progress(f"{file.name}: statement {number}/{len(statements)}")
        if not statements:
            await self.tracking.record(file.version, file.name, file.checksum, _ms(started))

    async def _revert(self, file: MigrationFile) -> None:
        statements = file.statements(down=True)
        self.progress(f"reverting {file.name}")
        if not file.in_transaction(down=True):
            await self._timeouts(local=False)
            for statement in statements:
                await self._drop_invalid_index(statement)
                await self._with_retries(file.name, self._executor(statement))
            await self.tracking.forget(file.version)
            return

        async def once() -> None:
            async with self.connection.transaction():
                await self._timeouts(local=True)
                for statement in statements:
                    await self.connection.execute(statement)
                await self.tracking.forget(file.version)

        await self._with_retries(file.name, once)

    def _executor(self, statement: str) -> Callable[[], Awaitable[object]]:
        return lambda: self.connection.execute(statement)

    async def _timeouts(self, *, local: bool) -> None:
        scope = "LOCAL " if local else ""
        await self.connection.execute(f"SET {scope}lock_timeout = {int(self.settings.lock_timeout_ms)}")
        await self.connection.execute(f"SET {scope}statement_timeout = {int(self.settings.statement_timeout_ms)}")

    async def _with_retries(self, name: str, action: Callable[[], Awaitable[object]]) -> None:
        for attempt in range(1, self.settings.attempts + 1):
            try:
                await action()
                return
            except asyncpg.LockNotAvailableError as error:
                if attempt == self.settings.attempts:
                    raise RunnerError(f"{name}: gave up after {attempt} attempts to take a lock ({error}); "
                                      "find the blocking session in pg_stat_activity") from None
                delay = self.settings.backoff_ms * 2 ** (attempt - 1) * random.uniform(0.5, 1.5) / 1000
                log.warning("lock timeout, retrying", file=name, attempt=attempt, delay_s=round(delay, 3))
                await asyncio.sleep(delay)
            except asyncpg.PostgresError as error:
                raise RunnerError(f"{name}: {postgres_reason(error)}") from None

    async def _drop_invalid_index(self, statement: str) -> None:
        """A CONCURRENTLY build that failed leaves an INVALID index; it is removed before a retry."""
        name = _concurrent_index_name(statement)
        if name is None:
            return
        invalid = await self.connection.fetchval(
            "SELECT NOT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = $1 AND c.relnamespace = to_regnamespace(current_schema())", name)
        if invalid:
            log.warning("dropping an INVALID index left by a failed build", index=name)
            await self.connection.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {quote_ident(name)}")


def _concurrent_index_name(statement: str) -> str | None:
    try:
        parsed = parse_sql(statement)
    except parser.ParseError:
        return None
    node = parsed[0].stmt if parsed else None
    if isinstance(node, ast.IndexStmt) and node.concurrent and node.idxname:
        return str(node.idxname)
    return None


def _ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _down_run(file: MigrationFile) -> tuple[str, str]:
    return file.down_name, _joined(file.statements(down=True))


def _joined(statements: list[str]) -> str:
    return ";\n".join(statements)


def _destructions(file: MigrationFile, down: bool) -> list[Destruction]:
    """As `destructions`, on the run the file's tool makes of it (a goose block parsed alone)."""
    run = file.down_run if down else file.up_run
    if run is None:
        return destructions(file.down_name, file.down_sql or "") if down else destructions(file.name, file.up_sql)
    if run.syntax_error is not None:
        raise run.syntax_error
    return destructions_in(run)


def _parsed(sql: str) -> list[ast.Node]:
    try:
        return [raw.stmt for raw in parse_sql(sql) if raw.stmt is not None]
    except parser.ParseError:  # reported by the run itself, with the file's name
        return []


def sets_row_security_off(sql: str) -> bool:
    for node in _parsed(sql):
        if isinstance(node, ast.VariableSetStmt) and node.name == "row_security" and node.args:
            value = getattr(node.args[0], "val", None)
            if getattr(value, "sval", None) in ("off", "false", "no") or getattr(value, "ival", None) == 0:
                return True
    return False


def _forces_row_security(sql: str) -> bool:
    return any(isinstance(node, ast.AlterTableStmt)
               and any(command.subtype == AlterTableType.AT_ForceRowSecurity for command in node.cmds or ())
               for node in _parsed(sql))
