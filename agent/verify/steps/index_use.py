"""Step: every index is chosen by a representative query, and every foreign key has an index.

The query for an index is an equality on its leading key with a value taken from the data
(its predicate added for a partial index, `@>` for GIN over jsonb), planned with
`EXPLAIN (FORMAT JSON)` as the superuser (no policy predicate). When the planner prefers a
sequential scan on the sample, the query is planned again with `enable_seqscan = off`,
and the finding says so.
"""

from __future__ import annotations

import json
from typing import Any

import asyncpg

from agent.catalog import Catalog
from agent.sample.expressions import json_member
from agent.schema.expressions import is_column_key
from agent.schema.literals import quote_ident
from agent.schema.tables import Index, Table
from agent.verify.context import VerifyContext
from agent.verify.report import Finding
from agent.verify.row_key import row_key_sql

__all__ = ["plan_lines", "probe_sql", "run"]

def _key_sql(key: str) -> str:
    return quote_ident(key) if is_column_key(key) else f"({key})"


def _indexes_used(plan: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(plan, dict):
        if "Index Name" in plan:
            found.add(plan["Index Name"])
        for value in plan.values():
            found |= _indexes_used(value)
    elif isinstance(plan, list):
        for item in plan:
            found |= _indexes_used(item)
    return found


async def _query(connection: asyncpg.Connection, table: Table, index: Index) -> tuple[str, list[Any]] | None:
    """Equality on every key, with the values of one real row (`@>` for GIN); where no row fills
    every key (a self-reference the sample leaves NULL), a B-tree is probed with `IS NULL` for
    the keys the row leaves empty, which it serves too."""
    keys = [_key_sql(k) for k in index.keys]
    present = " AND ".join(f"{k} IS NOT NULL" for k in keys)
    row = await _first(connection, table, index, [_probe_value(table, index, k) for k in index.keys], present)
    if row is None and index.method == "btree":
        row = await _first(connection, table, index, [_probe_value(table, index, k) for k in index.keys], "true")
    if row is None:
        return None
    nulls = frozenset(key for key, value in zip(index.keys, row, strict=True) if value is None)
    return probe_sql(table, index, nulls=nulls), [value for value in row if value is not None]


async def _first(connection: asyncpg.Connection, table: Table, index: Index, values: list[str],
                 condition: str) -> asyncpg.Record | None:
    where = f" AND ({index.where})" if index.where else ""
    return await connection.fetchrow(
        f"SELECT {', '.join(values)} FROM {quote_ident(table.name)} WHERE {condition}{where} "
        f"ORDER BY {row_key_sql(table)} LIMIT 1")


def probe_sql(table: Table, index: Index, typed: bool = True, nulls: frozenset[str] = frozenset()) -> str:
    """The representative query of `index`: equality on every key (`@>` for GIN but trigrams) with
    `$n` parameters (`IS NULL` for the keys in `nulls`), its predicate added; `typed` casts each
    parameter from text (the step passes text values). `codegen --target docs` lists the same
    queries in its query guide."""
    tests: list[str] = []
    parameters = 0
    for raw in index.keys:
        if raw in nulls:
            tests.append(f"{_key_sql(raw)} IS NULL")
            continue
        parameters += 1
        kind = "tsquery" if _full_text(table, raw) else _cast_of(table, raw)
        cast = f"::text::{kind}" if typed else ""
        collation = index.collation_of(raw)  # the index serves comparisons in its own collation
        key = _key_sql(raw) + (f" COLLATE {quote_ident(collation)}" if collation else "")
        tests.append(f"{key} {_operator(index, raw, table)} ${parameters}{cast}")
    where = f" AND ({index.where})" if index.where else ""
    return f"SELECT * FROM {quote_ident(table.name)} WHERE {' AND '.join(tests)}{where}"


def _operator(index: Index, key: str, table: Table) -> str:
    """`@>` for GIN over jsonb and arrays, `@@` over a text search vector; pg_trgm's classes serve
    `=` on text, and have no `@>`."""
    trigram = (index.opclass_of(key) or "").endswith("_trgm_ops")
    if _full_text(table, key):
        return "@@"
    return "@>" if index.method == "gin" and not trigram else "="


def _full_text(table: Table, key: str) -> bool:
    """A tsvector key: a column of that type, or an expression that makes one."""
    if is_column_key(key):
        return table.column(key).sql_type == "tsvector"
    return "to_tsvector(" in key


def _probe_value(table: Table, index: Index, key: str) -> str:
    """What a real row gives the probe for `key`, as text: for a text search vector, one of its
    lexemes as a query (`'word'`), which the vector matches."""
    sql = _key_sql(key)
    if _full_text(table, key):
        return f"quote_literal((tsvector_to_array({sql}))[1])"
    return f"{sql}::text"


def _cast_of(table: Table, key: str) -> str:
    """The key's type: a column's; a json member (`doc -> 'member'`) jsonb; another expression text."""
    if is_column_key(key):
        return table.column(key).sql_type
    member = json_member(key)
    return "jsonb" if member is not None and "->>" not in key else "text"


async def _plan(connection: asyncpg.Connection, sql: str, values: list[Any], seqscan: bool,
                without: tuple[str, ...] = ()) -> Any:
    """The plan, as EXPLAIN (FORMAT JSON) gives it; `without` drops other indexes (and unique
    constraints, with what depends on them) inside the transaction, which is rolled back."""
    transaction = connection.transaction()
    await transaction.start()
    try:
        if not seqscan:
            await connection.execute("SET LOCAL enable_seqscan = off")
        for name in without:
            await connection.execute(name)
        plan = await connection.fetchval(f"EXPLAIN (FORMAT JSON) {sql}", *values)
    finally:
        await transaction.rollback()
    return json.loads(plan) if isinstance(plan, str) else plan


def plan_lines(plan: Any) -> list[str]:
    """A JSON plan as the indented lines EXPLAIN prints: node, relation, index, condition."""
    lines: list[str] = []
    for top in plan if isinstance(plan, list) else [plan]:
        _plan_node(top.get("Plan", top) if isinstance(top, dict) else {}, 0, lines)
    return lines


def _plan_node(node: dict[str, Any], depth: int, lines: list[str]) -> None:
    pad = "  " * depth
    using = f" using {node['Index Name']}" if "Index Name" in node else ""
    on = f" on {node['Relation Name']}" if "Relation Name" in node else ""
    lines.append(f"{pad}{'-> ' if depth else ''}{node.get('Node Type', '?')}{using}{on}"
                 f"  (cost={node.get('Startup Cost', 0)}..{node.get('Total Cost', 0)} rows={node.get('Plan Rows', 0)})")
    for key in ("Index Cond", "Recheck Cond", "Filter"):
        if key in node:
            lines.append(f"{pad}      {key}: {node[key]}")
    for child in node.get("Plans", []):
        _plan_node(child, depth + 1, lines)


def _proof(index: Index, sql: str, values: list[Any], plan: Any, how: str) -> dict[str, Any]:
    """What the report shows as the index's proof: the query, its values and the plan that used it."""
    return {"index": index.name, "query": sql, "values": [str(v) for v in values], "plan": plan_lines(plan),
            "how": how}


async def _index(connection: asyncpg.Connection, table: Table, index: Index, others: tuple[str, ...]) -> Finding:
    query = await _query(connection, table, index)
    if query is None:
        return Finding(check="index-use", table=table.name, passed=False,
                       message=f"{index.name}: no sample row matches it, so no query can use it")
    sql, values = query
    plan = await _plan(connection, sql, values, seqscan=True)
    if index.name in _indexes_used(plan):
        return Finding(check="index-use", table=table.name, passed=True, details=_proof(index, sql, values, plan, ""),
                       message=f"{index.name} is chosen for `{sql}` with {values}")
    plan = await _plan(connection, sql, values, seqscan=False)
    if index.name in _indexes_used(plan):
        return Finding(check="index-use", table=table.name, passed=True, message=(
            f"{index.name} is chosen with enable_seqscan off (on the sample a sequential scan is cheaper)"),
            details=_proof(index, sql, values, plan, "enable_seqscan off"))
    plan = await _plan(connection, sql, values, seqscan=False, without=others)
    chosen = index.name in _indexes_used(plan)
    return Finding(check="index-use", table=table.name, passed=chosen, message=(
        f"{index.name} is chosen once the table's other indexes are set aside: they serve its queries as well"
        if chosen else f"{index.name} is never chosen for `{sql}`: the planner cannot use it"),
        details=_proof(index, sql, values, plan, "enable_seqscan off, the table's other indexes set aside"))


def _foreign_keys_indexed(catalog: Catalog, unindexed: set[tuple[str, str]]) -> list[Finding]:
    """Each foreign key has an index leading with its columns, unless the YAML chose none."""
    findings = []
    for table in catalog.tables:
        keys = [index.keys for index in table.indexes if index.valid]
        for constraint in table.constraints:
            if constraint.kind != "foreign":
                continue
            width = len(constraint.columns)
            indexed = any(tuple(k[:width]) == tuple(constraint.columns) for k in keys)
            chosen = (table.name, constraint.name) in unindexed
            message = (f"{constraint.name} ({', '.join(constraint.columns)}) has an index leading with its columns"
                       if indexed else f"{constraint.name} ({', '.join(constraint.columns)}) has no index leading "
                       f"with its columns: deleting or updating a {constraint.referenced_table} row scans {table.name}")
            findings.append(Finding(check="foreign-key-index", table=table.name, passed=indexed or chosen,
                                    message=message + (" (the YAML says `index: false`)" if chosen else "")))
    return findings


async def run(context: VerifyContext) -> list[Finding]:
    findings: list[Finding] = []
    for table in context.schema.tables:
        for index in table.indexes:
            others = tuple(f"DROP INDEX {quote_ident(i.name)}" for i in table.indexes if i.name != index.name)
            keys = [u.name for u in table.uniques] + ([table.primary_key.name] if table.primary_key else [])
            others += tuple(f"ALTER TABLE {quote_ident(table.name)} DROP CONSTRAINT {quote_ident(name)} CASCADE"
                            for name in keys)
            try:
                findings.append(await _index(context.connection, table, index, others))
            except asyncpg.PostgresError as error:
                findings.append(Finding(check="index-use", table=table.name, passed=False,
                                        message=f"{index.name}: the probe failed: {error}"))
    unindexed = {(t.name, k.name) for t in context.schema.tables for k in t.foreign_keys if not k.indexed}
    return findings + _foreign_keys_indexed(context.catalog, unindexed)
