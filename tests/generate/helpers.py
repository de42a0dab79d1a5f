"""Building schemas in tests: YAML text per file, loaded through the real loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.schema import LoadedSchema, load_schema_dir, load_schema_sources
from agent.schema.tables import Schema

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "schemas"
NOW = dt.datetime(2025, 12, 5, 10, 30, tzinfo=dt.UTC)


def examples() -> LoadedSchema:
    return load_schema_dir(EXAMPLES)


def load(files: dict[str, str]) -> LoadedSchema:
    return load_schema_sources(files)


def generate(loaded: LoadedSchema, old: Schema | None = None) -> GenerateOutcome:
    return generate_migrations(loaded, old or Schema(), NOW, [])
