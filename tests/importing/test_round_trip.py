"""examples -> generate -> apply -> import gives files equal in meaning to the examples."""

from __future__ import annotations

import asyncpg
import pytest

from tests.generate.helpers import examples
from tests.importing.helpers import comparable, round_trip

pytestmark = pytest.mark.integration


async def test_examples_round_trip(db: asyncpg.Connection) -> None:
    original = examples()
    imported, reloaded = await round_trip(db, original)
    assert imported.problems == []
    assert comparable(reloaded.schema) == comparable(original.schema)
    for name, text in sorted(imported.texts.items()):
        print(f"--- {name}\n{text}")
