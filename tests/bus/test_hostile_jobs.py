"""Jobs an attacker on the bus could send (issue 16), against a real `serve` on NATS and PostgreSQL.

Each is answered for its real cause, once: bad input `rejected` naming the field, a job's own
fault `failed` with the reason, only an unreachable server retried; nothing a job sends forges
the activity log, echoes more than an excerpt, or changes another job's answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import asyncpg
import nats
import nats.errors
import pytest
from nats.aio.client import Client

from agent import embedded
from agent.bus.contract import (
    AGENT,
    ASSIGNMENTS,
    CONSUMER,
    JOB_SUBJECTS,
    RESULTS,
    BusSettings,
    conflict_subject,
    result_subject,
)
from agent.bus.dead_letters import watch_dead_letters
from agent.bus.messages import DETAIL_LIMIT, MESSAGE_LIMIT, Job
from agent.bus.streams import ensure_bus
from agent.commands.serve import _publish_and_wait, _recent_results, _submit, wait_for_result
from agent.memory.job_ledger import claim_job, finish_job, job_result
from agent.memory.shared import SharedStore
from agent.service import ServiceUrls
from tests.bus.conftest import FAST, all_results, claim_owner, results_of, serving
from tests.bus.jobs import example_schemas, job, publish
from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration
LINT = {"a.sql": "SELECT 1;"}


def _body(job_id: str, kind: str = "lint", payload: dict[str, str] | None = None, requested_by: str = "tests",
          **options: Any) -> bytes:
    return json.dumps({"job_id": job_id, "kind": kind, "requested_by": requested_by,
                       "payload": LINT if payload is None else payload, "options": options}).encode()


def _verify_job(job_id: str, sql: str, down: str = "SELECT 1;", **options: Any) -> bytes:
    return _body(job_id, "verify", {"20250101000000_attack.sql": sql, "20250101000000_attack_down.sql": down},
                 **options)


async def _answer(client: Client, job_id: str, data: bytes, kind: str = "lint", msg_id: str | None = None,
                  timeout: float = 90) -> dict[str, Any]:
    await publish(client, data, kind, msg_id=msg_id or job_id)
    (result,) = await results_of(client, job_id, timeout=timeout)
    return result


async def _last_on(client: Client, subject: str) -> dict[str, Any]:
    message = await client.jetstream().get_last_msg(RESULTS, subject)
    assert message.data is not None
    return dict(json.loads(message.data))


# ---------------------------------------------------------------- 6, 7, 8: files and free text


async def test_a_payload_file_named_old_is_rejected_at_once_not_taken_for_an_outage(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    payload = {**example_schemas(), "old": "a plain file where the old/ folder goes"}
    async with serving(urls, tmp_path / "log.md"):
        result = await _answer(client, "old-file", _body("old-file", "diff", payload), "diff")
        await asyncio.sleep(FAST.ack_wait_s + 1)  # a redelivery would answer again
        answers = [r for r in await all_results(client) if r["job_id"] == "old-file"]
    assert (result["status"], result["error"]["code"]) == ("rejected", "invalid_job")
    assert "payload" in result["error"]["message"] and "'old'" in result["error"]["message"]
    assert result["deliveries"] == 1 and len(answers) == 1


@pytest.mark.parametrize("requested_by", ["x\u0000y", "ops\n## 2026-12-06 10:00:00 UTC job prod-deploy-42 (apply) "
                                                     "succeeded\n\n- outcome: succeeded", "tab\there", "a\u2028b"])
async def test_control_characters_in_requested_by_are_rejected_naming_the_field(
        client: Client, urls: ServiceUrls, tmp_path: Path, requested_by: str) -> None:
    log = tmp_path / "log.md"
    async with serving(urls, log):
        result = await _answer(client, "who", _body("who", requested_by=requested_by))
        await asyncio.sleep(FAST.ack_wait_s + 1)
        answers = [r for r in await all_results(client) if r["job_id"] == "who"]
    assert (result["status"], result["error"]["code"]) == ("rejected", "invalid_job")
    assert result["error"]["message"].startswith("requested_by: control characters")
    assert len(answers) == 1 and result["deliveries"] == 1
    text = log.read_text()
    assert "job who rejected" in text
    assert "prod-deploy-42" not in text and "\u0000" not in text


async def test_nothing_a_job_sends_opens_a_heading_or_fence_in_the_activity_log(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    """Text past the model's checks (an error the job's own SQL raises) still cannot forge an entry."""
    forged = "## 2026-12-06 10:00:00 UTC job prod-deploy-42 (apply) succeeded"
    sql = f"DO $$ BEGIN RAISE EXCEPTION E'boom\\n{forged}\\n```\\n# heading'; END $$;"
    log = tmp_path / "log.md"
    async with serving(urls, log):
        result = await _answer(client, "forger", _verify_job("forger", sql), "verify")
    assert result["status"] == "failed"
    assert forged in result["error"]["message"]  # the result holds it; the log must not obey it
    lines = log.read_text().splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert len(headings) == 1 and "job forger (verify) failed" in headings[0]
    assert not any(line.lstrip().startswith(("```", "~~~", "#")) for line in lines[1:])
    assert all(line.startswith(("## ", "- ")) or not line for line in lines)


async def test_error_details_hold_only_an_excerpt_of_what_the_job_read(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    secret = "s3cr3t-line:" * 2000  # what a file read would return, cast to int to leak it in the error
    sql = f"SELECT '{secret}'::int;"
    async with serving(urls, tmp_path / "log.md"):
        result = await _answer(client, "leak", _verify_job("leak", sql), "verify")
    assert result["status"] == "failed"
    text = json.dumps(result)
    assert text.count("s3cr3t-line:") < 120, "more than excerpts came back"  # 2 000 were read
    for failure in result["error"]["details"]["failures"]:
        assert len(failure) <= DETAIL_LIMIT + 40
    assert len(result["error"]["message"]) <= MESSAGE_LIMIT + 40


# ---------------------------------------------------------------- 3b, 4b: the job's own doing


async def test_sql_that_ends_its_own_session_is_the_jobs_failure_not_an_outage(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "log.md"):
        suicide = _verify_job("suicide", "SELECT pg_terminate_backend(pg_backend_pid());")
        result = await _answer(client, "suicide", suicide, "verify")
        await asyncio.sleep(FAST.ack_wait_s + 1)
        answers = [r for r in await all_results(client) if r["job_id"] == "suicide"]
    assert result["status"] == "failed", result
    assert result["deliveries"] == 1 and len(answers) == 1
    assert result["error"]["code"] in ("connection_ended", "verification_failed")


async def test_an_apply_whose_sql_ends_its_own_session_fails_once_with_the_reason(
        client: Client, urls: ServiceUrls, tmp_path: Path, postgres_server_url: str) -> None:
    target = "bus_hostile_target"
    admin = await asyncpg.connect(postgres_server_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {target}")
    target_url = postgres_server_url.rsplit("/", 1)[0] + f"/{target}"
    payload = {"20250101000000_end_session.sql": "SELECT pg_terminate_backend(pg_backend_pid());",
               "20250101000000_end_session_down.sql": "SELECT 1;"}
    try:
        async with serving(urls, tmp_path / "log.md", apply_targets={"staging": target_url}):
            result = await _answer(client, "ender", _body("ender", "apply", payload, target="staging"), "apply")
            await asyncio.sleep(FAST.ack_wait_s + 1)
            answers = [r for r in await all_results(client) if r["job_id"] == "ender"]
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
        await admin.close()
    assert (result["status"], result["error"]["code"]) == ("failed", "connection_ended"), result["error"]
    assert "no outage" in result["error"]["message"]
    assert result["deliveries"] == 1 and len(answers) == 1


async def test_an_apply_of_files_in_no_layout_is_rejected_naming_them(
        client: Client, urls: ServiceUrls, tmp_path: Path, postgres_server_url: str) -> None:
    payload = {"20250101000000_create.sql": "SELECT 1;", "20250101000000_create_down.sql": "SELECT 1;",
               "cleanup.sql": "DROP TABLE lots;"}
    async with serving(urls, tmp_path / "log.md", apply_targets={"staging": postgres_server_url}):
        result = await _answer(client, "stray", _body("stray", "apply", payload, target="staging"), "apply")
    assert (result["status"], result["error"]["code"]) == ("rejected", "migration_layout"), result
    assert "cleanup.sql" in result["error"]["message"], result["error"]
    assert "/tmp/" not in result["error"]["message"], result["error"]  # the server's folders stay its own


async def test_a_job_cannot_raise_its_time_limit_past_the_servers(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "log.md", job_timeout_s=2):
        result = await _answer(client, "greedy", _verify_job("greedy", "SELECT pg_sleep(30);", timeout_s=86400),
                               "verify")
    assert (result["status"], result["error"]["code"]) == ("failed", "timeout")
    assert "within 2 s" in result["error"]["message"]
    assert result["duration_ms"] < 20_000


# ---------------------------------------------------------------- 9: a job id is answered once


async def test_a_reused_job_id_with_other_content_is_a_conflict_that_leaves_the_answer_alone(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    js = client.jetstream()
    async with serving(urls, tmp_path / "log.md"):
        conflicts = await js.subscribe(conflict_subject("shared-id"), stream=RESULTS, ordered_consumer=True)
        first = await _answer(client, "shared-id", _body("shared-id"))
        invalid = {"job_id": "shared-id", "kind": "lint", "requested_by": "mallory", "payload": ["not", "a", "map"]}
        await publish(client, json.dumps(invalid).encode(), "lint", msg_id="other-1")
        bad = json.loads((await conflicts.next_msg(timeout=60)).data)
        await publish(client, _body("shared-id", payload={"b.sql": "DROP TABLE lots;"}), "lint", msg_id="other-2")
        other = json.loads((await conflicts.next_msg(timeout=60)).data)
        await publish(client, _body("shared-id"), "lint", msg_id="same-again")
        again = (await results_of(client, "shared-id", count=2))[1]
        last = await _last_on(client, result_subject("shared-id"))
        waited = await wait_for_result(js, "shared-id", 5)
        listed = await _recent_results(js, 10)
    assert first["status"] == "succeeded"
    for conflict in (bad, other):
        assert (conflict["status"], conflict["error"]["code"]) == ("rejected", "job_id_conflict")
        assert conflict["job_id"] == "shared-id"
    assert bad["error"]["details"]["fault"] == "invalid_job"
    assert again == first and last == first and waited == first
    assert [(r["job_id"], r["status"]) for r in listed] == [("shared-id", "succeeded")] * 2  # status: answers only


async def test_a_rejected_job_does_not_hold_its_id_the_corrected_job_runs_under_it(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    """Answered once, by the first *valid* run: a schema refused at load is no run, so the same
    id with the schema corrected runs, and from then on holds the id."""
    refused_schema = {"parts.yaml": "version: 1\nentity: Part\ntable: parts\nproperties:\n  a:\n"
                                    "    type: integer\n    default: {sql: \"pg_read_file('/etc/passwd')::int\"}\n"}
    fixed_schema = {"parts.yaml": "version: 1\nentity: Part\ntable: parts\nproperties:\n  a: {type: integer}\n"}
    async with serving(urls, tmp_path / "log.md"):
        refused = await _answer(client, "fix-me", _body("fix-me", "generate", refused_schema, rows=20), "generate")
        await publish(client, _body("fix-me", "generate", fixed_schema, rows=20), "generate", msg_id="fix-me-2")
        fixed = (await results_of(client, "fix-me", count=2, timeout=120))[1]
        await publish(client, _body("fix-me", "generate", refused_schema, rows=20), "generate", msg_id="fix-me-3")
        conflict = json.loads((await (await client.jetstream().subscribe(
            conflict_subject("fix-me"), stream=RESULTS, ordered_consumer=True)).next_msg(timeout=60)).data)
        last = await _last_on(client, result_subject("fix-me"))
    assert (refused["status"], refused["error"]["code"]) == ("rejected", "invalid_schema")
    assert fixed["status"] == "succeeded", fixed["error"]
    assert conflict["error"]["code"] == "job_id_conflict"
    assert last == fixed


async def test_submit_wait_for_a_conflicting_job_gets_the_conflict_not_the_other_jobs_answer(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "log.md"):
        first = await _answer(client, "taken", _body("taken"))
        await asyncio.sleep(FAST.duplicate_window_s + 0.5)
        other = Job.model_validate(json.loads(_body("taken", payload={"c.sql": "SELECT 2;"})))
        answer = await _publish_and_wait(client, other, 60)
        same = await _publish_and_wait(client, Job.model_validate(json.loads(_body("taken"))), 60)
    assert first["status"] == "succeeded"
    assert answer["error"]["code"] == "job_id_conflict"
    assert same == first


# ---------------------------------------------------------------- 7, 13: answers that must come


async def test_a_result_the_store_refuses_is_retried_then_answered_minimal(
        client: Client, urls: ServiceUrls, tmp_path: Path, fresh_database_url: str) -> None:
    log = tmp_path / "log.md"
    async with serving(urls, log):
        # A real refusal by PostgreSQL of exactly this job's result (as jsonb refused a NUL).
        connection = await asyncpg.connect(fresh_database_url)
        await connection.execute("""
            CREATE FUNCTION agent_memory.refuse_result() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.key = 'unstorable' AND NEW.content ->> 'state' = 'done' THEN
                    RAISE EXCEPTION 'refused by the test';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_result BEFORE INSERT OR UPDATE ON agent_memory.memories
                FOR EACH ROW EXECUTE FUNCTION agent_memory.refuse_result();""")
        await connection.close()
        result = await _answer(client, "unstorable", _body("unstorable"))
        await asyncio.sleep(FAST.ack_wait_s + 1)
        answers = [r for r in await all_results(client) if r["job_id"] == "unstorable"]
    assert (result["status"], result["error"]["code"]) == ("failed", "result_not_stored")
    assert "refused by the test" in result["error"]["message"]
    assert len(answers) == 1
    assert "job unstorable (lint) failed" in log.read_text()


def test_an_outage_is_retried_for_minutes_by_default() -> None:
    default = BusSettings()
    assert default.outage_tolerance_s >= 300
    assert default.outage_spent(default.outage_deliveries()) >= default.outage_tolerance_s
    assert max(default.outage_delay(n) for n in range(1, 40)) == default.outage_step_cap_s
    assert default.consumer().max_deliver == default.max_deliver + default.outage_deliveries()


async def test_a_dead_letter_does_not_stick_the_same_id_runs_again(
        client: Client, nats_server: NatsServer, fresh_database_url: str, postgres_server_url: str,
        tmp_path: Path) -> None:
    down = ServiceUrls(nats_server.url, fresh_database_url, "postgresql://nobody@127.0.0.1:9/postgres")
    bodies = {job_id: _verify_job(job_id, "CREATE TABLE revived (id int);", "DROP TABLE revived;", rows=10)
              for job_id in ("revived", "revived-nowait")}
    async with serving(down, tmp_path / "log.md"):
        dead = [await _answer(client, job_id, body, "verify") for job_id, body in bodies.items()]
    up = ServiceUrls(nats_server.url, fresh_database_url, postgres_server_url)
    jobs = {job_id: Job.model_validate(json.loads(body)) for job_id, body in bodies.items()}
    async with serving(up, tmp_path / "log.md"):
        # Inside the duplicate window the stream drops the same id; submit publishes it again.
        waited = await _publish_and_wait(client, jobs["revived"], 90)
        await _submit(nats_server.url, jobs["revived-nowait"], False, 10)
        answers = await results_of(client, "revived-nowait", count=2, timeout=90)
    for result in dead:
        assert (result["status"], result["error"]["code"]) == ("dead_lettered", "server_unavailable")
        assert result["deliveries"] == FAST.outage_deliveries()
    assert waited["status"] == "succeeded", waited["error"]
    assert answers[1]["status"] == "succeeded", answers[1]["error"]


async def test_a_postgres_outage_of_seconds_mid_job_is_waited_out(
        client: Client, nats_server: NatsServer, tmp_path: Path) -> None:
    directory = Path(tempfile.mkdtemp(prefix="agent-pg-outage-"))
    directory.chmod(0o755)
    (info,) = embedded.start(directory, (embedded.POSTGRES,), durable=False)
    urls = ServiceUrls(nats_server.url, info.url, info.url)
    patient = BusSettings(ack_wait_s=3, max_deliver=4, duplicate_window_s=2)  # the default tolerance
    try:
        async with serving(urls, tmp_path / "log.md", bus=patient):
            await publish(client, job("outage", rows=5_000), msg_id="outage")
            await claim_owner(info.url, "outage")
            await asyncio.to_thread(embedded.stop, directory)
            await asyncio.sleep(12)
            await asyncio.to_thread(embedded.start, directory, (embedded.POSTGRES,), durable=False)
            (result,) = await results_of(client, "outage", timeout=180)
    finally:
        embedded.stop(directory)
        shutil.rmtree(directory, ignore_errors=True)
    assert result["status"] == "succeeded", result["error"]
    assert result["deliveries"] > patient.max_deliver


# ---------------------------------------------------------------- units of the same rules


def test_log_lines_are_inert_markdown(tmp_path: Path) -> None:
    from agent.activity_log import append_entry

    path = tmp_path / "log.md"
    append_entry("job x\n## forged", ["by ops\n## 2026 job y (apply) succeeded", "```", "# heading", "1. list",
                                      "> quote", "nul\u0000here"], path)
    lines = path.read_text().splitlines()
    assert [line for line in lines if line.startswith("#")] == [lines[0]]
    assert re.fullmatch(r"## \S+ \S+ UTC job x\\n## forged", lines[0])
    assert lines[2:8] == ["- by ops\\n## 2026 job y (apply) succeeded", "- \\```", "- \\# heading", "- 1\\. list",
                          "- \\> quote", "- nul\\x00here"]


# ---------------------------------------------------------------- 12: restarts keep their address


def _kill(info: embedded.ServerInfo) -> None:
    os.kill(info.pid, signal.SIGKILL)
    for _ in range(200):
        if not embedded._pid_alive(info.pid):
            return
        time.sleep(0.05)
    raise AssertionError("nats-server outlived kill -9")


async def _bind_when_free(sock: socket.socket, port: int) -> None:
    """A killed server's threads let go of its port a moment after its pid looks dead."""
    for _ in range(100):
        try:
            sock.bind(("127.0.0.1", port))
            return
        except OSError:
            await asyncio.sleep(0.05)
    raise AssertionError(f"port {port} stayed taken")


