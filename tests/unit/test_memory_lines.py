"""`memory import` reads every line before it touches the store and names each bad one."""

from __future__ import annotations

import json

import pytest

from agent.memory.store import MemoryLinesError, read_memory_lines

GOOD = json.dumps({"agent_name": "a", "tier": "long", "kind": "note", "key": "k", "content": {},
                   "created_at": "2026-01-01T00:00:00+00:00", "updated_at": "2026-01-01T00:00:00+00:00"})


def test_good_lines_are_read_and_blank_ones_skipped() -> None:
    assert [r["key"] for r in read_memory_lines([GOOD, "", "  "])] == ["k"]


def test_every_bad_line_is_named_with_its_fault() -> None:
    lines = [GOOD, "not json", "[1]", json.dumps({"agent_name": "a"}), GOOD.replace('"long"', '"forever"'),
             GOOD.replace('"created_at": "2026-01-01T00:00:00+00:00", ', "")]
    with pytest.raises(MemoryLinesError) as raised:
        read_memory_lines(lines)
    assert str(raised.value).splitlines() == [
        "line 2: not JSON (Expecting value at column 1)",
        "line 3: not a JSON object",
        "line 4: tier: Field required; kind: Field required; key: Field required",
        "line 5: tier: Input should be 'core', 'long', 'medium', 'recent' or 'compost'",
        "line 6: created_at: required",
    ]
