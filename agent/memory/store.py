"""The layered memory store over asyncpg, in schema `agent_memory`.

Tiers (design.md): core lessons (permanent), long schema knowledge (permanent), medium
changes of the last 30 days, recent session work (folded into medium after 24 h or at
session end), compost failed approaches (kept). A memory is upserted by
(agent_name, tier, kind, key). Time comes from an injectable clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Literal

import asyncpg
from pydantic import BaseModel, Field, ValidationError

from agent.memory.resources import memory_migrations_dir
from agent.migrate.discovery import discover
from agent.migrate.runner import Runner, RunSettings
from agent.sql.render_alter import BACKFILL_SETTING
from agent.structured_logging import get_logger

__all__ = ["SCHEMA", "TIERS", "Memory", "MemoryLinesError", "MemoryStore", "NewMemory", "connect_store",
           "read_memory_lines"]

SCHEMA = "agent_memory"
Tier = Literal["core", "long", "medium", "recent", "compost"]
TIERS: tuple[Tier, ...] = ("core", "long", "medium", "recent", "compost")
TIER_WEIGHT = {"core": 4.0, "long": 3.0, "recent": 2.5, "medium": 2.0, "compost": 1.5}
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
        await _create_schema(bootstrap)
    finally:
        await bootstrap.close()
    # The store sets updated_at from its own clock, so the audit trigger stands aside for its session.
    quiet = BACKFILL_SETTING.strip("'")
    connection = await asyncpg.connect(url, server_settings={"search_path": SCHEMA, quiet: "on"})
    store = MemoryStore(connection, clock)
    await store.migrate()
    return store


async def _create_schema(connection: asyncpg.Connection) -> None:
    """IF NOT EXISTS does not serialise sessions: of agents starting together, the loser meets
    pg_namespace's unique index once the winner commits, and then the schema is there. A lock
    would not do: it would deadlock with a CREATE INDEX CONCURRENTLY that waits for this session."""
    with contextlib.suppress(asyncpg.UniqueViolationError):
        await connection.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")


class MemoryStore:
    def __init__(self, connection: asyncpg.Connection, clock: Clock = utc_now) -> None:
        self.connection = connection
        self.clock = clock

    async def close(self) -> None:
        await self.connection.close()

    async def migrate(self, migrations: Path | None = None) -> list[str]:
        folder = migrations or memory_migrations_dir()
        files = discover(folder)
        if not files:
            raise FileNotFoundError(f"no memory-store migrations in {folder}")
        runner = Runner(self.connection, RunSettings(wait_timeout_s=30, quiet=True))
        await runner.lock()
        try:
            return await runner.up(files)
        finally:
            await runner.unlock()
            # A no-transaction migration sets its timeouts for the session; recall must not inherit them.
            await self.connection.execute("RESET lock_timeout; RESET statement_timeout")

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
        """Ranked by tier, importance, recency and relevance to `about`; marks what it returns as recalled.

        One statement: ranking and the recall bookkeeping (recall_count, last_recalled_at) in one round trip.
        """
        wanted = list(tiers or TIERS)
        weights = [TIER_WEIGHT.get(tier, 0.0) for tier in wanted]
        terms = list(about or [])
        now = self.clock()
        if terms:
            rows = await self.connection.fetch(_RECALL_ABOUT, agent_name, wanted, weights, limit, now, terms)
        else:
            rows = await self.connection.fetch(_RECALL, agent_name, wanted, weights, limit, now)
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
        """JSON lines from `export_lines`; existing (agent, tier, kind, key) are kept, all or nothing.
        Every line is checked first: a bad one raises MemoryLinesError naming each bad line."""
        records = read_memory_lines(lines)
        async with self.connection.transaction():
            for fields in records:
                await self._restore(fields)
        return len(records)

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


class MemoryLinesError(ValueError):
    """Lines that are not memories as `memory export` writes them; says which and why."""


def read_memory_lines(lines: Iterable[str]) -> list[dict[str, Any]]:
    records, problems = [], []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            fields = json.loads(line)
            if not isinstance(fields, dict):
                raise ValueError("not a JSON object")
            NewMemory.model_validate({k: v for k, v in fields.items() if k in NewMemory.model_fields})
            for stamp in ("created_at", "updated_at"):
                _time(fields[stamp])
            records.append(fields)
        except ValidationError as error:
            problems.append(f"line {number}: " + "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()))
        except json.JSONDecodeError as error:
            problems.append(f"line {number}: not JSON ({error.msg} at column {error.colno})")
        except KeyError as missing:
            problems.append(f"line {number}: {missing.args[0]}: required")
        except (ValueError, TypeError) as error:
            problems.append(f"line {number}: {error}")
    if problems:
        raise MemoryLinesError("\n".join(problems[:20]))
    return records


def _time(value: Any) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _recall_query(about: bool) -> str:
    """Ranking over a bounded candidate set, read straight from the indexes, then the bookkeeping.

    Candidates per wanted tier: the `limit * 4` most important (idx_memories_rank) and the `limit`
    most recently updated (idx_memories_fresh); with `about`, also every memory sharing a term with it
    (idx_memories_about), as relevance can lift any of them to the top. Expired memories take no
    candidate slot. The recency branch asks for `tier <= wanted.tier ORDER BY tier DESC, updated_at DESC`
    and keeps the wanted tier's rows afterwards: only idx_memories_fresh gives that order, whereas with
    `tier = ...` the planner may walk the table-wide updated_at index instead and filter out every other
    tier (20 ms at 100 000 memories). The text is fixed for each of the two shapes (with and without
    `about`), so a cached generic plan is as good as a custom one.
    Parameters: $1 agent, $2 tiers, $3 their weights, $4 limit, $5 now[, $6 about terms].
    """
    live = "agent_name = $1 AND (expires_at IS NULL OR expires_at > $5)"
    relevance = ("CASE WHEN about && $6::text[] THEN 2.0 * (SELECT count(*) FROM unnest(about) AS a "
                 "WHERE a = ANY($6::text[])) / cardinality($6::text[]) ELSE 0 END" if about else "0")
    related = f"""
    UNION ALL
    SELECT wanted.weight, {_COLUMNS} FROM wanted JOIN memories USING (tier)
    WHERE {live} AND about && $6::text[]""" if about else ""
    return f"""
