"""Statements run as the scratch server's administrator, for tests that set a scene or check one."""

from __future__ import annotations

from typing import Any

import asyncpg

__all__ = ["admin_value", "as_admin"]


async def as_admin(server: str, *statements: str) -> None:
    admin = await asyncpg.connect(server)
    try:
        for statement in statements:
            await admin.execute(statement)
    finally:
        await admin.close()


async def admin_value(server: str, query: str, *arguments: Any) -> Any:
    admin = await asyncpg.connect(server)
    try:
        return await admin.fetchval(query, *arguments)
    finally:
        await admin.close()
