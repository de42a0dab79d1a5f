"""Property: for random pairs of whole schemas (two or three tables, added and dropped, tenant
scoping turned on and off, foreign keys between them, uniques, checks, indexes, policies,
comments, enums, varchar widths, required and default changes, renames), plan(v1, v2) takes a
database at v1 holding rows to v2's catalog; its down migrations give v1's catalog and every row
back; and up again gives v2's catalog again (column positions aside)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from decimal import Decimal
from typing import Any

import asyncpg
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

from agent.catalog import compare, read_catalog
from agent.jobs.generate import GeneratedMigration, generate_migrations
from agent.plan.errors import PlanError
from agent.schema import LoadedSchema, load_schema_sources
from agent.schema.diagnostics import SchemaError
from agent.schema.tables import Schema, Table
from agent.verify.apply import apply_sql, columns_by_name, without_backups
from tests.diff.scratch_databases import drop_database, fresh_database
from tests.property_budget import examples

pytestmark = pytest.mark.integration
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
TENANTS = ("aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa", "bbbbbbbb-bbbb-bbbb-bbbb-bbbbbbbbbbbb")
ROWS = 4
FILES = {"owners": "owners.yaml", "items": "items.yaml", "tags": "tags.yaml"}
PARENT = {"items": ("owner_id", "owners"), "tags": ("item_id", "items")}
"""The foreign key a table may have: its column and the table it references."""

Spec = dict[str, Any]

# ------------------------------------------------------------ strategies (plain data, rendered to YAML)


@st.composite
def _common(draw: st.DrawFn) -> Spec:
    return {
        "scoped": draw(st.booleans()),
        "tenant_backfill": draw(st.sampled_from([True, True, False])),
        "audit": draw(st.booleans()),
        "description": draw(st.sampled_from([None, "First words.", "Other words."])),
    }


@st.composite
def _reference(draw: st.DrawFn) -> Spec | None:
    if not draw(st.booleans()):
        return None
    on_delete = draw(st.sampled_from(["RESTRICT", "CASCADE", "SET NULL"]))
    return {
        "on_delete": on_delete,
        "required": on_delete != "SET NULL" and draw(st.booleans()),
        "reason": draw(st.sampled_from([None, "kept apart", "goes with it"])),
        "same_tenant": draw(st.sampled_from([True, True, False])),
    }


@st.composite
def _owners(draw: st.DrawFn) -> Spec:
    spec = draw(_common())
    spec.update(
        name_width=draw(st.sampled_from([20, 60])),
        name_unique=draw(st.sampled_from([False, True, "global"])),
        name_index=draw(st.booleans()),
        rank=draw(st.booleans()),
        rank_required=draw(st.booleans()),
        rank_default=draw(st.sampled_from([None, 1])),
        parent=draw(st.sampled_from([None, "RESTRICT", "CASCADE", "SET NULL"])),
        favorite=draw(st.sampled_from([None, "SET NULL", "RESTRICT"])),
        price=draw(st.sampled_from([None, 10, 12])),
        price_minimum=draw(st.booleans()),
        meta=draw(st.sampled_from([None, "plain", "default", "gin"])),
    )
    return spec


@st.composite
def _items(draw: st.DrawFn) -> Spec:
    spec = draw(_common())
    spec.update(
        code_name=draw(st.sampled_from(["code", "ref"])),
        code_renamed=draw(st.booleans()),
        code_width=draw(st.sampled_from([10, 20, 40, None])),
        code_required=draw(st.booleans()),
        code_unique=draw(st.sampled_from([False, True, "global"])),
        code_description=draw(st.sampled_from([None, "The code.", "The item's code."])),
        code_pattern=draw(st.sampled_from([None, "^[A-Z0-9]+$"])),
        code_min_length=draw(st.sampled_from([None, 1, 2])),
        qty=draw(st.booleans()),
        qty_required=draw(st.booleans()),
        qty_backfill=draw(st.sampled_from([None, 1])),
        qty_default=draw(st.sampled_from([None, 5, 50])),
        qty_minimum=draw(st.booleans()),
        status=draw(st.booleans()),
        status_values=draw(st.sampled_from([["NEW"], ["NEW", "DONE"], ["NEW", "DONE", "HELD"]])),
        status_width=draw(st.sampled_from([None, 12])),
        status_default=draw(st.sampled_from([None, "NEW", "DONE"])),
        status_required=draw(st.booleans()),
        note=draw(st.booleans()),
        note_description=draw(st.sampled_from([None, "Free text.", "Anything."])),
        owner=draw(_reference()),
        check=draw(st.sampled_from([None, "qty > 0", "qty < 100"])),
        pair_unique=draw(st.booleans()),
        note_index=draw(st.sampled_from([None, "plain", "partial"])),
        code_index=draw(st.sampled_from([None, "lower", "unique_lower", "unique_partial"])),
        status_index=draw(st.sampled_from([None, "plain", "include", "hash"])),
        policy=draw(st.sampled_from([None, "qty IS NULL OR qty > 0", "qty IS NULL OR qty > -1", "code"])),
        policy_command=draw(st.sampled_from(["SELECT", "ALL"])),
        policy_roles=draw(st.sampled_from([[], ["app_user"]])),
    )
    return spec


@st.composite
def _tags(draw: st.DrawFn) -> Spec:
    spec = draw(_common())
    spec.update(
        label_width=draw(st.sampled_from([20, 40])),
        label_required=draw(st.booleans()),
        label_index=draw(st.sampled_from([None, "plain", "partial"])),
        item=draw(_reference()),
        aliases=draw(st.sampled_from([None, "plain", "default"])),
    )
    return spec


@st.composite
def versions(draw: st.DrawFn) -> dict[str, Spec]:
    present = draw(st.sets(st.sampled_from(sorted(FILES)), min_size=1))
    makers = {"owners": _owners, "items": _items, "tags": _tags}
    return {name: draw(makers[name]()) for name in sorted(present)}


# ------------------------------------------------------------ rendering


def _head(entity: str, table: str, spec: Spec) -> dict[str, Any]:
    head: dict[str, Any] = {"version": 1, "entity": entity, "table": table}
    if spec["description"]:
        head["description"] = spec["description"]
    head["tenant_scoped"] = spec["scoped"]
    head["audit"] = spec["audit"]
    head["properties"] = {}
    if spec["scoped"] and spec["tenant_backfill"]:
        head["properties"]["tenant_id"] = {"type": "uuid", "backfill": TENANTS[0]}
    return head


def _fk(parent: str, ref: Spec, present: dict[str, Spec]) -> dict[str, Any] | None:
    if ref is None or parent not in present:
        return None
    prop: dict[str, Any] = {"type": "uuid"}
    if ref["required"]:
        prop["required"] = True
    references: dict[str, Any] = {"table": parent, "on_delete": ref["on_delete"]}
    if ref["reason"]:
        references["reason"] = ref["reason"]
    if not ref["same_tenant"]:
        references["same_tenant"] = False
    prop["references"] = references
    return prop


def render(version: dict[str, Spec]) -> dict[str, str]:
    files = {}
    for table, spec in version.items():
        files[FILES[table]] = yaml.safe_dump(_entity(table, spec, version), sort_keys=False)
    return files


def _entity(table: str, spec: Spec, version: dict[str, Spec]) -> dict[str, Any]:
    if table == "owners":
        doc = _head("Owner", "owners", spec)
        name: dict[str, Any] = {"type": "string", "max_length": spec["name_width"], "required": True}
        if spec["name_unique"]:
            name["unique"] = spec["name_unique"] if spec["scoped"] else True
        if spec["name_index"]:
            name["index"] = True
        doc["properties"]["name"] = name
        if spec["rank"]:
            rank: dict[str, Any] = {"type": "integer"}
            if spec["rank_required"]:
                rank.update(required=True, backfill=2)
            if spec["rank_default"] is not None:
                rank["default"] = spec["rank_default"]
            doc["properties"]["rank"] = rank
        if spec["parent"]:
            doc["properties"]["parent_id"] = {
                "type": "uuid", "references": {"table": "owners", "on_delete": spec["parent"]}}
        if spec["favorite"] and "items" in version:
            doc["properties"]["favorite_item_id"] = {
                "type": "uuid", "references": {"table": "items", "on_delete": spec["favorite"],
                                               "reason": "an owner's favourite item"}}
        if spec["price"]:
            price: dict[str, Any] = {"type": "decimal", "precision": spec["price"], "scale": 2}
            if spec["price_minimum"]:
                price["minimum"] = 0
            doc["properties"]["price"] = price
        if spec["meta"]:
            meta: dict[str, Any] = {"type": "jsonb"}
            if spec["meta"] == "default":
                meta["default"] = {}
            doc["properties"]["meta"] = meta
            if spec["meta"] == "gin":
                doc["indexes"] = [{"columns": ["meta"], "using": "gin"}]
        return doc
    if table == "items":
        return _items_entity(spec, version)
    doc = _head("Tag", "tags", spec)
    label: dict[str, Any] = {"type": "string", "max_length": spec["label_width"]}
    if spec["label_required"]:
        label.update(required=True, backfill="none")
    doc["properties"]["label"] = label
    fk = _fk("items", spec["item"], version)
    if fk:
        doc["properties"]["item_id"] = fk
    if spec["aliases"]:
        aliases: dict[str, Any] = {"type": "array", "items": {"type": "text"}}
        if spec["aliases"] == "default":
            aliases["default"] = []
        doc["properties"]["aliases"] = aliases
    if spec["label_index"] == "plain":
        doc["indexes"] = [{"columns": ["label"]}]
    elif spec["label_index"] == "partial":
        doc["indexes"] = [{"columns": ["label"], "where": "label <> ''"}]
    return doc


def _items_entity(spec: Spec, version: dict[str, Spec]) -> dict[str, Any]:
    doc = _head("Item", "items", spec)
    props = doc["properties"]
    code_name = spec["code_name"]
    code: dict[str, Any] = {"type": "string"}
    if spec["code_width"]:
        code["max_length"] = spec["code_width"]
    if spec["code_renamed"]:
        code["renamed_from"] = "ref" if code_name == "code" else "code"
    if spec["code_required"]:
        code.update(required=True, backfill={"sql": "upper(left(md5(item_id::text), 8))"})  # unique per row
    if spec["code_unique"]:
        code["unique"] = spec["code_unique"] if spec["scoped"] else True
    if spec["code_description"]:
        code["description"] = spec["code_description"]
    if spec["code_pattern"]:
        code["pattern"] = spec["code_pattern"]
    if spec["code_min_length"] is not None:
        code["min_length"] = spec["code_min_length"]
    props[code_name] = code
    if spec["qty"]:
        qty: dict[str, Any] = {"type": "integer"}
        if spec["qty_required"]:
            qty["required"] = True
            if spec["qty_backfill"] is not None:
                qty["backfill"] = spec["qty_backfill"]
        if spec["qty_default"] is not None:
            qty["default"] = spec["qty_default"]
        if spec["qty_minimum"]:
            qty["minimum"] = 0
        props["qty"] = qty
    if spec["status"]:
        status: dict[str, Any] = {"type": "enum", "values": list(spec["status_values"])}
        if spec["status_width"]:
            status["max_length"] = spec["status_width"]
        if spec["status_default"]:
            status["default"] = spec["status_default"] if spec["status_default"] in spec["status_values"] else "NEW"
        if spec["status_required"]:
            status.update(required=True, backfill="NEW")
        props["status"] = status
    fk = _fk("owners", spec["owner"], version)
    if fk:
        props["owner_id"] = fk
    if spec["note"]:
        note: dict[str, Any] = {"type": "text"}
        if spec["note_description"]:
            note["description"] = spec["note_description"]
        props["note"] = note
    constraints: list[dict[str, Any]] = []
    if spec["check"] and spec["qty"]:
        constraints.append({"name": "items_qty_sane", "check": spec["check"]})
    if spec["pair_unique"] and spec["status"]:
        columns = ["tenant_id", code_name, "status"] if spec["scoped"] else [code_name, "status"]
        constraints.append({"name": "items_code_status_key", "unique": columns})
    if constraints:
        doc["constraints"] = constraints
    indexes: list[dict[str, Any]] = []
    if spec["note"] and spec["note_index"] == "plain":
        indexes.append({"columns": ["note"]})
    elif spec["note"] and spec["note_index"] == "partial" and spec["qty"]:
        indexes.append({"columns": ["note"], "where": "qty > 0"})
    if spec["code_index"] == "lower":
        indexes.append({"name": "idx_items_lower_code", "columns": [f"lower({code_name})"]})
    elif spec["code_index"] == "unique_lower":
        indexes.append({"name": "idx_items_lower_code", "columns": [f"lower({code_name})"], "unique": True})
    elif spec["code_index"] == "unique_partial":
        indexes.append({"name": "idx_items_lower_code", "columns": [f"lower({code_name})"], "unique": True,
                        "where": f"{code_name} <> ''"})
    if spec["status"] and spec["status_index"] == "plain":
        indexes.append({"columns": ["status"]})
    elif spec["status"] and spec["status_index"] == "include":
        indexes.append({"columns": ["status"], "include": [code_name]})
    elif spec["status"] and spec["status_index"] == "hash":
        indexes.append({"columns": ["status"], "using": "hash"})
    if indexes:
        doc["indexes"] = indexes
    if spec["policy"] and (spec["qty"] or spec["policy"] == "code"):
        using = f"{code_name} IS DISTINCT FROM 'zz'" if spec["policy"] == "code" else spec["policy"]
        policy: dict[str, Any] = {"name": "items_sane_quantity", "command": spec["policy_command"],
                                  "using": using, "permissive": False}
        if spec["policy_roles"]:
            policy["roles"] = spec["policy_roles"]
        doc["policies"] = [policy]
    return doc


# ------------------------------------------------------------ rows


def _row_id(table: str, i: int) -> str:
    return str(uuid.UUID(int={"owners": 1, "items": 2, "tags": 3}[table] << 64 | i))


def _tenant_mixed(table: str, v1: Schema) -> bool:
    """Rows of a tenant table get tenants A and B, unless its parent's rows can only give it A."""
    this = v1.table(table)
    if this is None or not this.tenant_scoped:
        return False
    column, parent = PARENT.get(table, ("", ""))
    if v1.table(parent) is None or column not in this.column_names:
        return True
    return _tenant_mixed(parent, v1)


