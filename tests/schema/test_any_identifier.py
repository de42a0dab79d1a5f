"""Any PostgreSQL identifier for tables, columns, indexes and constraints (issue 23): mixed case
and reserved words are accepted, quoted in every statement, and only warned against when they
break the project's naming convention."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from agent.catalog import compare, read_catalog
from agent.jobs.generate import generate_migrations
from agent.migrate.files import parse_name
from agent.project.file import Project
from agent.schema import SchemaError, load_schema_sources
from agent.schema.names import convention_problem, detect_naming, identifier_problem
from agent.schema.tables import Schema
from agent.verify.apply import without_backups
from agent.verify.schema_compare import compare_schema
from tests.generate.helpers import generate
from tests.generate.test_apply import apply_down, apply_up

USER = """version: 1
entity: User
table: User
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: integer, required: true}
  email: {type: text, required: true}
  createdAt: {type: timestamp, required: true, default: {sql: now()}}
  order: {type: integer, minimum: 0}
indexes:
  - name: User_email_key
    columns: [email]
    unique: true
  - columns: [createdAt, order]
  - name: User_lower_email_idx
    columns: [lower(email)]
"""
POST = """version: 1
entity: TemplateDirectLink
table: TemplateDirectLink
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: uuid, required: true, default: {sql: gen_random_uuid()}}
  userId:
    type: integer
    required: true
    references: {table: User, on_delete: CASCADE, reason: a link goes with its user}
constraints:
  - name: TemplateDirectLink_userId_positive
    check: '"userId" > 0'
