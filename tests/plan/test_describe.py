"""What changed in a table, in words (agent.plan.describe)."""

from __future__ import annotations

from agent.plan.describe import describe_changes
from agent.schema.tables import Schema
from tests.generate.helpers import examples


def _with_lots(schema: Schema, **column_changes: object) -> Schema:
    lots = schema.table("lots")
    assert lots is not None
    columns = tuple(c.model_copy(update=column_changes) if c.name == "lot_number" else c for c in lots.columns)
    changed = lots.model_copy(update={"columns": columns})
    return schema.model_copy(update={"tables": tuple(changed if t.name == "lots" else t for t in schema.tables)})


def test_a_type_change_is_said_with_both_types() -> None:
    schema = examples().schema
    wider = _with_lots(schema, sql_type="VARCHAR(80)")
    assert describe_changes(schema, wider) == {
        "lots": ["column lot_number changes type from VARCHAR(50) to VARCHAR(80)"]}


def test_a_planner_hint_alone_is_no_change() -> None:
    schema = examples().schema
    assert describe_changes(schema, _with_lots(schema, backfill="'x'")) == {}


def test_an_unchanged_schema_has_nothing_to_say() -> None:
    schema = examples().schema
    assert describe_changes(schema, schema) == {}
