"""The consumer loop: fetch jobs, run them with bounded concurrency, answer, acknowledge.

Delivery semantics (design.md): the result is stored in memory and published before the
ack; bad input is answered `rejected` and terminated; a server being down naks with a
growing delay; a job id answered before is answered again from memory, never run twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from agent.activity_log import DEFAULT_LOG, append_entry
from agent.bus.contract import AGENT, ASSIGNMENTS, CONSUMER, JOB_SUBJECTS, BusSettings, result_subject
from agent.bus.messages import Job, JobError, JobOutcome, JobRejected, JobResult, parse_job, rejected_id
from agent.bus.publishing import offload_artifacts, publish_result, publish_review
from agent.jobs.handlers import UNAVAILABLE_ERRORS, JobContext, Unavailable, rejected_outcome, run_job
from agent.memory.job_ledger import claim_job, finish_job, release_job, renew_lease
from agent.memory.shared import SharedStore
from agent.structured_logging import get_logger

__all__ = ["ConsumerSettings", "JobConsumer"]

log = get_logger("agent.bus")


@dataclass(frozen=True)
class ConsumerSettings:
    concurrency: int = 2
    job_timeout_s: float = 1800.0
    fetch_timeout_s: float = 2.0
    grace_s: float = 30.0
    activity_log: Path = DEFAULT_LOG
    owner: str = "agent"


def _backoff(deliveries: int) -> float:
    return float(min(2 ** max(deliveries - 1, 0), 60))


class JobConsumer:
    def __init__(self, js: JetStreamContext, bus: BusSettings, settings: ConsumerSettings,
                 context: JobContext, memory: SharedStore) -> None:
        self.js, self.bus, self.settings, self.context, self.memory = js, bus, settings, context, memory
        self.in_flight: dict[asyncio.Task[None], Msg] = {}
        self.resubscribe = asyncio.Event()
        self.handled = 0
        self.running: set[str] = set()

    # ------------------------------------------------------------ the loop

    async def run(self, stop: asyncio.Event) -> None:
        subscription = await self._subscribe()
        while not stop.is_set():
            if self.resubscribe.is_set():
                subscription = await self._renew(subscription)
            free = self.settings.concurrency - len(self.in_flight)
            if free <= 0:
                await asyncio.wait(list(self.in_flight), timeout=1, return_when=asyncio.FIRST_COMPLETED)
                continue
            for message in await self._fetch(subscription, free):
                task = asyncio.create_task(self.handle(message))
                self.in_flight[task] = message
                task.add_done_callback(self._finished)
        await self._shut_down(subscription)

    async def _subscribe(self) -> JetStreamContext.PullSubscription:
        return await self.js.pull_subscribe(JOB_SUBJECTS, durable=CONSUMER, stream=ASSIGNMENTS)

    async def _renew(self, old: JetStreamContext.PullSubscription) -> JetStreamContext.PullSubscription:
        """After a reconnect a pull subscription can stay silent; a new one receives again."""
        self.resubscribe.clear()
        with contextlib.suppress(Exception):
            await old.unsubscribe()
        log.info("pull subscription renewed")
        return await self._subscribe()

    async def _fetch(self, subscription: JetStreamContext.PullSubscription, count: int) -> list[Msg]:
        timeout = self.settings.fetch_timeout_s
        try:
            heartbeat = timeout / 4 if timeout >= 2 else None  # the server refuses one near the expiry
            return list(await subscription.fetch(count, timeout=timeout, heartbeat=heartbeat))
        except nats.errors.TimeoutError:
            return []  # an empty queue raises instead of returning []
        except (nats.errors.Error, OSError) as error:
            log.warning("fetch failed; will resubscribe", error=str(error))
            self.resubscribe.set()
            await asyncio.sleep(1)
            return []

    def _finished(self, task: asyncio.Task[None]) -> None:
        self.in_flight.pop(task, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("job task crashed", error=repr(task.exception()))

    async def _shut_down(self, subscription: JetStreamContext.PullSubscription) -> None:
        """Let jobs in flight finish within the grace period; the rest are nak'ed for another agent."""
        if self.in_flight:
            await asyncio.wait(list(self.in_flight), timeout=self.settings.grace_s)
        for task in list(self.in_flight):
            task.cancel()
        if self.in_flight:
            await asyncio.wait(list(self.in_flight), timeout=5)
        with contextlib.suppress(Exception):
            await subscription.unsubscribe()  # drain() hangs on a live pull subscription

    # ------------------------------------------------------------ one message

    async def handle(self, message: Msg) -> None:
        received = dt.datetime.now(dt.UTC)
        deliveries = message.metadata.num_delivered
        delivery = str(message.metadata.sequence.stream)
        try:
            job = parse_job(message.data, self.bus.max_job_bytes)
        except JobRejected as rejected:
            job_id = rejected.job_id or rejected_id(message.data)
            await self._answer_rejected(message, job_id, rejected, received, deliveries, delivery)
            return
        # Bound to this task's context: every event of the job, in any module, carries its id.
        structlog.contextvars.bind_contextvars(job_id=job.job_id, kind=job.kind, delivery=deliveries)
        if job.job_id in self.running:  # the same id published again while this process runs it
            await message.nak(delay=5)
            return
        self.running.add(job.job_id)
        try:
            await self._run_once(message, job, received, deliveries, delivery)
        except Unavailable as error:
            delay = _backoff(deliveries)
            log.warning("a server is unavailable; job will be retried", error=str(error), delay_s=delay)
            with contextlib.suppress(Exception):
                await message.nak(delay=delay)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.shield(message.nak())
            raise
        finally:
            self.running.discard(job.job_id)

    async def _run_once(self, message: Msg, job: Job, received: dt.datetime, deliveries: int,
                        delivery: str) -> None:
        lease = dt.timedelta(seconds=self.bus.ack_wait_s * 2)
        claim = await self._ledger(lambda store: claim_job(store, AGENT, job.job_id, self.settings.owner, lease))
        if claim.result is not None:
            log.info("job answered before; answering again")
            await publish_result(self.js, claim.result, delivery)
            await message.ack_sync()
            return
        if not claim.taken:
            wait = max((claim.busy_until - dt.datetime.now(dt.UTC)).total_seconds(), 1) if claim.busy_until else 5
            await message.nak(delay=min(wait, 60))
            return
        heartbeat = asyncio.create_task(self._heartbeat(message, job.job_id, lease))
        try:
            outcome = await self._outcome(job)
        except BaseException:
            await self._ledger(lambda store: release_job(store, AGENT, job.job_id, self.settings.owner))
            raise
        finally:
            heartbeat.cancel()
        result = JobResult(**outcome.model_dump(), job_id=job.job_id, kind=job.kind, requested_by=job.requested_by,
                           received_at=received, finished_at=dt.datetime.now(dt.UTC), deliveries=deliveries,
                           duration_ms=round((dt.datetime.now(dt.UTC) - received).total_seconds() * 1000, 1))
        await self._answer(message, job, result, delivery)

    async def _outcome(self, job: Job) -> JobOutcome:
        timeout = job.options.timeout_s or self.settings.job_timeout_s
        try:
            return await asyncio.wait_for(run_job(job, self.context), timeout)
        except JobRejected as rejected:
            return rejected_outcome(rejected)
        except TimeoutError:
            return _failed("timeout", f"the job did not finish within {timeout:g} s")
        except (Unavailable, asyncio.CancelledError):
            raise
        except Exception as error:  # a bug must answer the job, not leave it redelivered forever
            log.exception("job handler failed")
            return _failed("internal_error", f"{type(error).__name__}: {error}")

    async def _heartbeat(self, message: Msg, job_id: str, lease: dt.timedelta) -> None:
        every = max(self.bus.ack_wait_s / 3, 0.2)
        while True:
            await asyncio.sleep(every)
            with contextlib.suppress(Exception):
                await message.in_progress()
            with contextlib.suppress(Exception):
                await self._ledger(lambda store: renew_lease(store, AGENT, job_id, self.settings.owner, lease))

    async def _answer(self, message: Msg, job: Job, result: JobResult, delivery: str) -> None:
        """Remember, publish, log, then ack: a crash anywhere before the ack repeats only the answer."""
        stored = await offload_artifacts(self.js, result, self.bus)
        data = stored.model_dump(mode="json")
        await self._ledger(lambda store: finish_job(store, AGENT, job.job_id, data, []))
        await publish_result(self.js, data, delivery)
        if result.status == "succeeded":  # a migration that failed verification is not for review
            await publish_review(self.js, result)
        self._log_entry(job, result)
        self.handled += 1
        if result.status == "rejected":
            await message.term()
        else:
            await message.ack_sync()
        log.info("job answered", status=result.status, duration_ms=result.duration_ms)

    async def _answer_rejected(self, message: Msg, job_id: str, rejected: JobRejected, received: dt.datetime,
                               deliveries: int, delivery: str) -> None:
        outcome = rejected_outcome(rejected)
        result = JobResult(**outcome.model_dump(), job_id=job_id, kind=rejected.kind, received_at=received,
                           finished_at=dt.datetime.now(dt.UTC), deliveries=deliveries)
        await publish_result(self.js, result.model_dump(mode="json"), delivery)
        append_entry(f"job {job_id} rejected", [f"fault: {rejected.error.code}: {rejected.error.message[:300]}",
                                                f"result: {result_subject(job_id)}"], self.settings.activity_log)
        await message.term()
        log.info("job rejected", job_id=job_id, code=rejected.error.code)

    async def _ledger(self, work: Callable[[Any], Awaitable[Any]]) -> Any:
        try:
            async with self.memory.use() as store:
                return await work(store)
        except UNAVAILABLE_ERRORS as error:
            raise Unavailable(f"memory store: {error}") from error

    def _log_entry(self, job: Job, result: JobResult) -> None:
        files = ", ".join(sorted(job.payload)) or "none"
        lines = [f"request: {job.kind} by {job.requested_by}; files: {files}"]
        lines += [f"decision: {d}" for d in result.decisions]
        figures = (result.verification or {}).get("figures") or {}
        lines.append(f"performance: {result.duration_ms:.0f} ms in all"
                     + "".join(f"; {k} {v}" for k, v in sorted(figures.items())))
        lines += [f"warning: {w}" for w in result.warnings[:10]]
        lines.append(f"outcome: {result.status}" + (f" ({result.error.code}: {result.error.message[:300]})"
                                                     if result.error else ""))
        artifacts = result.artifacts_object or ", ".join(sorted(result.artifacts)) or "none"
        lines.append(f"artifacts: {artifacts}; result: {result_subject(job.job_id)}")
        append_entry(f"job {job.job_id} ({job.kind}) {result.status}", lines, self.settings.activity_log)


def _failed(code: str, message: str) -> JobOutcome:
    return JobOutcome(status="failed", summary=f"Failed: {message}", error=JobError(code=code, message=message))