def _effective_tenant(table: str, i: int, v1: Schema) -> str:
    """The tenant a row has in v1, or gets by the backfill when tenant scoping turns on."""
    return TENANTS[i % 2] if _tenant_mixed(table, v1) else TENANTS[0]


def _counterpart(table: str, column: str, v2: Schema) -> Any:
    new = v2.table(table)
    if new is None:
        return None
    for candidate in new.columns:
        if candidate.name == column or candidate.renamed_from == column:
            return candidate
    return None


REFERENCES = {"owner_id": "owners", "item_id": "items", "parent_id": "owners", "favorite_item_id": "items"}
LATER = {"favorite_item_id"}
"""Columns that close a reference cycle: set once the rows they point at exist."""


def _value(table: str, column: str, i: int, v1: Schema) -> Any:
    if column in ("code", "ref"):
        return f"C{i}"
    values = {"name": f"O{i}", "rank": 3, "qty": 7, "status": "NEW", "note": f"n{i}", "label": f"L{i}",
              "price": Decimal("3.50"), "meta": json.dumps({"k": i}), "aliases": [f"a{i}", "b"]}
    if column in values:
        return values[column]
    if column == "parent_id":
        return _row_id(table, i - 2) if i >= 2 else None  # the same tenant, an earlier row
    parent = REFERENCES[column]
    mine = _effective_tenant(table, i, v1)
    j = next((j for j in (i, 0) if _effective_tenant(parent, j, v1) == mine), None)
    return None if j is None else _row_id(parent, j)


