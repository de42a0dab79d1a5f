"""Unique and foreign keys: back to `unique:` and `references:` where the agent would
generate exactly that key under exactly that name; the rest become `constraints`.

A same-tenant key (`(tenant_id, col) -> parent (tenant_id, pk)`) is the plain
`references:` of `col`; the parent's `UNIQUE (tenant_id, pk)` it needs is implied.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from agent.catalog.model import Constraint, Index, Table
from agent.importing.context import TableImport
from agent.importing.shape import ImportOptions, Shape
from agent.schema.names import bounded_name, review_reason

__all__ = ["ForeignKeyShape", "add_foreign_keys", "add_uniques", "foreign_key_shape", "implied_uniques"]


@dataclass(frozen=True)
class ForeignKeyShape:
    columns: tuple[str, ...]
    """The key's own columns, without the tenant column of a same-tenant key."""
    ref_columns: tuple[str, ...]
    same_tenant: bool
    on_delete: str
    set_columns: tuple[str, ...]


def _action(text: str) -> tuple[str, tuple[str, ...]]:
    """`SET NULL (a, b)` -> (`SET NULL`, (a, b))."""
    word, _, columns = text.partition(" (")
    return word, tuple(c.strip() for c in columns.rstrip(")").split(",") if c.strip())


def foreign_key_shape(fk: Constraint, child: Shape, parent: Shape, tenant: str) -> ForeignKeyShape:
    word, set_columns = _action(fk.on_delete or "NO ACTION")
    both = child.tenant_scoped and parent.tenant_scoped
    same = (both and len(fk.columns) >= 2 and fk.columns[0] == tenant
            and fk.referenced_columns[0] == tenant)
    skip = 1 if same else 0
    return ForeignKeyShape(fk.columns[skip:], fk.referenced_columns[skip:], same, word, set_columns)


def implied_uniques(shapes: Mapping[str, Shape], options: ImportOptions) -> frozenset[tuple[str, tuple[str, ...]]]:
    """(parent, columns) of the `UNIQUE (tenant_id, pk)` that same-tenant keys add to parents."""
    found: set[tuple[str, tuple[str, ...]]] = set()
    for child in shapes.values():
        for fk in child.table.constraints:
            parent = shapes.get(fk.referenced_table or "") if fk.kind == "foreign" else None
            if parent is None:
                continue
            shape = foreign_key_shape(fk, child, parent, options.tenant_column)
            if shape.same_tenant and shape.ref_columns == parent.primary_key:
                found.add((parent.name, (options.tenant_column, *parent.primary_key)))
    return frozenset(found)


# ---------------------------------------------------------------- unique

def add_uniques(work: TableImport) -> None:
    seen: set[tuple[str, ...]] = set()
    for constraint in work.table.constraints:
        if constraint.kind != "unique":
            continue
        _unique_flags(work, constraint)
        if constraint.columns in seen:
            work.lost(f"unique {constraint.name} repeats the columns of another unique key")
            continue
        seen.add(constraint.columns)
        if (work.name, constraint.columns) in work.implied_uniques and _generated(work, constraint):
            continue
        if constraint.deferrable or not _as_property(work, constraint):
            work.constraints.append(_named({"unique": list(constraint.columns), **_deferrable(constraint)},
                                           constraint.name,
                                           _key_name(work.name, constraint.columns)))


def _unique_flags(work: TableImport, constraint: Constraint) -> None:
    index = next((i for i in work.table.indexes if i.constraint == constraint.name), None)
    if constraint.comment is not None:
        work.lost(f"the comment on unique {constraint.name} has no place in the YAML")
    if isinstance(index, Index) and index.nulls_not_distinct:
        work.lost(f"unique {constraint.name} is NULLS NOT DISTINCT, which the YAML cannot say")


def _key_name(table: str, columns: tuple[str, ...]) -> str:
    return bounded_name(f"{table}_{'_'.join(columns)}_key")


def _generated(work: TableImport, constraint: Constraint) -> bool:
    return constraint.name == _key_name(work.name, constraint.columns)


def _as_property(work: TableImport, constraint: Constraint) -> bool:
    columns = constraint.columns
    per_tenant = work.shape.tenant_scoped and len(columns) == 2 and columns[0] == work.tenant
    column = columns[-1]
    prop = work.properties.get(column)
    if prop is None or "unique" in prop or not _generated(work, constraint):
        return False
    if per_tenant:
        prop["unique"] = True
    elif len(columns) == 1:
        prop["unique"] = "global" if work.shape.tenant_scoped else True
    return "unique" in prop


