"""Building schemas in tests: YAML text per file, loaded through the real loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.schema import LoadedSchema, load_schema_dir, load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText
from agent.verify.pipeline import run_pipeline
from agent.verify.report import VerificationReport

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "schemas"
NOW = dt.datetime(2025, 12, 5, 10, 30, tzinfo=dt.UTC)


def examples() -> LoadedSchema:
    return load_schema_dir(EXAMPLES)


def load(files: dict[str, str]) -> LoadedSchema:
    return load_schema_sources(files)


def generate(loaded: LoadedSchema, old: Schema | None = None) -> GenerateOutcome:
    return generate_migrations(loaded, old or Schema(), NOW, [])


def migration_texts(loaded: LoadedSchema) -> list[MigrationText]:
    """The migrations `generate` makes of the schema, as verification takes them."""
    return [MigrationText(m.up_name, m.up_sql, m.down_sql) for m in generate(loaded).migrations]


async def verified_report(url: str, loaded: LoadedSchema, rows: int = 20) -> VerificationReport:
    """Every verification step run on the schema's generated migrations."""
    return await run_pipeline(url, migration_texts(loaded), schema=loaded.schema, rows_per_table=rows)
