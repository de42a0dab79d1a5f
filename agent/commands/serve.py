"""`serve`, `submit`, `status` and `logs`: the agent on NATS JetStream, and its operators' view."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import nats
import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.api import ConsumerConfig, DeliverPolicy

from agent.activity_log import DEFAULT_LOG
from agent.bus.connection import connect
from agent.bus.consumer import ConsumerSettings
from agent.bus.contract import (
    ASSIGNMENTS,
    CONSUMER,
    RESULTS,
    BusSettings,
    assignment_subject,
    conflict_subject,
    result_subject,
)
from agent.bus.messages import JOB_KINDS, Job, JobOptions, job_fingerprint
from agent.commands.common import err, fail, json_option, out, run_async, settings
from agent.commands.review import save_job_report
from agent.embedded import EmbeddedError
from agent.exit_codes import ExitCode
from agent.migrate.snapshot import SNAPSHOT_FILE
from agent.runtime import ScratchBackendError, nats_url, postgres_url, scratch_postgres_url
from agent.service import Service, ServiceUrls, owner_name
from agent.structured_logging import configure_logging

__all__ = ["DEFAULT_CONCURRENCY", "logs_command", "serve_command", "service_group", "status_alias", "status_command",
           "submit_command", "wait_for_result"]

_PAYLOAD_SUFFIXES = (".yaml", ".yml", ".sql")
_EXIT_BY_STATUS = {"succeeded": ExitCode.OK, "failed": ExitCode.FINDINGS, "rejected": ExitCode.BAD_INPUT,
                   "dead_lettered": ExitCode.INFRASTRUCTURE}


DEFAULT_CONCURRENCY = min(os.cpu_count() or 2, 8)


@click.command("serve")
@click.option("--concurrency", type=click.IntRange(1, 64), default=DEFAULT_CONCURRENCY,
              show_default=f"one per CPU, at most 8: {DEFAULT_CONCURRENCY} here",
              help="Jobs run at once by this process, each on its own scratch database.")
@click.option("--job-timeout", type=click.FloatRange(min=1), default=1800, show_default=True,
              help="Seconds a job may run before it is answered `failed` (timeout); a job's own "
                   "options.timeout_s may only lower it.")
@click.option("--ack-wait", type=click.FloatRange(min=1), default=60, show_default=True,
              help="Seconds without a heartbeat before JetStream redelivers a job to another agent.")
@click.option("--max-deliver", type=click.IntRange(min=1), default=5, show_default=True,
              help="Deliveries before a job is dead-lettered.")
@click.option("--duplicate-window", type=click.FloatRange(min=1), default=120, show_default=True,
              help="Seconds in which the streams drop a repeated message id.")
@click.option("--activity-log", type=click.Path(path_type=Path, dir_okay=False), default=str(DEFAULT_LOG),
              show_default=True, help="The operators' markdown log, one entry per job.")
@click.option("--grace", type=click.FloatRange(min=0), default=30, show_default=True,
              help="Seconds jobs in flight may finish after SIGTERM before they are handed back.")
@click.option("--outage-tolerance", type=click.FloatRange(min=0), default=600, show_default=True,
              envvar="AGENT_OUTAGE_TOLERANCE", show_envvar=True,
              help="Seconds of retry delays (1 s doubling, at most 60 s each) a job waits out while a server "
                   "it needs is unreachable, before it is answered dead_lettered.")
def serve_command(concurrency: int, job_timeout: float, ack_wait: float, max_deliver: int,
                  duplicate_window: float, activity_log: Path, grace: float, outage_tolerance: float) -> None:
    """Run as a long-lived service: take jobs from NATS JetStream, answer each on the results stream.
    Starts embedded NATS and PostgreSQL when no URLs are configured."""
    configured = settings()
    configure_logging(configured.log_format, configured.log_level, stream=sys.stdout, force=True)
    bus = BusSettings(ack_wait_s=ack_wait, max_deliver=max_deliver, duplicate_window_s=duplicate_window,
                      outage_tolerance_s=outage_tolerance, replicas=configured.stream_replicas)
    consumer = ConsumerSettings(concurrency=concurrency, job_timeout_s=job_timeout, grace_s=grace,
                                activity_log=activity_log, owner=owner_name())
    try:
        with nats_url(configured) as bus_url, postgres_url(configured) as memory_url, \
                scratch_postgres_url(configured, pool=True) as scratch_url:
            embedded_nats = None if configured.nats_url else configured.data_dir
            service = Service(ServiceUrls(bus_url, memory_url, scratch_url, embedded_nats), bus, consumer,
                              configured.apply_targets, allow_sql_objects=configured.allow_sql_objects)
            run_async(service.run())
    except (EmbeddedError, ScratchBackendError, OSError, nats.errors.Error) as error:
        fail(ExitCode.INFRASTRUCTURE, f"cannot serve: {error}")


# ---------------------------------------------------------------- submit


def _payload(paths: tuple[Path, ...], old: Path | None) -> dict[str, str]:
    files: dict[str, str] = {}
    for prefix, chosen in [("", paths), ("old/", (old,) if old else ())]:
        for path in chosen:
            for file in _files(path):
                files[f"{prefix}{file.name}"] = file.read_text(encoding="utf-8")
    return files


def _files(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield from sorted(p for p in path.iterdir() if p.suffix in _PAYLOAD_SUFFIXES or p.name == SNAPSHOT_FILE)
    elif path.is_file():
        yield path
    else:
        fail(ExitCode.BAD_INPUT, f"{path}: no such file or folder")


def _options(pairs: tuple[str, ...]) -> JobOptions:
    raw: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep:
            fail(ExitCode.BAD_INPUT, f"--option {pair!r}: expected KEY=VALUE")
        with contextlib.suppress(json.JSONDecodeError):
            raw[key] = json.loads(value)
            continue
        raw[key] = value
    try:
        return JobOptions.model_validate(raw)
    except ValueError as error:
        fail(ExitCode.BAD_INPUT, f"--option: {error}")


@click.command("submit")
@click.argument("kind", type=click.Choice(JOB_KINDS))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--old", type=click.Path(path_type=Path, file_okay=False), help="diff: the old schema folder.")
@click.option("--job-id", help="Job id (also the Nats-Msg-Id) [default: a new UUID].")
@click.option("--option", "option_pairs", multiple=True, metavar="KEY=VALUE",
              help="A job option, value in JSON where not a plain word (repeatable), e.g. rows=100.")
@click.option("--wait", is_flag=True, help="Wait for the result and print it; exit by its status.")
@click.option("--timeout", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds to wait with --wait.")
@click.option("--requested-by", default="cli", show_default=True,
              help="Who asks: the job's requested_by, shown in logs.")
@click.option("--html", "html_file", type=click.Path(path_type=Path, dir_okay=False),
              help="With --wait: save the reviewer's HTML report the result names to this file.")
@json_option
def submit_command(kind: str, paths: tuple[Path, ...], old: Path | None, job_id: str | None,
                   option_pairs: tuple[str, ...], wait: bool, timeout: float, requested_by: str,
                   html_file: Path | None, as_json: bool) -> None:
    """Publish a KIND job with the files of PATHS (folders or files) to the agent's work queue."""
    try:
        job = Job.model_validate({"job_id": job_id or uuid.uuid4().hex, "kind": kind, "requested_by": requested_by,
                                  "payload": _payload(paths, old), "options": _options(option_pairs)})
    except ValueError as error:
        fail(ExitCode.BAD_INPUT, str(error))
    if html_file is not None and not wait:
        fail(ExitCode.BAD_INPUT, "--html needs --wait: the report comes with the result")
    try:
        with nats_url(settings()) as url:
            result = run_async(_submit(url, job, wait, timeout))
            if result is not None and html_file is not None:
                run_async(save_job_report(url, result, html_file))
    except (EmbeddedError, OSError, nats.errors.Error) as error:
        fail(ExitCode.INFRASTRUCTURE, f"NATS unavailable: {error}")
    if result is None:
        out.print_json(data={"job_id": job.job_id}) if as_json else out.print(f"submitted {job.job_id}")
        return
    _print_result(result, as_json)
    raise click.exceptions.Exit(int(_EXIT_BY_STATUS.get(str(result.get("status")), ExitCode.FINDINGS)))


