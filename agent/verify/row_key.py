"""How verification tells a table's rows apart: one SQL value per row, whatever the key's shape."""

from __future__ import annotations

from typing import Any

from agent.schema.literals import quote_ident, quote_literal
from agent.schema.tables import Table

__all__ = ["row_key_columns", "row_key_literal", "row_key_sql"]


def row_key_columns(table: Table) -> tuple[str, ...]:
    """The primary key's columns; for a table without one, its first unique key of required columns;
    none when it has neither."""
    if table.primary_key:
        return table.primary_key.columns
    required = (u.columns for u in table.uniques if all(table.column(c).not_null for c in u.columns))
    return next(required, ())


def row_key_sql(table: Table, alias: str | None = None) -> str:
    """The key column itself; a jsonb array of a key of several columns; else the row's place (ctid),
    which holds within the rolled-back transaction a check runs in until the row is updated."""
    prefix = f"{quote_ident(alias)}." if alias else ""
    columns = row_key_columns(table)
    if len(columns) == 1:
        return prefix + quote_ident(columns[0])
    if not columns:
        return f"{prefix}ctid"
    return f"jsonb_build_array({', '.join(prefix + quote_ident(c) for c in columns)})"


def row_key_literal(value: Any) -> str:
    """A row key fetched by asyncpg as an SQL literal (a ctid comes back as a (block, offset) pair)."""
    text = f"({value[0]},{value[1]})" if isinstance(value, tuple) else str(value)
    return quote_literal(text)
