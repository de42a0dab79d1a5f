"""`primary_key:` as a list of columns or `false` (issue 23): the tables adopted databases hold,
written in YAML. A tenant-scoped key of several columns referenced by a key of several columns,
and a tenant-scoped log without any key, are generated and verified, row-level security included."""

from __future__ import annotations

import pytest

from agent.schema import SchemaError, load_schema_sources
from tests.generate.helpers import generate, verified_report

PROJECTS = """version: 1
entity: Project
table: projects
properties:
  name: {type: string, max_length: 80, required: true}
"""

MEMBERSHIPS = """version: 1
entity: Membership
table: memberships
primary_key: [project_id, member_email]
properties:
  project_id:
    type: uuid
    references: {table: projects, on_delete: CASCADE, reason: a membership means nothing without its project}
  member_email: {type: string, max_length: 120, pattern: '^[^@]+@[^@]+$'}
  role: {type: enum, values: [owner, editor, viewer], required: true, default: viewer}
"""

GRANTS = """version: 1
entity: MembershipGrant
table: membership_grants
primary_key: [project_id, member_email, scope]
properties:
  project_id: {type: uuid}
  member_email: {type: string, max_length: 120}
  scope: {type: string, max_length: 40}
constraints:
  - foreign_key:
      columns: [project_id, member_email]
      references: {table: memberships, columns: [project_id, member_email], on_delete: CASCADE,
                   reason: a grant belongs to its membership}
"""

PAGE_VIEWS = """version: 1
entity: PageView
table: page_views
primary_key: false
audit: false
properties:
  project_id:
    type: uuid
    references: {table: projects, on_delete: SET NULL, reason: views outlive their project for billing}
  path: {type: string, max_length: 200, required: true}
"""

SOURCES = {"projects.yaml": PROJECTS, "memberships.yaml": MEMBERSHIPS, "membership-grants.yaml": GRANTS,
           "page-views.yaml": PAGE_VIEWS}


def test_a_key_of_several_columns_is_one_constraint_and_its_columns_are_required() -> None:
    schema = load_schema_sources(SOURCES).schema
    memberships = schema.table("memberships")
    assert memberships.primary_key is not None and memberships.primary_key.columns == ("project_id", "member_email")
    assert memberships.column_names[:3] == ("tenant_id", "project_id", "member_email")
    assert memberships.column("project_id").not_null and memberships.column("member_email").not_null
    sql = generate(load_schema_sources(SOURCES)).migrations[1].up_sql
    assert "CONSTRAINT memberships_pkey PRIMARY KEY (project_id, member_email)," in sql
    assert "UNIQUE (tenant_id, project_id, member_email)" in sql  # the same-tenant key from the grants


def test_a_table_without_a_key_has_no_key_constraint() -> None:
    loaded = load_schema_sources(SOURCES)
    assert loaded.schema.table("page_views").primary_key is None
    sql = next(m.up_sql for m in generate(loaded).migrations if "page_views" in m.up_name)
    assert "PRIMARY KEY" not in sql
    assert ",\n);" not in sql


@pytest.mark.parametrize(("primary_key", "message"), [
    ("[]", "an empty list: name the key's columns, or write `primary_key: false`"),
    ("[project_id, project_id]", "project_id listed twice"),
    ("[project_id, member_mail]", "names 'member_mail', not a column of memberships; did you mean member_email"),
    ("true", "write a column, a list of columns, or false for a table without a primary key"),
    ("{a: 1}", "write a column, a list of columns, or false"),
])
def test_a_key_that_cannot_be_built_is_refused(primary_key: str, message: str) -> None:
    text = MEMBERSHIPS.replace("primary_key: [project_id, member_email]", f"primary_key: {primary_key}")
    with pytest.raises(SchemaError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_schema_sources({**SOURCES, "memberships.yaml": text})


def test_a_reference_to_a_table_without_a_key_names_its_columns() -> None:
    child = ("version: 1\nentity: Note\ntable: notes\nproperties:\n  view_path:\n    type: string\n"
             "    max_length: 200\n    references: {table: page_views, on_delete: CASCADE, reason: notes on a view}\n")
    with pytest.raises(SchemaError, match="table 'page_views' has no primary key: name the referenced column"):
        load_schema_sources({**SOURCES, "notes.yaml": child})


async def test_keys_of_several_columns_and_none_verify_with_every_step(postgres_server_url: str) -> None:
    loaded = load_schema_sources(SOURCES)
    report = await verified_report(postgres_server_url, loaded)
    assert report.passed, report.to_markdown()
    checks = {f.check for step in report.steps for f in step.findings if f.table == "page_views"}
    assert {"rls-by-id", "rls-insert", "delete"} <= checks, checks


@pytest.mark.parametrize(("child", "parent", "accepted"), [
    ("bigint", "integer", True),  # harbor: artifact_accessory.artifact_id BIGINT -> artifact.id SERIAL
    ("text", "string, max_length: 64", True),  # harbor: report_uuid TEXT -> scan_report.uuid VARCHAR(64)
    ("decimal, precision: 12, scale: 2", "decimal", True),
    ("uuid", "text", False),
    ("integer", "text", False),
])
def test_a_key_may_mix_the_types_postgresql_compares(child: str, parent: str, accepted: bool) -> None:
    parents = ("version: 1\nentity: Artifact\ntable: artifacts\ntenant_scoped: false\nprimary_key: code\n"
               f"properties:\n  code: {{type: {parent}}}\n")
    children = ("version: 1\nentity: Tag\ntable: tags\ntenant_scoped: false\nproperties:\n  artifact_code:\n"
                f"    type: {child.split(',')[0]}\n" + "".join(f"    {part.strip().replace(': ', ': ')}\n"
                                                         for part in child.split(",")[1:])
                + "    references: {table: artifacts, on_delete: CASCADE, reason: tags of an artifact}\n")
    sources = {"artifacts.yaml": parents, "tags.yaml": children}
    if accepted:
        assert load_schema_sources(sources).schema.table("tags").foreign_keys
    else:
        with pytest.raises(SchemaError, match=r"artifact_code is \w+ but artifacts\.code is"):
            load_schema_sources(sources)


def test_a_unique_key_that_is_the_primary_key_is_not_created_and_says_so() -> None:
    text = MEMBERSHIPS + "constraints:\n  - unique: [project_id, member_email]\n"
    loaded = load_schema_sources({**SOURCES, "memberships.yaml": text})
    assert ("project_id", "member_email") not in {u.columns for u in loaded.schema.table("memberships").uniques}
    assert [str(w) for w in loaded.warnings if "is the primary key" in str(w)] == [
        "memberships.yaml:12:5 constraints[0].unique: warning: UNIQUE (project_id, member_email) is the primary key; "
        "it is not created"]
