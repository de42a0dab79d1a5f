"""The memory store on a real PostgreSQL, with a clock the tests move."""

from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg
import pytest

from agent.memory import MemoryStore, NewMemory, connect_store, maintain
from agent.memory.lessons import load_lessons, seed_core
from tests.memory.conftest import AGENT, START, Clock

pytestmark = pytest.mark.integration


def memory(tier: str, key: str, **fields: object) -> NewMemory:
    return NewMemory.model_validate({"agent_name": AGENT, "tier": tier, "kind": fields.pop("kind", "note"),
                                     "key": key, **fields})


async def test_the_store_migrates_itself_with_the_agents_runner(store: MemoryStore) -> None:
    applied = await store.connection.fetch("SELECT name FROM agent_memory.agent_schema_migrations ORDER BY name")
    assert [r["name"] for r in applied] == ["20261125000000_create_memories.sql",
                                            "20261125083000_index_memories.sql",
                                            "20261206000000_guard_backfill_flag.sql"]
    assert await store.migrate() == []


async def test_the_store_session_keeps_no_timeouts_from_its_migrations(store: MemoryStore) -> None:
    # The concurrent index build sets session timeouts; the store's connection must not keep them.
    assert await store.connection.fetchval("SHOW lock_timeout") == "0"
    assert await store.connection.fetchval("SHOW statement_timeout") == "0"


async def test_upsert_by_agent_tier_kind_and_key(store: MemoryStore) -> None:
    first = await store.remember(memory("long", "lots", content={"v": 1}))
    second = await store.remember(memory("long", "lots", content={"v": 2}))
    assert first.memory_id == second.memory_id
    assert [m.content for m in await store.entries(AGENT)] == [{"v": 2}]


async def test_two_agents_writing_at_once_lose_nothing(fresh_database_url: str, store: MemoryStore,
                                                       clock: Clock) -> None:
    others = [await connect_store(fresh_database_url, clock) for _ in range(2)]

    async def write(target: MemoryStore, name: str) -> None:
        for i in range(40):
            await target.remember(NewMemory(agent_name=name, tier="recent", kind="job", key=f"job-{i % 20}",
                                            content={"i": i}))

    try:
        await asyncio.gather(write(store, "a"), write(others[0], "a"), write(others[1], "b"))
    finally:
        for other in others:
            await other.close()
    counts = {name: len(await store.entries(name)) for name in ("a", "b")}
    assert counts == {"a": 20, "b": 20}


async def test_agents_starting_at_once_on_a_fresh_database_all_connect(fresh_database_url: str) -> None:
    """CREATE SCHEMA IF NOT EXISTS alone is not safe between sessions: the loser of the race met
    pg_namespace's unique index and its agent exited at start-up (the bus test's rare failure)."""
    for _ in range(5):
        admin = await asyncpg.connect(fresh_database_url)
        try:
            await admin.execute("DROP SCHEMA IF EXISTS agent_memory CASCADE")
        finally:
            await admin.close()
        stores = await asyncio.gather(*(connect_store(fresh_database_url) for _ in range(4)),
                                      return_exceptions=True)
        for opened in stores:
            if isinstance(opened, MemoryStore):
                await opened.close()
        assert [s for s in stores if not isinstance(s, MemoryStore)] == []


async def test_ranking_by_tier_importance_recency_and_relevance(store: MemoryStore, clock: Clock) -> None:
    await store.remember(memory("compost", "old-failure", importance=0.9, about=["lots"]))
    await store.remember(memory("core", "lesson", importance=1.0, about=["MA101"]))
    await store.remember(memory("medium", "migration", importance=0.5, about=["storage_locations"]))
    clock.advance(days=10)
    await store.remember(memory("medium", "fresh-migration", importance=0.5, about=["storage_locations"]))
    await store.remember(memory("long", "lots-schema", importance=0.5, about=["lots"]))
    ranked = [m.key for m in await store.recall(AGENT)]
    assert ranked == ["lesson", "lots-schema", "fresh-migration", "migration", "old-failure"]
    about_lots = [m.key for m in await store.recall(AGENT, about=["lots"])]
    assert about_lots == ["lots-schema", "lesson", "old-failure", "fresh-migration", "migration"]
    assert [m.key for m in await store.recall(AGENT, tiers=["medium"], limit=1)] == ["fresh-migration"]
    recalled = {m.key: m.recall_count for m in await store.entries(AGENT)}
    assert recalled["lots-schema"] == 2 and recalled["old-failure"] == 2


async def test_a_fresh_memory_is_recalled_past_many_older_more_important_ones(store: MemoryStore,
                                                                              clock: Clock) -> None:
    # More than limit * 4 older memories outweigh it on importance alone; recency lifts it to the top.
    for n in range(12):
        await store.remember(memory("medium", f"old-{n}", importance=0.9))
    clock.advance(days=10)
    await store.remember(memory("medium", "fresh", importance=0.1))
    ranked = [m.key for m in await store.recall(AGENT, tiers=["medium"], limit=2)]
    assert ranked[0] == "fresh"