async def _insert_rows(connection: asyncpg.Connection, v1: Schema, v2: Schema) -> None:
    """ROWS rows in every table, parents first; the last row leaves out what may stay NULL in v2."""
    pending: list[tuple[str, str, str, dict[str, Any]]] = []
    for name in ("owners", "items", "tags"):
        table = v1.table(name)
        if table is None:
            continue
        for i in range(ROWS):
            row: dict[str, Any] = {table.primary_key.columns[0]: _row_id(name, i)}
            if table.tenant_scoped:
                row["tenant_id"] = TENANTS[i % 2] if _tenant_mixed(name, v1) else TENANTS[0]
            for column in _user_columns(table):
                null = i == ROWS - 1 and not column.not_null and _may_stay_null(name, column.name, v2)
                row[column.name] = None if null else _value(name, column.name, i, v1)
            later = {c: row.pop(c) for c in LATER if c in row}
            names = ", ".join(row)
            marks = ", ".join(f"${k}" for k in range(1, len(row) + 1))
            await connection.execute(f"INSERT INTO {name} ({names}) VALUES ({marks})",
                                     *[_typed(v) for v in row.values()])
            if later:
                pending.append((name, table.primary_key.columns[0], row[table.primary_key.columns[0]], later))
    for name, key, value, columns in pending:
        for column, target in columns.items():
            await connection.execute(f"UPDATE {name} SET {column} = $1 WHERE {key} = $2",
                                     _typed(target), _typed(value))


