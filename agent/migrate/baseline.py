"""`migrate baseline`: what another tool already ran, read from that tool's own table, recorded
as applied, so the next `migrate up` runs only what is new.

The folder's layout names the table: `_prisma_migrations` (Prisma), `goose_db_version`
(goose: the latest row of a version decides), `schema_migrations` (golang-migrate: one row,
every version up to it unless dirty; dbmate and Rails: a row per version),
`flyway_schema_history` (successful versioned rows; a BASELINE row covers what is below it),
`__diesel_schema_migrations`. A version the table holds and the folder does not stops the
baseline: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import asyncpg

from agent.migrate.discovery import Folder, MigrationFile
from agent.migrate.layouts import Layout, layout_named, version_order
from agent.migrate.tracking import Tracking

__all__ = ["TOOL_TABLES", "Baseline", "BaselineError", "baseline"]


class BaselineError(ValueError):
    """The tool's table is missing, says a migration failed, or names versions the folder
    does not hold; nothing was marked."""


@dataclass(frozen=True)
class Ran:
    """What a tool's table says it ran: `names` as the table writes them, and, for a table
    that records only how far it got, `through` (every version up to it)."""

    names: frozenset[str]
    through: str | None = None


Reader = Callable[[asyncpg.Connection], Awaitable[Ran]]


async def _prisma(connection: asyncpg.Connection) -> Ran:
    rows = await connection.fetch("SELECT migration_name, finished_at IS NOT NULL AS finished, "
                                  "rolled_back_at IS NOT NULL AS rolled_back FROM _prisma_migrations")
    failed = sorted(r["migration_name"] for r in rows if not r["finished"] and not r["rolled_back"])
    if failed:
        raise BaselineError(f"_prisma_migrations records {', '.join(failed)} as started and never finished (a failed "
                            "migration): resolve it with `prisma migrate resolve` first; nothing was marked")
    return Ran(frozenset(r["migration_name"] for r in rows if r["finished"] and not r["rolled_back"]))


async def _goose(connection: asyncpg.Connection) -> Ran:
    latest: dict[int, bool] = {}
    for row in await connection.fetch("SELECT version_id, is_applied FROM goose_db_version ORDER BY id"):
        latest[row["version_id"]] = row["is_applied"]
    return Ran(frozenset(str(v) for v, applied in latest.items() if applied and v != 0))


async def _schema_migrations(connection: asyncpg.Connection) -> Ran:
    dirty = await connection.fetchval(
        "SELECT EXISTS (SELECT FROM pg_attribute WHERE attrelid = to_regclass('schema_migrations') "
        "AND attname = 'dirty' AND NOT attisdropped)")
    if not dirty:  # dbmate, Rails: a row per version
        return Ran(frozenset(str(r[0]) for r in await connection.fetch("SELECT version FROM schema_migrations")))
    rows = await connection.fetch("SELECT version, dirty FROM schema_migrations")
    if len(rows) > 1:
        raise BaselineError(f"schema_migrations has a dirty column (golang-migrate's) but {len(rows)} rows; "
                            "golang-migrate keeps one: nothing was marked")
    if not rows or rows[0]["version"] < 0:
        return Ran(frozenset())
    version = str(rows[0]["version"])
    if rows[0]["dirty"]:
        raise BaselineError(f"schema_migrations says golang-migrate left version {version} dirty (it failed part-way): "
                            f"repair the database, then `migrate force` it with golang-migrate; nothing was marked")
    return Ran(frozenset({version}), through=version)


async def _flyway(connection: asyncpg.Connection) -> Ran:
    latest: dict[str, tuple[str, bool]] = {}
    for row in await connection.fetch("SELECT version, type, success FROM flyway_schema_history "
                                      "WHERE version IS NOT NULL ORDER BY installed_rank"):
        latest[row["version"]] = (row["type"], row["success"])
    failed = sorted(v for v, (_kind, success) in latest.items() if not success)
    if failed:
        raise BaselineError(f"flyway_schema_history records version(s) {', '.join(failed)} as failed: run "
                            "`flyway repair` first; nothing was marked")
    baselines = [v for v, (kind, _success) in latest.items() if kind == "BASELINE"]
    ran = frozenset(v for v, (kind, _success) in latest.items()
                    if kind not in ("BASELINE", "SCHEMA", "DELETE") and not kind.startswith("UNDO"))
    return Ran(ran, through=baselines[-1] if baselines else None)


async def _diesel(connection: asyncpg.Connection) -> Ran:
    return Ran(frozenset(r[0] for r in await connection.fetch("SELECT version FROM __diesel_schema_migrations")))


@dataclass(frozen=True)
class ToolTable:
    table: str
    read: Reader
    layouts: tuple[str, ...]


TOOL_TABLES = (
    ToolTable("_prisma_migrations", _prisma, ("prisma",)),
    ToolTable("goose_db_version", _goose, ("goose",)),
    ToolTable("schema_migrations", _schema_migrations, ("golang-migrate", "dbmate")),
    ToolTable("flyway_schema_history", _flyway, ("flyway",)),
    ToolTable("__diesel_schema_migrations", _diesel, ("diesel",)),
)


@dataclass(frozen=True)
class Baseline:
    table: str
    marked: list[str]


async def baseline(connection: asyncpg.Connection, folder: Folder) -> Baseline:
    """Record as applied each file the tool's table says it ran (and the agent has not)."""
    tables = [t for t in TOOL_TABLES if folder.layout in t.layouts or folder.layout == "ours"]
    for tool in tables:
        if await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", tool.table):
            ran = await tool.read(connection)
            return Baseline(tool.table, await _mark(connection, _ran_files(tool.table, folder, ran)))
    known = ", ".join(t.table for t in tables)
    raise BaselineError(f"the database holds no {known} table, which {folder.layout}'s migrations are recorded in: "
                        "nothing tells which files were applied")


def _identity(table: str, file: MigrationFile) -> str:
    return f"{file.version}_{file.slug}" if table == "_prisma_migrations" else file.version


def _normal(layout: Layout, name: str) -> str:
    try:
        return layout.normal(name)
    except ValueError:  # not a version this layout writes: reported as not in the folder
        return name


def _ran_files(table: str, folder: Folder, ran: Ran) -> list[MigrationFile]:
    layout = layout_named(folder.layout)
    key = version_order(folder.layout)
    held = {_identity(table, f): f for f in folder.files}
    names = {_normal(layout, name) if table != "_prisma_migrations" else name for name in ran.names}
    through = _normal(layout, ran.through) if ran.through is not None else None
    unknown = sorted(names - held.keys(), key=key)
    if unknown:
        shown = ", ".join(unknown[:5]) + (f" and {len(unknown) - 5} more" if len(unknown) > 5 else "")
        raise BaselineError(f"{table} records {shown}, which the folder does not hold: point --dir at the folder "
                            "the tool ran from; nothing was marked")
    limit = key(through) if through is not None else None
    return [f for name, f in held.items() if name in names or (limit is not None and key(f.version) <= limit)]


async def _mark(connection: asyncpg.Connection, files: list[MigrationFile]) -> list[str]:
    tracking = Tracking(connection)
    await tracking.ensure()
    applied = await tracking.applied()
    marked = []
    async with connection.transaction():
        for file in files:
            if file.version not in applied:
                await tracking.record(file.version, file.name, file.checksum, 0)
                marked.append(file.name)
    return marked
