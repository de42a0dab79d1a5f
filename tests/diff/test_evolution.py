"""The v1 -> v2 example of ../shared/examples/evolution on a real database holding rows."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import asyncpg
import pytest

from agent.catalog import compare, fingerprint, read_catalog
from agent.jobs.generate import GenerateOutcome, generate_migrations
from agent.plan.diff import BackfillSettings
from agent.plan.errors import PlanError
from agent.schema import LoadedSchema, load_schema_dir, load_schema_sources
from agent.schema.tables import Schema
from agent.verify.apply import ApplyError, apply_sql, columns_by_name, without_backups
from agent.verify.schema_compare import compare_schema

EVOLUTION = Path(__file__).parent / "evolution"
"""A copy of ../shared/examples/evolution, so the repository tests itself."""
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
ROWS = 600
DATA_CHECKSUM = (
    "SELECT count(*), md5(string_agg(concat_ws('|', lot_id, tenant_id, lot_number, quantity, quality_status, "
    "notes, storage_location_id), ',' ORDER BY lot_id)) FROM lots"
)


def _versions() -> tuple[LoadedSchema, LoadedSchema]:
    return load_schema_dir(EVOLUTION / "v1"), load_schema_dir(EVOLUTION / "v2")


def _diff(allow_destructive: bool = True, batch_size: int = 10_000) -> GenerateOutcome:
    v1, v2 = _versions()
    return generate_migrations(v2, v1.schema, NOW, ["20251205103001"], allow_changes=True,
                               allow_destructive=allow_destructive, backfill=BackfillSettings(batch_size))


def test_the_diff_is_phased_and_names_what_breaks() -> None:
    outcome = _diff()
    assert [m.slug for m in outcome.migrations] == [
        "expand_lots", "backfill_lots", "index_lots", "validate_lots", "contract_lots"]
    assert outcome.breaking == [
        "lots.lot_number is renamed to lot_code: switch reads and writes before the contract migration runs",
        "lots.supplier_id is new and required: inserts must set it",
        "column lots.notes is dropped",
    ]
    expand, backfill, index, validate, contract = outcome.migrations
    assert "RENAME COLUMN" not in "".join(m.up_sql for m in outcome.migrations)
    assert "-- agent:no-transaction" not in expand.up_sql and "BEGIN;" in expand.up_sql
    assert "ADD COLUMN supplier_id UUID,\n    ADD CONSTRAINT lots_quantity_check CHECK (quantity >= 0) NOT VALID," \
        in expand.up_sql
    assert "-- agent:no-transaction" in backfill.up_sql and "COMMIT;" in backfill.up_sql
    update = backfill.up_sql[backfill.up_sql.index("UPDATE lots"):]
    assert "LIMIT" not in update[:update.index(";")]  # the seed's UPDATE ... LIMIT is not PostgreSQL
    assert "CREATE INDEX CONCURRENTLY idx_lots_material_id" in index.up_sql
    assert "UNIQUE USING INDEX lots_tenant_id_lot_code_key" in index.up_sql
    assert "ALTER TABLE lots VALIDATE CONSTRAINT lots_supplier_id_not_null;" in validate.up_sql
    assert "-- agent:deploy after-app" in contract.up_sql and "-- agent:destructive" in contract.up_sql
    assert "CREATE TABLE _backup_lots_notes_20260101000004 AS" in contract.up_sql


def test_destructive_changes_are_refused_unless_allowed() -> None:
    with pytest.raises(PlanError, match=r"lots: column lots\.notes is dropped: destructive"):
        _diff(allow_destructive=False)


def test_a_required_column_without_default_or_backfill_is_refused() -> None:
    v1, v2 = _versions()
    broken = v2.schema.model_copy(update={"tables": tuple(
        t.model_copy(update={"columns": tuple(c.model_copy(update={"backfill": None}) for c in t.columns)})
        for t in v2.schema.tables)})
    with pytest.raises(PlanError, match=r"required column supplier_id .* give it a `default` or a `backfill`"):
        generate_migrations(LoadedSchema(broken), v1.schema, NOW, [], allow_changes=True, allow_destructive=True)


async def _load_v1_rows(db: asyncpg.Connection) -> None:
    await db.execute("ALTER TABLE lots NO FORCE ROW LEVEL SECURITY")
    await db.execute(f"""
        INSERT INTO lots (tenant_id, lot_number, material_id, quantity, quality_status, notes)
        SELECT CASE WHEN i % 2 = 0 THEN 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa'::uuid
                    ELSE 'bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb'::uuid END,
               'LOT-' || i, gen_random_uuid(), i,
               (ARRAY['QUARANTINE', 'RELEASED', 'REJECTED'])[1 + i % 3], CASE WHEN i % 5 = 0 THEN 'note ' || i END
        FROM generate_series(1, {ROWS}) AS i""")
    await db.execute("ALTER TABLE lots FORCE ROW LEVEL SECURITY")


@pytest.mark.integration
async def test_v1_to_v2_keeps_the_data_and_rolls_back_to_the_exact_v1(db: asyncpg.Connection) -> None:
    v1, v2 = _versions()
    for migration in generate_migrations(v1, Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await _load_v1_rows(db)
    v1_catalog, v1_data = await read_catalog(db), await db.fetchrow(DATA_CHECKSUM)
    outcome = _diff()
    for migration in outcome.migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    findings = compare_schema(v2.schema, await read_catalog(db), column_order=False)
    assert [f.message for f in findings if not f.passed] == []
    zero = "'00000000-0000-0000-0000-000000000000'"
    assert await db.fetchval(f"SELECT count(*) FROM lots WHERE supplier_id = {zero}") == ROWS
    assert await db.fetchval("SELECT count(*) FROM lots WHERE lot_code = 'LOT-' || quantity::int") == ROWS
    backup = "_backup_lots_notes_20260101000004"
    assert await db.fetchval(f"SELECT count(*) FROM {backup} WHERE notes IS NOT NULL") == ROWS // 5
    for migration in reversed(outcome.migrations):
        await apply_sql(db, migration.down_name, migration.down_sql)
    restored = columns_by_name(without_backups(await read_catalog(db)))
    assert compare(columns_by_name(v1_catalog), restored) == []
    assert fingerprint(restored) == fingerprint(columns_by_name(v1_catalog))
    assert tuple(await db.fetchrow(DATA_CHECKSUM)) == tuple(v1_data)


@pytest.mark.integration
async def test_the_backfill_fills_every_row_range_by_range_and_a_rerun_finishes_only_the_rest(
        db: asyncpg.Connection) -> None:
    v1, _ = _versions()
    for migration in generate_migrations(v1, Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await _load_v1_rows(db)
    expand, backfill = _diff(batch_size=7).migrations[:2]
    await apply_sql(db, expand.up_name, expand.up_sql)
    pending = "SELECT count(*) FROM lots WHERE lot_code IS NULL OR supplier_id IS NULL"
    # a run that stopped part-way: the first ranges are done
    await db.execute("UPDATE lots SET lot_code = lot_number, supplier_id = gen_random_uuid() "
                     "WHERE lot_id IN (SELECT lot_id FROM lots ORDER BY lot_id LIMIT 100)")
    notices: list[str] = []

    def listen(_: object, message: asyncpg.PostgresLogMessage) -> None:
        notices.append(message.message)

    db.add_log_listener(listen)
    try:
        await apply_sql(db, backfill.up_name, backfill.up_sql)
    finally:
        db.remove_log_listener(listen)
    assert await db.fetchval(pending) == 0
    progress = [n for n in notices if n.startswith("backfill lots")]
    assert len(progress) == -(-ROWS // 7)  # one commit per range of 7 keys
    assert progress[-1] == f"backfill lots: lot_code, supplier_id: {ROWS - 100} rows"
    assert await db.fetchval("SELECT count(*) FROM lots WHERE lot_code = lot_number") == ROWS


@pytest.mark.integration
async def test_data_steps_refuse_a_role_that_row_level_security_would_filter(db: asyncpg.Connection) -> None:
    """With FORCE ROW LEVEL SECURITY, a table's owner sees only its current tenant's rows (none,
    outside a request): a backfill would fill nothing and a backup would copy nothing before
    the drop. The data steps run with row_security off, so they stop instead."""
    owner = f"owner_{uuid.uuid4().hex[:12]}"
    await db.execute(f"CREATE ROLE {owner} NOLOGIN NOBYPASSRLS; GRANT CREATE ON SCHEMA public TO {owner}")
    try:
        await db.execute(f"SET ROLE {owner}")
        v1, _ = _versions()
        for migration in generate_migrations(v1, Schema(), NOW, []).migrations:
            await apply_sql(db, migration.up_name, migration.up_sql)
        await db.execute("RESET ROLE")
        await _load_v1_rows(db)
        expand, backfill, index, validate, contract = _diff().migrations
        await db.execute(f"SET ROLE {owner}")
        await apply_sql(db, expand.up_name, expand.up_sql)
        with pytest.raises(ApplyError, match=r"row-level security policy for table \"lots\"; .* BYPASSRLS"):
            await apply_sql(db, backfill.up_name, backfill.up_sql)
        await db.execute("RESET ROLE")
        assert await db.fetchval("SELECT count(*) FROM lots WHERE supplier_id IS NULL") == ROWS
        await db.execute(f"ALTER ROLE {owner} BYPASSRLS")
        await db.execute(f"SET ROLE {owner}")
        for migration in (backfill, index, validate):
            await apply_sql(db, migration.up_name, migration.up_sql)
        await db.execute("RESET ROLE")
        await db.execute(f"ALTER ROLE {owner} NOBYPASSRLS")
        await db.execute(f"SET ROLE {owner}")
        with pytest.raises(ApplyError, match="row-level security"):
            await apply_sql(db, contract.up_name, contract.up_sql)
        await db.execute("RESET ROLE")
        assert await db.fetchval("SELECT count(*) FROM lots WHERE notes IS NOT NULL") == ROWS // 5
    finally:
        await db.execute("RESET ROLE")
        await db.execute(f"DROP OWNED BY {owner}; DROP ROLE {owner}")


def _dropping(*tables: str) -> GenerateOutcome:
    v1, _ = _versions()
    kept = v1.schema.model_copy(update={"tables": tuple(t for t in v1.schema.tables if t.name not in tables)})
    return generate_migrations(LoadedSchema(kept), v1.schema, NOW, ["20251205103001"], allow_changes=True,
                               allow_destructive=True)


def test_dropped_tables_go_children_first() -> None:
    """lots references storage_locations: DROP ... RESTRICT of the parent first would fail."""
    assert [m.slug for m in _dropping("lots", "storage_locations").migrations] == [
        "drop_lots", "drop_storage_locations"]


ITEMS = "version: 1\nentity: Item\ntable: items\naudit: false\nproperties:\n  code:\n    type: text\n"
TAGS = ("version: 1\nentity: Tag\ntable: tags\naudit: false\nproperties:\n  item_id:\n    type: uuid\n"
        "    references:\n      table: items\n      on_delete: RESTRICT\n")


@pytest.mark.integration
async def test_contracts_go_children_first(db: asyncpg.Connection) -> None:
    """tags' key to items uses items' UNIQUE (tenant_id, item_id): the key goes (tags' contract)
    before the unique does (items' contract), not in the tables' name order (found by
    tests/diff/test_property_tables.py)."""
    old = load_schema_sources({"items.yaml": ITEMS, "tags.yaml": TAGS})
    new = load_schema_sources({"items.yaml": ITEMS, "tags.yaml": TAGS.replace(
        "  item_id:\n    type: uuid\n    references:\n      table: items\n      on_delete: RESTRICT\n",
        "  label:\n    type: text\n")})
    change = generate_migrations(new, old.schema, NOW, ["20251205103001"], allow_changes=True,
                                 allow_destructive=True).migrations
    assert [m.slug for m in change if m.slug.startswith("contract_")] == ["contract_tags", "contract_items"]
    for migration in generate_migrations(old, Schema(), NOW, []).migrations + change:
        await apply_sql(db, migration.up_name, migration.up_sql)

@pytest.mark.integration
async def test_a_dropped_table_comes_back_whole_with_its_rows(db: asyncpg.Connection) -> None:
    """The down migration of a drop rebuilds the table as its YAML creates it (indexes, trigger,
    row-level security, policy, comments) and copies the rows back from the backup, which it
    then drops, so the drop can run again."""
    v1, _ = _versions()
    for migration in generate_migrations(v1, Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await _load_v1_rows(db)
    before, data = without_backups(await read_catalog(db)), await db.fetchrow(DATA_CHECKSUM)
    (drop,) = _dropping("lots").migrations
    await apply_sql(db, drop.up_name, drop.up_sql)
    backup = "_backup_lots_20260101000000"
    assert await db.fetchval("SELECT to_regclass('lots')") is None
    assert await db.fetchval(f"SELECT count(*) FROM {backup}") == ROWS
    await apply_sql(db, drop.down_name, drop.down_sql)
    assert compare(before, without_backups(await read_catalog(db))) == []
    assert tuple(await db.fetchrow(DATA_CHECKSUM)) == tuple(data)
    assert await db.fetchval(f"SELECT to_regclass('{backup}')") is None
    await apply_sql(db, drop.up_name, drop.up_sql)
    assert await db.fetchval(f"SELECT count(*) FROM {backup}") == ROWS


async def _there_and_back(db: asyncpg.Connection, old: LoadedSchema, new: LoadedSchema) -> list[str]:
    """Build `old`, apply the change up, down and up again, checking the catalog each time;
    the change's slugs."""
    for migration in generate_migrations(old, Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    before = columns_by_name(without_backups(await read_catalog(db)))
    change = generate_migrations(new, old.schema, NOW, ["20251205103001"], allow_changes=True,
                                 allow_destructive=True).migrations
    for _ in range(2):
        for migration in change:
            await apply_sql(db, migration.up_name, migration.up_sql)
        findings = compare_schema(new.schema, await read_catalog(db), column_order=False)
        assert [f.message for f in findings if not f.passed] == []
        for migration in reversed(change):
            await apply_sql(db, migration.down_name, migration.down_sql)
        assert compare(before, columns_by_name(without_backups(await read_catalog(db)))) == []
    return [m.slug for m in change]


@pytest.mark.integration
async def test_a_dropped_child_goes_before_its_parent_drops_the_unique_its_key_used(
        db: asyncpg.Connection) -> None:
    """items keeps UNIQUE (tenant_id, item_id) only for tags' key: with tags dropped, the unique
    goes in items' contract, which must wait for the drop (found by the property test)."""
    old = load_schema_sources({"items.yaml": ITEMS, "tags.yaml": TAGS})
    new = load_schema_sources({"items.yaml": ITEMS})
    assert await _there_and_back(db, old, new) == ["index_items", "drop_tags", "contract_items"]


@pytest.mark.integration
async def test_a_parent_turning_tenant_scoped_off_drops_its_unique_after_the_child_key_that_used_it(
        db: asyncpg.Connection) -> None:
    """tags' key becomes plain (tags' validate); items' UNIQUE (tenant_id, item_id) goes after it."""
    old = load_schema_sources({"items.yaml": ITEMS, "tags.yaml": TAGS})
    new = load_schema_sources({"items.yaml": ITEMS.replace("audit: false\n", "audit: false\ntenant_scoped: false\n"),
                               "tags.yaml": TAGS})
    slugs = await _there_and_back(db, old, new)
    assert slugs.index("validate_tags") < slugs.index("contract_items")


CYCLE_A = ("version: 1\nentity: A\ntable: a_things\naudit: false\nproperties:\n  b_id:\n    type: uuid\n"
           "    references:\n      table: b_things\n      on_delete: SET NULL\n")
CYCLE_B = ("version: 1\nentity: B\ntable: b_things\naudit: false\nproperties:\n  a_id:\n    type: uuid\n"
           "    references:\n      table: a_things\n      on_delete: SET NULL\n")


@pytest.mark.integration
async def test_tables_in_a_reference_cycle_are_dropped_together(db: asyncpg.Connection) -> None:
    """The key that closed the cycle when the tables were created goes first; down adds it last."""
    old = load_schema_sources({"a.yaml": CYCLE_A, "b.yaml": CYCLE_B, "items.yaml": ITEMS})
    new = load_schema_sources({"items.yaml": ITEMS})
    assert await _there_and_back(db, old, new) == ["unlink_b_things", "drop_b_things", "drop_a_things"]


def test_changed_tables_that_take_keys_and_their_uniques_from_each_other_are_refused() -> None:
    """Each contract would drop a unique the other table's key still uses: no order works, so the
    plan asks for two versions instead of writing migrations PostgreSQL would refuse."""
    old = load_schema_sources({"a.yaml": CYCLE_A.replace("SET NULL", "CASCADE"),
                               "b.yaml": CYCLE_B.replace("SET NULL", "CASCADE")})
    plain = "version: 1\nentity: {0}\ntable: {1}\naudit: false\nproperties:\n  note:\n    type: text\n"
    new = load_schema_sources({"a.yaml": plain.format("A", "a_things"), "b.yaml": plain.format("B", "b_things")})
    with pytest.raises(PlanError, match="b_things and a_things remove keys and the uniques they use from each "
                                        "other: split the change in two versions"):
        generate_migrations(new, old.schema, NOW, [], allow_changes=True, allow_destructive=True)


CODES = "SELECT count(*) FILTER (WHERE {0} IS NULL), string_agg({0}, ',' ORDER BY {0}) FROM items"


async def _items_with_codes(db: asyncpg.Connection, old: LoadedSchema) -> None:
    for migration in generate_migrations(old, Schema(), NOW, []).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute("ALTER TABLE items NO FORCE ROW LEVEL SECURITY")
    await db.execute("INSERT INTO items (tenant_id, code) SELECT 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa', "
                     "CASE WHEN i % 3 = 0 THEN NULL ELSE 'c' || i END FROM generate_series(1, 30) AS i")
    await db.execute("ALTER TABLE items FORCE ROW LEVEL SECURITY")


@pytest.mark.integration
@pytest.mark.parametrize("new_code", [
    "  code:\n    type: text\n    required: true\n    backfill: none\n",
    "  label:\n    type: text\n    renamed_from: code\n    required: true\n    backfill: none\n",
], ids=["made-required", "renamed-and-made-required"])
async def test_down_makes_the_rows_a_backfill_filled_null_again(db: asyncpg.Connection, new_code: str) -> None:
    """The rows a backfill fills were NULL: their keys go to a sealed backup first, and the down
    migration empties them again, so down gives back the exact rows (found by the property test);
    a row the application has given another value since keeps it."""
    old = load_schema_sources({"items.yaml": ITEMS})
    new = load_schema_sources({"items.yaml": ITEMS.replace("  code:\n    type: text\n", new_code)})
    await _items_with_codes(db, old)
    before = tuple(await db.fetchrow(CODES.format("code")))
    assert before[0] == 10
    change = generate_migrations(new, old.schema, NOW, ["20251205103001"], allow_changes=True,
                                 allow_destructive=True).migrations
    column = "label" if "label" in new_code else "code"
    for migration in change:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert await db.fetchval(f"SELECT count(*) FROM items WHERE {column} = 'none'") == 10
    for migration in reversed(change):
        await apply_sql(db, migration.down_name, migration.down_sql)
    assert tuple(await db.fetchrow(CODES.format("code"))) == before
    for migration in change:
        await apply_sql(db, migration.up_name, migration.up_sql)
    await db.execute(f"UPDATE items SET {column} = 'written since' WHERE item_id = "
                     f"(SELECT item_id FROM items WHERE {column} = 'none' ORDER BY item_id LIMIT 1)")
    for migration in reversed(change):
        await apply_sql(db, migration.down_name, migration.down_sql)
    nulls, codes = await db.fetchrow(CODES.format("code"))
    assert (nulls, "written since" in codes.split(",")) == (9, True)  # a value written since is kept
    assert await db.fetchval("SELECT count(*) FROM pg_tables WHERE tablename LIKE '\\_backup\\_items\\_nulls%'") == 0
    for migration in change:
        await apply_sql(db, migration.up_name, migration.up_sql)
    assert await db.fetchval(f"SELECT count(*) FROM items WHERE {column} = 'none'") == 9


@pytest.mark.integration
async def test_a_second_rollback_keeps_the_backup_of_the_first_under_a_numbered_name(db: asyncpg.Connection) -> None:
    """Up, down, up, down: the first down's backup (of the table, and of a column a change added)
    still held that name, and the second down failed on it; it now moves aside, and no copy is lost."""
    items = load_schema_sources({"items.yaml": ITEMS})
    created = generate_migrations(items, Schema(), NOW, []).migrations
    coloured = load_schema_sources({"items.yaml": ITEMS + "  colour:\n    type: text\n"})
    added = generate_migrations(coloured, items.schema, NOW, ["20251205103001"], allow_changes=True).migrations
    migrations = created + added
    for label in ("first", "second"):
        for migration in migrations:
            await apply_sql(db, migration.up_name, migration.up_sql)
        await db.execute("ALTER TABLE items NO FORCE ROW LEVEL SECURITY")
        await db.execute("INSERT INTO items (tenant_id, code, colour) VALUES (gen_random_uuid(), $1, $1)", label)
        for migration in reversed(migrations):
            await apply_sql(db, migration.down_name, migration.down_sql)
    tables = await db.fetchval("SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables "
                               "WHERE tablename LIKE '\\_backup\\_items\\_2%'")
    backups = {name: await db.fetchval(f"SELECT string_agg(code, ',') FROM {name}") for name in tables}
    assert backups == {"_backup_items_20260101000000": "second", "_backup_items_20260101000000_1": "first"}
    colours = await db.fetchval("SELECT array_agg(tablename::text ORDER BY tablename) FROM pg_tables "
                                "WHERE tablename LIKE '\\_backup\\_items\\_colour%'")
    assert colours == ["_backup_items_colour_20260101000000", "_backup_items_colour_20260101000000_1"]
    assert await db.fetchval("SELECT relrowsecurity AND relforcerowsecurity FROM pg_class "
                             "WHERE relname = '_backup_items_20260101000000_1'")
