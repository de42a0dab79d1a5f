"""read_catalog on a database built with every feature the Catalog reads (FULL_DDL)."""

from __future__ import annotations

import asyncpg
import pytest

from agent.catalog import (
    Catalog,
    Column,
    Constraint,
    EnumType,
    Function,
    Grant,
    Index,
    Policy,
    SchemaNotFoundError,
    Sequence,
    Trigger,
    named,
    read_catalog,
)

pytestmark = [pytest.mark.integration, pytest.mark.asyncio(loop_scope="session")]

TENANT_EXPR = (
    "tenant_id = NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text)::uuid"
)


@pytest.fixture
async def catalog(built_db: asyncpg.Connection) -> Catalog:
    return await read_catalog(built_db)


async def test_objects_are_listed_by_name_and_extension_objects_left_out(catalog: Catalog) -> None:
    assert catalog.schema_name == "public"
    assert [t.name for t in catalog.tables] == ["dock_bookings", "lots", "storage_locations"]
    assert [v.name for v in catalog.views] == ["active_lots"]  # not pg_buffercache's view
    assert [f.signature for f in catalog.functions] == [
        "lot_weight(q numeric, factor integer)",
        "tenant_lot_count(p_tenant uuid)",
        "update_updated_at_column()",
    ]  # none of btree_gist's or pg_buffercache's functions
    assert [s.name for s in catalog.sequences] == ["lot_labels"]  # not the identity's own


async def test_table_flags_and_comment(catalog: Catalog) -> None:
    lots, locations = catalog.table("lots"), catalog.table("storage_locations")
    assert (lots.rls_enabled, lots.rls_forced) == (True, True)
    assert lots.comment == "A lot of one material"
    assert (locations.rls_enabled, locations.rls_forced, locations.comment) == (True, False, None)
    assert not lots.partitioned and not lots.unlogged


async def test_columns_in_ordinal_order_with_every_attribute(catalog: Catalog) -> None:
    assert catalog.table("lots").columns == (
        Column(name="lot_id", type="bigint", not_null=True, identity="always"),
        Column(name="tenant_id", type="uuid", not_null=True),
        Column(name="lot_number", type="character varying(50)", not_null=True),
        Column(name="storage_location_id", type="uuid"),
        Column(name="quantity", type="numeric(14,3)", not_null=True, default="0",
               comment="Quantity on hand"),
        Column(name="doubled", type="numeric", generated="stored",
               generated_expression="quantity * 2::numeric"),
        Column(name="grade", type="lot_grade"),
        Column(name="label_no", type="integer", default="nextval('lot_labels'::regclass)"),
        Column(name="attributes", type="jsonb", not_null=True, default="'{}'::jsonb"),
        Column(name="is_active", type="boolean", not_null=True, default="true"),
        Column(name="note", type="text", collation="C"),
        Column(name="updated_at", type="timestamp with time zone", not_null=True,
               default="now()"),
    )


async def test_composite_foreign_key_with_set_null_column_list(catalog: Catalog) -> None:
    assert named(catalog.table("lots").constraints, "lots_location_fk") == Constraint(
        name="lots_location_fk",
        kind="foreign",
        columns=("tenant_id", "storage_location_id"),
        definition=(
            "FOREIGN KEY (tenant_id, storage_location_id) REFERENCES "
            "storage_locations(tenant_id, location_id) ON UPDATE CASCADE "
            "ON DELETE SET NULL (storage_location_id) DEFERRABLE INITIALLY DEFERRED"
        ),
        referenced_table="storage_locations",
        referenced_columns=("tenant_id", "location_id"),
        on_delete="SET NULL (storage_location_id)",
        on_update="CASCADE",
        match="SIMPLE",
        deferrable=True,
        initially_deferred=True,
        comment="removing a location unplaces the lot",
    )