@pytest.fixture
def nats_home() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="agent-nats-restart-"))
    yield directory
    embedded.stop(directory)
    shutil.rmtree(directory, ignore_errors=True)


def test_embedded_nats_killed_comes_back_on_the_port_it_had(nats_home: Path) -> None:
    (first,) = embedded.start(nats_home, (embedded.NATS,))
    _kill(first)
    (again,) = embedded.start(nats_home, (embedded.NATS,))
    assert again.pid != first.pid and again.url == first.url
    assert embedded.recorded_nats_url(nats_home) == first.url


def test_embedded_postgres_killed_comes_back_on_the_port_it_had() -> None:
    directory = Path(tempfile.mkdtemp(prefix="agent-pg-kill-"))
    directory.chmod(0o755)
    try:
        (first,) = embedded.start(directory, (embedded.POSTGRES,), durable=False)
        _kill(first)  # its lock files stay, naming a pid that is gone (or a zombie nothing reaps)
        (again,) = embedded.start(directory, (embedded.POSTGRES,), durable=False)
        assert again.pid != first.pid and again.url == first.url
    finally:
        embedded.stop(directory)
        shutil.rmtree(directory, ignore_errors=True)


async def test_the_agent_follows_nats_to_a_new_port_when_its_own_was_taken(
        nats_home: Path, fresh_database_url: str, postgres_server_url: str, tmp_path: Path) -> None:
    (first,) = await asyncio.to_thread(embedded.start, nats_home, (embedded.NATS,))
    urls = ServiceUrls(first.url, fresh_database_url, postgres_server_url, nats_data_dir=nats_home)
    async with serving(urls, tmp_path / "log.md"):
        client = await nats.connect(first.url)
        assert (await _answer(client, "before", _body("before")))["status"] == "succeeded"
        await client.close()
        await asyncio.to_thread(_kill, first)
        with socket.socket() as squatter:  # something else took the port meanwhile
            squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            await _bind_when_free(squatter, int(first.url.rsplit(":", 1)[1]))
            squatter.listen()
            (moved,) = await asyncio.to_thread(embedded.start, nats_home, (embedded.NATS,))
            assert moved.url != first.url
            client = await nats.connect(moved.url)
            try:
                after = await _answer(client, "after", _body("after"), timeout=60)
            finally:
                await client.close()
    assert after["status"] == "succeeded"


