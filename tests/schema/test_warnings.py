"""Warnings are reported with their location, and a duplicate index is not created."""

from __future__ import annotations

import pytest

from agent.schema import load_schema_sources

P = "version: 1\nentity: Part\ntable: parts\n"
TWO_INTS = "properties:\n  a:\n    type: integer\n  b:\n    type: integer\n"

CASES = {
    "foreign key without a reason": (
        {"parts.yaml": P + "properties:\n  owner_id:\n    type: uuid\n    references:\n      table: parts\n"
                          "      on_delete: CASCADE\n"},
        ["parts.yaml:7:5 properties.owner_id.references: warning: no `reason`: say why this delete "
         "behaviour is right"],
        ["idx_parts_tenant_id_owner_id", "idx_parts_updated_at"]),
    "declared index equal to an automatic one": (
        {"parts.yaml": P + "indexes:\n  - columns: [updated_at]\n"},
        ["parts.yaml:5:5 indexes[0]: warning: idx_parts_updated_at duplicates the index the agent adds by "
         "itself for updated_at; it is not created"],
        ["idx_parts_tenant_id", "idx_parts_updated_at"]),
    "prefix of another btree index": (
        {"parts.yaml": P + TWO_INTS + "indexes:\n  - columns: [a]\n  - columns: [a, b]\n"},
        ["parts.yaml:10:5 indexes[0]: warning: idx_parts_a is a prefix of idx_parts_a_b, which serves the "
         "same queries; it is not created"],
        ["idx_parts_tenant_id", "idx_parts_a_b", "idx_parts_updated_at"]),
    "unique global on a table without tenants": (
        {"owners.yaml": "version: 1\nentity: Owner\ntable: owners\ntenant_scoped: false\nproperties:\n"
                        "  name:\n    type: text\n    unique: global\n"},
        ["owners.yaml:8:13 properties.name.unique: warning: `unique: global` only differs from `true` on a "
         "tenant-scoped table"],
        ["idx_owners_updated_at"]),
    "unique constraint across tenants": (
        {"parts.yaml": P + TWO_INTS + "constraints:\n  - unique: [a]\n"},
        ["parts.yaml:10:5 constraints[0].unique: warning: unique across all tenants; add tenant_id to make it "
         "per tenant"],
        ["idx_parts_tenant_id", "idx_parts_updated_at"]),
    "permissive policy that ignores the tenant": (
        {"parts.yaml": P + TWO_INTS + "policies:\n  - name: parts_read_big\n    command: SELECT\n"
                                      "    using: a > 10\n"},
        ["parts.yaml:10:5 policies[0]: warning: policy parts_read_big is permissive and does not read "
         "tenant_id: PostgreSQL ORs it with tenant isolation, so it can show or accept rows of other tenants; "
         "set `permissive: false` or add the tenant condition"],
        ["idx_parts_tenant_id", "idx_parts_updated_at"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_warning(case: str) -> None:
    files, warnings, indexes = CASES[case]
    loaded = load_schema_sources(files)
    assert [str(w) for w in loaded.warnings] == warnings
    assert [i.name for t in loaded.schema.tables for i in t.indexes] == indexes


def test_the_examples_load_without_warnings() -> None:
    from tests.generate.helpers import examples

    assert examples().warnings == []


@pytest.mark.parametrize("policy", [
    "    using: a > 10\n    permissive: false\n",
    "    using: a > 10 AND tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid\n",
])
def test_a_policy_that_keeps_tenants_apart_is_not_warned_about(policy: str) -> None:
    text = P + TWO_INTS + "policies:\n  - name: parts_read_big\n    command: SELECT\n" + policy
    assert load_schema_sources({"parts.yaml": text}).warnings == []


def test_a_table_check_gets_a_free_name_beside_a_columns_own_check() -> None:
    text = P + "properties:\n  a:\n    type: integer\n    minimum: 0\nconstraints:\n  - check: a < 100\n" \
        "  - check: a <> 50\n"
    (table,) = load_schema_sources({"parts.yaml": text}).schema.tables
    assert [(c.name, c.expression) for c in table.checks] == [
        ("parts_a_check", "a >= 0"), ("parts_a_check2", "a < 100"), ("parts_a_check3", "a <> 50")]