def _typed(value: Any) -> Any:
    try:
        return uuid.UUID(value) if isinstance(value, str) and len(value) == 36 else value
    except ValueError:
        return value


def _user_columns(table: Table) -> list[Any]:
    generated = {table.primary_key.columns[0], "tenant_id", "created_at", "created_by", "updated_at",
                 "updated_by"}
    return [c for c in table.columns if c.name not in generated]


def _may_stay_null(table: str, column: str, v2: Schema) -> bool:
    new = _counterpart(table, column, v2)
    return new is None or not new.not_null or new.backfill is not None


async def _rows(connection: asyncpg.Connection, v1: Schema) -> dict[str, list[dict[str, Any]]]:
    """Every v1 table's rows, by primary key, with the columns v1 has."""
    found = {}
    for table in v1.tables:
        key = table.primary_key.columns[0]
        records = await connection.fetch(f"SELECT to_jsonb(t) AS row FROM {table.name} AS t ORDER BY {key}")
        found[table.name] = [{c: json.loads(r["row"]).get(c) for c in table.column_names} for r in records]
    return found


# ------------------------------------------------------------ the check

APP_ROLE = ("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app_user') "
            "THEN CREATE ROLE app_user NOLOGIN; END IF; END $$")


async def _apply(connection: asyncpg.Connection, migrations: list[GeneratedMigration], *, down: bool = False) -> None:
    for migration in (reversed(migrations) if down else migrations):
        if down:
            await apply_sql(connection, migration.down_name, migration.down_sql)
        else:
            await apply_sql(connection, migration.up_name, migration.up_sql)


