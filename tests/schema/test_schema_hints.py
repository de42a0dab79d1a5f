"""Hints (examples, where checks were written) help messages and sample data; they are not what
migrations build, so a schema read back from a snapshot or from memory equals the YAML's."""

from __future__ import annotations

from agent.schema.tables import CheckPlace, ColumnExamples, Schema


def test_schemas_differing_only_in_hints_are_equal_and_hash_alike() -> None:
    plain = Schema(project_name="wms")
    hinted = Schema(project_name="wms", examples=(ColumnExamples(table="lots", column="code", values=("A-1",)),),
                    check_places=(CheckPlace(table="lots", check="lots_qty_check", place="lots.yaml:3:5"),))
    assert hinted == plain and hash(hinted) == hash(plain)
    assert Schema(project_name="other") != plain