async def _submit(url: str, job: Job, wait: bool, timeout: float) -> dict[str, Any] | None:
    client = await connect(url, connect_timeout=5, max_reconnect_attempts=2)
    try:
        if not wait:
            js = client.jetstream()
            if not await _publish(js, job, job.job_id) and await _dead_lettered(js, job.job_id):
                await _publish(js, job, _fresh_message_id(job))
            return None
        return await _publish_and_wait(client, job, timeout)
    finally:
        await client.close()


async def _publish(js: JetStreamContext, job: Job, message_id: str) -> bool:
    """Publish the job; False when the stream dropped it as a repeat inside its duplicate window."""
    ack = await js.publish(assignment_subject(job.kind), job.model_dump_json().encode(),
                           headers={"Nats-Msg-Id": message_id})
    return not ack.duplicate


def _fresh_message_id(job: Job) -> str:
    """For a job published again inside the duplicate window, which would drop its own id."""
    return f"{job.job_id}-again-{uuid.uuid4().hex[:12]}"


async def _dead_lettered(js: JetStreamContext, job_id: str) -> bool:
    try:
        last = await js.get_last_msg(RESULTS, result_subject(job_id))
    except nats.js.errors.NotFoundError:
        return False
    data = last.data
    return data is not None and json.loads(data).get("status") == "dead_lettered"