async def _catalog(connection: asyncpg.Connection) -> Any:
    return columns_by_name(without_backups(await read_catalog(connection)))


def load(version: dict[str, Spec]) -> LoadedSchema | None:
    try:
        return load_schema_sources(render(version))
    except SchemaError:
        return None


def _carried(v1_rows: dict[str, list[dict[str, Any]]], v2_rows: dict[str, list[dict[str, Any]]],
             v2: Schema) -> None:
    """Every row of a table that stays is still there after up, with the values it had (a renamed
    column's under its new name); only a NULL may have been filled in."""
    for name, rows in v1_rows.items():
        if name not in v2_rows:
            continue
        key = v2.table(name).primary_key.columns[0]  # type: ignore[union-attr]
        assert [r[key] for r in v2_rows[name]] == [r[key] for r in rows], f"rows of {name} after up"
        for before, after in zip(rows, v2_rows[name], strict=True):
            for column, value in before.items():
                new = _counterpart(name, column, v2)
                if new is not None and value is not None:
                    assert after[new.name] == value, f"{name}.{column} -> {new.name} after up: {before} {after}"


def _stable(rows: dict[str, list[dict[str, Any]]], v1: Schema) -> dict[str, list[dict[str, Any]]]:
    """Without the audit timestamps that a table turning `audit` on fills with now() each time."""
    def keep(table: str, column: str) -> bool:
        old = v1.table(table)
        return column not in ("created_at", "updated_at") or (old is not None and old.audit)
    return {t: [{c: v for c, v in r.items() if keep(t, c)} for r in found] for t, found in rows.items()}


