"""examples -> generate -> apply -> import gives files equal in meaning to the examples."""

from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from agent.schema import LoadedSchema, load_schema_dir
from tests.generate.helpers import examples
from tests.importing.helpers import comparable, differences, round_trip

pytestmark = pytest.mark.integration


async def test_examples_round_trip(db: asyncpg.Connection) -> None:
    original = examples()
    imported, reloaded = await round_trip(db, original)
    assert imported.problems == []
    assert differences(comparable(reloaded.schema), comparable(original.schema)) == []
    for name, text in sorted(imported.texts.items()):
        print(f"--- {name}\n{text}")


RICH = Path(__file__).parent / "rich"


def rich() -> LoadedSchema:
    return load_schema_dir(RICH)


async def test_rich_schema_round_trip(db: asyncpg.Connection) -> None:
    original = rich()
    assert original.warnings == []
    imported, reloaded = await round_trip(db, original)
    for name, text in sorted(imported.texts.items()):
        print(f"--- {name}\n{text}")
    assert imported.problems == []
    assert differences(comparable(reloaded.schema), comparable(original.schema)) == []


async def test_importing_what_an_import_generates_gives_the_same_bytes(db: asyncpg.Connection) -> None:
    first, reloaded = await round_trip(db, rich())
    await db.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    second, _ = await round_trip(db, reloaded)
    assert second.texts == first.texts
