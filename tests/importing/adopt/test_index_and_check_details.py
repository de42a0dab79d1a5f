"""Details of indexes and constraints the real schemas showed (issue 23): NULLS FIRST/LAST other
than the default (marquez), a key's own collation (openfga's COLLATE "C"), storage parameters
(crates.io's BRIN pages_per_range), an operator class on an expression (crates.io's gin_trgm_ops
on canon_crate_name(name)), and checks and keys left NOT VALID (crates.io's
versions_num_max_length). Each is imported without loss, generated and verified, and
round-trips to the original's fingerprint; a bad value in the YAML is refused where it stands,
saying why."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from pathlib import Path

import asyncpg
import pytest
import pytest_asyncio

from agent.catalog import read_catalog
from agent.importing import import_texts
from agent.jobs.generate import generate_migrations
from agent.schema import SchemaError, load_schema_sources
from tests.generate.helpers import generate
from tests.importing.adopt.helpers import HERE, generated_verified, round_tripped_as_written, run_cli, servers

pytestmark = pytest.mark.integration

DETAILS = {
    "nulls-order": ("nulls_order.sql", "lineage-events.yaml", [
        "- name: lineage_events_created_at_index\n  columns:\n  - created_at\n  descending:\n  - created_at\n"
        "  nulls:\n    created_at: last\n",
        "  nulls:\n    run_id: first\n",
        "  descending:\n  - lower(job_name)\n  nulls:\n    lower(job_name): last\n"]),
    "storage-parameters": ("storage_parameters.sql", "version-downloads.yaml", [
        "- name: index_version_downloads_date\n  columns:\n  - date\n  using: brin\n  storage:\n"
        "    pages_per_range: 1\n",
        "  storage:\n    fillfactor: 70\n    deduplicate_items: 'off'\n",
        "  storage:\n    fastupdate: true\n    gin_pending_list_limit: 128\n"]),
    "expression-opclass": ("expression_opclass.sql", "crates.yaml", [
        "  using: gin\n  opclass:\n    canon_crate_name(name): gin_trgm_ops\n",
        "  opclass:\n    lower(name): text_pattern_ops\n  descending:\n  - lower(name)\n"]),
    "collation": ("index_collation.sql", "tuple.yaml", [
        "- name: idx_user_lookup\n  columns:\n  - store\n  - _user\n  - relation\n  - object_type\n  - object_id\n"
        "  collation:\n    object_id: C\n",
        "  collation:\n    lower(object_id): C\n"]),
    "not-valid": ("not_valid.sql", "versions.yaml", [
        "- name: versions_num_max_length\n  check: char_length(num) <= 150\n  validated: false\n",
        "  validated: false\n",
        "      validated: false\n"]),
}


LINT_ON_ADOPTED = {"MA501", "MA504", "MA602"}
"""What lint says of the adopted database's own choices (integer and serial keys, a key without an
index as the database has it); nothing about what these details make the agent write."""


@pytest_asyncio.fixture(loop_scope="session", params=list(DETAILS))
async def adopted(request: pytest.FixtureRequest, db: asyncpg.Connection, fresh_database_url: str,
                  scratch: asyncpg.Connection, postgres_server_url: str, tmp_path: Path) -> Path:
    """A project whose YAML the detail's database was imported into, whole; it round-trips."""
    sql, name, expected = DETAILS[request.param]
    await round_tripped_as_written(db, scratch, (HERE / sql).read_text(), fresh_database_url, tmp_path,
                                   servers(postgres_server_url), name, expected)
    return tmp_path


async def test_the_adopted_detail_is_generated_verified_and_linted_quietly(
    adopted: Path, postgres_server_url: str
) -> None:
    await generated_verified(adopted, postgres_server_url, rows=10)
    linted = await asyncio.to_thread(run_cli, adopted, "lint", "migrations", env=servers(postgres_server_url))
    assert linted.returncode == 0 and re.search(r"^0 error\(s\)", linted.stdout, re.M), linted.stdout + linted.stderr
    assert set(re.findall(r"\b(MA\d{3}) ", linted.stdout)) <= LINT_ON_ADOPTED, linted.stdout


TABLE = ("version: 1\nentity: Event\ntable: events\ntenant_scoped: false\naudit: false\nprimary_key: id\n"
         "properties:\n  id:\n    type: uuid\n  created_at:\n    type: timestamp\n  name:\n    type: text\n")


def _refused(tail: str) -> list[str]:
    with pytest.raises(SchemaError) as error:
        load_schema_sources({"project.yaml": "project:\n  name: t\n", "events.yaml": TABLE + tail})
    return [f"{d.location}: {d.message}" for d in error.value.diagnostics]


