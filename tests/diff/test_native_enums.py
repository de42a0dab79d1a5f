"""Native enum types (issue 23): created before the tables that use them and dropped after;
a value added, renamed or removed, each proven up, down and up again on PostgreSQL."""

from __future__ import annotations

import datetime as dt

import asyncpg
import pytest

from agent.catalog import compare, read_catalog
from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.plan.errors import PlanError
from agent.schema import LoadedSchema, SchemaError, load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import ApplyError, without_backups
from agent.verify.schema_compare import compare_schema
from tests.generate.test_apply import apply_down, apply_up

pytestmark = pytest.mark.integration

MEMBER = """version: 1
entity: Member
table: Member
tenant_scoped: false
audit: false
primary_key: id
properties:
  id: {type: uuid, required: true, default: {sql: gen_random_uuid()}}
  role: {type: enum, native: Role, required: true, default: USER}
  roles: {type: array, items: {type: enum, native: Role}, default: [USER]}
"""


def _load(enum: str) -> LoadedSchema:
    return load_schema_sources({"project.yaml": f"project:\n  naming: camelCase\n  enums:\n    Role: {enum}\n",
                                "member.yaml": MEMBER})


def _plan(new: LoadedSchema, old: Schema, *, minute: int = 0, destructive: bool = False) -> GenerateOutcome:
    now = dt.datetime(2025, 12, 5, 10, minute, tzinfo=dt.UTC)
    return generate_migrations(new, old, now, [], allow_changes=True, allow_destructive=destructive)


async def _labels(db: asyncpg.Connection) -> tuple[str, ...]:
    return next(e.labels for e in (await read_catalog(db)).enums if e.name == "Role")


async def _round_trip(db: asyncpg.Connection, outcome: GenerateOutcome, schema: Schema) -> None:
    """Up matches the YAML; down restores the catalog before; up again matches once more."""
    before = await read_catalog(db)
    await apply_up(db, outcome)
    assert [f.message for f in compare_schema(schema, await read_catalog(db)) if not f.passed] == []
    await apply_down(db, outcome)
    assert compare(before, without_backups(await read_catalog(db))) == []
    await apply_up(db, outcome)
    assert [f.message for f in compare_schema(schema, await read_catalog(db)) if not f.passed] == []


async def test_create_puts_the_type_before_the_table_and_drops_it_after(db: asyncpg.Connection) -> None:
    loaded = _load("[USER, ADMIN]")
    outcome = _plan(loaded, Schema())
    assert [m.up_name.split("_", 1)[1] for m in outcome.migrations] == ["enum_types.sql", "create_member.sql"]
    assert "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');" in outcome.migrations[0].up_sql
    assert "DROP TYPE \"Role\";" in outcome.migrations[0].down_sql
    assert "role \"Role\" NOT NULL DEFAULT 'USER'" in outcome.migrations[1].up_sql
    await _round_trip(db, outcome, loaded.schema)
    await db.execute("""INSERT INTO "Member" (role, roles) VALUES ('ADMIN', '{ADMIN,USER}')""")
    with pytest.raises(asyncpg.InvalidTextRepresentationError):
        await db.execute("""INSERT INTO "Member" (role) VALUES ('OWNER')""")


async def test_adding_a_value_alters_the_type_in_place(db: asyncpg.Connection) -> None:
    v1 = _load("[USER, ADMIN]")
    await apply_up(db, _plan(v1, Schema()))
    v2 = _load("[GUEST, USER, OWNER, ADMIN]")
    outcome = _plan(v2, v1.schema, minute=1)
    up = outcome.migrations[0].up_sql
    assert "ALTER TYPE \"Role\" ADD VALUE 'GUEST' BEFORE 'USER';" in up
    assert "ALTER TYPE \"Role\" ADD VALUE 'OWNER' AFTER 'USER';" in up
    await _round_trip(db, outcome, v2.schema)
    assert await _labels(db) == ("GUEST", "USER", "OWNER", "ADMIN")


