"""Fixtures of the memory tests: a store on a fresh database with a clock the test moves."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import pytest_asyncio

from agent.memory import MemoryStore, connect_store

AGENT = "database-migration"
START = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest_asyncio.fixture(loop_scope="session")
async def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture(loop_scope="session")
async def store(fresh_database_url: str, clock: Clock) -> AsyncIterator[MemoryStore]:
    opened = await connect_store(fresh_database_url, clock)
    try:
        yield opened
    finally:
        await opened.close()


