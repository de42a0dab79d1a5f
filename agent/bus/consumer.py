"""The consumer loop: fetch jobs, run them with bounded concurrency, answer, acknowledge.

Delivery semantics (design.md): the result is stored in memory and published before the
ack; bad input is answered `rejected` and terminated; a server being down naks with a
growing delay, up to the outage tolerance, then the job is answered `dead_lettered`; a job
id answered before is answered again from memory, never run twice, and the same id with
other content is answered `rejected` (`job_id_conflict`) on a subject of its own.
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
import nats.js.errors
import structlog
from nats.aio.msg import Msg
from nats.js import JetStreamContext

from agent.activity_log import DEFAULT_LOG, append_entry
from agent.bus.contract import (
    AGENT,
    ASSIGNMENTS,
    CONSUMER,
    JOB_SUBJECTS,
    BusSettings,
    conflict_subject,
    result_subject,
)
from agent.bus.messages import (
    Job,
    JobError,
    JobOutcome,
    JobRejected,
    JobResult,
    job_fingerprint,
    parse_job,
    rejected_id,
)
from agent.bus.publishing import offload_artifacts, offload_report, publish_result, publish_review
from agent.jobs.handlers import UNAVAILABLE_ERRORS, JobContext, Unavailable, rejected_outcome, run_job
from agent.memory.job_ledger import claim_job, finish_job, job_known, job_result, release_job, renew_lease
from agent.memory.shared import SharedStore
from agent.safe_text import storable
from agent.structured_logging import get_logger

__all__ = ["ConsumerSettings", "JobConsumer"]

# JetStream not answering for a while, as while a cluster elects a leader: worth waiting out.
JETSTREAM_AWAY = (nats.errors.TimeoutError, nats.errors.NoRespondersError, nats.js.errors.NoStreamResponseError,
                  nats.js.errors.ServiceUnavailableError)
ELECTION_PATIENCE_S = 20.0
log = get_logger("agent.bus")


@dataclass(frozen=True)
class ConsumerSettings:
    concurrency: int = 2
    job_timeout_s: float = 1800.0
    fetch_timeout_s: float = 2.0
    grace_s: float = 30.0
    activity_log: Path = DEFAULT_LOG
    owner: str = "agent"


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
                if self.resubscribe.is_set():
                    continue
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
        """After a reconnect a pull subscription can stay silent; a new one receives again. While a
        cluster elects a leader, subscribing times out or finds JetStream unavailable: tried again."""
        with contextlib.suppress(Exception):
            await old.unsubscribe()
        try:
            new = await self._subscribe()
        except (nats.errors.Error, OSError) as error:
            log.warning("pull subscription not renewed yet; trying again", error=str(error))
            await asyncio.sleep(1)
            return old
        self.resubscribe.clear()
        log.info("pull subscription renewed")
        return new

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
        arrival = _Arrival(dt.datetime.now(dt.UTC), message.metadata.num_delivered,
                           str(message.metadata.sequence.stream))
        try:
            job = parse_job(message.data, self.bus.max_job_bytes)
        except JobRejected as rejected:
            fault = rejected
        else:
            await self._handle_job(message, job, arrival)
            return
        job_id = fault.job_id or rejected_id(message.data)
        await self._settle(message, arrival, job_id, fault.kind,
                           lambda: self._answer_rejected(message, job_id, fault, arrival))

    async def _handle_job(self, message: Msg, job: Job, arrival: _Arrival) -> None:
        # Bound to this task's context: every event of the job, in any module, carries its id.
        structlog.contextvars.bind_contextvars(job_id=job.job_id, kind=job.kind, delivery=arrival.deliveries)
        if job.job_id in self.running:  # the same id published again while this process runs it
            await message.nak(delay=5)
            return
        self.running.add(job.job_id)
        try:
            await self._settle(message, arrival, job.job_id, job.kind, lambda: self._run_once(message, job, arrival))
        finally:
            self.running.discard(job.job_id)

    async def _settle(self, message: Msg, arrival: _Arrival, job_id: str, kind: str | None,
                      work: Callable[[], Awaitable[None]]) -> None:
        """Run `work`; whatever it raises, the message ends answered, or handed back for a reason."""
        try:
            await work()
        except Unavailable as error:
            await self._outage(message, arrival, job_id, kind, error)
        except asyncio.CancelledError:
            with contextlib.suppress(Exception):
                await asyncio.shield(message.nak())
            raise
        except Exception as error:  # answering failed: still one answer, never a silent redelivery loop
            log.exception("answering the job failed", job_id=job_id)
            await self._last_answer(message, arrival, job_id, kind, error)

    async def _run_once(self, message: Msg, job: Job, arrival: _Arrival) -> None:
        lease = dt.timedelta(seconds=self.bus.ack_wait_s * 2)
        body = job_fingerprint(job)
        claim = await self._ledger(lambda store: claim_job(store, AGENT, job.job_id, self.settings.owner, lease, body))
        if claim.conflict:
            fault = JobError(code="job_id_conflict", message=f"job id {job.job_id} belongs to another job (other "
                             f"kind, payload or options); its answer stays on {result_subject(job.job_id)}; send "
                             "this job under a new id")
            await self._answer_conflict(message, job.job_id, job.kind, fault, arrival)
            return
        if claim.result is not None:
            log.info("job answered before; answering again")
            await publish_result(self.js, claim.result, arrival.delivery)
            await message.ack_sync()
            return
        if not claim.taken:
            wait = max((claim.busy_until - dt.datetime.now(dt.UTC)).total_seconds(), 1) if claim.busy_until else 5
            await message.nak(delay=min(wait, 60))
            return
        log.info("job started")
        heartbeat = asyncio.create_task(self._heartbeat(message, job.job_id, lease))
        try:
            outcome = await self._outcome(job)
        except BaseException:
            await self._ledger(lambda store: release_job(store, AGENT, job.job_id, self.settings.owner))
            raise
        finally:
            heartbeat.cancel()
        result = JobResult(**outcome.model_dump(), report_html=outcome.report_html, job_id=job.job_id, kind=job.kind,
                           requested_by=job.requested_by,
                           received_at=arrival.received, finished_at=dt.datetime.now(dt.UTC),
                           deliveries=arrival.deliveries, fingerprint=body,
                           duration_ms=round((dt.datetime.now(dt.UTC) - arrival.received).total_seconds() * 1000, 1))
        await self._answer(message, job, result, arrival.delivery, body)

    def timeout_of(self, job: Job) -> float:
        """The server's --job-timeout is a ceiling: a job may ask for less time, never for more."""
        asked = job.options.timeout_s
        return min(asked, self.settings.job_timeout_s) if asked else self.settings.job_timeout_s

    async def _outcome(self, job: Job) -> JobOutcome:
        timeout = self.timeout_of(job)
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

    async def _answer(self, message: Msg, job: Job, result: JobResult, delivery: str, body: str) -> None:
        """Remember, publish, log, then ack: a crash anywhere before the ack repeats only the answer."""
        result = await offload_artifacts(self.js, await offload_report(self.js, result), self.bus)
        result = await self._store_and_publish(result, delivery, body)
        if result.status == "succeeded":  # a migration that failed verification is not for review
            try:
                await _retried(lambda: publish_review(self.js, result))
            except Exception as error:  # the answer is out; a lost review request is not worth a second one
                log.error("review request not published", error=repr(error))
        self._log_entry(job, result)
        await self._finish(message, result)

    async def _store_and_publish(self, result: JobResult, delivery: str, body: str | None) -> JobResult:
        """Store, then publish; each is retried, and what cannot be stored or sent whole is answered
        by a minimal result saying so. A store that is down is an outage (the job is retried)."""
        data = storable(result.model_dump(mode="json"))
        try:
            await _retried(lambda: self._ledger(
                lambda store: finish_job(store, AGENT, result.job_id, data, [], body)))
        except Unavailable:
            raise
        except Exception as error:
            log.error("result not stored; answering a minimal result", error=repr(error))
            result = _minimal(result, "result_not_stored", error)
            data = storable(result.model_dump(mode="json"))
            with contextlib.suppress(Exception):
                await self._ledger(lambda store: finish_job(store, AGENT, result.job_id, data, [], body))
        try:
            await _retried(lambda: publish_result(self.js, data, delivery), patience_s=ELECTION_PATIENCE_S)
        except JETSTREAM_AWAY:
            raise  # the stored result is what a redelivery answers; a minimal one would contradict it
        except Exception as error:
            log.error("result not published; publishing a minimal result", error=repr(error))
            result = _minimal(result, "result_not_published", error)
            await publish_result(self.js, storable(result.model_dump(mode="json")), f"{delivery}-minimal")
        return result

    async def _finish(self, message: Msg, result: JobResult) -> None:
        self.handled += 1
        if result.status == "rejected":
            await message.term()
        else:
            await message.ack_sync()
        log.info("job answered", status=result.status, duration_ms=result.duration_ms)

    async def _answer_rejected(self, message: Msg, job_id: str, rejected: JobRejected, arrival: _Arrival) -> None:
        """A message that is no valid job. Its id may be another job's: then it is a conflict, and
        the answer goes where it cannot be taken for that job's."""
        if await self._ledger(lambda store: job_known(store, AGENT, job_id)):
            fault = rejected.error
            conflict = JobError(code="job_id_conflict", message=f"job id {job_id} belongs to another job, and this "
                                f"message is no valid job either ({fault.code}: {fault.message})",
                                details={"fault": fault.code}, locations=fault.locations)
            await self._answer_conflict(message, job_id, rejected.kind, conflict, arrival)
            return
        outcome = rejected_outcome(rejected)
        result = JobResult(**outcome.model_dump(), job_id=job_id, kind=rejected.kind, received_at=arrival.received,
                           finished_at=dt.datetime.now(dt.UTC), deliveries=arrival.deliveries)
        await publish_result(self.js, storable(result.model_dump(mode="json")), arrival.delivery)
        self._log_short(job_id, "rejected", result)
        await message.term()
        log.info("job rejected", job_id=job_id, code=rejected.error.code)

    async def _answer_conflict(self, message: Msg, job_id: str, kind: str | None, fault: JobError,
                               arrival: _Arrival) -> None:
        result = JobResult.of_error("rejected", fault, job_id=job_id, kind=kind, received_at=arrival.received,
                                    finished_at=dt.datetime.now(dt.UTC), deliveries=arrival.deliveries)
        await publish_result(self.js, storable(result.model_dump(mode="json")), f"conflict-{arrival.delivery}",
                             subject=conflict_subject(job_id))
        self._log_short(job_id, "rejected (job id conflict)", result, conflict_subject(job_id))
        await message.term()
        log.warning("job id conflict", job_id=job_id)

    async def _outage(self, message: Msg, arrival: _Arrival, job_id: str, kind: str | None,
                      error: Unavailable) -> None:
        """Retry with a growing delay while the tolerance lasts; then answer `dead_lettered`."""
        spent = self.bus.outage_spent(arrival.deliveries)
        if spent < self.bus.outage_tolerance_s:
            delay = self.bus.outage_delay(arrival.deliveries)
            log.warning("a server is unavailable; job will be retried", error=str(error), delay_s=delay)
            with contextlib.suppress(Exception):
                await message.nak(delay=delay)
            return
        reason = f"a server the job needs stayed unreachable through {spent:g} s of retries: {error}"
        result = JobResult.of_error("dead_lettered", JobError(code="server_unavailable", message=reason), job_id=job_id,
                                    kind=kind, received_at=arrival.received, finished_at=dt.datetime.now(dt.UTC),
                                    deliveries=arrival.deliveries)
        data = storable(result.model_dump(mode="json"))
        with contextlib.suppress(Exception):  # the store may be the server that is down
            await self._ledger(lambda store: finish_job(store, AGENT, job_id, data, []))
        try:
            await publish_result(self.js, data, arrival.delivery)
        except Exception as failure:
            log.error("dead letter not published; job will be retried", error=repr(failure))
            with contextlib.suppress(Exception):
                await message.nak(delay=self.bus.outage_step_cap_s)
            return
        self._log_short(job_id, "dead_lettered", result)
        await message.term()
        log.warning("job dead-lettered", reason=reason)

    async def _last_answer(self, message: Msg, arrival: _Arrival, job_id: str, kind: str | None,
                           error: Exception) -> None:
        """Answering failed on an error of its own: the stored answer, if any, else a minimal one."""
        try:
            stored = await self._ledger(lambda store: job_result(store, AGENT, job_id))
            if stored is None:
                result = _minimal(JobResult(job_id=job_id, kind=kind, received_at=arrival.received,
                                            finished_at=dt.datetime.now(dt.UTC), deliveries=arrival.deliveries),
                                  "internal_error", error)
                stored = storable(result.model_dump(mode="json"))
                self._log_short(job_id, "failed", result)
            await publish_result(self.js, stored, f"{arrival.delivery}-last")
            await message.term()
        except Exception as failure:
            log.error("the job could not be answered; it will be redelivered", error=repr(failure))
            with contextlib.suppress(Exception):
                await message.nak(delay=self.bus.outage_delay(arrival.deliveries))

    async def _ledger(self, work: Callable[[Any], Awaitable[Any]]) -> Any:
        try:
            async with self.memory.use() as store:
                return await work(store)
        except UNAVAILABLE_ERRORS as error:
            raise Unavailable(f"memory store: {error}") from error

    def _log_short(self, job_id: str, status: str, result: JobResult, subject: str | None = None) -> None:
        error = result.error
        lines = [f"fault: {error.code}: {error.message[:300]}"] if error else []
        append_entry(f"job {job_id} {status}", [*lines, f"result: {subject or result_subject(job_id)}"],
                     self.settings.activity_log)

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
        report = f"; report: {result.report_object} ({result.report_bytes} bytes)" if result.report_object else ""
        lines.append(f"artifacts: {artifacts}; result: {result_subject(job.job_id)}{report}")
        append_entry(f"job {job.job_id} ({job.kind}) {result.status}", lines, self.settings.activity_log)


