"""Memory changes what the agent does: the remembered schema is the default "old", and a
migration that failed verification before is flagged when it is planned again."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from agent.jobs.generate import generate_migrations
from agent.memory import MemoryStore, connect_store
from agent.memory.knowledge import compost_warnings, record_failure, record_success, schema_from_memory
from agent.schema import load_schema_dir
from agent.schema.tables import Schema

pytestmark = pytest.mark.integration
AGENT = "database-migration"
EVOLUTION = Path(__file__).resolve().parents[1] / "diff" / "evolution"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest_asyncio.fixture(loop_scope="session")
async def store(fresh_database_url: str) -> AsyncIterator[MemoryStore]:
    opened = await connect_store(fresh_database_url)
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_diff_naming_only_v2_uses_the_remembered_v1(store: MemoryStore) -> None:
    v1, v2 = load_schema_dir(EVOLUTION / "v1"), load_schema_dir(EVOLUTION / "v2")
    assert await schema_from_memory(store, AGENT) is None
    created = generate_migrations(v1, Schema(), NOW, [])
    await record_success(store, AGENT, v1.schema, created.migrations)
    remembered = await schema_from_memory(store, AGENT)
    assert remembered == v1.schema
    from_memory = generate_migrations(v2, remembered, NOW, [], allow_changes=True, allow_destructive=True)
    explicit = generate_migrations(v2, v1.schema, NOW, [], allow_changes=True, allow_destructive=True)
    assert from_memory.files() == explicit.files()
    changes = await store.recall(AGENT, tiers=["medium"], about=["lots"])
    assert [(m.key, m.about) for m in changes] == [
        ("20260101000001_create_lots.sql", ["lots"]),
        ("20260101000000_create_storage_locations.sql", ["storage_locations"]),
    ]


async def test_a_failed_migration_is_composted_and_flagged_next_time(store: MemoryStore) -> None:
    v1 = load_schema_dir(EVOLUTION / "v1")
    first = generate_migrations(v1, Schema(), NOW, []).migrations[0]
    assert await compost_warnings(store, AGENT, v1.schema, [first]) == []
    await record_failure(store, AGENT, v1.schema, first, ["lots: policy lots_tenant_isolation has no WITH CHECK"])
    again = generate_migrations(v1, Schema(), NOW + dt.timedelta(days=3), ["20991231000000"]).migrations[0]
    assert again.up_name != first.up_name
    (warning,) = await compost_warnings(store, AGENT, v1.schema, [again])
    assert warning.startswith(f"{again.up_name}: the same migration failed verification on ")
    assert warning.endswith(f"({first.up_name}): lots: policy lots_tenant_isolation has no WITH CHECK")


async def test_a_failure_warns_only_a_plan_of_the_same_change_from_the_same_schema(store: MemoryStore) -> None:
    """The same migration under another schema (here lots changed, storage_locations did not) is
    another change: its sample data and checks differ, so the old failure says nothing about it."""
    v1, v2 = load_schema_dir(EVOLUTION / "v1"), load_schema_dir(EVOLUTION / "v2")
    under_v1 = generate_migrations(v1, Schema(), NOW, []).migrations[0]
    under_v2 = generate_migrations(v2, Schema(), NOW, []).migrations[0]
    assert under_v1.up_name.endswith("create_storage_locations.sql") and under_v1.up_sql == under_v2.up_sql
    await record_failure(store, AGENT, v1.schema, under_v1, ["lots: only 0 rows, not both tenants"])
    assert await compost_warnings(store, AGENT, v2.schema, [under_v2]) == []
    assert len(await compost_warnings(store, AGENT, v1.schema, [under_v1])) == 1


async def test_a_verified_run_remembers_each_tables_catalog_fingerprint(
        store: MemoryStore, postgres_server_url: str) -> None:
    from agent.jobs.generate import new_migrations, verify_migrations
    from agent.memory.knowledge import learn_from_verification

    v1 = load_schema_dir(EVOLUTION / "v1")
    created = generate_migrations(v1, Schema(), NOW, [])
    report = await verify_migrations(postgres_server_url, v1.schema, [], new_migrations(created), rows_per_table=20)
    assert report.passed and set(report.fingerprints) == {t.name for t in v1.schema.tables}
    await learn_from_verification(store, AGENT, v1.schema, created.migrations, report)
    long = {m.key: m.content["fingerprint"] for m in await store.entries(AGENT, "long") if m.kind == "table_schema"}
    assert long == report.fingerprints
    assert all(value.startswith("sha256:") for value in long.values())


async def test_a_failure_that_names_its_file_is_composted_for_that_file_alone(store: MemoryStore) -> None:
    from agent.memory.knowledge import learn_from_verification
    from agent.verify.report import Finding, StepReport, VerificationReport

    v1 = load_schema_dir(EVOLUTION / "v1")
    created = generate_migrations(v1, Schema(), NOW, [])
    first, second = created.migrations
    failed = VerificationReport(steps=[StepReport(name="apply", title="Apply", findings=[
        Finding(check="apply-up", passed=False, message=f"{second.up_name}: relation does not exist")])])
    await learn_from_verification(store, AGENT, v1.schema, created.migrations, failed)
    assert await compost_warnings(store, AGENT, v1.schema, [first]) == []
    assert len(await compost_warnings(store, AGENT, v1.schema, [second])) == 1


async def test_a_failure_no_core_lesson_names_becomes_a_core_lesson_once(store: MemoryStore) -> None:
    from agent.memory.knowledge import learn_from_verification
    from agent.verify.report import Finding, StepReport, VerificationReport

    v1 = load_schema_dir(EVOLUTION / "v1")
    created = generate_migrations(v1, Schema(), NOW, [])

    def failed(step: str, message: str) -> VerificationReport:
        return VerificationReport(steps=[StepReport(name=step, title=step.replace("_", " "), findings=[
            Finding(check=step, passed=False, table="lots", message=message)])])

    await learn_from_verification(store, AGENT, v1.schema, created.migrations, failed("rls", "rows leak"))
    await learn_from_verification(store, AGENT, v1.schema, created.migrations,
                                  failed("sample_data", "no row satisfies the checks"))
    await learn_from_verification(store, AGENT, v1.schema, created.migrations, failed("sample_data", "again"))
    core = {m.key: m.content for m in await store.entries(AGENT, "core")}
    assert list(core) == ["caught-by-sample_data"]  # rls is the RLS-gap lesson's already
    assert core["caught-by-sample_data"]["what_could_happen"] == "lots: no row satisfies the checks"
    assert core["caught-by-sample_data"]["verification_steps"] == ["sample_data"]
