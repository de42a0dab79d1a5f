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
from pathlib import Path

from nats.aio.client import Client
from nats.aio.subscription import Subscription

from agent import embedded
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
from agent.verify.pool import scratch_urls
from agent.verify.scratch import ScratchLimits, sweep_stale_scratch

__all__ = ["Service", "ServiceUrls", "owner_name"]

log = get_logger("agent.service")
MAINTENANCE_EVERY_S = 3600.0
FOLLOW_EVERY_S = 2.0
STARTUP_PATIENCE_S = 30.0  # how long a starting agent waits for JetStream (a cluster electing leaders)


@dataclass(frozen=True)
class ServiceUrls:
    nats: str
    postgres: str
    scratch: str
    nats_data_dir: Path | None = None
    """An embedded NATS's data directory: when it comes back on another port, the agent follows."""


def owner_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class Service:
    def __init__(self, urls: ServiceUrls, bus: BusSettings = BusSettings(),
                 consumer: ConsumerSettings = ConsumerSettings(), apply_targets: dict[str, str] | None = None,
                 *, allow_sql_objects: bool = False) -> None:
        self.urls, self.bus, self.consumer_settings = urls, bus, consumer
        self.apply_targets = apply_targets or {}
        self.allow_sql_objects = allow_sql_objects
        self.memory = SharedStore(urls.postgres)
        self._consumer: JobConsumer | None = None
        self._client: Client | None = None
        self._dead_letters: Subscription | None = None
        self._nats_at = urls.nats

    async def run(self, stop: asyncio.Event | None = None) -> None:
        stop = stop or asyncio.Event()
        self._on_signals(stop)
        async with self.memory.use() as store:  # connecting migrates the store: the agent's own runner
            await seed_core(store, AGENT)
        client = self._client = await self._connect(self.urls.nats)
        js = client.jetstream()
        await ensure_bus(js, self.bus, patience_s=STARTUP_PATIENCE_S)
        context = JobContext(self.urls.scratch, self.memory, apply_targets=self.apply_targets,
                             allow_sql_objects=self.allow_sql_objects)
        consumer = JobConsumer(js, self.bus, self.consumer_settings, context, self.memory)
        self._consumer = consumer
        self._dead_letters = await watch_dead_letters(client, js, self.memory)
        maintenance = asyncio.create_task(self._maintain(stop))
        follow = asyncio.create_task(self._follow_nats(stop))
        log.info("agent serving", concurrency=self.consumer_settings.concurrency, owner=self.consumer_settings.owner)
        try:
            await consumer.run(stop)
        finally:
            maintenance.cancel()
            follow.cancel()
            with contextlib.suppress(Exception):
                await self._dead_letters.unsubscribe()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._client.drain(), 10)
            await self.memory.close()
            log.info("agent stopped", jobs=consumer.handled)

    async def _connect(self, url: str) -> Client:
        async def reconnected() -> None:
            log.info("reconnected to NATS")
            with contextlib.suppress(Exception):
                await ensure_bus(client.jetstream(), self.bus)
            if self._consumer is not None:
                self._consumer.resubscribe.set()

        async def disconnected() -> None:
            log.warning("disconnected from NATS; reconnecting")

        client = await connect(url, name=f"database-migration {self.consumer_settings.owner}",
                                    max_reconnect_attempts=-1, reconnect_time_wait=0.5,
                                    reconnected_cb=reconnected, disconnected_cb=disconnected)
        return client

    async def _follow_nats(self, stop: asyncio.Event) -> None:
        """nats-py reconnects only to the URL it had; an embedded NATS restarted on another port
        (its own was taken) is followed by connecting to the URL its data directory records."""
        while self.urls.nats_data_dir is not None and not stop.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), FOLLOW_EVERY_S)
            recorded = embedded.recorded_nats_url(self.urls.nats_data_dir)
            client = self._client
            if client is None or client.is_connected or recorded is None or recorded == self._nats_at:
                continue
            try:
                await self._move_to(recorded)
            except Exception as error:  # not up there yet either: try again on the next round
                log.warning("NATS not reachable at its recorded URL yet", url=recorded, error=repr(error))

    async def _move_to(self, url: str) -> None:
        new = await self._connect(url)
        old, self._client, self._nats_at = self._client, new, url
        js = new.jetstream()
        await ensure_bus(js, self.bus)
        if self._consumer is not None:
            self._consumer.js = js
            self._consumer.resubscribe.set()
        with contextlib.suppress(Exception):
            if self._dead_letters is not None:
                await self._dead_letters.unsubscribe()
        self._dead_letters = await watch_dead_letters(new, js, self.memory)
        if old is not None:
            with contextlib.suppress(Exception):
                await old.close()
        log.info("following NATS to its recorded URL", url=url)

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
        for url in scratch_urls(self.urls.scratch):
            try:
                swept = await sweep_stale_scratch(url, max_age_s=ScratchLimits.configured().max_age_s)
            except Exception as error:
                log.warning("scratch sweep failed", error=repr(error))
                continue
            if swept:
                log.info("stale scratch databases dropped", names=swept)

    @staticmethod
    def _on_signals(stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(number, stop.set)
