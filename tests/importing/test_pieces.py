"""The importer's pieces on their own, without a database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from agent.importing import OverwriteError, dump_yaml, write_files
from agent.importing.defaults import yaml_default
from agent.importing.entity import entity_name
from agent.importing.from_catalog import file_name
from agent.importing.sql_text import Simplifier
from agent.importing.types import property_type

COLUMNS = {"status": "character varying(10)", "qty": "numeric(14,3)", "priority": "integer",
           "owner_id": "uuid", "note": "text", "ratio": "double precision"}


@pytest.mark.parametrize(("stored", "written"), [
    ("status::text = ANY (ARRAY['A'::character varying, 'B'::character varying]::text[])",
     "status IN ('A', 'B')"),
    ("qty >= 0::numeric AND qty <= 100::numeric", "qty >= 0 AND qty <= 100"),
    ("priority >= '-10'::integer", "priority >= -10"),
    ("char_length(status::text) >= 3", "char_length(status) >= 3"),
    ("status::text ~ '^[A-Z]+$'::text", "status ~ '^[A-Z]+$'"),
    ("ratio >= 0.5::double precision", "ratio >= 0.5"),
])
def test_casts_postgresql_adds_are_removed(stored: str, written: str) -> None:
    assert Simplifier(COLUMNS).simplify(stored) == written


@pytest.mark.parametrize("stored", [
    "owner_id::text = 'a'::text",          # a uuid compared as text is not a uuid comparison
    "priority > 1.5::integer",             # the cast rounds
    "(5::numeric / 2::numeric) > qty",     # integer division without the casts
    "now() - '1 day'::interval > '2020-01-01'::date",
])
def test_casts_that_carry_meaning_are_kept(stored: str) -> None:
    simplified = Simplifier(COLUMNS).simplify(stored)
    assert simplified.count("CAST(") == stored.count("::")


@pytest.mark.parametrize(("format_type", "fields"), [
    ("character varying(20)", {"type": "string", "max_length": 20}),
    ("numeric(12,3)", {"type": "decimal", "precision": 12, "scale": 3}),
    ("numeric(12,0)", {"type": "decimal", "precision": 12}),
    ("numeric", {"type": "decimal"}),
    ("timestamp with time zone", {"type": "timestamp"}),
    ("time without time zone", {"type": "time"}),
    ("real", {"type": "float"}),
    ("double precision", {"type": "double"}),
    ("character varying(5)[]", {"type": "array", "items": {"type": "string", "max_length": 5}}),
    ("timestamp without time zone", {"type": "timestamp", "time_zone": False}),
    ("timestamp(3) without time zone", {"type": "timestamp", "precision": 3, "time_zone": False}),
    ("character(3)", {"type": "string", "max_length": 3, "fixed": True}),
    ("integer[][]", None),
    ("tstzrange", {"type": "custom", "sql_type": "tstzrange"}),
    ("ltree[]", {"type": "array", "items": {"type": "custom", "sql_type": "ltree"}}),
    ("time with time zone", {"type": "custom", "sql_type": "time with time zone"}),
    ("text[][]", None),
])
def test_types(format_type: str, fields: dict[str, Any] | None) -> None:
    assert property_type(format_type) == fields


@pytest.mark.parametrize(("prop", "stored", "default"), [
    ({"type": "decimal", "precision": 5, "scale": 2}, "0.0", 0.0),
    ({"type": "decimal"}, "0.10", {"sql": "0.10"}),
    ({"type": "integer"}, "'-5'::integer", -5),
    ({"type": "bigint"}, "'5000000000'::bigint", 5000000000),
    ({"type": "boolean"}, "true", True),
    ({"type": "enum", "values": ["A", "B"]}, "'B'::character varying", "B"),
    ({"type": "jsonb"}, "'{}'::jsonb", {}),
    ({"type": "jsonb"}, "'{\"sql\": \"x\"}'::jsonb", {"sql": "'{\"sql\": \"x\"}'::jsonb"}),
    ({"type": "json"}, "'{\"b\":1}'::json", {"sql": "'{\"b\":1}'::json"}),
    ({"type": "array", "items": {"type": "text"}}, "ARRAY['a'::text, 'b'::text]", ["a", "b"]),
    ({"type": "timestamp"}, "now()", {"sql": "now()"}),
    ({"type": "uuid"}, "'not-a-uuid'::text", {"sql": "'not-a-uuid'::text"}),
])
def test_defaults(prop: dict[str, Any], stored: str, default: Any) -> None:
    assert yaml_default(prop, stored, stored) == default


def test_names() -> None:
    assert file_name("storage_locations") == "storage-locations.yaml"
    assert file_name("project") == "project-table.yaml"
    assert entity_name("storage_locations") == "StorageLocation"
    assert entity_name("categories") == "Category"


def test_yaml_keeps_key_order_and_quotes_what_needs_it() -> None:
    text = dump_yaml({"b": "true", "a": "2020-01-01", "c": {}})
    assert text == "b: 'true'\na: '2020-01-01'\nc: {}\n"


def test_writing_refuses_existing_files_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "b.yaml").write_text("mine")
    with pytest.raises(OverwriteError) as raised:
        write_files(tmp_path, {"a.yaml": "a: 1\n", "b.yaml": "b: 1\n"})
    assert raised.value.paths == [tmp_path / "b.yaml"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.yaml"]
    write_files(tmp_path, {"a.yaml": "a: 1\n", "b.yaml": "b: 1\n"}, force=True)
    assert (tmp_path / "b.yaml").read_text() == "b: 1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.yaml", "b.yaml"]