async def test_not_valid_check_primary_and_unique(catalog: Catalog) -> None:
    lots = catalog.table("lots")
    assert [c.name for c in lots.constraints] == [
        "lots_location_fk", "lots_pkey", "lots_quantity_check", "lots_tenant_number_key",
    ]  # PostgreSQL 18's NOT NULL constraints are Column.not_null, not listed here
    assert named(lots.constraints, "lots_quantity_check") == Constraint(
        name="lots_quantity_check", kind="check", columns=("quantity",),
        definition="CHECK (quantity >= 0::numeric) NOT VALID",
        expression="quantity >= 0::numeric", validated=False,
    )
    assert named(lots.constraints, "lots_pkey") == Constraint(
        name="lots_pkey", kind="primary", columns=("lot_id",), definition="PRIMARY KEY (lot_id)"
    )
    unique = named(lots.constraints, "lots_tenant_number_key")
    assert (unique.kind, unique.columns) == ("unique", ("tenant_id", "lot_number"))


async def test_exclusion_constraint_and_its_index(catalog: Catalog) -> None:
    bookings = catalog.table("dock_bookings")
    (constraint,) = bookings.constraints
    assert (constraint.kind, constraint.columns, constraint.definition) == (
        "exclude", ("dock", "during"), "EXCLUDE USING gist (dock WITH =, during WITH &&)",
    )
    (index,) = bookings.indexes
    assert (index.method, index.constraint, index.unique) == ("gist", constraint.name, False)


async def test_partial_expression_include_and_gin_indexes(catalog: Catalog) -> None:
    indexes = catalog.table("lots").indexes
    assert named(indexes, "idx_lots_active") == Index(
        name="idx_lots_active", method="btree", keys=("tenant_id",),
        predicate="is_active = true", comment="active lots per tenant",
        definition=(
            "CREATE INDEX idx_lots_active ON lots USING btree (tenant_id) WHERE is_active = true"
        ),
    )
    expression = named(indexes, "idx_lots_lower_number")
    assert (expression.unique, expression.keys) == (True, ("tenant_id", "lower(lot_number::text)"))
    covering = named(indexes, "idx_lots_covering")
    assert (covering.keys, covering.include) == (("tenant_id", "updated_at"), ("quantity", "grade"))
    assert covering.definition.endswith("(tenant_id, updated_at DESC) INCLUDE (quantity, grade)")
    gin = named(indexes, "idx_lots_attributes")
    assert (gin.method, gin.keys) == ("gin", ("attributes",))
    assert gin.definition.endswith("USING gin (attributes jsonb_path_ops)")


async def test_indexes_backing_constraints(catalog: Catalog) -> None:
    indexes = catalog.table("lots").indexes
    primary = named(indexes, "lots_pkey")
    assert (primary.is_primary, primary.unique, primary.constraint) == (True, True, "lots_pkey")
    unique = named(indexes, "lots_tenant_number_key")
    assert (unique.is_primary, unique.constraint) == (False, "lots_tenant_number_key")
    assert named(indexes, "idx_lots_location").constraint is None
    assert all(index.valid for index in indexes)


async def test_policies(catalog: Catalog) -> None:
    assert catalog.table("lots").policies == (
        Policy(name="lots_hide_inactive", command="SELECT", permissive=False,
               roles=("app_user",), using="is_active"),
        Policy(name="lots_insert_positive", command="INSERT",
               with_check="quantity > 0::numeric"),
        Policy(name="lots_tenant_isolation", using=TENANT_EXPR, with_check=TENANT_EXPR,
               comment="one tenant per session"),
    )


