"""Throwaway databases for verification.

`CREATE DATABASE scratch_<id>` per job, always dropped afterwards (on failure
and cancellation too). The provider drops only names it created itself in this
process, so it can never drop someone else's database.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator

import asyncpg

from agent.schema.literals import quote_ident

__all__ = ["ScratchError", "ScratchProvider", "database_url"]

PREFIX = "scratch_"


class ScratchError(RuntimeError):
    """The scratch server is unusable; the message says why."""


def database_url(server_url: str, database: str) -> str:
    """The same server, another database."""
    base, _, query = server_url.partition("?")
    scheme, _, rest = base.partition("://")
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}/{database}" + (f"?{query}" if query else "")


class ScratchProvider:
    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self._created: set[str] = set()

    async def _admin(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(self.server_url, timeout=10)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            raise ScratchError(f"cannot reach the scratch server: {error}") from None

    async def ensure_role(self, role: str) -> None:
        """The application role the RLS checks run as: no login, no BYPASSRLS, not an owner."""
        admin = await self._admin()
        try:
            exists = await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role)
            if not exists:
                with contextlib.suppress(asyncpg.DuplicateObjectError):
                    await admin.execute(f"CREATE ROLE {quote_ident(role)} NOLOGIN NOBYPASSRLS")
        finally:
            await admin.close()

    @contextlib.asynccontextmanager
    async def database(self, template: str | None = None) -> AsyncIterator[str]:
        """A fresh database's URL, dropped when the block ends, however it ends."""
        name = f"{PREFIX}{secrets.token_hex(6)}"
        admin = await self._admin()
        try:
            clause = f" TEMPLATE {quote_ident(template)}" if template else ""
            await admin.execute(f"CREATE DATABASE {quote_ident(name)}{clause}")
            self._created.add(name)
            yield database_url(self.server_url, name)
        finally:
            await asyncio.shield(self._drop(admin, name))

    async def _drop(self, admin: asyncpg.Connection, name: str) -> None:
        try:
            if name in self._created:
                await admin.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")
                self._created.discard(name)
        finally:
            await admin.close()
