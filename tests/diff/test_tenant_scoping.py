"""`tenant_scoped` turned on (with a backfill for the tenant column) and off (destructive) on a
table that holds rows: the forward SQL and its inverse, and both directions on a real database."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from agent.catalog import fingerprint, read_catalog
from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.lint.command import lint_command
from agent.plan.errors import PlanError
from agent.schema import LoadedSchema, load_schema_sources
from agent.schema.diagnostics import SchemaError
from agent.schema.tables import Schema
from agent.verify.apply import apply_sql, columns_by_name, without_backups
from agent.verify.schema_compare import compare_schema

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TENANT = "aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa"
SHARED = """version: 1
entity: Item
table: items
tenant_scoped: false
properties:
  code:
    type: string
    max_length: 20
    required: true
    unique: true
  owner_id:
    type: uuid
    references:
      table: owners
      on_delete: SET NULL
      reason: an owner may go; its items stay
"""
SCOPED = SHARED.replace("tenant_scoped: false", "tenant_scoped: true").replace(
    "properties:\n", f"properties:\n  tenant_id:\n    type: uuid\n    backfill: '{TENANT}'\n", 1)
OWNERS = "version: 1\nentity: Owner\ntable: owners\nproperties:\n  name:\n    type: text\n"


def load(items: str) -> LoadedSchema:
    return load_schema_sources({"items.yaml": items, "owners.yaml": OWNERS})


def diff(old: str, new: str, *, destructive: bool = False) -> GenerateOutcome:
    return generate_migrations(load(new), load(old).schema, NOW, ["20251231000000"], allow_changes=True,
                               allow_destructive=destructive)


def phase(outcome: GenerateOutcome, slug: str) -> tuple[str, str]:
    (found,) = [m for m in outcome.migrations if m.slug == slug]
    return found.up_sql, found.down_sql


def in_order(text: str, *fragments: str) -> bool:
    places = [text.find(fragment) for fragment in fragments]
    return -1 not in places and places == sorted(places)


# ------------------------------------------------------------ on

def test_on_is_one_file_from_the_new_column_to_isolation() -> None:
    """No transaction: add nullable, backfill in batches, NOT NULL through a validated check, the
    indexes built concurrently, then RLS and the policy, once every row has its tenant."""
    up, down = phase(diff(SHARED, SCOPED), "backfill_items")
    assert "-- agent:no-transaction" in up
    assert in_order(up, "ALTER TABLE items ADD COLUMN tenant_id UUID;",
                    "ORDER BY item_id OFFSET 9999 LIMIT 1;",
                    f"SET tenant_id = COALESCE(tenant_id, ('{TENANT}'))", "COMMIT;",
                    "ADD CONSTRAINT items_tenant_id_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;",
                    "ALTER TABLE items VALIDATE CONSTRAINT items_tenant_id_not_null;",
                    "ALTER TABLE items ALTER COLUMN tenant_id SET NOT NULL;",
                    "ALTER TABLE items DROP CONSTRAINT items_tenant_id_not_null;",
                    "CREATE INDEX CONCURRENTLY idx_items_tenant_id_owner_id\n    ON items (tenant_id, owner_id);",
                    "ALTER TABLE items ENABLE ROW LEVEL SECURITY;", "ALTER TABLE items FORCE ROW LEVEL SECURITY;",
                    "CREATE POLICY items_tenant_isolation ON items")
    assert in_order(down, "DROP POLICY items_tenant_isolation ON items;",
                    "ALTER TABLE items NO FORCE ROW LEVEL SECURITY;", "ALTER TABLE items DISABLE ROW LEVEL SECURITY;",
                    "DROP INDEX CONCURRENTLY idx_items_tenant_id_owner_id;",
                    "ALTER TABLE items ALTER COLUMN tenant_id DROP NOT NULL;",
                    "CREATE TABLE _backup_items_tenant_id_20260101000000 AS\n    SELECT item_id, tenant_id FROM items;",
                    "ALTER TABLE items DROP COLUMN tenant_id;")
    assert "-- agent:destructive" in down


def test_on_rebuilds_a_changed_index_in_the_same_file_drop_first() -> None:
    """The changed index's drop moves with its rebuild: left in the index phase, it ran after
    the rebuild and the index was gone (found by tests/diff/test_property_tables.py)."""
    index = "indexes:\n  - name: idx_items_lower_code\n    columns: [lower(code)]\n"
    outcome = diff(SHARED + index + "    unique: true\n", SCOPED + index)
    up, _ = phase(outcome, "backfill_items")
    assert in_order(up, "DROP INDEX CONCURRENTLY idx_items_lower_code;",
                    "CREATE INDEX CONCURRENTLY idx_items_lower_code")
    assert all("idx_items_lower_code" not in m.up_sql for m in outcome.migrations if m.slug != "backfill_items")

def test_on_makes_keys_same_tenant_after_the_parent_gains_its_tenant_unique() -> None:
    outcome = diff(SHARED, SCOPED)
    assert [m.slug for m in outcome.migrations] == [
        "backfill_items", "index_items", "index_owners", "validate_items", "contract_items", "contract_owners"]
    index, index_down = phase(outcome, "index_items")
    assert "CREATE UNIQUE INDEX CONCURRENTLY items_tenant_id_code_key\n    ON items (tenant_id, code);" in index
    assert "ALTER TABLE items DROP CONSTRAINT items_tenant_id_code_key;" in index_down
    owners, _ = phase(outcome, "index_owners")
    assert "CREATE UNIQUE INDEX CONCURRENTLY owners_tenant_id_owner_id_key\n    ON owners (tenant_id, owner_id);" \
        in owners
    validate, down = phase(outcome, "validate_items")
    assert in_order(validate, "ALTER TABLE items DROP CONSTRAINT items_owner_id_fkey;",
                    "FOREIGN KEY (tenant_id, owner_id) REFERENCES owners (tenant_id, owner_id) "
                    "ON DELETE SET NULL (owner_id) NOT VALID;",
                    "ALTER TABLE items VALIDATE CONSTRAINT items_owner_id_fkey;",
                    "COMMENT ON CONSTRAINT items_owner_id_fkey ON items IS\n    'an owner may go; its items stay';")
    assert in_order(down, "FOREIGN KEY (owner_id) REFERENCES owners (owner_id) ON DELETE SET NULL NOT VALID;",
                    "COMMENT ON CONSTRAINT items_owner_id_fkey ON items IS\n    'an owner may go; its items stay';")
    contract, _ = phase(outcome, "contract_items")
    assert "ALTER TABLE items DROP CONSTRAINT items_code_key;" in contract


def test_on_names_what_breaks_for_the_application() -> None:
    assert diff(SHARED, SCOPED).breaking == [
        "items becomes tenant-scoped: row-level security shows and accepts only the session's tenant's rows",
        "items.tenant_id is new and required: inserts must set it"]


def test_on_without_a_backfill_is_refused_at_the_yaml_that_asks_for_it() -> None:
    no_backfill = SHARED.replace("tenant_scoped: false", "tenant_scoped: true")
    with pytest.raises(PlanError, match=r"^items\.yaml:4:16 tenant_scoped: items: tenant_scoped turns on for a "
                                        r"table that may hold rows: .*tenant_id: \{type: uuid, backfill"):
        diff(SHARED, no_backfill)


def test_the_tenant_column_in_properties_takes_only_its_type_and_backfill() -> None:
    with pytest.raises(SchemaError, match=r"properties\.tenant_id: column 'tenant_id' is added by tenant_scoped"):
        load(SCOPED.replace("    type: uuid\n", "    type: uuid\n    required: true\n", 1))
    assert load(SCOPED).schema.table("items").column("tenant_id").backfill == f"'{TENANT}'"  # type: ignore[union-attr]


# ------------------------------------------------------------ off

def test_off_is_refused_unless_destructive_changes_are_allowed() -> None:
    with pytest.raises(PlanError, match="tenant_scoped turns off for items: its tenant column, tenant index and "
                                        "isolation policy are dropped: destructive; rerun with --allow-destructive"):
        diff(SCOPED, SHARED)


def test_off_turns_security_off_copies_the_column_then_drops_it_after_the_application() -> None:
    outcome = diff(SCOPED, SHARED, destructive=True)
    contract, down = phase(outcome, "contract_items")
    assert "-- agent:deploy after-app" in contract and "-- agent:destructive" in contract
    backup = "_backup_items_tenant_id_20260101000003"
    assert in_order(contract, "DROP INDEX CONCURRENTLY idx_items_tenant_id_owner_id;",
                    "ALTER TABLE items DISABLE ROW LEVEL SECURITY;", "DROP POLICY items_tenant_isolation ON items;",
                    f"CREATE TABLE {backup} AS\n    SELECT item_id, tenant_id FROM items;",
                    "ALTER TABLE items DROP COLUMN tenant_id;")
    assert in_order(down, "ALTER TABLE items ADD COLUMN tenant_id UUID;",
                    f"SET tenant_id = COALESCE(tenant_id, ((SELECT b.tenant_id FROM {backup} AS b",
                    "ALTER TABLE items ALTER COLUMN tenant_id SET NOT NULL;", f"DROP TABLE {backup};",
                    "CREATE POLICY items_tenant_isolation ON items", "ALTER TABLE items ENABLE ROW LEVEL SECURITY;",
                    "ALTER TABLE items FORCE ROW LEVEL SECURITY;",
                    "CREATE INDEX CONCURRENTLY idx_items_tenant_id_owner_id")


def test_off_makes_keys_plain_then_drops_per_tenant_uniques_with_the_column_children_first() -> None:
    """In the contract, not before: a child's key to a per-tenant unique goes in the child's
    validate or contract, and contracts run children first (found by the property test)."""
    outcome = diff(SCOPED, SHARED, destructive=True)
    assert [m.slug for m in outcome.migrations] == [
        "index_items", "index_owners", "validate_items", "contract_items", "contract_owners"]
    index, _ = phase(outcome, "index_items")
    assert "ALTER TABLE items ADD CONSTRAINT items_code_key UNIQUE USING INDEX items_code_key;" in index
    validate, _ = phase(outcome, "validate_items")
    assert "FOREIGN KEY (owner_id) REFERENCES owners (owner_id) ON DELETE SET NULL NOT VALID;" in validate
    assert "DROP CONSTRAINT items_tenant_id_code_key" not in validate
    contract, down = phase(outcome, "contract_items")
    assert in_order(contract, "ALTER TABLE items DROP CONSTRAINT items_tenant_id_code_key;",
                    "ALTER TABLE items DROP COLUMN tenant_id;")
    assert in_order(down, "ALTER TABLE items ADD COLUMN tenant_id UUID;",
                    "ADD CONSTRAINT items_tenant_id_code_key UNIQUE USING INDEX items_tenant_id_code_key;")
    owners, _ = phase(outcome, "contract_owners")
    assert "ALTER TABLE owners DROP CONSTRAINT owners_tenant_id_owner_id_key;" in owners
    assert outcome.breaking == ["tenant_scoped turns off for items: its tenant column, tenant index and isolation "
                                "policy are dropped", "column items.tenant_id is dropped"]


@pytest.mark.parametrize(("old", "new"), [(SHARED, SCOPED), (SCOPED, SHARED)], ids=["on", "off"])
def test_the_migrations_lint_clean(old: str, new: str, tmp_path: Path) -> None:
    """Linted after the migrations that built the old schema, as in a project's folder: a down file
    re-adds keys whose indexes those made."""
    created = generate_migrations(load(old), Schema(), dt.datetime(2025, 12, 1, tzinfo=dt.UTC), [])
    for file in [*created.files(), *diff(old, new, destructive=True).files()]:
        (tmp_path / file.name).write_text(file.content, encoding="utf-8")
    paths = sorted(str(path) for path in tmp_path.iterdir())
    result = CliRunner().invoke(lint_command, ["--fail-on", "warning", *paths])
    assert result.exit_code == 0, result.output


# ------------------------------------------------------------ on a real database

ITEMS_CHECKSUM = ("SELECT count(*), md5(string_agg(concat_ws('|', item_id, code, owner_id), ',' ORDER BY item_id)) "
                  "FROM items")


async def _database_at(db: asyncpg.Connection, items: str) -> None:
    for migration in generate_migrations(load(items), Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("SELECT set_config('app.current_tenant_id', $1, false)", TENANT)
    await db.execute("INSERT INTO owners (tenant_id, name) SELECT $1::uuid, 'owner ' || i "
                     "FROM generate_series(1, 20) AS i", TENANT)
    tenant = "$1::uuid, " if items == SCOPED else ""
    await db.execute(f"INSERT INTO items ({'tenant_id, ' if tenant else ''}code, owner_id) "
                     f"SELECT {tenant}'C-' || i, (SELECT owner_id FROM owners ORDER BY owner_id OFFSET i % 20 LIMIT 1) "
                     "FROM generate_series(1, 500) AS i", *([TENANT] if tenant else []))


@pytest.mark.integration
@pytest.mark.parametrize(("old", "new"), [(SHARED, SCOPED), (SCOPED, SHARED)], ids=["on", "off"])
async def test_up_gives_the_target_and_down_the_exact_before(db: asyncpg.Connection, old: str, new: str) -> None:
    await _database_at(db, old)
    before, rows = columns_by_name(await read_catalog(db)), await db.fetchrow(ITEMS_CHECKSUM)
    outcome = diff(old, new, destructive=True)
    for migration in outcome.migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    findings = compare_schema(load(new).schema, await read_catalog(db), column_order=False)
    assert [f.message for f in findings if not f.passed] == []
    assert tuple(await db.fetchrow(ITEMS_CHECKSUM)) == tuple(rows)
    if new == SCOPED:
        assert await db.fetchval("SELECT count(*) FROM items WHERE tenant_id = $1::uuid", TENANT) == 500
    for migration in reversed(outcome.migrations):
        await apply_sql(db, migration.down_name, migration.down_sql)
    after = columns_by_name(without_backups(await read_catalog(db)))
    assert fingerprint(after) == fingerprint(before)
    assert tuple(await db.fetchrow(ITEMS_CHECKSUM)) == tuple(rows)
    if old == SCOPED:
        assert await db.fetchval("SELECT count(*) FROM items WHERE tenant_id = $1::uuid", TENANT) == 500


TAGS = """version: 1
entity: Tag
table: tags
properties:
  item_id:
    type: uuid
    required: true
    references:
      table: items
      on_delete: CASCADE
      reason: a tag lives and dies with its item