async def test_triggers_without_internal_foreign_key_ones(catalog: Catalog) -> None:
    assert catalog.table("lots").triggers == (
        Trigger(
            name="lots_quantity_audit", timing="AFTER", events=("INSERT", "UPDATE", "DELETE"),
            columns=("quantity", "is_active"), level="STATEMENT",
            function="update_updated_at_column", enabled="disabled",
            definition=(
                "CREATE TRIGGER lots_quantity_audit AFTER INSERT OR DELETE OR UPDATE OF "
                "quantity, is_active ON lots FOR EACH STATEMENT "
                "EXECUTE FUNCTION update_updated_at_column()"
            ),
        ),
        Trigger(
            name="lots_updated_at", timing="BEFORE", events=("UPDATE",), level="ROW",
            function="update_updated_at_column", comment="keeps updated_at current",
            definition=(
                "CREATE TRIGGER lots_updated_at BEFORE UPDATE ON lots FOR EACH ROW "
                "EXECUTE FUNCTION update_updated_at_column()"
            ),
        ),
    )
    assert catalog.table("storage_locations").triggers == ()  # only RI triggers there


async def test_grants_leave_out_the_owner(catalog: Catalog) -> None:
    assert catalog.table("lots").grants == (
        Grant(grantee="app_user", privilege="INSERT"),
        Grant(grantee="app_user", privilege="SELECT"),
    )
    assert catalog.view("active_lots").grants == (Grant(grantee="app_user", privilege="SELECT"),)
    assert catalog.table("storage_locations").grants == ()


async def test_functions(catalog: Catalog) -> None:
    plpgsql, sql_standard, definer = (
        named(catalog.functions, "update_updated_at_column"),
        named(catalog.functions, "lot_weight"),
        named(catalog.functions, "tenant_lot_count"),
    )
    assert plpgsql == Function(
        name="update_updated_at_column", result="trigger", language="plpgsql",
        body="\nBEGIN\n    NEW.updated_at = now();\n    RETURN NEW;\nEND;\n",
        comment="sets updated_at",
    )
    assert sql_standard == Function(
        name="lot_weight", arguments="q numeric, factor integer", result="numeric",
        language="sql", volatility="immutable", strict=True,
        body="RETURN (q * (factor)::numeric)",
    )
    assert (definer.security_definer, definer.volatility, definer.settings) == (
        True, "stable", ("search_path=public",),
    )


async def test_view_with_security_invoker(catalog: Catalog) -> None:
    view = catalog.view("active_lots")
    assert (view.security_invoker, view.security_barrier, view.materialized) == (
        True, False, False,
    )
    assert view.comment == "active lots only"
    assert " ".join(view.definition.split()) == (
        "SELECT lot_id, tenant_id, lot_number FROM lots WHERE is_active;"
    )
    assert [(c.name, c.type) for c in view.columns] == [
        ("lot_id", "bigint"), ("tenant_id", "uuid"), ("lot_number", "character varying(50)"),
    ]


async def test_sequences_and_enums(catalog: Catalog) -> None:
    assert catalog.sequences == (
        Sequence(name="lot_labels", type="integer", start=100, increment=5, minimum=100,
                 maximum=100000, cache=1, cycle=True, comment="label numbers"),
    )
    assert catalog.enums == (EnumType(name="lot_grade", labels=("A", "B", "C"),
                                      comment="quality grade"),)


async def test_serial_sequence_is_owned_by_its_column(db: asyncpg.Connection) -> None:
    await db.execute("CREATE TABLE tickets (ticket_no serial PRIMARY KEY)")
    catalog = await read_catalog(db)
    (sequence,) = catalog.sequences
    assert (sequence.name, sequence.owned_by) == ("tickets_ticket_no_seq", "tickets.ticket_no")
    assert catalog.table("tickets").columns[0].default == (
        "nextval('tickets_ticket_no_seq'::regclass)"
    )


async def test_another_schema_qualifies_what_lies_outside_it(
    built_db: asyncpg.Connection,
) -> None:
    await built_db.execute(
        "CREATE SCHEMA archive;"
        " CREATE TABLE archive.old_lots (lot_id bigint PRIMARY KEY REFERENCES public.lots"
        " ON DELETE CASCADE, grade public.lot_grade);"
        " ALTER TABLE archive.old_lots ENABLE ROW LEVEL SECURITY"
    )
    archive = await read_catalog(built_db, "archive")
    (table,) = archive.tables
    assert (archive.schema_name, table.name, table.rls_enabled) == ("archive", "old_lots", True)
    fk = next(c for c in table.constraints if c.kind == "foreign")
    assert (fk.referenced_table, fk.on_delete, fk.on_update) == (
        "public.lots", "CASCADE", "NO ACTION",
    )
    assert table.columns[1].type == "public.lot_grade"
    assert archive.functions == () and archive.enums == ()