async def _publish_and_wait(client: Client, job: Job, timeout: float) -> dict[str, Any]:
    """The answer to this publication: listening starts first, on the job's subject and on its
    conflict subject (the id taken by another job). A publication the stream dropped as a
    repeat gets no answer of its own: then the job's last answer is it, unless that answer is
    another job's (a conflict, told here) or a dead letter, which does not stick: the job is
    published again under a fresh message id."""
    answers: asyncio.Queue[bytes] = asyncio.Queue()

    async def received(message: Msg) -> None:
        await answers.put(message.data)

    subscriptions = [await client.subscribe(subject, cb=received)
                     for subject in (result_subject(job.job_id), conflict_subject(job.job_id))]
    try:
        js = client.jetstream()
        if not await _publish(js, job, job.job_id):
            last = await wait_for_result(js, job.job_id, timeout)
            if last.get("fingerprint") not in (None, job_fingerprint(job)):
                return _conflict(job, last)
            if last.get("status") != "dead_lettered":
                return last
            while not answers.empty():  # answers seen so far are that dead letter
                answers.get_nowait()
            await _publish(js, job, _fresh_message_id(job))
        return dict(json.loads(await asyncio.wait_for(answers.get(), timeout)))
    except TimeoutError:
        fail(ExitCode.INFRASTRUCTURE, f"no result for {job.job_id} within {timeout:g} s (is an agent serving?)")
    finally:
        for subscription in subscriptions:
            await subscription.unsubscribe()


async def wait_for_result(js: JetStreamContext, job_id: str, timeout: float) -> dict[str, Any]:
    """The newest result of the job: one already answered, or the next one to come."""
    config = ConsumerConfig(deliver_policy=DeliverPolicy.LAST_PER_SUBJECT)
    subscription = await js.subscribe(result_subject(job_id), stream=RESULTS, ordered_consumer=True, config=config)
    try:
        message = await subscription.next_msg(timeout=timeout)
    except nats.errors.TimeoutError:
        fail(ExitCode.INFRASTRUCTURE, f"no result for {job_id} within {timeout:g} s (is an agent serving?)")
    finally:
        await subscription.unsubscribe()
    return dict(json.loads(message.data))


def _conflict(job: Job, other: dict[str, Any]) -> dict[str, Any]:
    """What the agent would answer, had the stream not dropped this job as a repeat of another."""
    message = (f"job id {job.job_id} belongs to another job (other kind, payload or options), answered "
               f"{other.get('status')}; send this job under a new id")
    return {"job_id": job.job_id, "kind": job.kind, "status": "rejected", "summary": f"Rejected: {message}",
            "error": {"code": "job_id_conflict", "message": message, "details": {}, "locations": []}}


def _print_result(result: dict[str, Any], as_json: bool) -> None:
    if as_json:
        out.print_json(data=result)
        return
    out.print(f"{result['job_id']}: {result['status']}", markup=False)
    if result.get("summary"):
        out.print(result["summary"], markup=False)
    error = result.get("error")
    if error:
        err.print(f"{error['code']}: {error['message']}", markup=False)
        for location in error.get("locations") or []:
            err.print(f"  {location['file']}:{location['line']}:{location['column']} {location['path']}: "
                      f"{location['message']}", markup=False)
    for name in sorted(result.get("artifacts") or {}):
        out.print(f"  artifact {name}", markup=False)


