"""Index storage parameters against PostgreSQL itself (issue 23): whatever value the YAML's check
accepts, PostgreSQL accepts too (an integer parameter exactly where PostgreSQL does), and an
accepted `storage:` is kept in the catalog as the text the YAML says, so it imports back the same."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent.catalog import read_catalog
from agent.importing import dump_yaml, import_texts
from agent.schema import load_schema_sources
from agent.schema.index_storage import definition_storage, storage_problem, storage_sql, storage_text
from agent.sql.parsing import parse_sql
from agent.verify.apply import apply_sql
from tests.diff.scratch_databases import drop_database, fresh_database
from tests.generate.helpers import generate
from tests.property_budget import examples

pytestmark = pytest.mark.integration

COLUMN = {"btree": "i", "hash": "i", "gist": "r", "gin": "j", "brin": "i"}
PARAMETERS = ("fillfactor", "deduplicate_items", "buffering", "fastupdate", "gin_pending_list_limit",
              "pages_per_range", "autosummarize")
INTEGER_PARAMETERS = {"fillfactor", "gin_pending_list_limit", "pages_per_range"}
values = st.one_of(
    st.integers(-2, 140_000), st.integers(2_147_483_640, 2_147_483_660), st.booleans(),
    st.sampled_from(["on", "off", "auto", "yes", "no", "true", "false", "ON", "maybe", "1", "70", "1.5", ""]))


async def _postgres_accepts(connection: asyncpg.Connection, method: str, name: str, value: int | bool | str) -> bool:
    sql = f"CREATE INDEX ON t USING {method} ({COLUMN[method]}){storage_sql(((name, storage_text(value)),))}"
    try:
        async with connection.transaction():
            await connection.execute(sql)
            raise _RolledBack
    except _RolledBack:
        return True
    except asyncpg.PostgresError:
        return False


class _RolledBack(Exception):
    """Leaves the index uncreated once PostgreSQL has accepted it."""


async def _agreement(server: str, method: str, name: str, value: int | bool | str) -> None:
    connection, database = await fresh_database(server, "storage")
    try:
        await connection.execute("CREATE TABLE t (i integer, r int4range, j jsonb)")
        accepted = await _postgres_accepts(connection, method, name, value)
        ours = storage_problem(method, name, value) is None
        assert accepted or not ours, (method, name, value)
        if name in INTEGER_PARAMETERS and isinstance(value, int) and not isinstance(value, bool):
            assert ours == accepted, (method, name, value)
    finally:
        await drop_database(server, connection, database)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(method=st.sampled_from(sorted(COLUMN)), name=st.sampled_from(PARAMETERS), value=values)
@example(method="btree", name="fillfactor", value=10)
@example(method="btree", name="fillfactor", value=9)
@example(method="gin", name="gin_pending_list_limit", value=2_147_483_647)
@example(method="gin", name="gin_pending_list_limit", value=63)
@example(method="brin", name="pages_per_range", value=131_072)
@example(method="brin", name="pages_per_range", value=131_073)
@example(method="gist", name="buffering", value="auto")
@example(method="btree", name="deduplicate_items", value="ON")
@example(method="brin", name="fillfactor", value=70)
def test_what_the_yaml_accepts_postgresql_accepts(postgres_server_url: str, method: str, name: str,
                                                  value: int | bool | str) -> None:
    asyncio.run(_agreement(postgres_server_url, method, name, value))


def _entity(method: str, storage: dict[str, int | bool | str]) -> str:
    column = {"btree": "integer", "hash": "integer", "gin": "jsonb", "brin": "integer"}[method]
    return dump_yaml({"version": 1, "entity": "Sample", "table": "samples", "tenant_scoped": False, "audit": False,
                      "primary_key": "id", "properties": {"id": {"type": "integer", "serial": True},
                                                          "v": {"type": column}},
                      "indexes": [{"name": "samples_v", "columns": ["v"], "using": method, "storage": storage}]})


async def _round_trip(server: str, method: str, storage: dict[str, int | bool | str]) -> None:
    sources = {"project.yaml": "project:\n  name: t\n", "samples.yaml": _entity(method, storage)}
    loaded = load_schema_sources(sources)
    connection, database = await fresh_database(server, "storage")
    try:
        for migration in generate(loaded).migrations:
            await apply_sql(connection, migration.up_name, migration.up_sql)
        catalog = await read_catalog(connection)
        index = next(i for t in catalog.tables for i in t.indexes if i.name == "samples_v")
        said = tuple((name, storage_text(value)) for name, value in storage.items())
        assert definition_storage(parse_sql(index.definition)[0].stmt) == said, index.definition
        again = load_schema_sources(import_texts(catalog).texts).schema.tables[0]
        assert next(i for i in again.indexes if i.name == "samples_v").storage == said
    finally:
        await drop_database(server, connection, database)


_TAKEN: dict[str, dict[str, st.SearchStrategy[int | bool | str]]] = {
    "btree": {"fillfactor": st.integers(10, 100), "deduplicate_items": st.sampled_from([True, False, "off", "on"])},
    "hash": {"fillfactor": st.integers(10, 100)},
    "gin": {"fastupdate": st.sampled_from([True, False, "yes", "no"]),
            "gin_pending_list_limit": st.integers(64, 2_147_483_647)},
    "brin": {"pages_per_range": st.integers(1, 131_072), "autosummarize": st.sampled_from([True, False, "on"])},
}


@st.composite
def _storage(draw: st.DrawFn) -> tuple[str, dict[str, int | bool | str]]:
    method = draw(st.sampled_from(sorted(_TAKEN)))
    names = draw(st.lists(st.sampled_from(sorted(_TAKEN[method])), min_size=1, unique=True))
    return method, {name: draw(_TAKEN[method][name]) for name in names}


@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=_storage())
@example(drawn=("btree", {"fillfactor": 70, "deduplicate_items": "off"}))
@example(drawn=("brin", {"pages_per_range": 1}))
@example(drawn=("gin", {"gin_pending_list_limit": 2_147_483_647, "fastupdate": True}))
def test_the_catalog_keeps_the_storage_the_yaml_says_and_it_imports_back(
    postgres_server_url: str, drawn: tuple[str, dict[str, int | bool | str]]
) -> None:
    asyncio.run(_round_trip(postgres_server_url, *drawn))
