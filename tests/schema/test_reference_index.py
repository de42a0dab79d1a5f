"""`index: false` on a key (issue 23): the agent adds no index for its columns, as an adopted
database may have none; verification accepts the choice and says so."""

from __future__ import annotations

from agent.schema import load_schema_sources

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
