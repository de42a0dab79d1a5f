"""Every expression field parses as exactly one expression; attacks are refused before any SQL exists."""

from __future__ import annotations

import pytest

from agent.schema import SchemaError, load_schema_sources

ATTACKS = [
    "1); DROP TABLE lots; --",
    "true; DELETE FROM lots",
    "1 UNION SELECT passwd FROM pg_shadow",
    "x FROM pg_shadow",
    "a AS b",
    "1, 2",
    "$1",
    "(SELECT 1)",
    "1 /* */ ; SELECT pg_sleep(10)",
]
BASE = "version: 1\nentity: Part\ntable: parts\nproperties:\n  a:\n    type: integer\n"
FIELDS = {
    "check": (BASE + "constraints:\n  - check: {attack}\n", "constraints[0].check"),
    "index where": (BASE + "indexes:\n  - columns: [a]\n    where: {attack}\n", "indexes[0].where"),
    "index expression": (BASE + "indexes:\n  - columns: [{attack}]\n", "indexes[0].columns[0]"),
    "default": (BASE.replace("type: integer\n", "type: integer\n    default: {{sql: {attack}}}\n"),
                "properties.a.default.sql"),
    "backfill": (BASE.replace("type: integer\n", "type: integer\n    backfill: {{sql: {attack}}}\n"),
                 "properties.a.backfill.sql"),
    "policy using": (BASE + "policies:\n  - name: parts_read\n    command: SELECT\n    using: {attack}\n",
                     "policies[0].using"),
    "policy with_check": (BASE + "policies:\n  - name: parts_write\n    command: INSERT\n    with_check: {attack}\n",
                          "policies[0].with_check"),
}


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


MAY_READ_TABLES = ("policy using", "policy with_check", "backfill")


REFUSED = [(field, attack) for field in FIELDS for attack in ATTACKS
           if not (field in MAY_READ_TABLES and attack == "(SELECT 1)")]  # one expression there: next test


@pytest.mark.parametrize(("field", "attack"), REFUSED)
def test_attack_is_refused_at_its_key(field: str, attack: str) -> None:
    template, key_path = FIELDS[field]
    text = template.format(attack=_yaml_string(attack))
    with pytest.raises(SchemaError) as raised:
        load_schema_sources({"parts.yaml": text})
    messages = [str(d) for d in raised.value.diagnostics]
    assert any(f" {key_path}: " in m for m in messages), messages
    assert all("DROP TABLE" not in m.split(": ", 1)[0] for m in messages)


@pytest.mark.parametrize("field", MAY_READ_TABLES)
def test_policies_and_backfills_may_hold_a_subquery_as_one_expression(field: str) -> None:
    template, _ = FIELDS[field]
    (table,) = load_schema_sources({"parts.yaml": template.format(attack="'(SELECT 1)'")}).schema.tables
    rendered = [p.using or p.with_check for p in table.policies if p.name.startswith("parts_")] + [
        c.backfill for c in table.columns if c.backfill]
    assert "(SELECT 1)" in rendered


def test_an_accepted_expression_is_rendered_from_its_parse_tree_not_its_text() -> None:
    text = BASE + "constraints:\n  - check: a   >   0 -- trailing comment\n"
    (table,) = load_schema_sources({"parts.yaml": text}).schema.tables
    assert [c.expression for c in table.checks] == ["a > 0"]
