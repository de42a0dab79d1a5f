"""Create or update the streams, the durable consumer and the artifacts bucket; safe to repeat."""

from __future__ import annotations

import asyncio

import nats.errors
import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from agent.bus.contract import ARTIFACTS_BUCKET, ASSIGNMENTS, BusSettings
from agent.structured_logging import get_logger

__all__ = ["ensure_bus"]

log = get_logger("agent.bus")


_NO_PEERS_FOR_PLACEMENT = 10005
"""JetStream's error code for "no suitable peers for placement" (a replica's peer is offline)."""


async def ensure_bus(js: JetStreamContext, settings: BusSettings, *, patience_s: float = 0) -> None:
    """On a cluster electing a leader, JetStream answers nothing for a while, and while a peer is
    still joining it cannot place replicas on it: a request that times out, finds it unavailable or
    finds no peers for placement is repeated for up to `patience_s` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience_s
    while True:
        try:
            return await _ensure_bus(js, settings)
        except (nats.errors.TimeoutError, nats.js.errors.ServiceUnavailableError,
                nats.js.errors.BadRequestError) as error:
            placement = getattr(error, "err_code", None) == _NO_PEERS_FOR_PLACEMENT
            if loop.time() >= deadline or (isinstance(error, nats.js.errors.BadRequestError) and not placement):
                raise
            log.warning("JetStream not ready; trying again", error=repr(error))
            await asyncio.sleep(0.5)


async def _ensure_bus(js: JetStreamContext, settings: BusSettings) -> None:
    for config in (settings.assignments(), settings.results()):
        await _ensure_stream(js, config)
    await js.add_consumer(ASSIGNMENTS, settings.consumer())
    try:
        await js.object_store(ARTIFACTS_BUCKET)
    except nats.js.errors.BucketNotFoundError:
        await js.create_object_store(ARTIFACTS_BUCKET, config=settings.artifacts())


async def _ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    try:
        await js.update_stream(config)
    except nats.js.errors.NotFoundError:
        await js.add_stream(config)
