"""Cycles of required foreign keys: no row of any table in one could be inserted first."""

from __future__ import annotations

from collections.abc import Iterable

from agent.schema.tables import ForeignKey, Table

__all__ = ["required_cycle", "required_key"]


def required_key(table: Table, key: ForeignKey, tenant_column: str) -> bool:
    """Every own column of the key is NOT NULL (the tenant column aside)."""
    return all(table.column(c).not_null for c in key.columns if c != tenant_column)


def required_cycle(tables: Iterable[Table], tenant_column: str) -> list[tuple[Table, ForeignKey]] | None:
    """The keys of one cycle of required keys between tables (a self-reference aside), else None."""
    named = {t.name: t for t in tables}
    edges = {t.name: sorted(((k.ref_table, k) for k in t.foreign_keys if k.ref_table != t.name
                             and k.ref_table in named and required_key(t, k, tenant_column)), key=lambda e: e[0])
             for t in named.values()}
    state: dict[str, int] = {}
    path: list[tuple[Table, ForeignKey]] = []

    def visit(name: str) -> list[tuple[Table, ForeignKey]] | None:
        state[name] = 1
        for parent, key in edges[name]:
            path.append((named[name], key))
            if state.get(parent) == 1:
                start = next(n for n, (table, _) in enumerate(path) if table.name == parent)
                return path[start:]
            if parent not in state and (found := visit(parent)):
                return found
            path.pop()
        state[name] = 2
        return None

    for name in sorted(edges):
        if name not in state and (cycle := visit(name)):
            return cycle
    return None
