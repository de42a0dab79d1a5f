"""A stored column default back to a YAML literal, or `{sql: ...}` when it is not one.

A literal is used only when the agent would write it back to the same constant:
the candidate is rendered with the same code the schema uses (`literal_for`) and both
constants are compared, so `0.10` stays `{sql: "0.10"}` rather than becoming `0.1`.
"""

from __future__ import annotations

import json
from typing import Any

from pglast import ast
from pydantic import ValidationError

from agent.importing.sql_text import constant, parse_node
from agent.schema.columns import literal_for
from agent.schema.model import Property

__all__ = ["yaml_default"]

_JSON_TYPES = ("json", "jsonb")
_TIMESTAMPS = ("timestamp", "timestamptz")
_NUMBER_TYPES = ("smallint", "integer", "bigint", "decimal", "float", "double")


def yaml_default(prop: dict[str, Any], stored: str, simplified: str) -> Any:
    """The YAML `default` for a column whose property is `prop` and default `stored`."""
    candidate = _candidate(prop, stored)
    if candidate is not None and _writes_back(prop, candidate, stored):
        return candidate
    return {"sql": simplified}


def _candidate(prop: dict[str, Any], stored: str) -> Any:
    node = parse_node(stored)
    if node is None or _other_zone(prop, node):
        return None
    if prop["type"] == "array":
        return _array_candidate(prop["items"], node)
    return _scalar(prop, node)


def _other_zone(prop: dict[str, Any], node: Any) -> bool:
    """A timestamp constant of the other kind (a column's type changed, its default kept): PostgreSQL
    converts it in the session's time zone on every insert, which the column's own literal does not."""
    if prop["type"] != "timestamp":
        return False
    wanted = "timestamptz" if prop.get("time_zone", True) else "timestamp"
    while isinstance(node, ast.TypeCast):
        names: Any = node.typeName.names if node.typeName else ()
        kind = names[-1].sval if names else None
        if kind in _TIMESTAMPS and kind != wanted:
            return True
        node = node.arg
    return False


def _scalar(prop: dict[str, Any], node: Any) -> Any:
    found = constant(node)
    if found is None:
        return None
    kind, value = found
    if prop["type"] in _JSON_TYPES and kind == "string":
        return _json_value(value)
    if kind == "number":
        return int(value) if value.lstrip("-").isdigit() else float(value)
    if kind == "string" and prop["type"] in _NUMBER_TYPES:
        return _number(value)
    return value


def _json_value(text: str) -> Any:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    is_sql_mapping = isinstance(value, dict) and set(value) == {"sql"}
    return None if is_sql_mapping or value is None else value


def _number(text: str) -> Any:
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return None


def _array_candidate(items: dict[str, Any], node: Any) -> list[Any] | None:
    while isinstance(node, ast.TypeCast):
        node = node.arg
    if not isinstance(node, ast.A_ArrayExpr):
        return None
    values = [_scalar(items, element) for element in node.elements or ()]
    return None if any(v is None for v in values) else values


def _writes_back(prop: dict[str, Any], candidate: Any, stored: str) -> bool:
    try:
        written = literal_for(Property.model_validate({**prop, "default": candidate}), candidate)
    except (ValueError, ValidationError):
        return False
    return bool(_shape(prop, written) == _shape(prop, stored))


def _shape(prop: dict[str, Any], sql: str) -> Any:
    """What a default means as a constant: the constants' text, casts aside."""
    node = parse_node(sql)
    if prop["type"] == "array":
        while isinstance(node, ast.TypeCast):
            node = node.arg
        elements = node.elements or () if isinstance(node, ast.A_ArrayExpr) else None
        return None if elements is None else tuple(constant(e) for e in elements)
    found = constant(node)
    if found and prop["type"] == "jsonb" and found[0] == "string":
        return "json", _json_value(found[1])
    if found and prop["type"] in _NUMBER_TYPES and found[0] == "string":
        return "number", found[1]
    return found
