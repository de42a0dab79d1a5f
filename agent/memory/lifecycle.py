"""The memory lifecycle: recent folds into medium, medium into one-line history in long.

Run by the service on a timer and by `migration-agent memory maintain`. Nothing is lost:
a folded memory lives on in the tier it moves to.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel

from agent.memory.store import MemoryStore, NewMemory

__all__ = ["MEDIUM_LIFETIME", "RECENT_LIFETIME", "MaintenanceReport", "maintain"]

RECENT_LIFETIME = dt.timedelta(hours=24)
MEDIUM_LIFETIME = dt.timedelta(days=30)


class MaintenanceReport(BaseModel):
    recent_to_medium: int = 0
    medium_to_long: int = 0


async def maintain(store: MemoryStore, finished_sessions: Sequence[str] = ()) -> MaintenanceReport:
    report = MaintenanceReport()
    now = store.clock()
    async with store.connection.transaction():
        for row in await _due(store, "recent", now - RECENT_LIFETIME, finished_sessions):
            await store.remember(NewMemory(agent_name=row["agent_name"], tier="medium", kind=row["kind"],
                                           key=row["key"], content=_content(row), about=list(row["about"]),
                                           importance=row["importance"]))
            await _remove(store, row["memory_id"])
            report.recent_to_medium += 1
        for row in await _due(store, "medium", now - MEDIUM_LIFETIME, ()):
            await _append_history(store, row)
            await _remove(store, row["memory_id"])
            report.medium_to_long += 1
    return report


async def _due(store: MemoryStore, tier: str, before: dt.datetime, sessions: Sequence[str]) -> list[Any]:
    return list(await store.connection.fetch(
        "SELECT memory_id, agent_name, kind, key, content, about, importance, created_at FROM memories "
        "WHERE tier = $1 AND (created_at < $2 OR session_id = ANY($3::text[])) ORDER BY created_at, key",
        tier, before, list(sessions)))


async def _remove(store: MemoryStore, memory_id: Any) -> None:
    await store.connection.execute("DELETE FROM memories WHERE memory_id = $1", memory_id)


def _content(row: Any) -> dict[str, Any]:
    content = row["content"]
    return dict(json.loads(content) if isinstance(content, str) else content)


async def _append_history(store: MemoryStore, row: Any) -> None:
    """One line per folded change, under the subject (the first `about`, usually the table)."""
    subject = row["about"][0] if row["about"] else row["key"]
    found = await store.connection.fetchval(
        "SELECT content FROM memories WHERE agent_name = $1 AND tier = 'long' AND kind = 'history' AND key = $2",
        row["agent_name"], subject)
    history = dict(json.loads(found)) if found else {"lines": []}
    summary = _content(row).get("summary") or row["key"]
    history["lines"] = [*history["lines"], f"{row['created_at']:%Y-%m-%d} {row['kind']}: {summary}"]
    await store.remember(NewMemory(agent_name=row["agent_name"], tier="long", kind="history", key=subject,
                                   content=history, about=[subject], importance=0.4))
