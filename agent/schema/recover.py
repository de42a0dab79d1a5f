"""Entities that failed validation, mended just enough for the later passes to read them.

A run reports every error at once: a misspelt type in one file and a reference to a missing
table in another (or the same) file come out together. So an entity the models refuse is
mended (a misspelt type becomes its nearest valid type, a bad key is dropped, a missing name
comes from the file name) and resolved with the others; whatever resolution then says about
a mended part is dropped, since that part was already reported and its stand-in is not what
the user wrote. Tables of files that could not be read or mended are known to be missing
for that reason: references to them are not reported as unknown tables.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from agent.schema.diagnostics import Diagnostic, KeyPath
from agent.schema.model import Entity
from agent.schema.suggest import did_you_mean, literal_choices
from agent.schema.yaml_source import SourceDocument

__all__ = ["KeyPathOf", "Recovery", "table_of_file"]

_ROUNDS = 8
KeyPathOf = Callable[[Any, tuple[int | str, ...]], KeyPath]
"""Pydantic's error location to the key path in the data (`agent.schema.load`'s)."""
_LISTS = ("constraints", "indexes", "policies")
_STAND_IN_TYPE = "text"


def table_of_file(name: str) -> str:
    """The table a file is meant to hold by the naming convention: storage-locations.yaml."""
    return name.rsplit(".", 1)[0].replace("-", "_")


@dataclass
class Recovery:
    entities: list[tuple[Entity, SourceDocument]] = field(default_factory=list)
    unavailable: set[str] = field(default_factory=set)
    mended: dict[str, set[KeyPath]] = field(default_factory=dict)
    """By file name: the key paths replaced by stand-ins (() for the whole file)."""

    def attempt(self, document: SourceDocument, key_path_of: KeyPathOf) -> None:
        """Mend an entity the model refused; `key_path_of(data, loc)` maps pydantic locations."""
        mended: set[KeyPath] = set()
        entity = _mend(document, key_path_of, mended) if isinstance(document.data, dict) else None
        if entity is None:
            self.unavailable.add(_table_name(document))
            return
        self.entities.append((entity, document))
        self.mended[document.path.name] = mended

    def keeps(self, diagnostic: Diagnostic) -> bool:
        """Whether a later pass's diagnostic is about what the user wrote, not a stand-in."""
        prefixes = self.mended.get(diagnostic.location.file, set())
        return not any(diagnostic.key_path[: len(p)] == p for p in prefixes)


def _table_name(document: SourceDocument) -> str:
    data = document.data
    table = data.get("table") if isinstance(data, dict) else None
    return table if isinstance(table, str) else table_of_file(document.path.name)


def _mend(document: SourceDocument, key_path_of: KeyPathOf, mended: set[KeyPath]) -> Entity | None:
    data = copy.deepcopy(document.data)
    for _ in range(_ROUNDS):
        try:
            return Entity.model_validate(data)
        except ValidationError as error:
            for item in error.errors():
                path = key_path_of(data, item["loc"])
                where = _mend_one(data, path, item, document.path.name)
                if where is None:
                    return None
                mended.add(where)
    return None


def _mend_one(data: dict[str, Any], path: KeyPath, item: Any, file_name: str) -> KeyPath | None:
    """Mend the data at `path`; the key path whose diagnostics to drop, None when it cannot."""
    if not path:
        return None
    head = path[0]
    if len(path) == 1:
        return _mend_top(data, str(head), file_name)
    if head in _LISTS:
        data[str(head)] = []
        return (head,)
    properties = data.get("properties")
    if head != "properties" or not isinstance(properties, dict) or path[1] not in properties:
        data.pop(str(head), None)
        return (head,)
    name = str(path[1])
    prop = properties[name]
    if isinstance(prop, dict) and path[2:] == ("type",) and _nearest(item):
        prop["type"] = _nearest(item)  # what the user meant, most likely: the rest of it is resolved
        return ("properties", name, "type")
    if not isinstance(prop, dict) or path[2:] == ("type",):
        properties[name] = {"type": _STAND_IN_TYPE}  # a guess: nothing of this column is checked further
        return ("properties", name)
    dropped = _drop_deepest(prop, path[2:])
    return None if dropped is None else ("properties", name, *dropped)


def _mend_top(data: dict[str, Any], key: str, file_name: str) -> KeyPath:
    table = data.get("table") if isinstance(data.get("table"), str) else table_of_file(file_name)
    stand_ins = {"version": 1, "table": table,
                 "entity": "".join(part.capitalize() for part in str(table).split("_")) or "Entity"}
    if key in stand_ins:
        data[key] = stand_ins[key]
    else:
        data.pop(key, None)
    return () if key == "properties" else (key,)  # without its columns, the whole file is a stand-in


def _nearest(item: Any) -> str | None:
    if item.get("type") != "literal_error":
        return None
    suggestion = did_you_mean(item.get("input"), literal_choices(item.get("ctx", {}).get("expected", "")))
    return suggestion.removeprefix("; did you mean ").removesuffix("?") or None


def _drop_deepest(prop: dict[str, Any], path: KeyPath) -> KeyPath | None:
    """Drop the deepest key of `path` that exists below the property and say which (the property
    itself when its `type` is missing: it gets the stand-in type); None when nothing could change."""
    chain: list[Any] = [prop]
    keys: list[str] = []
    for part in path:
        node = chain[-1]
        if not (isinstance(node, dict) and isinstance(part, str) and part in node):
            break
        keys.append(part)
        chain.append(node[part])
    if keys:
        del chain[-2][keys[-1]]
        return tuple(keys)
    if "type" in prop:
        return None
    prop["type"] = _STAND_IN_TYPE
    return ()
