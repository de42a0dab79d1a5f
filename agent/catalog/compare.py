"""Differences between two catalogs, in words, in a deterministic order.

`compare(first, second)` walks both catalogs in model order (tables by name, then
each table's fields, columns, constraints, indexes, ...) and reports what is only in
the first (`missing`), only in the second (`extra`), or different (`changed`):

    column lots.quantity: default is 0 in the first, 1 in the second

The invariant: `compare(a, b) == []` exactly when `fingerprint(a) == fingerprint(b)`.
A `definition` that differs is reported only when no other field of the same object
does, so one change is one difference, not two.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from agent.catalog import model as m

__all__ = ["Difference", "DifferenceKind", "compare"]

DifferenceKind = Literal["missing", "extra", "changed"]

_KIND_WORDS: dict[type[BaseModel], str] = {
    m.Table: "table",
    m.View: "view",
    m.Function: "function",
    m.Sequence: "sequence",
    m.EnumType: "enum type",
    m.Extension: "extension",
    m.Column: "column",
    m.Constraint: "constraint",
    m.Index: "index",
    m.Policy: "policy",
    m.Trigger: "trigger",
    m.Grant: "grant",
}
_FIELD_WORDS = {
    "schema_name": "schema",
    "not_null": "NOT NULL",
    "rls_enabled": "row level security",
    "rls_forced": "forced row level security",
    "using": "USING",
    "with_check": "WITH CHECK",
    "on_delete": "ON DELETE",
    "on_update": "ON UPDATE",
    "match": "MATCH",
    "keys": "key columns",
    "include": "INCLUDE columns",
    "predicate": "predicate",
    "nulls_not_distinct": "NULLS NOT DISTINCT",
    "security_invoker": "security_invoker",
    "security_barrier": "security_barrier",
    "columns": "columns",
    "column_order": "column order",
}
_LONG = 120


class Difference(BaseModel):
    """One difference; `first` and `second` are the values as text (None when absent)."""

    model_config = ConfigDict(frozen=True)

    kind: DifferenceKind
    path: str
    message: str
    first: str | None = None
    second: str | None = None

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class _Where:
    """Where the walk is: the path so far and how to name the current object."""

    path: tuple[str, ...]
    subject: str
    labels: tuple[str, str]

    def child(self, item: BaseModel, parent_name: str | None) -> _Where:
        word, key = _KIND_WORDS[type(item)], _key(item)
        return _Where((*self.path, f"{word} {key}"), _subject(item, parent_name), self.labels)

    def at(self, field: str) -> str:
        return " / ".join((*self.path, field))


def compare(
    first: m.Catalog, second: m.Catalog, labels: tuple[str, str] = ("the first", "the second")
) -> list[Difference]:
    """What differs between `first` and `second`; `labels` name them in the messages."""
    return list(_diff_object(first, second, _Where((), "catalog", labels)))


def _diff_object(first: BaseModel, second: BaseModel, where: _Where) -> Iterator[Difference]:
    scalar: list[Difference] = []
    nested: list[Difference] = []
    for field in type(first).model_fields:
        a, b = getattr(first, field), getattr(second, field)
        if _are_children(a, b):
            nested.extend(_diff_children(a, b, where, getattr(first, "name", None)))
        elif a != b:
            scalar.append(_changed(where, field, a, b))
    if len(scalar) > 1:
        scalar = [d for d in scalar if not d.path.endswith("/ definition")]
    yield from scalar
    yield from nested


def _are_children(a: Any, b: Any) -> bool:
    """Tuples of objects (tables, columns, ...) rather than of names or values."""
    return isinstance(a, tuple) and any(isinstance(x, BaseModel) for x in (*a, *b))


def _diff_children(
    first: tuple[BaseModel, ...],
    second: tuple[BaseModel, ...],
    where: _Where,
    parent_name: str | None,
) -> Iterator[Difference]:
    a, b = _keyed(first), _keyed(second)
    for key in sorted(a.keys() | b.keys()):
        if key not in b:
            yield _presence("missing", where.child(a[key], parent_name))
        elif key not in a:
            yield _presence("extra", where.child(b[key], parent_name))
        else:
            yield from _diff_object(a[key], b[key], where.child(a[key], parent_name))
    yield from _diff_column_order(first, second, where)


def _diff_column_order(
    first: tuple[BaseModel, ...], second: tuple[BaseModel, ...], where: _Where
) -> Iterator[Difference]:
    """Columns in a different order, among the columns both sides have."""
    if not first or not isinstance(first[0], m.Column):
        return
    names_a, names_b = [_key(c) for c in first], [_key(c) for c in second]
    common_a = tuple(n for n in names_a if n in names_b)
    common_b = tuple(n for n in names_b if n in names_a)
    if common_a != common_b:
        yield _changed(where, "column_order", common_a, common_b)


def _keyed(items: tuple[BaseModel, ...]) -> dict[str, BaseModel]:
    return {_key(item): item for item in items}


def _key(item: BaseModel) -> str:
    if isinstance(item, m.Function):
        return item.signature
    if isinstance(item, m.Grant):
        return f"{item.privilege} to {item.grantee}" + (" with grant option" * item.grantable)
    return str(getattr(item, "name"))  # noqa: B009 - every other child has a name


def _subject(item: BaseModel, parent_name: str | None) -> str:
    word, key = _KIND_WORDS[type(item)], _key(item)
    if isinstance(item, m.View) and item.materialized:
        word = "materialized view"
    if parent_name is None:
        return f"{word} {key}"
    if isinstance(item, m.Column):
        return f"column {parent_name}.{key}"
    return f"{word} {key} on {parent_name}"


def _presence(kind: Literal["missing", "extra"], where: _Where) -> Difference:
    first, second = where.labels
    there, absent = (first, second) if kind == "missing" else (second, first)
    message = f"{where.subject} is in {there} but not in {absent}"
    return Difference(kind=kind, path=" / ".join(where.path), message=message)


def _changed(where: _Where, field: str, a: Any, b: Any) -> Difference:
    words, (first, second) = _FIELD_WORDS.get(field, field.replace("_", " ")), where.labels
    text_a, text_b = _text(a), _text(b)
    if _is_long(text_a) or _is_long(text_b):
        message = f"{where.subject}: {words} differs between {first} and {second}"
    else:
        message = f"{where.subject}: {words} is {text_a} in {first}, {text_b} in {second}"
    return Difference(
        kind="changed", path=where.at(field), message=message, first=_raw(a), second=_raw(b)
    )


def _text(value: Any) -> str:
    if value is None or value == ():
        return "none"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "(" + ", ".join(str(v) for v in value) + ")"
    return str(value)


def _raw(value: Any) -> str | None:
    return None if value is None else _text(value)


def _is_long(text: str) -> bool:
    return "\n" in text or len(text) > _LONG
