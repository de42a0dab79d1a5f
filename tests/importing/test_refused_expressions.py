"""A database may hold expressions the schema language refuses (its own functions, a sequence,
a catalog lookup): the import reports each as a loss, naming the function, instead of writing
YAML that calls them (issue #16)."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import read_catalog
from agent.importing import import_texts

pytestmark = pytest.mark.integration

DATABASE = """
CREATE FUNCTION double_it(n integer) RETURNS integer LANGUAGE sql IMMUTABLE AS 'SELECT n * 2';
CREATE SEQUENCE part_numbers;
CREATE TABLE parts (
    part_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    qty integer NOT NULL CHECK (double_it(qty) < 100),
    serial_no bigint DEFAULT nextval('part_numbers'),
    last_no bigint DEFAULT currval('part_numbers'),
    shelf text CHECK (pg_input_is_valid(shelf, 'regclass'))
);
"""


async def test_refused_calls_in_a_database_are_reported_as_losses(db: asyncpg.Connection) -> None:
    await db.execute(DATABASE)
    imported = import_texts(await read_catalog(db))
    messages = "\n".join(str(p) for p in imported.errors)
    # the database's own function comes along as an SQL object, so the check calling it is kept (issue 23)
    assert "double_it" not in messages
    assert "name: double_it" in imported.texts["project.yaml"]
    assert "double_it(qty) < 100" in imported.texts["parts.yaml"]
    # so does the sequence, which a default may then advance, and nothing more (issue 23)
    assert "name: part_numbers" in imported.texts["project.yaml"]
    assert "nextval(CAST('part_numbers' AS regclass))" in imported.texts["parts.yaml"]
    assert "calls currval(), which reads or advances a sequence" in messages
    assert "calls pg_input_is_valid(), which reads the system catalog" in messages