WITH wanted AS (SELECT tier, weight FROM unnest($2::text[], $3::float8[]) AS w(tier, weight)),
candidates AS (
    SELECT wanted.weight, m.* FROM wanted CROSS JOIN LATERAL (
        (SELECT {_COLUMNS} FROM memories WHERE {live} AND tier = wanted.tier
         ORDER BY importance DESC LIMIT $4 * 4)
        UNION ALL
        (SELECT * FROM (SELECT {_COLUMNS} FROM memories WHERE {live} AND tier <= wanted.tier
                        ORDER BY tier DESC, updated_at DESC LIMIT $4) AS fresh WHERE tier = wanted.tier)
    ) AS m{related}
),
ranked AS (
    SELECT {_COLUMNS}, score FROM (
        SELECT DISTINCT ON (memory_id) *,
            weight + importance
            + 1.0 / (1.0 + GREATEST(date_part('epoch', $5 - updated_at), 0) / 86400.0)
            + {relevance} AS score
        FROM candidates ORDER BY memory_id
    ) AS unique_candidates
    ORDER BY score DESC, updated_at DESC, tier, kind, key LIMIT $4
),
recalled AS (
    UPDATE memories AS m SET recall_count = m.recall_count + 1, last_recalled_at = $5
    FROM ranked WHERE m.memory_id = ranked.memory_id
)
SELECT * FROM ranked ORDER BY score DESC, updated_at DESC, tier, kind, key
"""


_RECALL = _recall_query(about=False)
_RECALL_ABOUT = _recall_query(about=True)
