"""The last resort that makes an import load: an item the loader still refuses is taken out of
its document and listed as lost, so `--allow-loss` never writes files that do not load.

Only whole items go: a property, a constraint, an index or a policy, named by the key path of
the loader's error. Errors elsewhere (the table's name, project.yaml) are left to be reported.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from agent.importing.problems import Problem
from agent.schema import SchemaError, load_schema_sources
from agent.schema.diagnostics import Diagnostic

__all__ = ["prune_until_loaded"]

Documents = dict[str, dict[str, Any]]
_LISTS = {"constraints": "constraint", "indexes": "index", "policies": "policy"}
_ROUNDS = 8


def prune_until_loaded(documents: Documents, dump: Callable[[Mapping[str, Any]], str]) -> list[Problem]:
    """Take out what the loader refuses until the documents load (a few rounds: taking out a
    column can make a key that names it fail in turn)."""
    lost: list[Problem] = []
    for _ in range(_ROUNDS):
        try:
            load_schema_sources({name: dump(document) for name, document in documents.items()})
        except SchemaError as error:
            taken = [p for d in error.diagnostics if not d.warning for p in _take_out(documents, d)]
            for document in documents.values():
                _compact(document)
            if not taken:
                return lost
            lost += taken
            continue
        return lost
    return lost


def _take_out(documents: Documents, diagnostic: Diagnostic) -> list[Problem]:
    document = documents.get(diagnostic.location.file)
    path = diagnostic.key_path
    if document is None or len(path) < 2:
        return []
    section, key = str(path[0]), path[1]
    table = str(document.get("table", diagnostic.location.file))
    if section == "properties" and isinstance(key, str) and key in document.get("properties", {}):
        del document["properties"][key]
        return [Problem(table, f"column {key} is left out: {diagnostic.message}")]
    items = document.get(section)
    if section in _LISTS and isinstance(key, int) and isinstance(items, list) and key < len(items):
        item, items[key] = items[key], None
        if item is None:
            return []
        label = item.get("name") if isinstance(item, dict) else None
        return [Problem(table, f"{_LISTS[section]} {label or f'#{key + 1}'} is left out: {diagnostic.message}")]
    return []


def _compact(document: dict[str, Any]) -> None:
    """Drop taken-out items once every error of the round has been read by its index."""
    for section in _LISTS:
        if not isinstance(document.get(section), list):
            continue
        remaining = [item for item in document[section] if item is not None]
        if remaining:
            document[section] = remaining
        else:
            del document[section]