"""


CAMEL = {"user.yaml": USER, "template-direct-link.yaml": POST, "project.yaml": "project:\n  naming: camelCase\n"}


def _project(naming: str | None) -> str:
    return "" if naming is None else f"project:\n  naming: {naming}\n"


def _warnings(naming: str | None) -> list[str]:
    files = {"user.yaml": USER, "template-direct-link.yaml": POST}
    if naming is not None:
        files["project.yaml"] = _project(naming)
    return [str(w) for w in load_schema_sources(files).warnings]


def test_mixed_case_and_reserved_names_load_with_warnings_under_snake_case() -> None:
    warnings = _warnings(None)
    assert "user.yaml:3:8 table: warning: table name 'User' is not snake_case" in "\n".join(warnings)
    assert any("properties.createdAt: warning: column name 'createdAt' is not snake_case" in w for w in warnings)
    assert any("properties.order: warning: column name 'order' is not snake_case" not in w
               and "'order' is a reserved word" in w for w in warnings), warnings


def test_camel_case_projects_warn_only_on_reserved_words() -> None:
    warnings = _warnings("camelCase")
    assert [w for w in warnings if "naming convention" in w] == []
    assert any("'order' is a reserved word" in w for w in warnings)
    assert [w for w in _warnings("preserve") if "naming" in w or "reserved" in w] == []


def test_snake_case_project_warns_on_a_camel_case_column() -> None:
    assert convention_problem("createdAt", "snake_case", "column") is not None
    assert convention_problem("created_at", "snake_case", "column") is None
    assert convention_problem("TemplateDirectLink", "camelCase", "table") is None
    assert convention_problem("Template_Link", "camelCase", "table") is not None


@pytest.mark.parametrize(("name", "why"), [
    ("", "cannot be empty"), ("a\x00b", "NUL"), ("x" * 64, "64 bytes"),
    ('parts"; DROP TABLE lots; --', "double quote"), ("a\nb", "control character"),
])
def test_only_what_postgresql_cannot_hold_is_refused(name: str, why: str) -> None:
    problem = identifier_problem(name)
    assert problem is not None and why in problem


def test_a_column_named_like_sql_is_only_a_name() -> None:
    hostile = USER.replace("  order: {type: integer, minimum: 0}",
                           '  order: {type: integer, minimum: 0}\n  "x; DROP TABLE y": {type: integer}')
    loaded = load_schema_sources({"user.yaml": hostile})
    sql = "\n".join(m.up_sql for m in generate(loaded).migrations)
    assert '"x; DROP TABLE y" INTEGER' in sql


def test_detected_naming() -> None:
    assert detect_naming(["lots", "storage_locations"], ["lot_id", "tenant_id"]) == "snake_case"
    assert detect_naming(["User", "TemplateDirectLink"], ["id", "createdAt"]) == "camelCase"
    assert detect_naming(["User"], ["created_at", "updatedAt"]) == "preserve"


def test_the_project_file_gives_the_naming_to_the_schema() -> None:
    defaults = Project(naming="camelCase").schema_defaults()
    loaded = load_schema_sources({"user.yaml": USER, "template-direct-link.yaml": POST}, defaults)
    assert loaded.schema.project.naming == "camelCase" if hasattr(loaded.schema, "project") else True
    assert not [w for w in loaded.warnings if "naming convention" in str(w)]
    with pytest.raises(SchemaError, match="keep one"):
        load_schema_sources({"user.yaml": USER, "project.yaml": _project("preserve")}, defaults)


def test_generated_sql_quotes_every_name_that_needs_it() -> None:
    loaded = load_schema_sources(CAMEL)
    sql = "\n".join(m.up_sql for m in generate(loaded).migrations)
    assert 'CREATE TABLE "User"' in sql
    assert '"createdAt" TIMESTAMPTZ NOT NULL DEFAULT now()' in sql
    assert '"order" INTEGER' in sql
    assert '"idx_User_createdat_order"\n    ON "User" ("createdAt", "order")' in sql
    assert '"User_lower_email_idx"\n    ON "User" ((lower(email)))' in sql
    assert 'REFERENCES "User" (id)' in sql
    assert '"TemplateDirectLink_userId_positive"' in sql


async def test_mixed_case_schema_applies_and_matches_its_catalog(db: asyncpg.Connection) -> None:
    loaded = load_schema_sources(CAMEL)
    outcome = generate(loaded)
    await apply_up(db, outcome)
    catalog = await read_catalog(db)
    failed = [f.message for f in compare_schema(loaded.schema, catalog) if not f.passed]
    assert failed == []
    index = next(i for t in catalog.tables if t.name == "User" for i in t.indexes if i.keys == ("createdAt", "order"))
    assert index.name == "idx_User_createdat_order"
    await apply_down(db, outcome)
    assert [t.name for t in (await read_catalog(db)).tables if not t.name.startswith("_backup_")] == []


async def test_changes_to_mixed_case_tables_plan_apply_and_roll_back(db: asyncpg.Connection) -> None:
    v1 = load_schema_sources(CAMEL)
    await apply_up(db, generate(v1))
    changed = USER.replace("  order: {type: integer, minimum: 0}",
                           "  order: {type: integer, minimum: 5}\n  deletedAt: {type: timestamp, index: true}")
    v2 = load_schema_sources({**CAMEL, "user.yaml": changed})
    before = await read_catalog(db)
    outcome = generate_migrations(v2, v1.schema, dt.datetime(2025, 12, 6, tzinfo=dt.UTC), [], allow_changes=True)
    sql = "\n".join(m.up_sql for m in outcome.migrations)
    assert 'ADD COLUMN "deletedAt" TIMESTAMPTZ' in sql and '"idx_User_deletedat"' in sql
    assert '"User_order_check"' in sql
    await apply_up(db, outcome)
    after = await read_catalog(db)
    assert [f.message for f in compare_schema(v2.schema, after, column_order=False) if not f.passed] == []
    await apply_down(db, outcome)
    assert compare(before, without_backups(await read_catalog(db))) == []


def test_the_convention_warns_about_new_names_only() -> None:
    """Once built, a name that breaks the convention is not warned about again on every run."""
    v1 = load_schema_sources({"user.yaml": USER})
    first = generate_migrations(v1, Schema(), dt.datetime(2025, 12, 5, tzinfo=dt.UTC), [])
    assert any("'createdAt' is not snake_case" in w for w in first.warnings)
    v2 = load_schema_sources({"user.yaml": USER.replace("  order:", "  deletedAt: {type: timestamp}\n  order:")})
    second = generate_migrations(v2, v1.schema, dt.datetime(2025, 12, 6, tzinfo=dt.UTC), [], allow_changes=True)
    assert [w.split(": ", 1)[1] for w in second.warnings if "convention" in w or "reserved" in w] == [
        "warning: column name 'deletedAt' is not snake_case, the project's naming convention; it is kept exactly, "
        "quoted in SQL (set `naming` in the project file to change the convention)"]


def test_a_column_name_that_reads_as_an_expression_is_refused() -> None:
    with pytest.raises(SchemaError, match="column name 'x \\+ 1' reads as an SQL expression"):
        text = USER.replace("  order: {type: integer, minimum: 0}", "  x + 1: {type: integer}")
        load_schema_sources({"user.yaml": text.replace("columns: [createdAt, order]", "columns: [createdAt]")})


@pytest.mark.parametrize(("table", "file"), [
    ("TemplateDirectLink", "create_template_direct_link.sql"),
    ("../../etc/x; DROP TABLE y", "create_etc_x_drop_table_y.sql"),
])
def test_migration_files_are_named_in_snake_case_whatever_the_table(table: str, file: str) -> None:
    """The migration runner lists `<version>_<snake_case>.sql` only: a file named after a mixed-case
    table would be skipped, and one after a name with a slash would leave the folder."""
    loaded = load_schema_sources({"user.yaml": USER.replace("table: User", f"table: '{table}'")})
    (created,) = generate(loaded).migrations
    assert created.up_name.split("_", 1)[1] == file
    assert parse_name(created.up_name) is not None and parse_name(created.down_name) is not None
