"""The order rows go in: a table after the tables its required keys point at, and after those its
nullable keys point at where a cycle allows; a nullable key that closes a cycle is linked later,
preferably one no check reads (it is NULL when its row goes in)."""

from __future__ import annotations

import functools
import re

from agent.schema.cycles import required_cycle, required_key
from agent.schema.tables import ForeignKey, Schema, Table

__all__ = ["insertion_order"]


def _parents(schema: Schema, table: Table, required_only: bool) -> set[str]:
    return {k.ref_table for k in table.foreign_keys
            if k.ref_table != table.name and schema.table(k.ref_table) is not None
            and (not required_only or required_key(table, k, schema.tenant_column))}


def _deferred_in_checks(schema: Schema, table: Table, done: set[str]) -> tuple[int, int]:
    """What placing `table` now costs: its keys into tables not placed yet are written NULL first,
    which a check may refuse (`a IS DISTINCT FROM b` with both NULL), so keys that checks read
    count most; then any key left for later."""
    later = [c for k in table.foreign_keys if k.ref_table != table.name and k.ref_table not in done
             and schema.table(k.ref_table) is not None for c in k.columns if c != schema.tenant_column]
    read = [c for c in later if any(_named(c).search(check.expression) for check in table.checks)]
    return len(read), len(later)


@functools.lru_cache(maxsize=1024)
def _named(column: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w$]){re.escape(column)}(?![\w$])")


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
        chosen = min(ready, key=lambda t: (_deferred_in_checks(schema, t, done), t.name))
        placed.append(pending.pop(chosen.name))
    position = {t.name: n for n, t in enumerate(placed)}
    deferred = {t.name: tuple(k for k in t.foreign_keys if k.ref_table != t.name
                              and position.get(k.ref_table, -1) > position[t.name]) for t in placed}
    return placed, {name: keys for name, keys in deferred.items() if keys}
