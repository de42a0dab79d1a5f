"""The order rows go in: a table after the tables its required keys point at, and after those its
nullable keys point at where a cycle allows; a nullable key that closes a cycle is linked later."""

from __future__ import annotations

from agent.schema.cycles import required_cycle, required_key
from agent.schema.tables import ForeignKey, Schema, Table

__all__ = ["insertion_order"]


def _parents(schema: Schema, table: Table, required_only: bool) -> set[str]:
    return {k.ref_table for k in table.foreign_keys
            if k.ref_table != table.name and schema.table(k.ref_table) is not None
            and (not required_only or required_key(table, k, schema.tenant_column))}


def insertion_order(schema: Schema) -> tuple[list[Table], dict[str, tuple[ForeignKey, ...]]]:
    """Tables in insertion order, and per table the keys written after every table is filled.
    Raises ValueError on a cycle of required keys."""
    cycle = required_cycle(schema.tables, schema.tenant_column)
    if cycle:
        raise ValueError(f"required keys form a cycle: {' -> '.join(t.name for t, _ in cycle)}")
    pending = {t.name: t for t in schema.tables}
    placed: list[Table] = []
    while pending:
        done = {t.name for t in placed}
        ready = [t for t in pending.values() if _parents(schema, t, True) <= done]
        preferred = [t for t in ready if _parents(schema, t, False) <= done]
        chosen = min(preferred or ready, key=lambda t: t.name)
        placed.append(pending.pop(chosen.name))
    position = {t.name: n for n, t in enumerate(placed)}
    deferred = {t.name: tuple(k for k in t.foreign_keys if k.ref_table != t.name
                              and position.get(k.ref_table, -1) > position[t.name]) for t in placed}
    return placed, {name: keys for name, keys in deferred.items() if keys}
