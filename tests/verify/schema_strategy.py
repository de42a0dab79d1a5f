"""A hypothesis strategy for whole valid schemas: 1 to 12 tables, tenant and shared, with nullable
and required keys (self references, cycles, two keys to one table), per-tenant and global
uniques, partial, expression and GIN indexes, enums, arrays, jsonb, defaults, checks of every
form the sample engine reads, within and across columns, and primary keys of one generated
column, of `code` and another drawn column, or none. Drawn as plain data, rendered to YAML."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import strategies as st

__all__ = ["render", "schemas"]

Spec = dict[str, Any]

_COLUMNS: dict[str, Spec] = {
    "code": {"type": "string", "max_length": 24},
    "qty": {"type": "integer"},
    "price": {"type": "decimal", "precision": 10, "scale": 2},
    "status": {"type": "enum", "values": ["OPEN", "HELD", "DONE"]},
    "start_on": {"type": "date"},
    "end_on": {"type": "date"},
    "tags": {"type": "array", "items": {"type": "string", "max_length": 12}},
    "attrs": {"type": "jsonb"},
    "active": {"type": "boolean"},
    "note": {"type": "text"},
    "at": {"type": "timestamp"},
}
_CHECKS: dict[str, tuple[tuple[str, ...], str]] = {
    "qty_between": (("qty",), "qty BETWEEN 1 AND 50"),
    "qty_in": (("qty",), "qty IN (1, 2, 3, 5, 8, 13)"),
    "qty_not": (("qty",), "NOT (qty = 4) AND qty <> 7"),
    "price_over_qty": (("price", "qty"), "price >= qty"),
    "code_length": (("code",), "char_length(code) >= 3"),
    "code_pattern": (("code",), "code ~ '^[A-Z]{2}-[0-9]{3,5}$'"),
    "dates_plus": (("start_on", "end_on"), "end_on >= start_on + 1"),
    "dates_interval": (("start_on", "end_on"), "end_on IS NULL OR end_on >= start_on + interval '2 days'"),
    "dates_order": (("start_on", "end_on"), "end_on > start_on"),
    "note_implies": (("note", "status"), "note IS NULL OR status IS NOT NULL"),
    "status_rule": (("status", "qty"), "(status = 'OPEN' AND qty > 2) OR status <> 'OPEN'"),
    "status_distinct": (("status", "active"), "status IS DISTINCT FROM 'HELD' OR active IS NOT TRUE"),
    "at_after": (("at", "start_on"), "at >= start_on"),
}
_INDEXES: dict[str, tuple[tuple[str, ...], Spec]] = {
    "partial": (("status", "active"), {"columns": ["status"], "where": "active = true"}),
    "lower": (("code",), {"columns": ["lower(code)"]}),
    "unique_lower": (("code",), {"columns": ["lower(code)"], "unique": True}),
    "gin_tags": (("tags",), {"columns": ["tags"], "using": "gin"}),
    "gin_attrs": (("attrs",), {"columns": ["attrs"], "using": "gin"}),
    "pair": (("status", "qty"), {"columns": ["status", "qty"]}),
    "partial_qty": (("qty",), {"columns": ["qty"], "where": "qty > 2"}),
}


@st.composite
def _column(draw: st.DrawFn, name: str) -> Spec:
    spec = dict(_COLUMNS[name])
    spec["required"] = draw(st.booleans())
    if name == "code":
        spec["unique"] = draw(st.sampled_from([False, True, "global"]))
    if name == "qty" and draw(st.booleans()):
        spec["minimum"] = draw(st.sampled_from([0, 1]))
    if name == "status" and draw(st.booleans()):
        spec["default"] = "OPEN"
    if name == "attrs" and draw(st.booleans()):
        spec["default"] = {}
    if name == "active":
        spec["default"] = True
    return spec


@st.composite
def _table(draw: st.DrawFn, n: int, count: int) -> Spec:
    names = draw(st.lists(st.sampled_from(sorted(_COLUMNS)), min_size=1, max_size=7, unique=True))
    columns = {name: draw(_column(name)) for name in sorted(names)}
    checks = [text for key, (needs, text) in sorted(_CHECKS.items())
              if set(needs) <= set(columns) and draw(st.integers(0, 2)) == 0]
    indexes = [spec for key, (needs, spec) in sorted(_INDEXES.items())
               if set(needs) <= set(columns) and draw(st.booleans())]
    keys = draw(st.lists(st.tuples(st.integers(0, count - 1), st.booleans(),
                                   st.sampled_from(["RESTRICT", "CASCADE", "NO ACTION", "SET NULL"])),
                         max_size=2))
    uniques = [["code", "status"]] if {"code", "status"} <= set(columns) and draw(st.booleans()) else []
    key = draw(st.sampled_from(["id", "id", "id", "pair", "none"]))
    keyable = [name for name in sorted(columns) if name in _KEYABLE]
    if key == "pair" and "code" in columns and keyable:
        key_columns = draw(st.permutations(["code", draw(st.sampled_from(keyable))]))
        for name in key_columns:
            columns[name]["required"] = True
        key = key_columns
    elif key == "pair":
        key = "id"
    return {"n": n, "scoped": draw(st.sampled_from([True, True, True, False])), "audit": draw(st.booleans()),
            "columns": columns, "checks": checks, "indexes": indexes, "keys": keys, "uniques": uniques, "key": key}


_KEYABLE = frozenset({"qty", "price", "status", "start_on", "at"})
"""Columns a key of several columns takes beside `code` (which has room for as many rows as the
sample needs: a key of a six-valued qty and a three-valued status has eighteen at most)."""


@st.composite
def schemas(draw: st.DrawFn) -> list[Spec]:
    count = draw(st.integers(1, 12))
    tables = [draw(_table(n, count)) for n in range(count)]
    for spec in tables:  # a reference names no columns: it goes to a table with a generated key
        spec["keys"] = [k for k in spec["keys"] if tables[k[0]].get("key", "id") == "id"]
    return tables


def _entity(spec: Spec, tables: list[Spec]) -> Spec:
    name = f"t{spec['n']:02d}"
    properties: Spec = dict(spec["columns"])
    checks = [{"check": text} for text in spec["checks"]]
    for position, (target, required, on_delete) in enumerate(spec["keys"]):
        required = required and on_delete != "SET NULL"
        column = f"ref{position}_id"
        properties[column] = {"type": "uuid", "required": required, "references": {
            "table": f"t{tables[target]['n']:02d}", "on_delete": on_delete, "reason": "drawn"}}
    if len(spec["keys"]) == 2 and spec["keys"][0][0] == spec["keys"][1][0]:
        if spec["n"] % 2 == 0:
            checks.append({"check": "ref0_id <> ref1_id"})  # two NULLs pass `<>`
        elif _populatable(spec, tables):
            checks.append({"check": "ref0_id IS DISTINCT FROM ref1_id"})
    key = spec.get("key", "id")
    shape = {} if key == "id" else {"primary_key": False if key == "none" else list(key)}
    return {
        "version": 1, "entity": f"T{spec['n']:02d}", "table": name, "tenant_scoped": spec["scoped"],
        "audit": spec["audit"], **shape, "properties": properties,
        "constraints": checks + [{"unique": u} for u in spec["uniques"]], "indexes": spec["indexes"],
    }


def _required(spec: Spec) -> list[int]:
    return [target for target, required, on_delete in spec["keys"] if required and on_delete != "SET NULL"]


def _populatable(spec: Spec, tables: list[Spec]) -> bool:
    """`ref0 IS DISTINCT FROM ref1` on two nullable keys into a table whose required keys
    lead back here: no row of either table could go in first (the keys are NULL until the other
    side exists, and the check refuses two NULLs), so no data can be loaded at all. Such a check
    is left out; the sample engine names it when a real schema has one."""
    target = spec["keys"][0][0]
    if any(required and on_delete != "SET NULL" for _, required, on_delete in spec["keys"]):
        return True
    me = tables.index(spec)
    seen, todo = set(), [target]
    while todo:
        current = todo.pop()
        if current == me and current != target:
            return False
        if current in seen:
            continue
        seen.add(current)
        todo += [t for t in _required(tables[current]) if t != current]
    return me not in seen or me == target


def render(tables: list[Spec]) -> dict[str, str]:
    """One YAML file per table."""
    return {f"t{spec['n']:02d}.yaml": yaml.safe_dump(_entity(spec, tables), sort_keys=False) for spec in tables}
