"""The job ledger: one run per job id across agents, leases that expire, answers that stay."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from agent.memory import MemoryStore, connect_store
from agent.memory.job_ledger import claim_job, finish_job, job_result, release_job, renew_lease
from tests.memory.conftest import AGENT, Clock

pytestmark = pytest.mark.integration
LEASE = dt.timedelta(seconds=30)
BODY = "sha256:job-body"


async def test_agents_claiming_one_job_at_once_give_it_to_exactly_one(
        fresh_database_url: str, clock: Clock) -> None:
    stores = [await connect_store(fresh_database_url, clock) for _ in range(4)]
    try:
        claims = await asyncio.gather(*(claim_job(s, AGENT, "j1", f"agent-{i}", LEASE, BODY)
                                        for i, s in enumerate(stores)))
    finally:
        for opened in stores:
            await opened.close()
    assert sum(c.taken for c in claims) == 1
    assert all(c.busy_until == clock.now + LEASE for c in claims if not c.taken)


async def test_a_live_lease_blocks_others_and_an_expired_one_is_taken_over(store: MemoryStore, clock: Clock) -> None:
    assert (await claim_job(store, AGENT, "j2", "a", LEASE, BODY)).taken
    assert not (await claim_job(store, AGENT, "j2", "b", LEASE, BODY)).taken
    clock.advance(seconds=20)
    assert await renew_lease(store, AGENT, "j2", "a", LEASE)
    clock.advance(seconds=20)
    assert not (await claim_job(store, AGENT, "j2", "b", LEASE, BODY)).taken  # renewed: still a's
    clock.advance(seconds=31)
    assert (await claim_job(store, AGENT, "j2", "b", LEASE, BODY)).taken
    assert not await renew_lease(store, AGENT, "j2", "a", LEASE)  # a lost it


async def test_a_released_job_is_free_at_once_and_a_worker_may_retake_its_own(store: MemoryStore) -> None:
    assert (await claim_job(store, AGENT, "j3", "a", LEASE, BODY)).taken
    assert (await claim_job(store, AGENT, "j3", "a", LEASE, BODY)).taken
    await release_job(store, AGENT, "j3", "a")
    assert (await claim_job(store, AGENT, "j3", "b", LEASE, BODY)).taken


async def test_a_finished_job_answers_every_later_claim_with_its_result(store: MemoryStore, clock: Clock) -> None:
    assert (await claim_job(store, AGENT, "j4", "a", LEASE, BODY)).taken
    await finish_job(store, AGENT, "j4", {"job_id": "j4", "status": "succeeded", "n": 1.5}, [])
    clock.advance(days=400)
    again = await claim_job(store, AGENT, "j4", "b", LEASE, BODY)
    assert not again.taken and again.result == {"job_id": "j4", "status": "succeeded", "n": 1.5}
    assert await job_result(store, AGENT, "j4") == again.result
    assert await job_result(store, AGENT, "unknown") is None


async def test_a_rejected_or_dead_lettered_answer_lets_the_id_be_claimed_again(store: MemoryStore) -> None:
    for status in ("rejected", "dead_lettered"):
        assert (await claim_job(store, AGENT, status, "a", LEASE, BODY)).taken
        await finish_job(store, AGENT, status, {"job_id": status, "status": status}, [], BODY)
        assert (await claim_job(store, AGENT, status, "b", LEASE, "sha256:corrected")).taken
        await finish_job(store, AGENT, status, {"job_id": status, "status": "succeeded"}, [], "sha256:corrected")
        other = await claim_job(store, AGENT, status, "c", LEASE, BODY)
        assert not other.taken and other.conflict and other.result == {"job_id": status, "status": "succeeded"}
