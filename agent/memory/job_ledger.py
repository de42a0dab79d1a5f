"""Which jobs the agent has answered, beyond any stream's duplicate window.

One memory per job id (tier long, kind `job`): while a job runs it holds a lease
(`expires_at`) that its worker renews; when it ends it holds the result. A second
delivery of the same job id finds the result and answers with it, or finds a live lease
and waits; a lease whose worker died expires and may be taken over. A worker may take
back its own lease at once: its process runs a job id once at a time (the consumer sees to it).

The memory also holds the job's fingerprint (`body`, a hash of kind, payload and options): a
job id is answered once, by its first valid run, and the same id with another body is a
conflict, never a second run nor a new answer. A `rejected` answer (the job was no valid run)
and a `dead_lettered` one (it never ran to the end) do not hold the id: the same id may be
claimed and run again, and its first valid run holds it from then on.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from agent.memory.store import MemoryStore

__all__ = ["Claim", "claim_job", "finish_job", "job_known", "job_result", "release_job", "renew_lease"]

KIND = "job"
_RELEASING = ("rejected", "dead_lettered")


@dataclass(frozen=True)
class Claim:
    """`taken` when this worker may run the job; else `result` (answered) or `busy_until`."""

    taken: bool
    result: dict[str, Any] | None = None
    busy_until: dt.datetime | None = None
    conflict: bool = False
    """The id belongs to a job with another body (answered or running)."""


# The fingerprint of a job that never had one (an older memory) is taken as the same.
_SAME_BODY = "coalesce(memories.content ->> 'body', $8) = $8"
_NOT_HOLDING = ("(memories.content ->> 'state' = 'done' "
                "AND memories.content -> 'result' ->> 'status' IN ('rejected', 'dead_lettered'))")
_CLAIM = f"""
INSERT INTO memories (agent_name, tier, kind, key, content, about, importance, expires_at, created_at, updated_at)
VALUES ($1, 'long', $2, $3, $4::jsonb, '{{}}', 0.1, $5, $6, $6)
ON CONFLICT (agent_name, tier, kind, key) DO UPDATE
    SET content = EXCLUDED.content, expires_at = EXCLUDED.expires_at, updated_at = EXCLUDED.updated_at
    WHERE {_NOT_HOLDING}
       OR (memories.content ->> 'state' = 'running' AND {_SAME_BODY}
           AND (memories.expires_at <= $6 OR memories.content ->> 'owner' = $7))
RETURNING memory_id
"""


async def claim_job(store: MemoryStore, agent_name: str, job_id: str, owner: str, lease: dt.timedelta,
                    body: str) -> Claim:
    now = store.clock()
    content = json.dumps({"state": "running", "owner": owner, "body": body})
    async with store.connection.transaction():
        if await store.connection.fetchval(_CLAIM, agent_name, KIND, job_id, content, now + lease, now, owner, body):
            return Claim(taken=True)
        row = await store.connection.fetchrow(
            "SELECT content, expires_at FROM memories WHERE agent_name = $1 AND tier = 'long' AND kind = $2 "
            "AND key = $3", agent_name, KIND, job_id)
    content_now = _json(row["content"])
    conflict = content_now.get("body", body) != body
    if content_now.get("state") == "done":
        return Claim(taken=False, result=content_now["result"], conflict=conflict)
    return Claim(taken=False, busy_until=row["expires_at"], conflict=conflict)


async def job_known(store: MemoryStore, agent_name: str, job_id: str) -> bool:
    """The id is held: by a job running or answered by a valid run (see the module's docstring)."""
    found = await store.connection.fetchval(
        "SELECT content FROM memories WHERE agent_name = $1 AND tier = 'long' AND kind = $2 AND key = $3",
        agent_name, KIND, job_id)
    if found is None:
        return False
    content = _json(found)
    return not (content.get("state") == "done" and content["result"].get("status") in _RELEASING)


async def renew_lease(store: MemoryStore, agent_name: str, job_id: str, owner: str, lease: dt.timedelta) -> bool:
    """Extend this worker's lease; False when the job is no longer this worker's."""
    now = store.clock()
    status: str = await store.connection.execute(
        "UPDATE memories SET expires_at = $4, updated_at = $5 WHERE agent_name = $1 AND tier = 'long' "
        "AND kind = $2 AND key = $3 AND content ->> 'state' = 'running' AND content ->> 'owner' = $6",
        agent_name, KIND, job_id, now + lease, now, owner)
    return status.endswith(" 1")


async def release_job(store: MemoryStore, agent_name: str, job_id: str, owner: str) -> None:
    """End this worker's lease early (the job was handed back), so a redelivery need not wait."""
    await renew_lease(store, agent_name, job_id, owner, dt.timedelta(0))


async def finish_job(store: MemoryStore, agent_name: str, job_id: str, result: dict[str, Any],
                     about: list[str], body: str | None = None) -> None:
    """Store the result; from now on every delivery of this job id is answered with it. An answer
    stored before is never replaced, unless it was one that does not hold the id."""
    now = store.clock()
    content = {"state": "done", "result": result} | ({"body": body} if body else {})
    await store.connection.execute(
        "INSERT INTO memories (agent_name, tier, kind, key, content, about, importance, expires_at, created_at, "
        "updated_at) VALUES ($1, 'long', $2, $3, $4::jsonb, $5, 0.1, NULL, $6, $6) "
        "ON CONFLICT (agent_name, tier, kind, key) DO UPDATE SET content = EXCLUDED.content, "
        "about = EXCLUDED.about, expires_at = NULL, updated_at = EXCLUDED.updated_at "
        f"WHERE memories.content ->> 'state' = 'running' OR {_NOT_HOLDING}",
        agent_name, KIND, job_id, json.dumps(content, sort_keys=True), about, now)


async def job_result(store: MemoryStore, agent_name: str, job_id: str) -> dict[str, Any] | None:
    found = await store.connection.fetchval(
        "SELECT content FROM memories WHERE agent_name = $1 AND tier = 'long' AND kind = $2 AND key = $3",
        agent_name, KIND, job_id)
    content = _json(found) if found is not None else {}
    return content.get("result") if content.get("state") == "done" else None


def _json(value: Any) -> dict[str, Any]:
    return dict(json.loads(value) if isinstance(value, str) else value)