# ---------------------------------------------------------------- service status


@click.group("service")
def service_group() -> None:
    """The agent's service on NATS, as `serve` runs it: `service status` reads its bus."""


@service_group.command("status")
@click.option("--last", type=click.IntRange(0, 100), default=5, show_default=True, help="Recent results shown.")
@json_option
def status_command(last: int, as_json: bool) -> None:
    """Consumer lag, jobs in flight and the latest results of the agent's bus."""
    try:
        with nats_url(settings()) as url:
            report = run_async(_status(url, last))
    except (EmbeddedError, OSError, nats.errors.Error) as error:
        fail(ExitCode.INFRASTRUCTURE, f"NATS unavailable: {error}")
    if as_json:
        out.print_json(data=report)
        return
    out.print(f"pending {report['pending']}, in flight {report['in_flight']}, redelivered {report['redelivered']}",
              markup=False)
    for result in report["results"]:
        out.print(f"  {result['finished_at']}  {result['job_id']}  {result['kind']}  {result['status']}", markup=False)


async def _status(url: str, last: int) -> dict[str, Any]:
    client = await connect(url, connect_timeout=5, max_reconnect_attempts=2)
    try:
        js = client.jetstream()
        try:
            info = await js.consumer_info(ASSIGNMENTS, CONSUMER)
        except nats.js.errors.NotFoundError:
            fail(ExitCode.INFRASTRUCTURE, "no agent has served on this NATS yet (no ASSIGNMENTS consumer)")
        return {"pending": info.num_pending, "in_flight": info.num_ack_pending, "redelivered": info.num_redelivered,
                "results": await _recent_results(js, last)}
    finally:
        await client.close()


async def _recent_results(js: JetStreamContext, last: int) -> list[dict[str, Any]]:
    state = (await js.stream_info(RESULTS)).state
    found: list[dict[str, Any]] = []
    sequence = state.last_seq
    while sequence >= max(state.first_seq, 1) and len(found) < last:
        with contextlib.suppress(nats.js.errors.NotFoundError):
            message = await js.get_msg(RESULTS, sequence)
            if message.subject and _is_answer(message.subject) and message.data:
                data = json.loads(message.data)
                found.append({k: data.get(k) for k in ("job_id", "kind", "status", "finished_at")})
        sequence -= 1
    return found


status_alias = click.Command(
    "status", callback=status_command.callback, params=status_command.params, hidden=True,
    help="The former name of `service status`.")


def _is_answer(subject: str) -> bool:
    """A job's answer; a conflict (another job under a taken id) does not change it."""
    return subject.startswith("results.database-migration.") and subject.count(".") == 2


# ---------------------------------------------------------------- logs


@click.command("logs")
@click.option("-f", "--follow", is_flag=True, help="Keep printing entries as they are appended.")
@click.option("-n", "--lines", type=click.IntRange(min=0), default=40, show_default=True,
              help="Lines shown from the end first.")
@click.option("--path", type=click.Path(path_type=Path, dir_okay=False), default=str(DEFAULT_LOG), show_default=True,
              help="The activity log to read (serve --activity-log).")
def logs_command(follow: bool, lines: int, path: Path) -> None:
    """Show (and with -f follow) the activity log."""
    if not path.exists() and not follow:
        err.print(f"Nothing logged yet: {path} does not exist.", markup=False)
        return
    position = 0
    if path.exists():
        text = path.read_text(encoding="utf-8")
        sys.stdout.write("".join(text.splitlines(keepends=True)[-lines:]) if lines else "")
        position = len(text.encode())
    while follow:
        sys.stdout.flush()
        time.sleep(0.5)
        position = _follow(path, position)


def _follow(path: Path, position: int) -> int:
    if not path.exists():
        return 0
    size = path.stat().st_size
    if size < position:
        position = 0  # rotated
    with path.open("rb") as handle:
        handle.seek(position)
        chunk = handle.read()
    sys.stdout.write(chunk.decode("utf-8", errors="replace"))
    return position + len(chunk)