@pytest.mark.parametrize(("tail", "expected"), [
    ("indexes:\n- columns: [created_at]\n  nulls: {created_at: never}\n",
     "events.yaml:16:23: must be one of 'first' or 'last'"),
    ("indexes:\n- columns: [created_at]\n  nulls: {name: last}\n",
     "events.yaml:16:17: 'name' is not a column this index lists"),
    ("indexes:\n- columns: [lower(name)]\n  nulls: {upper(name): first}\n",
     "events.yaml:16:24: 'upper(name)' is not an expression this index lists"),
    ("indexes:\n- columns: [created_at]\n  using: brin\n  nulls: {created_at: first}\n",
     "events.yaml:17:3: a brin index keeps no order: DESC and NULLS FIRST/LAST are for btree"),
    ("indexes:\n- columns: [created_at]\n  using: brin\n  storage: {fillfactor: 70}\n",
     "events.yaml:17:25: a brin index takes no storage parameter fillfactor (it takes autosummarize, "
     "pages_per_range)"),
    ("indexes:\n- columns: [created_at]\n  storage: {fillfactor: 5}\n",
     "events.yaml:16:25: fillfactor must be an integer from 10 to 100"),
    ("indexes:\n- columns: [created_at]\n  storage: {deduplicate_items: maybe}\n",
     "events.yaml:16:32: deduplicate_items must be a boolean (true, false, on, off)"),
    ("indexes:\n- columns: [lower(name)]\n  using: gin\n  opclass: {lower(name): 'x; DROP TABLE t'}\n",
     "events.yaml:17:26: operator class 'x; DROP TABLE t' is not snake_case"),
    ("constraints:\n- check: name <> ''\n  validated: 'no'\n",
     "events.yaml:16:3: input should be a valid boolean"),
], ids=["nulls-word", "nulls-unlisted-column", "nulls-unlisted-expression", "nulls-unordered", "storage-name",
        "storage-range", "storage-boolean", "opclass-on-expression", "validated-word"])
def test_a_bad_value_is_refused_where_it_stands(tail: str, expected: str) -> None:
    assert any(message.startswith(expected) for message in _refused(tail)), _refused(tail)


def test_what_generate_writes_for_each_detail() -> None:
    tail = ("indexes:\n- columns: [created_at, lower(name)]\n  descending: [created_at]\n"
            "  nulls: {created_at: last, lower(name): first}\n  storage: {fillfactor: 70, deduplicate_items: 'off'}\n"
            "- columns: [name]\n  nulls: {name: last}\n"
            "constraints:\n- name: events_name_short\n  check: length(name) < 10\n  validated: false\n")
    sql = generate(load_schema_sources({"project.yaml": "project:\n  name: t\n", "events.yaml": TABLE + tail})
                   ).migrations[0].up_sql
    assert ("ON events (created_at DESC NULLS LAST, (lower(name)) NULLS FIRST) "
            "WITH (fillfactor = 70, deduplicate_items = 'off');") in sql
    assert "ON events (name);" in sql  # NULLS LAST is ascending's default: not written
    assert "CHECK (length(name) < 10)\n" not in sql
    assert "ALTER TABLE events\n    ADD CONSTRAINT events_name_short CHECK (length(name) < 10) NOT VALID;" in sql


CHECK = "constraints:\n- name: events_name_short\n  check: length(name) < 10\n"
CODE = ("  code:\n    type: string\n    max_length: {width}\n"
        "constraints:\n- name: events_code_short\n  check: length(code) < 9\n  validated: false\n")


def _planned(before: str, after: str) -> str:
    """The SQL of every migration `diff` plans from the table with `before` to it with `after`."""
    project = {"project.yaml": "project:\n  name: t\n"}
    old = load_schema_sources({**project, "events.yaml": TABLE + before}).schema
    outcome = generate_migrations(load_schema_sources({**project, "events.yaml": TABLE + after}), old,
                                  dt.datetime(2026, 1, 1, tzinfo=dt.UTC), [], allow_changes=True)
    return "\n".join(m.up_sql for m in outcome.migrations)


@pytest.mark.parametrize(("before", "after", "present", "absent"), [
    ("", CHECK + "  validated: false\n",
     ["ADD CONSTRAINT events_name_short CHECK (length(name) < 10) NOT VALID"], ["VALIDATE CONSTRAINT"]),
    (CHECK + "  validated: false\n", CHECK,
     ["ALTER TABLE events VALIDATE CONSTRAINT events_name_short;"], ["ADD CONSTRAINT", "DROP CONSTRAINT"]),
    (CHECK, CHECK + "  validated: false\n",
     ["ADD CONSTRAINT events_name_short_next CHECK (length(name) < 10) NOT VALID",
      "RENAME CONSTRAINT events_name_short_next TO events_name_short"], ["VALIDATE CONSTRAINT"]),
    (CODE.format(width=10), CODE.format(width=20),
     ["ADD CONSTRAINT events_code_short CHECK (length(code) < 9) NOT VALID"], ["VALIDATE CONSTRAINT"]),
], ids=["added-not-valid", "validated-later", "made-not-valid", "column-widened"])
def test_diff_follows_validated(before: str, after: str, present: list[str], absent: list[str]) -> None:
    sql = _planned(before, after)
    assert [text for text in present if text not in sql] == [], sql
    assert [text for text in absent if text in sql] == [], sql


async def test_storage_parameters_of_a_constraint_s_index_are_listed_as_lost(db: asyncpg.Connection) -> None:
    """`storage:` is said on indexes; a unique constraint's own index WITH (...) has no place to say it."""
    await db.execute("CREATE TABLE tags (id serial PRIMARY KEY, name text, UNIQUE (name) WITH (fillfactor = 70))")
    imported = import_texts(await read_catalog(db))
    assert [str(p) for p in imported.errors] == [
        "error: tags: the index of constraint tags_name_key has storage parameters, which the YAML says on indexes "
        "only"]
