"""Job messages for the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from nats.aio.client import Client

from agent.bus.contract import assignment_subject

REPO = Path(__file__).resolve().parents[2]
NOW = "2025-12-05T10:30:00Z"


def example_schemas() -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted((REPO / "schemas").glob("*.yaml"))}


def job(job_id: str, kind: str = "generate", payload: dict[str, str] | None = None, **options: Any) -> bytes:
    body = {"job_id": job_id, "kind": kind, "requested_by": "tests",
            "payload": example_schemas() if payload is None else payload,
            "options": {"now": NOW, "rows": 50, **options}}
    return json.dumps(body).encode()


async def publish(client: Client, data: bytes, kind: str = "generate", msg_id: str | None = None) -> bool:
    """Publish to the work queue; False when the stream dropped it as a duplicate."""
    headers = {"Nats-Msg-Id": msg_id} if msg_id else None
    ack = await client.jetstream().publish(assignment_subject(kind), data, headers=headers)
    return not ack.duplicate
