"""Per-table probes over a few sessions at once: the data steps wait on round trips, not on CPU.

Each item runs whole on one session (its savepoints and rollbacks stay together); the findings
come back in the items' order, so a report reads the same however the work was spread. Extra
sessions log in as the step's own one does (`VerifyContext.database_url`); where none can be
opened the step runs on its own session alone.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import asyncpg

from agent.verify.context import VerifyContext
from agent.verify.report import Finding

__all__ = ["SESSIONS", "per_item"]

SESSIONS = 3
Item = TypeVar("Item")


async def per_item(context: VerifyContext, items: Sequence[Item],
                   probe: Callable[[asyncpg.Connection, Item], Awaitable[list[Finding]]]) -> list[Finding]:
    """`probe(session, item)` for every item, on up to SESSIONS sessions; findings in item order."""
    extra = await _open(context, min(SESSIONS, len(items)) - 1)
    sessions = [context.connection, *extra]
    results: list[list[Finding]] = [[] for _ in items]
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(len(items)):
        queue.put_nowait(n)

    async def worker(session: asyncpg.Connection) -> None:
        while not queue.empty():
            n = queue.get_nowait()
            results[n] = await probe(session, items[n])

    try:
        await asyncio.gather(*(worker(session) for session in sessions))
    finally:
        await asyncio.gather(*(session.close() for session in extra), return_exceptions=True)
    return [finding for found in results for finding in found]


async def _open(context: VerifyContext, count: int) -> list[asyncpg.Connection]:
    opened: list[asyncpg.Connection] = []
    for _ in range(max(count, 0)):
        try:
            opened.append(await asyncpg.connect(context.database_url, timeout=10))
        except (OSError, asyncpg.PostgresError, TimeoutError):
            break
    return opened
