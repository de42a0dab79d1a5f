"""The long-running agent: NATS JetStream in, the same job handlers as the CLI, results out.

Start-up migrates the memory store, creates or updates the streams and the durable
consumer, and watches the max-deliveries advisory. SIGTERM or SIGINT stops fetching, lets
jobs in flight finish within the grace period, naks the rest, drains, and returns.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
from dataclasses import dataclass

from nats.aio.client import Client

from agent.bus.connection import connect
from agent.bus.consumer import ConsumerSettings, JobConsumer
from agent.bus.contract import AGENT, BusSettings
from agent.bus.dead_letters import watch_dead_letters
from agent.bus.streams import ensure_bus
from agent.jobs.handlers import JobContext
from agent.memory.lessons import seed_core
from agent.memory.lifecycle import maintain
from agent.memory.shared import SharedStore
from agent.structured_logging import get_logger
from agent.verify.scratch import ScratchLimits, sweep_stale_scratch

__all__ = ["Service", "ServiceUrls", "owner_name"]

log = get_logger("agent.service")
MAINTENANCE_EVERY_S = 3600.0


@dataclass(frozen=True)
class ServiceUrls:
    nats: str
    postgres: str
    scratch: str


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Service:
    def __init__(self, urls: ServiceUrls, bus: BusSettings = BusSettings(),
                 consumer: ConsumerSettings = ConsumerSettings(), apply_targets: dict[str, str] | None = None) -> None:
        self.urls, self.bus, self.consumer_settings = urls, bus, consumer
        self.apply_targets = apply_targets or {}
        self.memory = SharedStore(urls.postgres)
        self._consumer: JobConsumer | None = None

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        self._on_signals(stop)
        async with self.memory.use() as store:  # connecting migrates the store: the agent's own runner
            await seed_core(store, AGENT)
        client = await self._connect()
        js = client.jetstream()
        await ensure_bus(js, self.bus)
        context = JobContext(self.urls.scratch, self.memory, apply_targets=self.apply_targets)
        consumer = JobConsumer(js, self.bus, self.consumer_settings, context, self.memory)
        self._consumer = consumer
        dead_letters = await watch_dead_letters(client, js, self.memory)
        maintenance = asyncio.create_task(self._maintain(stop))
        log.info("agent serving", concurrency=self.consumer_settings.concurrency, owner=self.consumer_settings.owner)
        try:
            await consumer.run(stop)
        finally:
            maintenance.cancel()
            with contextlib.suppress(Exception):
                await dead_letters.unsubscribe()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(client.drain(), 10)
            await self.memory.close()
            log.info("agent stopped", jobs=consumer.handled)

    async def _connect(self) -> Client:
        async def reconnected() -> None:
            log.info("reconnected to NATS")
            with contextlib.suppress(Exception):
                await ensure_bus(client.jetstream(), self.bus)
            if self._consumer is not None:
                self._consumer.resubscribe.set()

        async def disconnected() -> None:
            log.warning("disconnected from NATS; reconnecting")

        client = await connect(self.urls.nats, name=f"database-migration {self.consumer_settings.owner}",
                                    max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                    reconnected_cb=reconnected, disconnected_cb=disconnected)
        return client

    async def _maintain(self, stop: asyncio.Event) -> None:
        """The memory lifecycle on a timer: recent into medium, medium into long history; and the
        scratch databases a killed agent left behind."""
        while not stop.is_set():
            await self._sweep_scratch()
            try:
                async with self.memory.use() as store:
                    report = await maintain(store)
                log.info("memory maintained", **report.model_dump())
            except Exception as error:
                log.warning("memory maintenance failed", error=repr(error))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), MAINTENANCE_EVERY_S)

    async def _sweep_scratch(self) -> None:
        try:
            swept = await sweep_stale_scratch(self.urls.scratch, max_age_s=ScratchLimits.configured().max_age_s)
        except Exception as error:
            log.warning("scratch sweep failed", error=repr(error))
            return
        if swept:
            log.info("stale scratch databases dropped", names=swept)

    @staticmethod
    def _on_signals(stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, stop.set)
