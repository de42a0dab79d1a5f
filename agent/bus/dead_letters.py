"""Jobs JetStream gave up on: the max-deliveries advisory becomes a `dead_lettered` result.

The advisory is taken by one agent process (a queue group); the job is answered in
memory and on the results stream, then its message is deleted from the work queue.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json

import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js import JetStreamContext

from agent.bus.contract import AGENT, ASSIGNMENTS, max_deliveries_advisory
from agent.bus.messages import JobError, JobRejected, JobResult, parse_job, rejected_id
from agent.bus.publishing import publish_result
from agent.memory.job_ledger import finish_job, job_result
from agent.memory.shared import SharedStore
from agent.structured_logging import get_logger

__all__ = ["watch_dead_letters"]

log = get_logger("agent.bus")


async def watch_dead_letters(client: Client, js: JetStreamContext, memory: SharedStore) -> Subscription:
    async def on_advisory(advisory: Msg) -> None:
        try:
            await _dead_letter(js, memory, json.loads(advisory.data))
        except Exception as error:  # one bad advisory must not stop the subscription
            log.error("dead-letter handling failed", error=repr(error))

    return await client.subscribe(max_deliveries_advisory(), queue=f"{AGENT}-dead-letters", cb=on_advisory)


async def _dead_letter(js: JetStreamContext, memory: SharedStore, advisory: dict[str, object]) -> None:
    sequence = int(str(advisory["stream_seq"]))
    deliveries = int(str(advisory.get("deliveries", 0)))
    try:
        stored = await js.get_msg(ASSIGNMENTS, sequence)
    except nats.js.errors.NotFoundError:
        return  # already handled by another agent
    data = stored.data or b""
    job_id, kind = _identity(data)
    now = dt.datetime.now(dt.UTC)
    message = (f"gave up after {deliveries} deliveries, none of which ended in an answer (the worker stopped "
               "or ran past the ack wait each time)")
    result = JobResult.of_error("dead_lettered", JobError(code="max_deliveries", message=message,
                                                          details={"stream_seq": sequence}),
                                job_id=job_id, kind=kind, received_at=now, finished_at=now, deliveries=deliveries)
    data_out = result.model_dump(mode="json")
    with contextlib.suppress(Exception):
        async with memory.use() as store:
            await finish_job(store, AGENT, job_id, data_out, [])  # never replaces an answer stored before
            data_out = await job_result(store, AGENT, job_id) or data_out
    await publish_result(js, data_out, f"dead-{sequence}")
    with contextlib.suppress(nats.js.errors.NotFoundError, nats.errors.Error):
        await js.delete_msg(ASSIGNMENTS, sequence)
    log.warning("job dead-lettered", job_id=job_id, stream_seq=sequence, deliveries=deliveries)


def _identity(data: bytes) -> tuple[str, str | None]:
    try:
        job = parse_job(data, max_bytes=len(data))
        return job.job_id, job.kind
    except JobRejected as rejected:
        return rejected.job_id or rejected_id(data), rejected.kind
