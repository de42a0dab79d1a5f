"""plan(old, new) for creation: order, cycles, the shared trigger function, inverses."""

from __future__ import annotations

import pytest

from agent.plan.operations import (
    CreateFunction,
    CreateIndex,
    CreatePolicy,
    CreateTable,
    CreateTrigger,
    DropIndex,
    DropTable,
    EnableRowLevelSecurity,
    SetComment,
)
from agent.plan.planner import PlanError, plan
from agent.schema.tables import Schema
from tests.generate.helpers import examples, load


def _entity(table: str, *, refs: tuple[str, ...] = (), audit: bool = True) -> str:
    lines = [f"version: 1\nentity: {table.title().replace('_', '')}\ntable: {table}",
             f"audit: {str(audit).lower()}", "properties:", "  label:\n    type: text"]
    for ref in refs:
        lines.append(f"  {ref}_id:\n    type: uuid\n    references:\n      table: {ref}\n"
                     "      on_delete: CASCADE\n      reason: test")
    return "\n".join(lines) + "\n"


def test_creating_is_planning_from_nothing_in_foreign_key_order() -> None:
    migrations = plan(Schema(), examples().schema)
    assert [m.slug for m in migrations] == ["create_storage_locations", "create_lots"]
    assert migrations[1].depends_on == ("create_storage_locations",)


def test_parents_come_first_then_alphabetical() -> None:
    schema = load({"a.yaml": _entity("alpha", refs=("zulu",)), "z.yaml": _entity("zulu"),
                   "m.yaml": _entity("mike")}).schema
    assert [m.slug for m in plan(Schema(), schema)] == ["create_mike", "create_zulu", "create_alpha"]


def test_sections_follow_the_seed_sequencing_rules() -> None:
    operations = plan(Schema(), examples().schema)[0].operations
    kinds = [type(op) for op in operations]
    assert kinds[0] is CreateTable
    first = {kind: kinds.index(kind) for kind in set(kinds)}
    assert first[CreateIndex] < first[CreateFunction] < first[CreateTrigger] < \
        first[EnableRowLevelSecurity] < first[CreatePolicy] < first[SetComment]


def test_the_trigger_function_is_created_once_by_the_first_audited_table() -> None:
    migrations = plan(Schema(), examples().schema)
    creators = [m.slug for m in migrations if any(isinstance(op, CreateFunction) for op in m.operations)]
    assert creators == ["create_storage_locations"]


def test_no_trigger_function_when_no_table_is_audited() -> None:
    schema = load({"a.yaml": _entity("alpha", audit=False)}).schema
    (migration,) = plan(Schema(), schema)
    assert not any(isinstance(op, CreateFunction | CreateTrigger) for op in migration.operations)


def test_no_new_trigger_function_when_the_old_schema_had_one() -> None:
    old = load({"a.yaml": _entity("alpha")}).schema
    new = load({"a.yaml": _entity("alpha"), "b.yaml": _entity("bravo")}).schema
    (migration,) = plan(old, new)
    assert migration.slug == "create_bravo"
    assert not any(isinstance(op, CreateFunction) for op in migration.operations)


def test_unchanged_schema_plans_nothing() -> None:
    assert plan(examples().schema, examples().schema) == []


def test_changes_to_existing_tables_are_refused_with_a_pointer_to_diff() -> None:
    old = load({"a.yaml": _entity("alpha")}).schema
    new = load({"a.yaml": _entity("alpha").replace("type: text", "type: bigint")}).schema
    with pytest.raises(PlanError, match=r"tables alpha changed: .*migration-agent diff"):
        plan(old, new)


def test_dropping_a_table_needs_the_destructive_path() -> None:
    with pytest.raises(PlanError, match="would be dropped"):
        plan(examples().schema, load({"a.yaml": _entity("alpha")}).schema)


def test_the_down_migration_is_the_reversed_list_of_inverses() -> None:
    migration = plan(Schema(), examples().schema)[0]
    reverse = migration.reverse_operations()
    assert isinstance(reverse[-1], DropTable)
    assert [op.reverse() for op in reversed(reverse)] == list(migration.operations)
    assert any(isinstance(op, DropIndex) for op in reverse)
    assert reverse[-1].destructive and not migration.destructive