async def test_expired_memories_take_no_place_in_recall(store: MemoryStore, clock: Clock) -> None:
    for n in range(12):
        await store.remember(memory("long", f"expired-{n}", importance=1.0,
                                    expires_at=START + dt.timedelta(hours=1)))
    await store.remember(memory("long", "live", importance=0.2))
    clock.advance(hours=2)
    assert [m.key for m in await store.recall(AGENT, limit=2)] == ["live"]


async def test_recall_marks_what_it_returns_and_nothing_else(store: MemoryStore, clock: Clock) -> None:
    await store.remember(memory("long", "lots", about=["lots"]))
    await store.remember(memory("long", "bins", about=["bins"]))
    clock.advance(minutes=5)
    (recalled,) = await store.recall(AGENT, about=["lots"], limit=1)
    assert recalled.key == "lots" and recalled.recall_count == 0  # as it was before this recall
    marks = {m.key: (m.recall_count, m.last_recalled_at, m.updated_at) for m in await store.entries(AGENT)}
    assert marks == {"lots": (1, clock.now, START), "bins": (0, None, START)}


async def test_recent_folds_into_medium_after_a_day_or_at_session_end(store: MemoryStore, clock: Clock) -> None:
    await store.remember(memory("recent", "job-1", session_id="s1", content={"summary": "created lots"},
                                about=["lots"]))
    await store.remember(memory("recent", "job-2", session_id="s2", about=["lots"]))
    assert (await maintain(store)).recent_to_medium == 0
    assert (await maintain(store, finished_sessions=["s1"])).recent_to_medium == 1
    assert {(m.tier, m.key) for m in await store.entries(AGENT)} == {("medium", "job-1"), ("recent", "job-2")}
    clock.advance(hours=25)
    assert (await maintain(store)).recent_to_medium == 1
    assert {m.tier for m in await store.entries(AGENT)} == {"medium"}


async def test_medium_older_than_30_days_becomes_a_line_of_history_in_long(store: MemoryStore,
                                                                         clock: Clock) -> None:
    await store.remember(memory("medium", "20260101_create_lots", kind="migration",
                                content={"summary": "create lots"}, about=["lots"]))
    clock.advance(days=29)
    assert (await maintain(store)).medium_to_long == 0
    clock.advance(days=2)
    assert (await maintain(store)).medium_to_long == 1
    (history,) = await store.entries(AGENT)
    assert (history.tier, history.kind, history.key) == ("long", "history", "lots")
    assert history.content == {"lines": ["2026-01-01 migration: create lots"]}


async def test_forget_is_the_only_delete_and_it_is_explicit(store: MemoryStore) -> None:
    await store.remember(memory("long", "lots"))
    await store.remember(memory("compost", "lots"))
    assert await store.forget(AGENT, "lots", tier="compost") == 1
    assert [m.tier for m in await store.entries(AGENT)] == ["long"]
    assert await store.forget(AGENT, "nothing") == 0


async def test_export_then_import_into_an_empty_store_recalls_the_same(store: MemoryStore,
                                                                      fresh_database_url: str,
                                                                      clock: Clock) -> None:
    await seed_core(store, AGENT)
    await store.remember(memory("long", "lots", about=["lots"], content={"fingerprint": "sha256:1"}))
    await store.remember(memory("compost", "sig-1", about=["lots"], importance=0.9))
    lines = await store.export_lines(AGENT)
    before = [(m.tier, m.key) for m in await store.recall(AGENT, about=["lots"])]
    admin = store.connection
    await admin.execute("CREATE DATABASE copy_target")
    try:
        target_url = fresh_database_url.rsplit("/", 1)[0] + "/copy_target"
        copy = await connect_store(target_url, clock)
        try:
            assert await copy.import_lines(lines) == len(lines)
            assert [(m.tier, m.key) for m in await copy.recall(AGENT, about=["lots"])] == before
        finally:
            await copy.close()
    finally:
        await admin.execute("DROP DATABASE copy_target WITH (FORCE)")


async def test_core_lessons_are_seeded_and_tied_to_rules_and_steps(store: MemoryStore) -> None:
    assert await seed_core(store, AGENT) == 5
    lessons = {m.key: m for m in await store.entries(AGENT, "core")}
    assert set(lessons) == {"irreversible-migration", "lock-the-world", "broken-foreign-key", "rls-gap",
                            "missing-index"}
    assert "MA602" in lessons["missing-index"].about and "index_use" in lessons["missing-index"].about
    assert all(lesson.lint_rules and lesson.verification_steps for lesson in load_lessons())
