"""One memory-store connection shared by a service's concurrent jobs, reconnected after a failure."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import asyncpg

from agent.memory.store import Clock, MemoryStore, connect_store, utc_now

__all__ = ["SharedStore"]


class SharedStore:
    def __init__(self, url: str, clock: Clock = utc_now) -> None:
        self.url, self.clock = url, clock
        self._store: MemoryStore | None = None
        self._lock = asyncio.Lock()

    @contextlib.asynccontextmanager
    async def use(self) -> AsyncIterator[MemoryStore]:
        """The store, for one short piece of work at a time; a broken connection is dropped so the
        next use connects again (PostgreSQL restarted under the service)."""
        async with self._lock:
            if self._store is None or self._store.connection.is_closed():
                self._store = await connect_store(self.url, self.clock)
            try:
                yield self._store
            except (OSError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError,
                    asyncpg.exceptions.OperatorInterventionError):
                await self._drop()
                raise

    async def close(self) -> None:
        async with self._lock:
            await self._drop()

    async def _drop(self) -> None:
        store, self._store = self._store, None
        if store is not None and not store.connection.is_closed():
            store.connection.terminate()
