"""SQL literals and identifiers, escaped: the one place text becomes SQL tokens."""

from __future__ import annotations

from agent.schema.names import is_plain_identifier

__all__ = ["quote_ident", "quote_literal"]


def quote_literal(value: str) -> str:
    if "\x00" in value:
        raise ValueError("text may not contain a NUL character")
    return "'" + value.replace("'", "''") + "'"


def quote_ident(name: str) -> str:
    """Quoted only when PostgreSQL would otherwise read it differently."""
    if is_plain_identifier(name):
        return name
    return '"' + name.replace('"', '""') + '"'
