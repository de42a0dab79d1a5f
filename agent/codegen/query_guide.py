"""The query guide of the docs target: per table, the queries its indexes serve and common ones that scan.

The served queries are the ones verification's index-use step plans with EXPLAIN for each index
(`probe_sql`), with what else the index serves. The scans are filters an application commonly
writes, equality (containment for json and arrays) on one column, that no index leads with. On a
tenant-scoped table row-level security adds the tenant column to every query, so an index leading
with the tenant column and then the column serves it too.
"""

from __future__ import annotations

from dataclasses import dataclass

from agent.codegen.model import base_type
from agent.schema.literals import quote_ident
from agent.schema.tables import Column, Index, Schema, Table
from agent.verify.steps.index_use import probe_sql

__all__ = ["Scan", "Served", "scans", "served"]

_CONTAINED = ("jsonb",)
_SKIPPED = ("bytea", "json")
"""Nobody filters on bytes, and json has no operator to filter with."""


@dataclass(frozen=True)
class Served:
    query: str
    index: str
    notes: tuple[str, ...]


@dataclass(frozen=True)
class Scan:
    query: str
    column: str
    note: str
    partly: str | None = None
    """An index holding the column after others, usable by a skip scan when those have few values."""


def served(table: Table) -> list[Served]:
    return [Served(probe_sql(table, i, typed=False), i.name, _notes(table, i)) for i in _all_indexes(table)]


def _all_indexes(table: Table) -> list[Index]:
    """The table's indexes with those of its primary key and unique constraints first."""
    pk = table.primary_key
    keys = [Index(name=pk.name, keys=pk.columns, unique=True)] if pk else []
    keys += [Index(name=u.name, keys=u.columns, unique=True) for u in table.uniques]
    return keys + list(table.indexes)


def _notes(table: Table, index: Index) -> tuple[str, ...]:
    plain = [k for k in index.keys if k in table.column_names]
    notes = ["unique: at most one row"] if index.unique else []
    if index.method == "btree" and len(plain) == len(index.keys) > 1:
        notes.append(f"also equality on a leading part ({', '.join(plain[:-1])}), then a range or ORDER BY "
                     "on the next column")
    if index.method == "gin":
        notes.append("containment (`@>`); `=` does not use it")
    if len(plain) < len(index.keys):
        notes.append("the query must spell each expression as the index does")
    if index.where:
        notes.append(f"only for queries whose WHERE implies `{index.where}`")
    if index.include:
        notes.append(f"{', '.join(index.include)} read from the index alone (index-only scan)")
    return tuple(notes)


def scans(schema: Schema, table: Table) -> list[Scan]:
    found = []
    for column in table.columns:
        if base_type(column) in _SKIPPED or _led_by(schema, table, column):
            continue
        found.append(_scan(schema, table, column))
    return found


def _filter(column: Column) -> str:
    contained = column.property_type == "array" or base_type(column) in _CONTAINED
    return f"{quote_ident(column.name)} {'@>' if contained else '='} $1"


def _usable(index: Index, column: Column) -> bool:
    if index.where is not None:
        return False
    if column.property_type == "array" or base_type(column) in _CONTAINED:
        return index.method == "gin"
    return index.method in ("btree", "hash")


def _led_by(schema: Schema, table: Table, column: Column) -> bool:
    """An index without a predicate leads with the column, or with the tenant column and then it."""
    leads: list[tuple[str, ...]] = [(column.name,)]
    if table.tenant_scoped:
        leads.append((schema.tenant_column, column.name))
    return any(_usable(i, column) and any(i.keys[:len(lead)] == lead for lead in leads) for i in _all_indexes(table))


def _scan(schema: Schema, table: Table, column: Column) -> Scan:
    query = f"SELECT * FROM {quote_ident(table.name)} WHERE {_filter(column)}"
    tenant = next((i.name for i in sorted(_all_indexes(table), key=lambda i: len(i.keys)) if table.tenant_scoped
                   and i.keys[:1] == (schema.tenant_column,) and i.where is None), None)
    note = (f"reads every row of the tenant through {tenant}, then filters on {column.name}" if tenant
            else f"a sequential scan of {table.name}")
    partly = next((i.name for i in _all_indexes(table) if _usable(i, column) and column.name in i.keys[1:]), None)
    return Scan(query, column.name, note, partly)
