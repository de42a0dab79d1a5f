"""Databases the property tests create and drop themselves, one pair per drawn example."""

from __future__ import annotations

import uuid

import asyncpg

from agent.verify.scratch import database_url

__all__ = ["drop_database", "fresh_database"]


async def fresh_database(server: str, prefix: str, setup: str = "") -> tuple[asyncpg.Connection, str]:
    """A new database's connection and name; `setup` runs on the server first (roles)."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        if setup:
            await admin.execute(setup)
    finally:
        await admin.close()
    return await asyncpg.connect(database_url(server, name)), name


async def drop_database(server: str, connection: asyncpg.Connection, name: str) -> None:
    await connection.close()
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
    finally:
        await admin.close()
