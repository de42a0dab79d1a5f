"""Indexes: the declared ones back to `indexes:` (or `index: true`); the ones the agent adds
by itself, and those behind a primary or unique key, are left for the agent to add again."""

from __future__ import annotations

from typing import Any

from pglast.enums import SortByDir, SortByNulls

from agent.catalog.model import Index
from agent.importing.context import TableImport
from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression
from agent.schema.index_storage import definition_storage, yaml_storage_value
from agent.schema.resolve_indexes import index_name
from agent.sql.parsing import parse_sql

__all__ = ["add_indexes"]

_METHODS = frozenset({"btree", "gin", "gist", "brin", "hash"})
_NULLS = {SortByNulls.SORTBY_NULLS_FIRST: "first", SortByNulls.SORTBY_NULLS_LAST: "last"}


def add_indexes(work: TableImport) -> None:
    automatic = _automatic_targets(work)
    for index in work.table.indexes:
        if index.constraint is not None:
            _constraint_index_flags(work, index)
            continue
        if index.method not in _METHODS:
            work.lost(f"index {index.name} uses {index.method}, which the YAML cannot say; it is left out")
            continue
        _flags(work, index)
        if _is_automatic(work, index, automatic):
            continue
        _declare(work, index)


def _automatic_targets(work: TableImport) -> set[tuple[str, ...]]:
    targets: set[tuple[str, ...]] = set()
    if work.shape.tenant_scoped:
        targets.add((work.tenant,))
    if work.shape.audit:
        targets.add(("updated_at",))
    targets.update(c.columns for c in work.table.constraints if c.kind == "foreign")
    return targets


def _is_automatic(work: TableImport, index: Index, targets: set[tuple[str, ...]]) -> bool:
    return (index.method == "btree" and not index.unique and index.predicate is None
            and not _has_extras(_statement(index)) and not index.include and index.keys in targets
            and index.name == index_name(work.name, index.keys))


def _constraint_index_flags(work: TableImport, index: Index) -> None:
    if index.comment is not None:
        work.lost(f"the comment on index {index.name} has no place in the YAML")
    if _statement(index).options:
        work.lost(f"the index of constraint {index.constraint} has storage parameters, which the YAML says "
                  "on indexes only")
    _definition_extras(work, index)


def _flags(work: TableImport, index: Index) -> None:
    if not index.valid:
        work.lost(f"index {index.name} is INVALID (a failed concurrent build); the YAML builds it valid")
    if index.comment is not None:
        work.lost(f"the comment on index {index.name} has no place in the YAML")
    if index.nulls_not_distinct:
        work.lost(f"index {index.name} is NULLS NOT DISTINCT, which the YAML cannot say")
    _definition_extras(work, index)


def _definition_extras(work: TableImport, index: Index) -> None:
    """Operator class parameters and tablespaces, which the YAML does not say."""
    statement = _statement(index)
    elements = [*(statement.indexParams or ()), *(statement.indexIncludingParams or ())]
    if any(e.opclassopts or e.ordering == SortByDir.SORTBY_ASC for e in elements):
        work.lost(f"index {index.name} has operator class parameters or an explicit ASC the YAML cannot say "
                  f"({index.definition})")
    if statement.tableSpace:
        work.lost(f"index {index.name} is in tablespace {statement.tableSpace}, which the YAML cannot say")


def _statement(index: Index) -> Any:
    return parse_sql(index.definition)[0].stmt


def _has_extras(statement: Any) -> bool:
    """An operator class, DESC, NULLS FIRST/LAST or a storage parameter: more than a plain index."""
    return bool(statement.options) or any(e.opclass or e.ordering or e.nulls_ordering or e.collation
                                          for e in statement.indexParams or ())


def _key_details(keys: list[str], statement: Any) -> dict[str, Any]:
    """`opclass`, `descending` and `nulls` as the YAML says them, by the key as `columns` writes it."""
    elements = list(zip(keys, statement.indexParams or (), strict=False))
    details: dict[str, Any] = {
        "opclass": {key: str(e.opclass[-1].sval) for key, e in elements if e.opclass},
        "descending": [key for key, e in elements if e.ordering == SortByDir.SORTBY_DESC],
        "nulls": {key: _NULLS[e.nulls_ordering] for key, e in elements if e.nulls_ordering in _NULLS},
        "collation": {key: str(e.collation[-1].sval) for key, e in elements if e.collation},
        "storage": {str(name): yaml_storage_value(text) for name, text in definition_storage(statement)},
    }
    return {field: value for field, value in details.items() if value}


def _declare(work: TableImport, index: Index) -> None:
    columns = {c.name for c in work.table.columns}
    keys = [key if key in columns else work.simplify(key) for key in index.keys]
    resolved = tuple(key if key in columns else _canonical(key) for key in keys)
    details = _key_details(keys, _statement(index))
    if not details and _is_column_flag(index, keys, columns, resolved, work.name) and keys[0] in work.properties:
        work.properties[keys[0]]["index"] = True
        return
    entry: dict[str, Any] = {} if index.name == index_name(work.name, resolved) else {"name": index.name}
    entry["columns"] = keys
    if index.method != "btree":
        entry["using"] = index.method
    if index.predicate is not None:
        entry["where"] = work.simplify(index.predicate)
    if index.unique:
        entry["unique"] = True
    if index.include:
        entry["include"] = list(index.include)
    work.indexes.append(entry | details)


def _is_column_flag(index: Index, keys: list[str], columns: set[str], resolved: tuple[str, ...],
                    table: str) -> bool:
    plain = index.method == "btree" and not index.unique and index.predicate is None and not index.include
    return plain and len(keys) == 1 and keys[0] in columns and index.name == index_name(table, resolved)


def _canonical(text: str) -> str:
    try:
        return parse_expression(text, ExpressionKind.INDEX).sql
    except ExpressionError:
        return text
