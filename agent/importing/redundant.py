"""Indexes the database has although another serves their queries (a unique index on the
primary key, a prefix of a wider index): the loader leaves such an index out unless it is marked
`redundant: true`, and an import keeps what the database has, so it marks them."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from agent.schema import SchemaError, load_schema_sources

__all__ = ["mark_redundant_indexes"]

_LEFT_OUT = "it is not created"


def mark_redundant_indexes(documents: dict[str, dict[str, Any]], dump: Callable[[Mapping[str, Any]], str]) -> None:
    """Mark `redundant: true` each declared index the loader warns it would leave out."""
    try:
        loaded = load_schema_sources({name: dump(document) for name, document in documents.items()})
    except SchemaError:
        return
    for warning in loaded.warnings:
        path = warning.key_path
        if not warning.message.endswith(_LEFT_OUT) or len(path) != 2 or path[0] != "indexes":
            continue
        items = documents.get(warning.location.file, {}).get("indexes")
        if isinstance(items, list) and isinstance(path[1], int) and path[1] < len(items):
            items[path[1]]["redundant"] = True