async def test_renaming_a_value_keeps_the_rows(db: asyncpg.Connection) -> None:
    v1 = _load("[USER, ADMIN]")
    await apply_up(db, _plan(v1, Schema()))
    await db.execute("""INSERT INTO "Member" (role) VALUES ('ADMIN')""")
    v2 = _load("{values: [USER, SUPERUSER], renamed_from: {SUPERUSER: ADMIN}}")
    outcome = _plan(v2, v1.schema, minute=1)
    assert "ALTER TYPE \"Role\" RENAME VALUE 'ADMIN' TO 'SUPERUSER';" in outcome.migrations[0].up_sql
    await _round_trip(db, outcome, v2.schema)
    assert await db.fetchval("""SELECT role::text FROM "Member" """) == "SUPERUSER"


async def test_removing_a_value_needs_permission_then_goes_through_a_new_type(db: asyncpg.Connection) -> None:
    v1 = _load("[USER, ADMIN, GUEST]")
    await apply_up(db, _plan(v1, Schema()))
    await db.execute("""INSERT INTO "Member" (role, roles) VALUES ('ADMIN', '{USER,ADMIN}')""")
    v2 = _load("[USER, ADMIN]")
    with pytest.raises(PlanError, match="loses value"):
        _plan(v2, v1.schema, minute=1)
    outcome = _plan(v2, v1.schema, minute=1, destructive=True)
    assert "CREATE TYPE \"Role\" AS ENUM ('USER', 'ADMIN');" in outcome.migrations[0].up_sql
    await _round_trip(db, outcome, v2.schema)
    assert await db.fetchval("""SELECT roles::text FROM "Member" """) == "{USER,ADMIN}"
    assert await db.fetchval("""SELECT column_default FROM information_schema.columns
                                WHERE table_name = 'Member' AND column_name = 'role'""") == "'USER'::\"Role\""


async def test_removing_a_value_rows_still_hold_stops_the_migration(db: asyncpg.Connection) -> None:
    v1 = _load("[USER, ADMIN, GUEST]")
    await apply_up(db, _plan(v1, Schema()))
    await db.execute("""INSERT INTO "Member" (role) VALUES ('GUEST')""")
    outcome = _plan(_load("[USER, ADMIN]"), v1.schema, minute=1, destructive=True)
    with pytest.raises(ApplyError, match='invalid input value for enum "Role": "GUEST"'):
        await apply_up(db, outcome)
    assert await _labels(db) == ("USER", "ADMIN", "GUEST")


@pytest.mark.parametrize(("enum", "message"), [
    ("[USER, USER]", "distinct"),
    ("{values: [USER], renamed_from: {ADMIN: ROOT}}", "renamed_from ADMIN: ROOT"),
])
def test_bad_enum_types_are_refused_at_their_key(enum: str, message: str) -> None:
    with pytest.raises(SchemaError, match=message):
        _load(enum)


def test_an_unknown_native_type_is_named_with_a_suggestion() -> None:
    with pytest.raises(SchemaError) as raised:
        load_schema_sources({"project.yaml": "project:\n  enums:\n    Role: [USER]\n",
                             "member.yaml": MEMBER.replace("native: Role, required", "native: Rol, required")})
    errors = [str(d) for d in raised.value.diagnostics if not d.warning]
    assert errors == ["member.yaml:9:30 properties.role.native: no enum type 'Rol' in project.yaml's `enums`; "
                      "did you mean Role?"]


def test_an_enum_type_named_like_a_table_is_refused() -> None:
    """Found by the identifier property test: a table's row type takes its name, so CREATE TABLE
    would fail after CREATE TYPE of the same name."""
    with pytest.raises(SchemaError, match="table 'Member' has the name of a native enum type"):
        load_schema_sources({"project.yaml": "project:\n  enums:\n    Member: [A]\n    Role: [USER]\n",
                             "member.yaml": MEMBER})
