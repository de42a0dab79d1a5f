"""`migrate baseline`: what another tool already ran, read from that tool's own table, recorded
as applied, so the next `migrate up` runs only what is new."""

from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from agent.migrate.discovery import MigrationFile
from agent.migrate.tracking import Tracking

__all__ = ["TOOL_TABLES", "Baseline", "BaselineError", "baseline"]


@dataclass(frozen=True)
class ToolTable:
    table: str
    query: str
    """The names of the migrations the tool finished, as its folder names them."""


TOOL_TABLES = (
    ToolTable("_prisma_migrations", "SELECT migration_name FROM _prisma_migrations "
                                    "WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL"),
)


class BaselineError(ValueError):
    """No table of a tool the agent knows is in the database."""


@dataclass(frozen=True)
class Baseline:
    table: str
    marked: list[str]


async def baseline(connection: asyncpg.Connection, files: list[MigrationFile]) -> Baseline:
    """Record as applied each file the tool's table says it finished (and the agent has not)."""
    for tool in TOOL_TABLES:
        if await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", tool.table):
            ran = {row[0] for row in await connection.fetch(tool.query)}
            return Baseline(tool.table, await _mark(connection, [f for f in files if f"{f.version}_{f.slug}" in ran]))
    known = ", ".join(t.table for t in TOOL_TABLES)
    raise BaselineError(f"the database holds no table of a migration tool the agent knows ({known}): "
                        "nothing tells which files were applied")


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