# ---------------------------------------------------------------- dead letters of jobs never answered


async def _never_answered(client: Client, memory: SharedStore, job_id: str, bus: BusSettings) -> dict[str, Any]:
    """A worker that takes the job and never answers, until JetStream gives up; the advisory is answered."""
    js = client.jetstream()
    await ensure_bus(js, bus)
    watch = await watch_dead_letters(client, js, memory)
    subscription = await js.pull_subscribe(JOB_SUBJECTS, durable=CONSUMER, stream=ASSIGNMENTS)
    try:
        await publish(client, _body(job_id), "lint", msg_id=f"{job_id}-{time.monotonic_ns()}")
        for _ in range(bus.consumer().max_deliver):
            await subscription.fetch(1, timeout=10)  # taken, never acknowledged
        with contextlib.suppress(nats.errors.TimeoutError):  # JetStream gives up on a pull that waits
            await subscription.fetch(1, timeout=bus.ack_wait_s * 3)
        (result,) = await results_of(client, job_id, timeout=30)
        return result
    finally:
        await subscription.unsubscribe()
        await watch.unsubscribe()


async def test_a_job_never_answered_is_dead_lettered_and_a_stored_answer_is_never_replaced(
        client: Client, fresh_database_url: str) -> None:
    bus = BusSettings(ack_wait_s=1, max_deliver=2, duplicate_window_s=1, outage_tolerance_s=0)
    memory = SharedStore(fresh_database_url)
    try:
        dead = await _never_answered(client, memory, "abandoned", bus)
        async with memory.use() as store:
            answered = {"job_id": "kept", "status": "succeeded", "summary": "the first run's answer"}
            await finish_job(store, AGENT, "kept", answered, [])
        kept = await _never_answered(client, memory, "kept", bus)
        async with memory.use() as store:
            claim = await claim_job(store, AGENT, "abandoned", "another-agent", dt.timedelta(seconds=60), "body")
            still = await job_result(store, AGENT, "kept")
    finally:
        await memory.close()
    assert (dead["status"], dead["error"]["code"]) == ("dead_lettered", "max_deliveries")
    assert dead["deliveries"] == bus.consumer().max_deliver
    assert kept == answered and still == answered
    assert claim.taken  # a dead letter does not hold the id: the job may run again
