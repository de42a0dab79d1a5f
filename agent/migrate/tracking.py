"""The `agent_schema_migrations` table: what ran, when, by whom, and how far a file got."""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata

import asyncpg

__all__ = ["TRACKING_TABLE", "AppliedRow", "Tracking"]

TRACKING_TABLE = "agent_schema_migrations"
_DDL = f"""
CREATE TABLE IF NOT EXISTS {TRACKING_TABLE} (
    version TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    checksum TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    duration_ms BIGINT NOT NULL DEFAULT 0,
    applied_by TEXT NOT NULL,
    agent_version TEXT NOT NULL,
    statements_done INTEGER NOT NULL DEFAULT 0,
    complete BOOLEAN NOT NULL DEFAULT true
)
"""


@dataclass(frozen=True)
class AppliedRow:
    version: str
    name: str
    checksum: str
    applied_at: datetime
    duration_ms: int
    applied_by: str
    statements_done: int
    complete: bool


class Tracking:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self.connection = connection

    async def ensure(self) -> None:
        await self.connection.execute(_DDL)

    async def applied(self) -> dict[str, AppliedRow]:
        exists = await self.connection.fetchval("SELECT to_regclass($1) IS NOT NULL", TRACKING_TABLE)
        if not exists:
            return {}
        rows = await self.connection.fetch(
            f"SELECT version, name, checksum, applied_at, duration_ms, applied_by, statements_done, complete "
            f"FROM {TRACKING_TABLE} ORDER BY version")
        return {r["version"]: AppliedRow(**dict(r)) for r in rows}

    async def record(self, version: str, name: str, checksum: str, duration_ms: int, *,
                     statements_done: int = 0, complete: bool = True) -> None:
        await self.connection.execute(
            f"INSERT INTO {TRACKING_TABLE} (version, name, checksum, duration_ms, applied_by, agent_version, "
            "statements_done, complete) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
            "ON CONFLICT (version) DO UPDATE SET duration_ms = EXCLUDED.duration_ms, "
            "statements_done = EXCLUDED.statements_done, complete = EXCLUDED.complete, applied_at = now()",
            version, name, checksum, duration_ms, _who(), _agent_version(), statements_done, complete)

    async def forget(self, version: str) -> None:
        await self.connection.execute(f"DELETE FROM {TRACKING_TABLE} WHERE version = $1", version)


def _agent_version() -> str:
    try:
        return metadata.version("migration-agent")
    except metadata.PackageNotFoundError:
        return "unknown"


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"