@dataclass(frozen=True)
class _Arrival:
    received: dt.datetime
    deliveries: int
    delivery: str
    """The stream sequence: tells one delivery's answer from another's for de-duplication."""


async def _retried(work: Callable[[], Awaitable[Any]], attempts: int = 3, patience_s: float = 0) -> Any:
    """`work`, tried again after a short pause; an outage is not retried here (the message is).
    JetStream away (a cluster electing a stream's leader) is tried again for up to `patience_s`."""
    deadline = asyncio.get_running_loop().time() + patience_s
    attempt = 0
    while True:
        attempt += 1
        try:
            return await work()
        except Unavailable:
            raise
        except JETSTREAM_AWAY:
            if asyncio.get_running_loop().time() >= deadline and attempt >= attempts:
                raise
            await asyncio.sleep(0.5)
        except Exception:
            if attempt >= attempts:
                raise
            await asyncio.sleep(0.5 * attempt)


def _minimal(result: JobResult, code: str, error: BaseException) -> JobResult:
    """The envelope of `result` with nothing of what it produced: what could not be stored or sent."""
    message = f"the job's answer could not be {'stored' if code == 'result_not_stored' else 'delivered'}: " \
              f"{type(error).__name__}: {error}"
    return JobResult.of_error("failed", JobError(code=code, message=message), job_id=result.job_id, kind=result.kind,
                              received_at=result.received_at, finished_at=result.finished_at,
                              duration_ms=result.duration_ms, deliveries=result.deliveries,
                              fingerprint=result.fingerprint)


def _failed(code: str, message: str) -> JobOutcome:
    return JobOutcome.of_error("failed", JobError(code=code, message=message))

