"""One table to one entity document, keys in the order `schema-format.md` lists them."""

from __future__ import annotations

import re
from typing import Any

from agent.importing.checks import add_checks
from agent.importing.context import TableImport
from agent.importing.indexes import add_indexes
from agent.importing.keys import add_foreign_keys, add_uniques
from agent.importing.lossy import check_table_extras
from agent.importing.policies import add_policies, check_row_security
from agent.importing.properties import add_defaults, add_properties
from agent.schema.names import bounded_name
from agent.schema.resolve import singular

__all__ = ["PROPERTY_KEYS", "entity_document", "entity_name"]

PROPERTY_KEYS = (
    "type", "sql_type", "max_length", "fixed", "varchar", "min_length", "pattern", "precision", "scale", "time_zone",
    "minimum", "maximum",
    "values", "native", "items", "required", "serial", "identity", "default", "unique", "index", "references",
    "description",
)
_REFERENCE_KEYS = ("table", "column", "columns", "on_delete", "on_update", "reason", "same_tenant", "index",
                   "deferrable", "validated")


def entity_name(table: str) -> str:
    """`storage_locations` -> `StorageLocation`, `TemplateDirectLink` -> itself; any other name
    to a PascalCase word of its letters and digits (`x; DROP TABLE y` -> `XDROPTABLEY`)."""
    words = re.split(r"[^A-Za-z0-9]+", singular(table))
    name = "".join(word[:1].upper() + word[1:] for word in words if word)
    return name if name[:1].isalpha() else f"Table{name}"


def entity_document(work: TableImport) -> dict[str, Any]:
    for step in (add_properties, add_checks, add_uniques, add_foreign_keys, add_defaults,
                 add_indexes, add_policies, check_row_security, check_table_extras):
        step(work)
    document: dict[str, Any] = {"version": 1, "entity": entity_name(work.name), "table": work.name}
    if work.table.comment is not None:
        document["description"] = work.table.comment
    document |= {"tenant_scoped": work.shape.tenant_scoped, "audit": work.shape.audit,
                 "primary_key": work.shape.yaml_primary_key}
    named = next((c.name for c in work.table.constraints if c.kind == "primary"), None)
    if named is not None and named != bounded_name(f"{work.name}_pkey"):
        document["primary_key_name"] = named
    sections = {"properties": {name: _ordered_property(p) for name, p in work.properties.items()},
                "constraints": [_ordered_constraint(c) for c in work.constraints],
                "indexes": work.indexes, "policies": work.policies}
    return document | {key: value for key, value in sections.items() if value}


def _ordered(mapping: dict[str, Any], keys: tuple[str, ...]) -> dict[str, Any]:
    return {key: mapping[key] for key in keys if key in mapping}


def _ordered_property(prop: dict[str, Any]) -> dict[str, Any]:
    ordered = _ordered(prop, PROPERTY_KEYS)
    if "items" in ordered:
        ordered["items"] = _ordered_property(ordered["items"])
    if "references" in ordered:
        ordered["references"] = _ordered(ordered["references"], _REFERENCE_KEYS)
    return ordered


def _ordered_constraint(entry: dict[str, Any]) -> dict[str, Any]:
    if "foreign_key" not in entry:
        return entry
    body = entry["foreign_key"]
    return {**entry, "foreign_key": {"columns": body["columns"],
                                     "references": _ordered(body["references"], _REFERENCE_KEYS)}}