def _same(step: str, expected: Any, found: Any) -> None:
    differences = compare(expected, found)
    assert not differences, f"{step}: " + "; ".join(str(d) for d in differences)


async def check(server: str, v1: LoadedSchema, v2: LoadedSchema) -> None:
    try:
        diff = generate_migrations(v2, v1.schema, NOW, ["20260101000000"], allow_changes=True,
                                   allow_destructive=True).migrations
    except PlanError:
        assume(False)
        return
    direct, direct_name = await fresh_database(server, "propt", APP_ROLE)
    evolved, evolved_name = await fresh_database(server, "propt", APP_ROLE)
    try:
        await _apply(direct, generate_migrations(v2, Schema(), NOW, []).migrations)
        target = await _catalog(direct)
        await _apply(evolved, generate_migrations(v1, Schema(), NOW, []).migrations)
        assert await evolved.fetchval("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        await _insert_rows(evolved, v1.schema, v2.schema)
        v1_catalog, v1_rows = await _catalog(evolved), await _rows(evolved, v1.schema)
        await _apply(evolved, diff)
        _same("up", target, await _catalog(evolved))
        v2_rows = await _rows(evolved, v2.schema)
        _carried(v1_rows, v2_rows, v2.schema)
        await _apply(evolved, diff, down=True)
        _same("down", v1_catalog, await _catalog(evolved))
        assert await _rows(evolved, v1.schema) == v1_rows, "rows after down"
        await _apply(evolved, diff)
        _same("up again", target, await _catalog(evolved))
        assert _stable(await _rows(evolved, v2.schema), v1.schema) == _stable(v2_rows, v1.schema), \
            "rows after up again"
        await _apply(evolved, diff, down=True)  # a second rollback meets the first one's backups
        _same("down again", v1_catalog, await _catalog(evolved))
        assert await _rows(evolved, v1.schema) == v1_rows, "rows after down again"
    finally:
        await drop_database(server, direct, direct_name)
        await drop_database(server, evolved, evolved_name)


@settings(max_examples=examples(35), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.filter_too_much])
@given(first=versions(), second=versions())
def test_plan_moves_whole_schemas_there_and_back_with_their_rows(
        postgres_server_url: str, first: dict[str, Spec], second: dict[str, Spec]) -> None:
    v1, v2 = load(first), load(second)
    for label, version in (("v1", first), ("v2", second)):
        for file, text in render(version).items():
            note(f"--- {label}/{file}\n{text}")
    assume(v1 is not None and v2 is not None)
    asyncio.run(check(postgres_server_url, v1, v2))  # type: ignore[arg-type]
