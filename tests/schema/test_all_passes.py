"""One run reports the errors of every pass: an entity the models refuse is mended to stand in
for resolution, and what resolution would say of a stand-in is not reported."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from agent.schema import SchemaError, load_schema_sources
from tests.property_budget import examples

P = "version: 1\nentity: Part\ntable: parts\n"
OWNER = "version: 1\nentity: Owner\ntable: owners\nproperties:\n  name:\n    type: text\n"


def _errors(sources: dict[str, str]) -> list[str]:
    with pytest.raises(SchemaError) as raised:
        load_schema_sources(sources)
    return [str(d) for d in raised.value.diagnostics if not d.warning]


def test_a_refused_file_and_a_resolution_error_of_another_come_together() -> None:
    bad_type = P + "properties:\n  a:\n    type: integr\n"
    missing = OWNER + "  part_id:\n    type: uuid\n    references: {table: prts, on_delete: CASCADE, reason: x}\n"
    assert _errors({"parts.yaml": bad_type, "owners.yaml": missing}) == [
        "owners.yaml:9:25 properties.part_id.references.table: references unknown table 'prts'; did you mean parts?",
        "parts.yaml:6:11 properties.a.type: must be one of 'uuid', 'string', 'text', 'smallint', 'integer', "
        "'bigint', 'decimal', 'float', 'double', 'boolean', 'date', 'time', 'timestamp', 'interval', 'json', "
        "'jsonb', 'bytea', 'inet', 'enum', 'array' or 'custom'; did you mean integer?",
    ]


def test_resolution_of_the_same_file_goes_on_past_a_refused_key() -> None:
    text = P + ("properties:\n  a:\n    type: text\n    colour: red\n  name:\n    type: text\n"
                "indexes:\n  - columns: [nme]\n")
    assert _errors({"parts.yaml": text}) == [
        "parts.yaml:7:5 properties.a.colour: unknown key",
        "parts.yaml:11:15 indexes[0].columns[0]: names nme, not a column of parts; did you mean name?",
    ]


def test_a_stand_in_gives_no_errors_of_its_own() -> None:
    """`a` is refused (no type), so what resolution says of it (its default is no number) is not shown,
    and an index on it still finds the column."""
    text = P + "properties:\n  a:\n    required: true\n    default: x\nindexes:\n  - columns: [a]\n"
    assert _errors({"parts.yaml": text}) == ["parts.yaml:5:3 properties.a.type: required key is missing"]


def test_a_reference_to_a_file_in_error_is_not_an_unknown_table() -> None:
    refers = OWNER + "  part_id:\n    type: uuid\n    references: {table: parts, on_delete: CASCADE, reason: x}\n"
    assert _errors({"parts.yaml": "version: 1\nentity: [Part\n", "owners.yaml": refers}) == [
        "parts.yaml:3:1 YAML syntax: expected ',' or ']', but got '<stream end>'"]
    nameless = "version: 1\nentity: Part\nproperties: {}\n"
    assert _errors({"parts.yaml": nameless, "owners.yaml": refers}) == [
        "parts.yaml:1:1 table: required key is missing"]


def test_a_misspelt_key_of_a_constraint_names_the_key_it_meant() -> None:
    text = P + "properties:\n  a:\n    type: integer\nconstraints:\n  - chek: a > 0\n"
    assert "parts.yaml:8:5 constraints[0].chek: unknown key; did you mean check?" in _errors({"parts.yaml": text})


def test_a_type_typo_and_a_missing_table_in_one_column_come_together() -> None:
    text = P + "properties:\n  lot_id:\n    type: uiid\n    references: {table: lots, on_delete: CASCADE, reason: x}\n"
    errors = _errors({"parts.yaml": text})
    assert [e.split(": ", 1)[0] for e in errors] == [
        "parts.yaml:6:11 properties.lot_id.type", "parts.yaml:7:25 properties.lot_id.references.table"]
    assert errors[0].endswith("; did you mean uuid?")
    assert errors[1].endswith("references unknown table 'lots'")


@pytest.mark.parametrize(("written", "meant"), [("int", "integer"), ("varchar", "string"), ("bool", "boolean"),
                                                 ("timestamptz", "timestamp"), ("strng", "string")])
def test_a_type_from_sql_or_misspelt_names_the_type_meant(written: str, meant: str) -> None:
    text = P + f"properties:\n  a:\n    type: {written}\n"
    assert _errors({"parts.yaml": text})[0].endswith(f"; did you mean {meant}?")


def test_a_guessed_type_is_not_checked_further() -> None:
    """No type comes near `cash`: the column stands in as text, and its reference is not checked
    (against a uuid key it would be a type mismatch the user never wrote)."""
    text = P + ("properties:\n  owner_id:\n    type: cash\n"
                "    references: {table: owners, on_delete: CASCADE, reason: x}\n")
    errors = _errors({"parts.yaml": text, "owners.yaml": OWNER})
    assert len(errors) == 1 and errors[0].startswith("parts.yaml:6:11 properties.owner_id.type: must be one of")


_JUNK: st.SearchStrategy[object] = st.sampled_from(
    ["strng", 5, None, [], {}, "lotz", {"a": 1}, -1, "CASCADE", "uiid", True])
_EXAMPLES = {p.name: p.read_text() for p in (Path(__file__).parents[2] / "schemas").glob("*.yaml")}


@st.composite
def _broken_folders(draw: st.DrawFn) -> dict[str, str]:
    """The example schema with a few keys or values changed at random."""
    files = dict(_EXAMPLES)
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(sorted(set(files) - {"project.yaml"})))
        data = yaml.safe_load(files[name])
        node = data
        while True:
            keys = list(node) if isinstance(node, dict) else list(range(len(node)))
            key = draw(st.sampled_from(keys))
            if not isinstance(node[key], dict | list) or not node[key] or draw(st.booleans()):
                break
            node = node[key]
        action = draw(st.sampled_from(["value", "rename", "drop"]))
        if action == "value":
            node[key] = draw(_JUNK)
        elif action == "rename" and isinstance(key, str):
            node[key + "x"] = node.pop(key)
        elif isinstance(node, dict):
            del node[key]
        files[name] = yaml.safe_dump(data, sort_keys=False)
    return files


@settings(max_examples=examples(60), deadline=None)
@given(_broken_folders())
def test_mending_never_breaks_a_run(files: dict[str, str]) -> None:
    """Whatever is broken, loading ends in a schema or a SchemaError naming files of the folder,
    the same each time."""
    def outcome() -> list[str] | None:
        try:
            load_schema_sources(files)
        except SchemaError as error:
            assert {d.location.file for d in error.diagnostics} <= {*files, "(schemas)"}
            return [str(d) for d in error.diagnostics]
        return None

    assert outcome() == outcome()
