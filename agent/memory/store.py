"""The layered memory store over asyncpg, in schema `agent_memory`.

Tiers (design.md): core lessons (permanent), long schema knowledge (permanent), medium
changes of the last 30 days, recent session work (folded into medium after 24 h or at
session end), compost failed approaches (kept). A memory is upserted by
(agent_name, tier, kind, key). Time comes from an injectable clock.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import asyncpg
from pydantic import BaseModel, Field

from agent.migrate.discovery import discover
from agent.migrate.runner import Runner, RunSettings
from agent.sql.render_alter import BACKFILL_SETTING
from agent.structured_logging import get_logger

__all__ = ["SCHEMA", "TIERS", "Memory", "MemoryStore", "NewMemory", "connect_store"]

SCHEMA = "agent_memory"
Tier = Literal["core", "long", "medium", "recent", "compost"]
TIERS: tuple[Tier, ...] = ("core", "long", "medium", "recent", "compost")
TIER_WEIGHT = {"core": 4.0, "long": 3.0, "recent": 2.5, "medium": 2.0, "compost": 1.5}
MIGRATIONS = Path(__file__).resolve().parents[2] / "memory" / "migrations"
log = get_logger("agent.memory")
Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class NewMemory(BaseModel):
    agent_name: str
    tier: Tier
    kind: str
    key: str
    content: dict[str, Any] = Field(default_factory=dict)
    about: list[str] = Field(default_factory=list)
    importance: float = Field(default=0.5, ge=0, le=1)
    session_id: str | None = None
    expires_at: dt.datetime | None = None


class Memory(NewMemory):
    memory_id: str
    created_at: dt.datetime
    updated_at: dt.datetime
    recall_count: int = 0
    last_recalled_at: dt.datetime | None = None
    score: float | None = None


_COLUMNS = ("memory_id, agent_name, tier, kind, key, content, about, importance, session_id, expires_at, "
            "created_at, updated_at, recall_count, last_recalled_at")


def _memory(row: asyncpg.Record) -> Memory:
    data = dict(row)
    data["memory_id"] = str(data["memory_id"])
    data["content"] = json.loads(data["content"]) if isinstance(data["content"], str) else data["content"]
    data["about"] = list(data["about"] or [])
    return Memory.model_validate(data)


async def connect_store(url: str, clock: Clock = utc_now) -> MemoryStore:
    """Connect, create the schema and migrate it with the agent's own runner."""
    bootstrap = await asyncpg.connect(url)
    try:
        await bootstrap.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
    finally:
        await bootstrap.close()
    # The store sets updated_at from its own clock, so the audit trigger stands aside for its session.
    quiet = BACKFILL_SETTING.strip("'")
    connection = await asyncpg.connect(url, server_settings={"search_path": SCHEMA, quiet: "on"})
    store = MemoryStore(connection, clock)
    await store.migrate()
    return store