async def test_a_missing_schema_is_an_error(db: asyncpg.Connection) -> None:
    with pytest.raises(SchemaNotFoundError, match="nowhere"):
        await read_catalog(db, "nowhere")


async def test_partitioned_table_and_its_partition(db: asyncpg.Connection) -> None:
    await db.execute(
        "CREATE TABLE movements (moved_at date NOT NULL, qty int)"
        " PARTITION BY RANGE (moved_at);"
        " CREATE TABLE movements_2025 PARTITION OF movements"
        " FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');"
        " CREATE INDEX movements_moved_at ON movements (moved_at)"
    )
    catalog = await read_catalog(db)
    parent, child = catalog.table("movements"), catalog.table("movements_2025")
    assert (parent.partitioned, parent.partition_key, parent.partition_of) == (
        True, "RANGE (moved_at)", None,
    )
    assert (child.partitioned, child.partition_of, child.partition_bound) == (
        False, "movements", "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
    )
    assert [i.keys for i in child.indexes] == [("moved_at",)]  # the cloned index


async def test_materialized_view_with_an_index(db: asyncpg.Connection) -> None:
    await db.execute(
        "CREATE TABLE items (id int PRIMARY KEY, kind text);"
        " CREATE MATERIALIZED VIEW kinds AS SELECT kind, count(*) AS n FROM items GROUP BY kind;"
        " CREATE UNIQUE INDEX kinds_kind ON kinds (kind);"
        " CREATE VIEW checked WITH (security_barrier) AS SELECT id FROM items WHERE id > 0"
        " WITH LOCAL CHECK OPTION"
    )
    catalog = await read_catalog(db)
    kinds, checked = catalog.view("kinds"), catalog.view("checked")
    assert (kinds.materialized, [i.name for i in kinds.indexes]) == (True, ["kinds_kind"])
    assert [(c.name, c.type) for c in kinds.columns] == [("kind", "text"), ("n", "bigint")]
    assert (checked.security_barrier, checked.check_option, checked.security_invoker) == (
        True, "local", False,
    )


async def test_virtual_generated_column_and_identity_by_default(db: asyncpg.Connection) -> None:
    if db.get_server_version().major < 18:
        pytest.skip("virtual generated columns arrived in PostgreSQL 18")
    await db.execute(
        "CREATE TABLE boxes (id int GENERATED BY DEFAULT AS IDENTITY, w int,"
        " w2 int GENERATED ALWAYS AS (w * 2) VIRTUAL)"
    )
    columns = (await read_catalog(db)).table("boxes").columns
    assert columns[0] == Column(name="id", type="integer", not_null=True, identity="by default")
    assert columns[2] == Column(name="w2", type="integer", generated="virtual",
                                generated_expression="w * 2")


async def test_names_that_need_quoting(db: asyncpg.Connection) -> None:
    await db.execute(
        'CREATE SCHEMA "Sales Data";'
        ' CREATE TABLE "Sales Data"."Order" ("Id" int PRIMARY KEY, "Total" int DEFAULT 0);'
        ' CREATE INDEX "By Total" ON "Sales Data"."Order" ("Total")'
    )
    catalog = await read_catalog(db, "Sales Data")
    table = catalog.table("Order")
    assert [c.name for c in table.columns] == ["Id", "Total"]
    assert named(table.indexes, "By Total").keys == ("Total",)  # a column by its exact name, as YAML writes it
    assert named(table.indexes, "By Total").definition == (
        'CREATE INDEX "By Total" ON "Order" USING btree ("Total")'
    )
