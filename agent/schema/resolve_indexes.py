"""Declared indexes, the indexes the agent adds by itself, and the duplicates between them."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from agent.schema.diagnostics import KeyPath
from agent.schema.expressions import ExpressionKind, is_column_key
from agent.schema.index_storage import storage_problem, storage_text
from agent.schema.model import Entity, NullsOrder
from agent.schema.model import Index as IndexSpec
from agent.schema.names import bounded_name, identifier_problem, role_problem
from agent.schema.tables import Column, ForeignKey, Index, Unique

__all__ = ["resolve_indexes"]

ParseExpression = Callable[[str, ExpressionKind, KeyPath], "tuple[str, frozenset[str]] | None"]
Problem = tuple[KeyPath, str, bool]

_UNIQUE_METHODS = {"btree"}
_INCLUDE_METHODS = {"btree", "gist"}
_ORDERED_METHODS = {"btree"}


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
        if not ok:
            return None
        key_tuple = tuple(k for k in keys if k is not None)
        orders = self.key_orders(spec, path, dict(zip(spec.columns, key_tuple, strict=True)))
        storage = self.storage(spec, path)
        if orders is None or storage is None:
            return None
        opclass, descending, nulls = orders
        collation = self.collations(spec, path, dict(zip(spec.columns, key_tuple, strict=True)))
        if collation is None:
            return None
        return Index(
            name=spec.name or index_name(self.table, key_tuple), method=spec.using, keys=key_tuple,
            unique=spec.unique, where=where[0] if where else None, include=tuple(spec.include),
            opclass=tuple((k, opclass[k]) for k in key_tuple if k in opclass),
            descending=tuple(k for k in key_tuple if k in descending),
            nulls=tuple((k, nulls[k].upper()) for k in key_tuple
                        if k in nulls and (nulls[k] == "first") != (k in descending)),
            collation=tuple((k, collation[k]) for k in key_tuple if k in collation),
            storage=storage,
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

    def key_orders(self, spec: IndexSpec, path: KeyPath, listed: dict[str, str]
                   ) -> tuple[dict[str, str], set[str], dict[str, NullsOrder]] | None:
        """`opclass`, `descending` and `nulls` by the key each names (a column, or an expression in
        canonical form), or None when one names a key the index does not list."""
        problems = len(self.problems)
        opclass: dict[str, str] = {}
        for text, name in spec.opclass.items():
            key = self.listed_key(text, listed, (*path, "opclass", text))
            problem = role_problem(name)
            if problem:
                self.problems.append(((*path, "opclass", text), f"operator class {problem}", False))
            elif key is not None:
                opclass[key] = name
        descending = {self.listed_key(text, listed, (*path, "descending", i)) for i, text in enumerate(spec.descending)}
        nulls = {key: order for text, order in spec.nulls.items()
                 if (key := self.listed_key(text, listed, (*path, "nulls", text))) is not None}
        for field_name in ("descending", "nulls"):
            if getattr(spec, field_name) and spec.using not in _ORDERED_METHODS:
                self.problems.append(((*path, field_name), f"a {spec.using} index keeps no order: DESC and NULLS "
                                      "FIRST/LAST are for btree", False))
        if len(self.problems) > problems:
            return None
        return opclass, {key for key in descending if key is not None}, nulls

    def collations(self, spec: IndexSpec, path: KeyPath, listed: dict[str, str]) -> dict[str, str] | None:
        """`collation` by the key each names; None when one names a key the index does not list or
        is no identifier."""
        problems = len(self.problems)
        found: dict[str, str] = {}
        for text, name in spec.collation.items():
            key = self.listed_key(text, listed, (*path, "collation", text))
            problem = identifier_problem(name)
            if problem:
                self.problems.append(((*path, "collation", text), f"collation {problem}", False))
            elif key is not None:
                found[key] = name
        return None if len(self.problems) > problems else found

    def listed_key(self, text: str, listed: dict[str, str], path: KeyPath) -> str | None:
        """The key of the index `text` names, written as in `columns` or as the same expression."""
        if text in listed:
            return listed[text]
        if is_column_key(text):
            self.problems.append((path, f"{text!r} is not a column this index lists", False))
            return None
        parsed = self.parse(text, ExpressionKind.INDEX, path)
        if parsed is not None and parsed[0] in listed.values():
            return parsed[0]
        if parsed is not None:
            self.problems.append((path, f"{text!r} is not an expression this index lists", False))
        return None

    def storage(self, spec: IndexSpec, path: KeyPath) -> tuple[tuple[str, str], ...] | None:
        problems = [(name, storage_problem(spec.using, name, value)) for name, value in spec.storage.items()]
        for name, problem in problems:
            if problem:
                self.problems.append(((*path, "storage", name), problem, False))
        if any(problem for _name, problem in problems):
            return None
        return tuple((name, storage_text(value)) for name, value in spec.storage.items())

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
    return (index.method == "btree" and index.where is None and not index.opclass and not index.descending
            and not index.nulls and not index.storage and not index.collation)


def _leads_with(keys: tuple[str, ...], columns: tuple[str, ...]) -> bool:
    return keys[: len(columns)] == columns


def _same(a: Index, b: Index) -> bool:
    return (a.keys, a.method, a.where, a.opclass, a.descending, a.nulls, a.collation) == (
        b.keys, b.method, b.where, b.opclass, b.descending, b.nulls, b.collation)


def _is_prefix_of(a: Index, b: Index) -> bool:
    return (
        a.method == b.method == "btree" and a.where == b.where and not a.unique and not a.opclass and not b.opclass
        and not a.descending and not b.descending and not a.nulls and not b.nulls
        and not a.collation and not b.collation
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
    table: str, entity: Entity, columns: list[Column], pk_columns: tuple[str, ...], uniques: list[Unique],
    foreign_keys: list[ForeignKey], tenant: str, parse: ParseExpression,
) -> tuple[tuple[Index, ...], list[Problem]]:
    work = _Indexes(table, {c.name for c in columns}, parse)
    constraint_keys = [key for key in (pk_columns, *(u.columns for u in uniques)) if key]
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
