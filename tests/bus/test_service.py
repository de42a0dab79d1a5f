"""The service against real NATS JetStream and PostgreSQL, in this process (issue 10)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import asyncpg
import pytest
from nats.aio.client import Client

from agent.bus.contract import ASSIGNMENTS, review_subject
from agent.service import ServiceUrls
from tests.bus.conftest import FAST, all_results, results_of, serving
from tests.bus.jobs import example_schemas, job, publish
from tests.bus.servers import NatsServer

pytestmark = pytest.mark.integration


async def test_a_generate_job_succeeds_with_migrations_report_review_and_log_entry(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    log = tmp_path / "activity.md"
    js = client.jetstream()
    async with serving(urls, log):
        review = await js.subscribe(review_subject("gen-1"), ordered_consumer=True)
        assert await publish(client, job("gen-1"), msg_id="gen-1")
        (result,) = await results_of(client, "gen-1")
        request = json.loads((await review.next_msg(timeout=30)).data)
    assert result["status"] == "succeeded", result["error"]
    assert sorted(result["artifacts"]) == [
        "20251205103000_create_storage_locations.sql", "20251205103000_create_storage_locations_down.sql",
        "20251205103001_create_lots.sql", "20251205103001_create_lots_down.sql", "schema.snapshot.json"]
    assert result["verification"]["passed"] is True
    assert "migrate down --steps 2" in result["rollback"]
    assert request["migrations"] == ["20251205103000_create_storage_locations.sql",
                                     "20251205103001_create_lots.sql"]
    assert request["verification_passed"] is True and request["rollback"] == result["rollback"]
    entry = log.read_text()
    assert "## " in entry and "job gen-1 (generate) succeeded" in entry
    assert "RLS enabled and forced" in entry and "results.database-migration.gen-1" in entry


async def test_a_job_id_published_twice_runs_once_and_answers_twice(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    log = tmp_path / "activity.md"
    async with serving(urls, log):
        assert await publish(client, job("twice"), msg_id="twice")
        assert not await publish(client, job("twice"), msg_id="twice")  # inside the duplicate window: dropped
        (first,) = await results_of(client, "twice")
        await asyncio.sleep(FAST.duplicate_window_s + 0.5)
        assert await publish(client, job("twice"), msg_id="twice")  # beyond it: the agent's memory answers
        answers = await results_of(client, "twice", count=2)
    assert answers[0] == answers[1] == first
    assert first["status"] == "succeeded"
    assert log.read_text().count("job twice (generate)") == 1


def _malformed() -> list[tuple[bytes, str]]:
    """200 broken messages and the fault each result must name."""
    import random

    rng = random.Random(7)
    cases: list[tuple[bytes, str]] = []
    cases += [(bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200))), "not_json") for _ in range(40)]
    whole = job("x-trunc").decode()
    cases += [(whole[: rng.randrange(1, len(whole) - 1)].encode(), "not_json") for _ in range(40)]
    wrong = [{"job_id": 5}, {"job_id": "w", "kind": 7, "requested_by": "t"},
             {"job_id": "w", "kind": "generate", "requested_by": "t", "payload": ["a"]},
             {"job_id": "w", "kind": "generate", "requested_by": "t", "options": {"rows": -1}}]
    cases += [(json.dumps({**wrong[i % 4], "job_id": f"wrong-{i}"} if i % 4 else wrong[0]).encode(),
               "invalid_job" if i % 4 != 1 else "unknown_kind") for i in range(40)]
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    cases += [(job(f"bomb-{i}", payload={"lots.yaml": bomb}), "invalid_schema") for i in range(20)]
    big = "x" * (5 * 1024 * 1024)
    cases += [(job(f"huge-{i}", payload={"lots.yaml": big}), "oversize") for i in range(5)]
    cases += [(json.dumps([1, 2]).encode(), "not_an_object") for _ in range(5)]
    cases += [(job(f"inject-{i}", payload=_injected(i)), "invalid_schema") for i in range(50)]
    return cases


ATTACKS = ["x; DROP TABLE canary; --", "x') ; DROP TABLE canary; --", "1); DROP TABLE canary; SELECT (1",
           'canary"; DROP TABLE canary; --', "now()); DROP TABLE canary; --"]
# Every identifier and expression field of lots.yaml, as (text in the file, text with the attack).
FIELDS = [
    ("table: lots", "table: {}"),
    ("primary_key: lot_id", "primary_key: {}"),
    ("  lot_number:\n", "  {}:\n"),
    ("    check: expiration_date IS NULL OR manufactured_date IS NULL OR expiration_date >= manufactured_date",
     "    check: {}"),
    ("where: is_active = true", "where: {}"),
    ("name: idx_lots_active", "name: {}"),
    ("name: lots_shelf_life_check", "name: {}"),
    ("default: {sql: now()}", "default: {{sql: {}}}"),
    ("      table: storage_locations", "      table: {}"),
    ("columns: [expiration_date]", "columns: [{}]"),
]


IDENTIFIER_FIELDS = frozenset({0, 1, 2, 5, 6})


def _must_refuse(i: int) -> bool:
    """Expressions that are not SQL, names of tables and columns that do not exist, and names
    with a double quote are refused; other names PostgreSQL allows are kept, quoted."""
    return i // 5 % len(FIELDS) not in IDENTIFIER_FIELDS or '"' in ATTACKS[i % 5]


def _injected(i: int) -> dict[str, str]:
    schemas = example_schemas()
    original, attacked = FIELDS[i // 5 % len(FIELDS)]
    assert original in schemas["lots.yaml"]
    text = schemas["lots.yaml"].replace(original, attacked.format(json.dumps(ATTACKS[i % 5])), 1)
    return {**schemas, "lots.yaml": text}


async def test_malformed_messages_are_rejected_by_name_and_the_agent_keeps_serving(
        client: Client, urls: ServiceUrls, tmp_path: Path, fresh_database_url: str) -> None:
    canary = await asyncpg.connect(fresh_database_url)
    await canary.execute("CREATE TABLE canary (id int)")
    cases = _malformed()
    assert len(cases) == 200
    async with serving(urls, tmp_path / "activity.md", concurrency=4):
        for data, _ in cases:
            await publish(client, data, msg_id=None)
        await publish(client, job("after-the-storm"), msg_id="after-the-storm")
        (after,) = await results_of(client, "after-the-storm", timeout=120)
        results = await all_results(client)
    assert after["status"] == "succeeded"
    by_id = {r["job_id"]: r for r in results}
    injected = {f"inject-{i}": _must_refuse(i) for i in range(50)}
    rejected = [r for r in results if r["status"] == "rejected" and r["job_id"] not in injected]
    assert sorted(r["error"]["code"] for r in rejected) == sorted(code for _, code in cases[:150])
    assert all(r["error"]["message"] for r in rejected)
    for job_id, refused in injected.items():
        outcome = by_id[job_id]
        if refused:
            assert (outcome["status"], outcome["error"]["code"]) == ("rejected", "invalid_schema"), job_id
        else:  # a name PostgreSQL allows, quoted everywhere, so the job verifies with it
            assert outcome["status"] == "succeeded", (job_id, outcome.get("error"))
    assert await canary.fetchval("SELECT to_regclass('canary') IS NOT NULL")
    await canary.close()
    assert await _messages_left(client) == 0  # every message was terminated or acknowledged


async def test_a_job_whose_server_stays_down_is_dead_lettered(
        client: Client, nats_server: NatsServer, fresh_database_url: str, tmp_path: Path) -> None:
    unreachable = "postgresql://nobody@127.0.0.1:9/postgres"
    urls = ServiceUrls(nats_server.url, fresh_database_url, unreachable)
    async with serving(urls, tmp_path / "activity.md"):
        await publish(client, job("doomed"), msg_id="doomed")
        (result,) = await results_of(client, "doomed", timeout=90)
        left = await _messages_left(client)
    assert result["status"] == "dead_lettered"
    assert result["error"]["code"] == "server_unavailable" and result["deliveries"] == FAST.outage_deliveries()
    assert left == 0


async def _messages_left(client: Client, settle_s: float = 5) -> int:
    """Messages still in the work queue once it has settled (the answer comes just before the delete)."""
    for _ in range(int(settle_s / 0.1)):
        left = (await client.jetstream().stream_info(ASSIGNMENTS)).state.messages
        if left == 0:
            break
        await asyncio.sleep(0.1)
    return int(left)


async def test_the_agent_reconnects_after_nats_restarts(
        client: Client, nats_server: NatsServer, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "activity.md"):
        await publish(client, job("before-restart", kind="lint", payload={"a.sql": "SELECT 1;"}), "lint")
        assert (await results_of(client, "before-restart"))[0]["status"] == "succeeded"
        nats_server.stop()
        await asyncio.sleep(1)
        nats_server.start()
        await asyncio.sleep(2)
        await publish(client, job("after-restart", kind="lint", payload={"a.sql": "SELECT 1;"}), "lint")
        (result,) = await results_of(client, "after-restart", timeout=60)
    assert result["status"] == "succeeded"
