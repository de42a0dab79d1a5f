"""What changed in a table, in words: for the summary of a plan and for refusals.

A table can change without its file changing: a new key that must stay within one tenant
needs `UNIQUE (tenant_id, id)` on the table it references. Such a change says which key
needs it, so the user is not left wondering why a file they did not touch is in the plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from agent.schema.tables import Column, Schema, Table, Unique

__all__ = ["describe_change", "describe_changes"]



class _Named(Protocol):
    @property
    def name(self) -> str: ...


def describe_changes(old: Schema, new: Schema) -> dict[str, list[str]]:
    """For each table both schemas have and that differs: what changed, one phrase per change."""
    found = {}
    for table in new.tables:
        before = old.table(table.name)
        if before is not None and before != table and (phrases := describe_change(before, table, new)):
            found[table.name] = phrases
    return found


def describe_change(old: Table, new: Table, schema: Schema) -> list[str]:
    phrases = _columns(old, new)
    phrases += [_unique_phrase(new, u, schema) for u in _added(old.uniques, new.uniques)]
    phrases += [f"loses UNIQUE ({', '.join(u.columns)})" for u in _added(new.uniques, old.uniques)]
    phrases += _named("check", old.checks, new.checks)
    phrases += _named("foreign key", old.foreign_keys, new.foreign_keys)
    phrases += _named("index", old.indexes, new.indexes)
    phrases += _named("policy", old.policies, new.policies)
    phrases += _named("trigger", old.triggers, new.triggers)
    if old.comment != new.comment:
        phrases.append("its comment changes")
    if (old.tenant_scoped, old.rls_enabled) != (new.tenant_scoped, new.rls_enabled):
        phrases.append("its tenant scoping changes")
    return phrases


def _columns(old: Table, new: Table) -> list[str]:
    before = {c.name: c for c in old.columns}
    after = {c.name: c for c in new.columns}
    phrases = []
    for column in new.columns:
        if column.renamed_from and column.renamed_from in before and column.name not in before:
            phrases.append(f"column {column.renamed_from} is renamed to {column.name}")
        elif column.name not in before:
            phrases.append(f"gains column {column.name} {column.sql_type}")
        elif change := _column_change(before[column.name], column):
            phrases.append(f"column {column.name} {change}")
    renamed = {c.renamed_from for c in new.columns if c.renamed_from}
    phrases += [f"loses column {name}" for name in before if name not in after and name not in renamed]
    return phrases


def _column_change(old: Column, new: Column) -> str | None:
    """What changes in the database; None when only hints for the planner differ (backfill)."""
    if old.sql_type != new.sql_type:
        return f"changes type from {old.sql_type} to {new.sql_type}"
    if old.not_null != new.not_null:
        return "becomes required" if new.not_null else "becomes optional"
    if old.default != new.default:
        return f"changes default to {new.default}" if new.default else "loses its default"
    if old.enum_values != new.enum_values:
        return "changes its allowed values"
    if old.comment != new.comment:
        return "changes its comment"
    hints = {"backfill": None, "renamed_from": None}
    return "changes its definition" if old.model_copy(update=hints) != new.model_copy(update=hints) else None


def _unique_phrase(table: Table, unique: Unique, schema: Schema) -> str:
    needed_by = sorted({other.name for other in schema.tables for key in other.foreign_keys
                        if key.ref_table == table.name and key.ref_columns == unique.columns
                        and other.name != table.name})
    phrase = f"gets UNIQUE ({', '.join(unique.columns)})"
    if needed_by:
        phrase += f", which the same-tenant key from {', '.join(needed_by)} needs (built concurrently)"
    return phrase


def _named(kind: str, old: Iterable[_Named], new: Iterable[_Named]) -> list[str]:
    before = {item.name: item for item in old}
    after = {item.name: item for item in new}
    phrases = [f"gains {kind} {name}" for name in after if name not in before]
    phrases += [f"{kind} {name} changes" for name in after if name in before and after[name] != before[name]]
    phrases += [f"loses {kind} {name}" for name in before if name not in after]
    return phrases


def _added(old: Iterable[Unique], new: Iterable[Unique]) -> list[Unique]:
    known = {u.columns for u in old}
    return [u for u in new if u.columns not in known]
