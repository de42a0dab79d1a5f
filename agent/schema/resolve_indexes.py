"""Declared indexes, the indexes the agent adds by itself, and the duplicates between them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.schema.diagnostics import KeyPath
from agent.schema.expressions import ExpressionKind, is_column_key
from agent.schema.model import Entity
from agent.schema.model import Index as IndexSpec
from agent.schema.names import bounded_name, identifier_problem, role_problem
from agent.schema.tables import Column, ForeignKey, Index, Unique

__all__ = ["resolve_indexes"]

ParseExpression = Callable[[str, ExpressionKind, KeyPath], "tuple[str, frozenset[str]] | None"]
Problem = tuple[KeyPath, str, bool]

_UNIQUE_METHODS = {"btree"}
_INCLUDE_METHODS = {"btree", "gist"}


def index_name(table: str, keys: tuple[str, ...]) -> str:
    parts = [re.sub(r"[^a-z0-9]+", "_", key.lower()).strip("_") for key in keys]
    return bounded_name(f"idx_{table}_{'_'.join(parts)}")


@dataclass
class _Indexes:
    table: str
    columns: set[str]
    parse: ParseExpression
    problems: list[Problem] = field(default_factory=list)

    def declared(self, entity: Entity) -> list[tuple[Index, KeyPath]]:
        found: list[tuple[Index, KeyPath]] = []
        for name, prop in entity.properties.items():
            if prop.index:
                found.append((Index(name=index_name(self.table, (name,)), keys=(name,)),
                              ("properties", name, "index")))
        for i, spec in enumerate(entity.indexes):
            index = self.from_spec(spec, ("indexes", i))
            if index is not None:
                found.append((index, ("indexes", i)))
        return found

    def from_spec(self, spec: IndexSpec, path: KeyPath) -> Index | None:
        keys = [self.key(key, (*path, "columns", i)) for i, key in enumerate(spec.columns)]
        where = self.parse(spec.where, ExpressionKind.WHERE, (*path, "where")) if spec.where else None
        ok = all(k is not None for k in keys) and (spec.where is None or where is not None)
        ok = self.method_fits(spec, path) and self.include_known(spec, path) and self.name_valid(spec, path) and ok
        ok = self.opclass_fits(spec, path) and ok
        if not ok:
            return None
        key_tuple = tuple(k for k in keys if k is not None)
        return Index(
            name=spec.name or index_name(self.table, key_tuple), method=spec.using, keys=key_tuple,
            unique=spec.unique, where=where[0] if where else None, include=tuple(spec.include),
            opclass=tuple((k, spec.opclass[k]) for k in key_tuple if k in spec.opclass),
            descending=tuple(k for k in key_tuple if k in spec.descending),
        )

    def key(self, text: str, path: KeyPath) -> str | None:
        if text in self.columns:
            return text
        parsed = self.parse(text, ExpressionKind.INDEX, path)
        if parsed and len(parsed[1]) == 1 and is_column_key(parsed[0]):
            return next(iter(parsed[1]))
        return parsed[0] if parsed else None

    def name_valid(self, spec: IndexSpec, path: KeyPath) -> bool:
        problem = identifier_problem(spec.name) if spec.name is not None else None
        if problem:
            self.problems.append(((*path, "name"), problem, False))
        return problem is None

    def opclass_fits(self, spec: IndexSpec, path: KeyPath) -> bool:
        ok = True
        for column, name in spec.opclass.items():
            problem = self._not_listed(spec, column) or role_problem(name)
            if problem:
                self.problems.append(((*path, "opclass", column), problem, False))
                ok = False
        for i, column in enumerate(spec.descending):
            problem = self._not_listed(spec, column)
            if problem:
                self.problems.append(((*path, "descending", i), problem, False))
                ok = False
        return ok

    def _not_listed(self, spec: IndexSpec, column: str) -> str | None:
        listed = column in spec.columns and column in self.columns
        return None if listed else f"{column!r} is not a column this index lists"

    def method_fits(self, spec: IndexSpec, path: KeyPath) -> bool:
        if spec.unique and spec.using not in _UNIQUE_METHODS:
            self.problems.append(((*path, "unique"), f"a {spec.using} index cannot be unique", False))
            return False
        if spec.include and spec.using not in _INCLUDE_METHODS:
            self.problems.append(((*path, "include"), f"a {spec.using} index cannot INCLUDE columns", False))
            return False
        return True

    def include_known(self, spec: IndexSpec, path: KeyPath) -> bool:
        unknown = [c for c in spec.include if c not in self.columns]
        for name in unknown:
            self.problems.append(((*path, "include"), f"{self.table} has no column {name!r}", False))
        return not unknown

    def warn(self, path: KeyPath, message: str) -> None:
        self.problems.append((path, message, True))


def _plain(index: Index) -> bool:
    return index.method == "btree" and index.where is None and not index.opclass and not index.descending


def _leads_with(keys: tuple[str, ...], columns: tuple[str, ...]) -> bool:
    return keys[: len(columns)] == columns


def _same(a: Index, b: Index) -> bool:
    return (a.keys, a.method, a.where, a.opclass, a.descending) == (b.keys, b.method, b.where, b.opclass, b.descending)


def _is_prefix_of(a: Index, b: Index) -> bool:
    return (
        a.method == b.method == "btree" and a.where == b.where and not a.unique and not a.opclass and not b.opclass
        and not a.descending and not b.descending
        and len(a.keys) < len(b.keys) and _leads_with(b.keys, a.keys)
    )


def _automatic_targets(
    entity: Entity, tenant: str, foreign_keys: list[ForeignKey]
) -> list[tuple[tuple[str, ...], str]]:
    targets: list[tuple[tuple[str, ...], str]] = []
    if entity.tenant_scoped:
        targets.append(((tenant,), "the tenant column"))
    targets.extend((fk.columns, f"foreign key {fk.name}") for fk in foreign_keys if fk.indexed)
    if entity.audit:
        targets.append((("updated_at",), "updated_at"))
    return targets


def resolve_indexes(
    table: str, entity: Entity, columns: list[Column], pk_column: str, uniques: list[Unique],
    foreign_keys: list[ForeignKey], tenant: str, parse: ParseExpression,
) -> tuple[tuple[Index, ...], list[Problem]]:
    work = _Indexes(table, {c.name for c in columns}, parse)
    constraint_keys = [(pk_column,), *(u.columns for u in uniques)]
    targets = _automatic_targets(entity, tenant, foreign_keys)
    wanted: set[KeyPath] = {("indexes", i) for i, spec in enumerate(entity.indexes) if spec.redundant}
    kept = _dedupe_declared(work, work.declared(entity), constraint_keys, targets, wanted)
    automatic = _automatic(table, targets, kept, constraint_keys)
    final = [i for i in automatic if i.keys != ("updated_at",)] + kept + \
        [i for i in automatic if i.keys == ("updated_at",)]
    return tuple(final), work.problems


def _dedupe_declared(
    work: _Indexes, declared: list[tuple[Index, KeyPath]],
    constraint_keys: list[tuple[str, ...]], targets: list[tuple[tuple[str, ...], str]],
    wanted: set[KeyPath],
) -> list[Index]:
    """Declared indexes less those another serves; `wanted` (marked `redundant`) stay."""
    kept: list[Index] = []
    for index, path in declared:
        reason = None if path in wanted else _duplicate_reason(work.table, index, kept, constraint_keys, targets)
        if reason:
            work.warn(path, f"{index.name} duplicates {reason}; it is not created")
        else:
            kept.append(index)
    for index in list(kept):
        wider = next((other for other in kept if _is_prefix_of(index, other)), None)
        path = next(p for i, p in declared if i is index)
        if wider is not None and path not in wanted:
            kept.remove(index)
            serves = "which serves the same queries; it is not created"
            work.warn(path, f"{index.name} is a prefix of {wider.name}, {serves}")
    return kept


def _duplicate_reason(
    table: str, index: Index, kept: list[Index], constraint_keys: list[tuple[str, ...]],
    targets: list[tuple[tuple[str, ...], str]],
) -> str | None:
    same = next((other for other in kept if _same(index, other)), None)
    if same is not None:
        return f"{same.name} (same columns, method and predicate)"
    if _plain(index) and index.keys in constraint_keys:
        return "the index of a primary key or unique constraint"
    if _plain(index) and not index.unique and index.name == index_name(table, index.keys):
        for keys, why in targets:
            if index.keys == keys:
                return f"the index the agent adds by itself for {why}"
    return None


def _automatic(
    table: str, targets: list[tuple[tuple[str, ...], str]], kept: list[Index],
    constraint_keys: list[tuple[str, ...]],
) -> list[Index]:
    added: list[Index] = []
    for keys, _why in targets:
        served = [i.keys for i in [*kept, *added] if _plain(i)] + constraint_keys
        if not any(_leads_with(existing, keys) for existing in served):
            added.append(Index(name=index_name(table, keys), keys=keys, automatic=True))
    return added
