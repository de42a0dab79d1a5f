"""Any name a schema may hold survives the whole path (issue 23): drawn tables and columns of any
printable ASCII but a double quote (spaces, punctuation, case, reserved words, SQL-looking text)
load, generate, apply, match the catalog, import back to the same schema and roll back."""

from __future__ import annotations

import asyncio
import string

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from agent.catalog import read_catalog
from agent.importing import dump_yaml, import_texts
from agent.schema import load_schema_sources
from agent.schema.expressions import is_column_key
from agent.verify.apply import apply_sql
from agent.verify.schema_compare import compare_schema
from tests.diff.scratch_databases import drop_database, fresh_database
from tests.generate.helpers import generate
from tests.importing.helpers import comparable_table
from tests.property_budget import examples

pytestmark = pytest.mark.integration

_ALPHABET = "".join(c for c in string.printable if c not in '"\t\n\r\x0b\x0c')
names = st.text(_ALPHABET, min_size=1, max_size=24).filter(
    lambda n: n.strip() == n and n != "id" and is_column_key(n))
labels = st.text(_ALPHABET, min_size=1, max_size=12)


def _entity(table: str, columns: list[str], enum: str) -> str:
    properties: dict[str, object] = {"id": {"type": "integer", "serial": True}}
    for n, column in enumerate(columns):
        properties[column] = {"type": "integer", "minimum": 0, "unique": n == 0, "index": n == 1}
    properties["kind"] = {"type": "enum", "native": enum, "required": True}
    return dump_yaml({"version": 1, "entity": "Drawn", "table": table, "tenant_scoped": False, "audit": False,
                      "primary_key": "id", "properties": properties})


async def _check(server: str, table: str, columns: list[str], enum: str, values: list[str]) -> None:
    if enum == table:
        return  # refused at load: test_an_enum_type_named_like_a_table_is_refused
    project = dump_yaml({"project": {"naming": "preserve", "enums": {enum: values}}})
    loaded = load_schema_sources({"project.yaml": project, "drawn.yaml": _entity(table, columns, enum)})
    assert loaded.warnings == []
    outcome = generate(loaded)
    connection, name = await fresh_database(server, "names")
    try:
        for migration in outcome.migrations:
            await apply_sql(connection, migration.up_name, migration.up_sql)
        catalog = await read_catalog(connection)
        assert [f.message for f in compare_schema(loaded.schema, catalog) if not f.passed] == []
        imported = import_texts(catalog)
        assert imported.errors == []
        again = load_schema_sources(imported.texts).schema.table(table)
        assert again is not None
        renamed = again.model_copy(update={"entity": "Drawn"})
        assert comparable_table(renamed) == comparable_table(loaded.schema.tables[0])
        for migration in reversed(outcome.migrations):
            await apply_sql(connection, migration.down_name, migration.down_sql)
        assert [t.name for t in (await read_catalog(connection)).tables if not t.name.startswith("_backup_")] == []
    finally:
        await drop_database(server, connection, name)


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(table=names, columns=st.lists(names, min_size=1, max_size=3, unique_by=str.lower).filter(
    lambda c: "kind" not in c), enum=names, values=st.lists(labels, min_size=1, max_size=3, unique=True))
@example(table="User", columns=["order", "createdAt"], enum="Role", values=["USER", "ADMIN"])
@example(table="x; DROP TABLE y; --", columns=["a b", "'quoted'"], enum="it's", values=["a'b", "\\"])
@example(table="Select", columns=["from", "where"], enum="type", values=["select"])
@example(table=".", columns=["0"], enum="1", values=[" "])  # a sequence owned by `..id`
@example(table="$$", columns=["0"], enum="0", values=["0"])  # the backup's DO block was dollar-quoted by $$
@example(table="t", columns=["--"], enum="e", values=["v"])  # normal_form('--'): a comment, no expression
def test_any_name_survives_the_whole_path(postgres_server_url: str, table: str, columns: list[str], enum: str,
                                          values: list[str]) -> None:
    asyncio.run(_check(postgres_server_url, table, columns, enum, values))
