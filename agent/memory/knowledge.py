"""What the agent learns from its work, and how it changes the next plan.

After a successful run: long holds each table's schema and fingerprint (the default "old"
of a diff), medium holds each migration made. After a failed verification: compost holds
the migration's signature and failures under the schema's fingerprint, and the same change
planned again (the same migration from the same schema) is flagged; a migration that only
looks alike under another schema is not: sample data and checks come from the whole schema.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Protocol

from agent.catalog.fingerprint import fingerprint
from agent.memory.lessons import learn_new_lessons
from agent.memory.store import MemoryStore, NewMemory
from agent.schema.tables import Schema, Table
from agent.verify.report import VerificationReport


class GeneratedMigration(Protocol):
    """What is remembered of a generated migration (see agent.jobs.generate)."""

    @property
    def up_name(self) -> str: ...
    @property
    def up_sql(self) -> str: ...
    @property
    def title(self) -> str: ...


__all__ = [
    "compost_warnings", "learn_from_verification", "record_applied", "record_failure", "record_success",
    "schema_from_memory",
    "signature",
]


def signature(migration: GeneratedMigration) -> str:
    """The migration's statements without its header (dates, names): same change, same signature."""
    body = migration.up_sql.split("\n\n", 1)[-1]
    return "sha256:" + hashlib.sha256(body.encode()).hexdigest()


def _compost_key(schema: Schema, migration: GeneratedMigration) -> str:
    """The same change: this migration planned from this schema."""
    return "sha256:" + hashlib.sha256(f"{fingerprint(schema)} {signature(migration)}".encode()).hexdigest()


def _tables_named(file_name: str, schema: Schema) -> list[str]:
    """The tables a migration is about, by its file name (`create_lots`, `expand_lots`...)."""
    stem = file_name.removesuffix(".sql").split("_", 1)[-1]
    return [t.name for t in schema.tables if stem.endswith(t.name) or f"_{t.name}_" in f"_{stem}_"]


async def record_success(store: MemoryStore, agent_name: str, schema: Schema,
                         migrations: Sequence[GeneratedMigration], fingerprints: Mapping[str, str] = {}) -> None:
    """Long: each table's schema and the fingerprint of its catalog; medium: each migration made."""
    await _record_schema(store, agent_name, schema, fingerprints)
    for migration in migrations:
        await store.remember(NewMemory(
            agent_name=agent_name, tier="medium", kind="migration", key=migration.up_name,
            content={"summary": migration.title, "signature": signature(migration)},
            about=_tables_named(migration.up_name, schema), importance=0.5))


async def record_applied(store: MemoryStore, agent_name: str, schema: Schema | None, database: str,
                         applied: Sequence[str], fingerprints: Mapping[str, str]) -> None:
    """After migrations were applied to a database: its tables' schema (when the migrations
    carried their snapshot) and fingerprints in long, each applied file in medium."""
    if schema is not None:
        await _record_schema(store, agent_name, schema, fingerprints)
    for name in applied:
        await store.remember(NewMemory(
            agent_name=agent_name, tier="medium", kind="applied", key=f"{database}/{name}",
            content={"summary": f"applied {name} to {database}"},
            about=_tables_named(name, schema) if schema else [], importance=0.5))


async def _record_schema(store: MemoryStore, agent_name: str, schema: Schema, fingerprints: Mapping[str, str]) -> None:
    for table in schema.tables:
        await store.remember(NewMemory(
            agent_name=agent_name, tier="long", kind="table_schema", key=table.name,
            content={"table": table.model_dump(mode="json"), "fingerprint": fingerprints.get(table.name)},
            about=[table.name], importance=0.7))
    settings = schema.model_dump(mode="json", exclude={"tables"})
    await store.remember(NewMemory(agent_name=agent_name, tier="long", kind="project", key="schema_settings",
                                   content=settings, importance=0.6))


async def schema_from_memory(store: MemoryStore, agent_name: str) -> Schema | None:
    """The schema the agent last recorded as applied, or None when it remembers none."""
    tables = await store.entries(agent_name, "long")
    settings = next((m.content for m in tables if m.kind == "project"), None)
    recorded = [Table.model_validate(m.content["table"]) for m in tables if m.kind == "table_schema"]
    if settings is None and not recorded:
        return None
    return Schema.model_validate({**(settings or {}), "tables": sorted(recorded, key=lambda t: t.name)})


async def record_failure(store: MemoryStore, agent_name: str, schema: Schema, migration: GeneratedMigration,
                         failures: Sequence[str]) -> None:
    await store.remember(NewMemory(
        agent_name=agent_name, tier="compost", kind="failed_approach", key=_compost_key(schema, migration),
        content={"migration": migration.up_name, "title": migration.title, "failures": list(failures)[:20],
                 "schema": fingerprint(schema)},
        about=[t.name for t in schema.tables], importance=0.8))


async def compost_warnings(store: MemoryStore, agent_name: str, schema: Schema,
                           migrations: Sequence[GeneratedMigration]) -> list[str]:
    known = {m.key: m for m in await store.entries(agent_name, "compost") if m.kind == "failed_approach"}
    warnings = []
    for migration in migrations:
        found = known.get(_compost_key(schema, migration))
        if found is not None:
            first = (found.content.get("failures") or ["(no detail)"])[0]
            warnings.append(f"{migration.up_name}: the same migration failed verification on "
                            f"{found.created_at:%Y-%m-%d} ({found.content.get('migration')}): {first}")
    return warnings


async def learn_from_verification(store: MemoryStore, agent_name: str, schema: Schema,
                                  migrations: Sequence[GeneratedMigration], report: VerificationReport) -> None:
    """A verified run is remembered: success in long and medium, failure in compost."""
    if report.passed:
        await record_success(store, agent_name, schema, migrations, report.fingerprints)
        return
    failures = [f"{f.table}: {f.message}" if f.table else f.message for s in report.steps for f in s.failures]
    named = [m for m in migrations if any(m.up_name.removesuffix(".sql") in failure for failure in failures)]
    for migration in named or migrations:  # the file a failure names, else every file of the run
        await record_failure(store, agent_name, schema, migration, failures)
    await learn_new_lessons(store, agent_name, report)
