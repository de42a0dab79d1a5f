"""Create or update the streams, the durable consumer and the artifacts bucket; safe to repeat."""

from __future__ import annotations

import nats.js.errors
from nats.js import JetStreamContext
from nats.js.api import StreamConfig

from agent.bus.contract import ARTIFACTS_BUCKET, ASSIGNMENTS, BusSettings

__all__ = ["ensure_bus"]


async def ensure_bus(js: JetStreamContext, settings: BusSettings) -> None:
    for config in (settings.assignments(), settings.results()):
        await _ensure_stream(js, config)
    await js.add_consumer(ASSIGNMENTS, settings.consumer())
    try:
        await js.object_store(ARTIFACTS_BUCKET)
    except nats.js.errors.BucketNotFoundError:
        await js.create_object_store(ARTIFACTS_BUCKET)


async def _ensure_stream(js: JetStreamContext, config: StreamConfig) -> None:
    try:
        await js.update_stream(config)
    except nats.js.errors.NotFoundError:
        await js.add_stream(config)
