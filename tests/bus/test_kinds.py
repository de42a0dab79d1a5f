"""Every job kind through the bus, answered by the same handlers the CLI uses."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from nats.aio.client import Client

from agent.bus.contract import ARTIFACTS_BUCKET, BusSettings
from agent.catalog import read_catalog, table_fingerprints
from agent.service import ServiceUrls
from tests.bus.conftest import results_of, serving
from tests.bus.jobs import REPO, example_schemas, job, publish

pytestmark = pytest.mark.integration
EVOLUTION = REPO / "tests" / "diff" / "evolution"


def _folder(path: Path, prefix: str = "") -> dict[str, str]:
    return {f"{prefix}{p.name}": p.read_text() for p in sorted(path.glob("*.yaml"))}


async def _run(client: Client, job_id: str, kind: str, payload: dict[str, str], **options: Any) -> dict[str, Any]:
    await publish(client, job(job_id, kind=kind, payload=payload, **options), kind, msg_id=job_id)
    (result,) = await results_of(client, job_id, timeout=120)
    return result


async def test_diff_from_old_files_and_from_memory_give_the_same_migrations(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    v1, v2 = _folder(EVOLUTION / "v1"), _folder(EVOLUTION / "v2")
    async with serving(urls, tmp_path / "log.md"):
        explicit = await _run(client, "diff-files", "diff", {**v2, **_folder(EVOLUTION / "v1", "old/")},
                              allow_destructive=True, rows=100)
        recorded = await _run(client, "gen-v1", "generate", v1, rows=100)
        remembered = await _run(client, "diff-memory", "diff", v2, allow_destructive=True, rows=100)
    assert recorded["status"] == "succeeded"
    assert explicit["status"] == "succeeded", explicit["error"]
    assert explicit["verification"]["passed"] and explicit["breaking"]
    assert remembered["artifacts"] == explicit["artifacts"]
    assert any("contract" in name for name in explicit["artifacts"])


async def test_a_diff_with_no_old_schema_anywhere_is_rejected(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "log.md"):
        result = await _run(client, "diff-nothing", "diff", _folder(EVOLUTION / "v2"))
    assert (result["status"], result["error"]["code"]) == ("rejected", "no_old_schema")


async def test_verify_codegen_and_apply_jobs(client: Client, urls: ServiceUrls, tmp_path: Path,
                                            postgres_server_url: str) -> None:
    target = "bus_apply_target"
    admin = await asyncpg.connect(postgres_server_url)
    await admin.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
    await admin.execute(f"CREATE DATABASE {target}")
    target_url = postgres_server_url.rsplit("/", 1)[0] + f"/{target}"
    try:
        async with serving(urls, tmp_path / "log.md", apply_targets={"staging": target_url}):
            made = await _run(client, "made", "generate", example_schemas(), verify=False)
            migrations = {k: v for k, v in made["artifacts"].items() if k.endswith(".sql")}
            verified = await _run(client, "verified", "verify", {**migrations, **example_schemas()}, rows=100)
            code = await _run(client, "code", "codegen", example_schemas(), targets=["ts", "prisma", "zod"])
            snapshot = {"schema.snapshot.json": made["artifacts"]["schema.snapshot.json"]}
            applied = await _run(client, "applied", "apply", {**migrations, **snapshot}, target="staging")
            refused = await _run(client, "no-target", "apply", migrations)
            unknown = await _run(client, "unknown-target", "apply", migrations, target="production")
        connection = await asyncpg.connect(target_url)
        tables = {r["tablename"] for r in await connection.fetch("SELECT tablename FROM pg_tables "
                                                                  "WHERE schemaname = 'public'")}
        fingerprints = table_fingerprints(await read_catalog(connection))
        await connection.close()
        remembered = await _remembered_fingerprints(urls.postgres)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
        await admin.close()
    assert made["verification"] is None and made["status"] == "succeeded"
    assert verified["status"] == "succeeded" and verified["verification"]["passed"]
    assert "ts/lots.ts" in code["artifacts"] or any(k.startswith("ts/") for k in code["artifacts"])
    assert "zod/lot.ts" in code["artifacts"] and "prisma/prisma.config.ts" in code["artifacts"]
    assert any(k.startswith("prisma/") for k in code["artifacts"])
    assert applied["status"] == "succeeded" and "applied 2 migration(s)" in applied["summary"]
    assert {"lots", "storage_locations", "agent_schema_migrations"} <= tables
    assert (refused["status"], refused["error"]["code"]) == ("rejected", "no_target")
    assert (unknown["status"], unknown["error"]["code"]) == ("rejected", "unknown_target")
    assert "known: staging" in unknown["error"]["message"] and target_url not in json.dumps(unknown)
    # memory: the applied tables' fingerprints in long, each applied file in medium
    assert remembered["long"] == {t: fingerprints[t] for t in ("lots", "storage_locations")}
    assert sorted(remembered["medium"]) == sorted(f"{name}" for name in migrations if not name.endswith("_down.sql"))


async def _remembered_fingerprints(memory_url: str) -> dict[str, Any]:
    connection = await asyncpg.connect(memory_url)
    try:
        long = await connection.fetch("SELECT key, content ->> 'fingerprint' AS f FROM agent_memory.memories "
                                      "WHERE tier = 'long' AND kind = 'table_schema'")
        medium = await connection.fetch("SELECT key FROM agent_memory.memories WHERE kind = 'applied'")
    finally:
        await connection.close()
    return {"long": {r["key"]: r["f"] for r in long}, "medium": [r["key"].rsplit("/", 1)[-1] for r in medium]}


async def test_large_artifacts_go_to_the_object_store(client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    small = BusSettings(ack_wait_s=3, max_deliver=4, duplicate_window_s=2, inline_artifact_bytes=2000)
    async with serving(urls, tmp_path / "log.md", bus=small):
        result = await _run(client, "big", "generate", example_schemas(), verify=False)
    assert result["artifacts"] == {} and result["artifacts_object"] == "big/artifacts.json"
    store = await client.jetstream().object_store(ARTIFACTS_BUCKET)
    artifacts = json.loads((await store.get("big/artifacts.json")).data or b"{}")
    assert "20251205103001_create_lots.sql" in artifacts


async def test_a_job_over_its_time_limit_fails_with_timeout(client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    async with serving(urls, tmp_path / "log.md"):
        result = await _run(client, "slow", "generate", example_schemas(), rows=100_000, timeout_s=0.2)
        after = await _run(client, "quick", "lint", {"a.sql": "SELECT 1;"})
    assert (result["status"], result["error"]["code"]) == ("failed", "timeout")
    assert after["status"] == "succeeded"


async def test_a_migration_that_fails_verification_is_answered_failed_and_not_sent_for_review(
        client: Client, urls: ServiceUrls, tmp_path: Path) -> None:
    import nats.errors

    from agent.bus.contract import review_subject
    from tests.verify.test_pipeline import LEAKY

    async with serving(urls, tmp_path / "log.md"):
        review = await client.jetstream().subscribe(review_subject("leaky"), ordered_consumer=True)
        result = await _run(client, "leaky", "generate", {"notes.yaml": LEAKY})
        with pytest.raises(nats.errors.TimeoutError):
            await review.next_msg(timeout=2)
    assert (result["status"], result["error"]["code"]) == ("failed", "verification_failed")
    assert "notes_read_public" in result["error"]["message"]
    assert any("permissive" in w for w in result["warnings"])
