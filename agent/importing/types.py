"""`format_type` text back to a YAML property type."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from agent.schema.custom_types import custom_type_name
from agent.schema.literals import quote_ident

__all__ = ["property_type"]

_SIMPLE = {
    "uuid": "uuid", "text": "text", "smallint": "smallint", "integer": "integer",
    "bigint": "bigint", "real": "float", "double precision": "double", "boolean": "boolean",
    "date": "date", "time without time zone": "time", "timestamp with time zone": "timestamp",
    "interval": "interval", "json": "json", "jsonb": "jsonb", "bytea": "bytea", "inet": "inet",
}
_VARCHAR = re.compile(r"character varying\((\d+)\)\Z")
_CHAR = re.compile(r"character\((\d+)\)\Z")
_TIMESTAMP = re.compile(r"timestamp(?:\((\d)\))? (with|without) time zone\Z")
_NUMERIC = re.compile(r"numeric\((\d+),(\d+)\)\Z")
_NOT_ITEMS = frozenset({"array", "enum"})


def property_type(format_type: str, enums: Mapping[str, Any] | None = None) -> dict[str, Any] | None:
    """The property fields (`type`, `max_length`, `precision`...) of a column type; None if
    the language has no such type (e.g. `timestamp without time zone`, `character(3)`). `enums`
    names the schema's native enum types."""
    native = {quote_ident(name): name for name in enums or {}}
    if format_type.endswith("[]"):
        items = property_type(format_type[:-2], enums)
        if items is None or (items["type"] in _NOT_ITEMS and "native" not in items):
            return None
        return {"type": "array", "items": items}
    if format_type in native:
        return {"type": "enum", "native": native[format_type]}
    if format_type in _SIMPLE:
        return {"type": _SIMPLE[format_type]}
    if match := _TIMESTAMP.match(format_type):
        return {"type": "timestamp", **({"precision": int(match[1])} if match[1] else {}),
                **({"time_zone": False} if match[2] == "without" else {})}
    if format_type == "character varying":
        return {"type": "string", "varchar": True}
    if match := _VARCHAR.match(format_type):
        return {"type": "string", "max_length": int(match[1])}
    if match := _CHAR.match(format_type):
        return {"type": "string", "max_length": int(match[1]), "fixed": True}
    if format_type == "numeric":
        return {"type": "decimal"}
    if match := _NUMERIC.match(format_type):
        precision, scale = int(match[1]), int(match[2])
        return {"type": "decimal", "precision": precision, **({"scale": scale} if scale else {})}
    return _custom(format_type)


def _custom(format_type: str) -> dict[str, Any] | None:
    """A type of PostgreSQL's or an extension's the language has no name for (ltree, tsvector)."""
    try:
        custom_type_name(format_type)
    except ValueError:
        return None
    return {"type": "custom", "sql_type": format_type}