class MemoryStore:
    def __init__(self, connection: asyncpg.Connection, clock: Clock = utc_now) -> None:
        self.connection = connection
        self.clock = clock

    async def close(self) -> None:
        await self.connection.close()

    async def migrate(self, migrations: Path = MIGRATIONS) -> list[str]:
        runner = Runner(self.connection, RunSettings(wait_timeout_s=30))
        await runner.lock()
        try:
            return await runner.up(discover(migrations))
        finally:
            await runner.unlock()

    # ------------------------------------------------------------ writing

    async def remember(self, memory: NewMemory) -> Memory:
        now = self.clock()
        row = await self.connection.fetchrow(
            f"INSERT INTO memories (agent_name, tier, kind, key, content, about, importance, session_id, "
            f"expires_at, created_at, updated_at) VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $10) "
            f"ON CONFLICT (agent_name, tier, kind, key) DO UPDATE SET content = EXCLUDED.content, "
            f"about = EXCLUDED.about, importance = EXCLUDED.importance, session_id = EXCLUDED.session_id, "
            f"expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at RETURNING {_COLUMNS}",
            memory.agent_name, memory.tier, memory.kind, memory.key, json.dumps(memory.content, sort_keys=True),
            memory.about, memory.importance, memory.session_id, memory.expires_at, now)
        return _memory(row)

    async def forget(self, agent_name: str, key: str, tier: str | None = None) -> int:
        """Explicit and logged: the only way a memory is deleted."""
        deleted = await self.connection.fetch(
            "DELETE FROM memories WHERE agent_name = $1 AND key = $2 AND ($3::text IS NULL OR tier = $3) "
            "RETURNING tier, kind, key", agent_name, key, tier)
        for row in deleted:
            log.info("memory forgotten", agent=agent_name, tier=row["tier"], kind=row["kind"], key=row["key"])
        return len(deleted)

    # ------------------------------------------------------------ reading

    async def recall(self, agent_name: str, tiers: Sequence[str] | None = None,
                     about: Sequence[str] | None = None, limit: int = 20) -> list[Memory]:
        """Ranked by tier, importance, recency and relevance to `about`; marks what it returns as recalled."""
        now = self.clock()
        rows = await self.connection.fetch(_RECALL, agent_name, list(tiers or TIERS), list(about or []),
                                           limit, now, json.dumps(TIER_WEIGHT))
        ids = [r["memory_id"] for r in rows]
        if ids:
            await self.connection.execute(
                "UPDATE memories SET recall_count = recall_count + 1, last_recalled_at = $2 "
                "WHERE memory_id = ANY($1::uuid[])", ids, now)
        return [_memory(r).model_copy(update={"score": float(r["score"])}) for r in rows]

    async def entries(self, agent_name: str | None = None, tier: str | None = None) -> list[Memory]:
        rows = await self.connection.fetch(
            f"SELECT {_COLUMNS} FROM memories WHERE ($1::text IS NULL OR agent_name = $1) "
            "AND ($2::text IS NULL OR tier = $2) ORDER BY agent_name, tier, kind, key", agent_name, tier)
        return [_memory(r) for r in rows]

    # ------------------------------------------------------------ export / import

    async def export_lines(self, agent_name: str | None = None) -> list[str]:
        return [m.model_dump_json(exclude={"score", "memory_id"}) for m in await self.entries(agent_name)]

    async def import_lines(self, lines: Iterable[str]) -> int:
        """JSON lines from `export_lines`; existing (agent, tier, kind, key) are kept, all or nothing."""
        count = 0
        async with self.connection.transaction():
            for line in lines:
                if line.strip():
                    await self._restore(json.loads(line))
                    count += 1
        return count

    async def _restore(self, fields: dict[str, Any]) -> None:
        new = NewMemory.model_validate({k: v for k, v in fields.items() if k in NewMemory.model_fields})
        await self.connection.execute(
            "INSERT INTO memories (agent_name, tier, kind, key, content, about, importance, session_id, expires_at, "
            "created_at, updated_at, recall_count, last_recalled_at) "
            "VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10, $11, $12, $13) "
            "ON CONFLICT (agent_name, tier, kind, key) DO NOTHING",
            new.agent_name, new.tier, new.kind, new.key, json.dumps(new.content, sort_keys=True), new.about,
            new.importance, new.session_id, new.expires_at, _time(fields["created_at"]),
            _time(fields["updated_at"]), int(fields.get("recall_count") or 0),
            _time(fields["last_recalled_at"]) if fields.get("last_recalled_at") else None)


def _time(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


_RECALL = """
WITH wanted AS (SELECT unnest($2::text[]) AS tier),
candidates AS (
    SELECT m.memory_id FROM wanted CROSS JOIN LATERAL (
        SELECT memory_id FROM memories
        WHERE agent_name = $1 AND tier = wanted.tier
        ORDER BY importance DESC LIMIT $4 * 4
    ) AS m
    UNION
    SELECT memory_id FROM memories
    WHERE agent_name = $1 AND tier = ANY($2) AND cardinality($3::text[]) > 0 AND about && $3::text[]
),
scored AS (
    SELECT m.*,
        ($6::jsonb ->> m.tier)::float8
        + m.importance
        + 1.0 / (1.0 + GREATEST(EXTRACT(EPOCH FROM ($5 - m.updated_at)), 0) / 86400.0)
        + CASE WHEN cardinality($3::text[]) = 0 THEN 0
               ELSE 2.0 * (SELECT count(*) FROM unnest(m.about) AS a WHERE a = ANY($3::text[]))
                    / cardinality($3::text[]) END AS score
    FROM memories AS m JOIN candidates USING (memory_id)
    WHERE m.expires_at IS NULL OR m.expires_at > $5
)
SELECT memory_id, agent_name, tier, kind, key, content, about, importance, session_id, expires_at,
       created_at, updated_at, recall_count, last_recalled_at, score
FROM scored ORDER BY score DESC, updated_at DESC, tier, kind, key LIMIT $4
"""