"""


async def test_a_new_table_keyed_to_a_table_turning_tenant_scoped_is_linked_after_the_change(
        db: asyncpg.Connection) -> None:
    old = load(SHARED)
    new = load_schema_sources({"items.yaml": SCOPED, "owners.yaml": OWNERS, "tags.yaml": TAGS})
    outcome = generate_migrations(new, old.schema, NOW, ["20251231000000"], allow_changes=True)
    slugs = [m.slug for m in outcome.migrations]
    assert slugs[0] == "create_tags" and slugs[-1] == "link_tags"
    create_tags, _ = phase(outcome, "create_tags")
    assert "FOREIGN KEY" not in create_tags
    link_up, link_down = phase(outcome, "link_tags")
    assert "FOREIGN KEY (tenant_id, item_id) REFERENCES items (tenant_id, item_id) ON DELETE CASCADE NOT VALID" \
        in link_up
    assert "VALIDATE CONSTRAINT tags_item_id_fkey" in link_up and "DROP CONSTRAINT tags_item_id_fkey" in link_down
    for migration in generate_migrations(old, Schema(), NOW, []).migrations + outcome.migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert compare_failures(new, await read_catalog(db)) == []
    for migration in reversed(outcome.migrations):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert await db.fetchval("SELECT to_regclass('tags')") is None


def compare_failures(loaded: LoadedSchema, catalog: object) -> list[str]:
    findings = compare_schema(loaded.schema, without_backups(catalog), column_order=False)  # type: ignore[arg-type]
    return [f.message for f in findings if not f.passed]