def _deferrable(constraint: Constraint) -> dict[str, Any]:
    if not constraint.deferrable:
        return {}
    return {"deferrable": "deferred" if constraint.initially_deferred else True}


def _named(entry: dict[str, Any], name: str, generated: str) -> dict[str, Any]:
    return entry if name == generated else {"name": name, **entry}


# ---------------------------------------------------------------- foreign keys

def add_foreign_keys(work: TableImport) -> None:
    for constraint in work.table.constraints:
        if constraint.kind != "foreign":
            continue
        parent = work.shapes.get(constraint.referenced_table or "")
        if parent is None:
            work.lost(f"foreign key {constraint.name} references {constraint.referenced_table}, "
                      "which is not imported; the key is left out")
            continue
        _foreign_key_flags(work, constraint)
        shape = foreign_key_shape(constraint, work.shape, parent, work.tenant)
        _check_set_columns(work, constraint, shape)
        target = _target(work, constraint, shape, parent)
        if not _as_reference(work, constraint, shape, target):
            work.constraints.append(_named(
                {"foreign_key": {"columns": list(shape.columns), "references": _multi(target, shape, parent)}},
                constraint.name, _fkey_name(work.name, shape.columns)))


def _foreign_key_flags(work: TableImport, fk: Constraint) -> None:
    checks = ((not fk.enforced, "is NOT ENFORCED; the YAML creates it enforced"),
              (fk.match not in (None, "SIMPLE"), f"is MATCH {fk.match}; the YAML creates MATCH SIMPLE"))
    for flagged, why in checks:
        if flagged:
            work.lost(f"foreign key {fk.name} {why}")


def _check_set_columns(work: TableImport, fk: Constraint, shape: ForeignKeyShape) -> None:
    wanted = shape.columns if shape.same_tenant and shape.on_delete in ("SET NULL", "SET DEFAULT") else ()
    if shape.set_columns != wanted:
        work.lost(f"foreign key {fk.name} is ON DELETE {fk.on_delete}; the YAML gives "
                  f"{shape.on_delete}{' (' + ', '.join(wanted) + ')' if wanted else ''}")


def _fkey_name(table: str, columns: tuple[str, ...]) -> str:
    return bounded_name(f"{table}_{'_'.join(columns)}_fkey")


def _target(work: TableImport, fk: Constraint, shape: ForeignKeyShape, parent: Shape) -> dict[str, Any]:
    target: dict[str, Any] = {"table": parent.name, "on_delete": shape.on_delete}
    if fk.on_update not in (None, "NO ACTION"):
        target["on_update"] = fk.on_update
    if fk.comment is not None:
        target["reason"] = fk.comment
    elif work.options.source is not None:
        target["reason"] = review_reason(work.options.source)
    if work.shape.tenant_scoped and parent.tenant_scoped and not shape.same_tenant:
        target["same_tenant"] = False
    if not _indexed(work.table, fk.columns):
        target["index"] = False
    return target | _deferrable(fk) | ({} if fk.validated else {"validated": False})


def _indexed(table: Table, columns: tuple[str, ...]) -> bool:
    """Does a plain B-tree index lead with the key's columns (else the YAML says `index: false`)?"""
    return any(i.method == "btree" and i.predicate is None and i.keys[:len(columns)] == columns
               for i in table.indexes)


def _as_reference(work: TableImport, fk: Constraint, shape: ForeignKeyShape, target: dict[str, Any]) -> bool:
    prop = work.properties.get(shape.columns[0]) if len(shape.columns) == 1 else None
    if prop is None or "references" in prop or fk.name != _fkey_name(work.name, shape.columns):
        return False
    reference = {"table": target["table"]}
    parent_key = work.shapes[target["table"]].primary_key
    if shape.ref_columns != parent_key:
        reference["column"] = shape.ref_columns[0]
    prop["references"] = {**reference, **{k: v for k, v in target.items() if k != "table"}}
    return True


def _multi(target: dict[str, Any], shape: ForeignKeyShape, parent: Shape) -> dict[str, Any]:
    if shape.ref_columns == parent.primary_key:
        return target
    return {"table": target["table"], "columns": list(shape.ref_columns),
            **{k: v for k, v in target.items() if k != "table"}}
