"""`index: false` on a key (issue 23): the agent adds no index for its columns, as an adopted
database may have none; verification accepts the choice and says so."""

from __future__ import annotations

import pytest

from agent.schema import SchemaError, load_schema_sources
from tests.generate.helpers import generate

TEAMS = "version: 1\nentity: Team\ntable: teams\ntenant_scoped: false\naudit: false\n"
MEMBERS = """version: 1
entity: Member
table: members
tenant_scoped: false
audit: false
properties:
  team_id:
    type: uuid
    references: {table: teams, on_delete: CASCADE, reason: members go with their team, index: false}
  owner_id:
    type: uuid
    references: {table: teams, on_delete: CASCADE, reason: an owner team}
"""


def test_index_false_leaves_the_key_unindexed_and_the_others_indexed() -> None:
    schema = load_schema_sources({"teams.yaml": TEAMS, "members.yaml": MEMBERS}).schema
    members = schema.table("members")
    assert members is not None
    assert [i.keys for i in members.indexes] == [("owner_id",)]
    assert [k.indexed for k in members.foreign_keys] == [False, True]


def test_a_deferrable_key_and_an_operator_class_are_written_as_said() -> None:
    members = MEMBERS.replace("reason: an owner team}", "reason: an owner team, deferrable: deferred}") + (
        "  nick: {type: string, max_length: 40}\nindexes:\n  - name: members_nick_like\n    columns: [nick]\n"
        "    opclass: {nick: varchar_pattern_ops}\n")
    sql = "\n".join(m.up_sql for m in generate(load_schema_sources({"teams.yaml": TEAMS, "members.yaml": members}))
                    .migrations)
    assert "REFERENCES teams (team_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED" in sql
    assert "ON members (nick varchar_pattern_ops);" in sql


@pytest.mark.parametrize(("opclass", "message"), [
    ("{other: text_pattern_ops}", "'other' is not a column this index lists"),
    ("{nick: 'x; DROP TABLE teams'}", "is not snake_case"),
])
def test_an_operator_class_must_name_a_listed_column_plainly(opclass: str, message: str) -> None:
    members = MEMBERS + f"  nick: {{type: text}}\nindexes:\n  - columns: [nick]\n    opclass: {opclass}\n"
    with pytest.raises(SchemaError, match=message):
        load_schema_sources({"teams.yaml": TEAMS, "members.yaml": members})


def test_a_primary_key_keeps_a_name_of_its_own() -> None:
    named = TEAMS + "primary_key_name: PK_54115ee388cdb6d86bb4bf5b2ea\n"
    sql = generate(load_schema_sources({"teams.yaml": named})).migrations[0].up_sql
    assert 'CONSTRAINT "PK_54115ee388cdb6d86bb4bf5b2ea" PRIMARY KEY (team_id)' in sql
    with pytest.raises(SchemaError, match="primary_key_name: 'P\"K' holds a double quote"):
        load_schema_sources({"teams.yaml": TEAMS + "primary_key_name: 'P\"K'\n"})
