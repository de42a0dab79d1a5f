"""Indexes: the declared ones back to `indexes:` (or `index: true`); the ones the agent adds
by itself, and those behind a primary or unique key, are left for the agent to add again."""

from __future__ import annotations

from typing import Any

from pglast import ast
from pglast.enums import SortByDir

from agent.catalog.model import Index
from agent.importing.context import TableImport
from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression
from agent.schema.resolve_indexes import index_name
from agent.sql.parsing import parse_sql

__all__ = ["add_indexes"]

_METHODS = frozenset({"btree", "gin", "gist", "brin", "hash"})


def add_indexes(work: TableImport) -> None:
    automatic = _automatic_targets(work)
    for index in work.table.indexes:
        if index.constraint is not None:
            _constraint_index_flags(work, index)
            continue
        if index.method not in _METHODS:
            work.lost(f"index {index.name} uses {index.method}, which the YAML cannot say; it is left out")
            continue
        if _expression_opclass(index):
            work.lost(f"index {index.name} gives an expression an operator class, which the YAML cannot say; "
                      f"it is left out ({index.definition})")
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
    return (index.method == "btree" and not index.unique and index.predicate is None and not _opclasses(index)
            and not _descending(index)
            and not index.include and index.keys in targets
            and index.name == index_name(work.name, index.keys))


def _constraint_index_flags(work: TableImport, index: Index) -> None:
    if index.comment is not None:
        work.lost(f"the comment on index {index.name} has no place in the YAML")
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
    """Operator classes, sort order, collations, storage parameters, tablespaces."""
    statement: Any = parse_sql(index.definition)[0].stmt
    elements = [*(statement.indexParams or ()), *(statement.indexIncludingParams or ())]
    if any(_element_extras(e) for e in elements):
        work.lost(f"index {index.name} has a sort order, collation or operator class parameters the YAML "
                  f"cannot say ({index.definition})")
    if statement.options or statement.tableSpace:
        work.lost(f"index {index.name} has storage parameters or a tablespace the YAML cannot say")


def _element_extras(element: ast.IndexElem) -> bool:
    descending = element.ordering == SortByDir.SORTBY_DESC
    return bool(element.collation or element.nulls_ordering or element.opclassopts
                or (element.ordering and not descending) or (descending and not element.name))


def _expression_opclass(index: Index) -> bool:
    """Written without it, the index may not build at all (gin on text has no default class)."""
    statement: Any = parse_sql(index.definition)[0].stmt
    return any(e.opclass and not e.name for e in statement.indexParams or ())


def _opclasses(index: Index) -> dict[str, str]:
    """A column key's operator class (`slug varchar_pattern_ops`), as `opclass:` says it."""
    statement: Any = parse_sql(index.definition)[0].stmt
    return {str(e.name): str(e.opclass[-1].sval) for e in statement.indexParams or () if e.name and e.opclass}


def _declare(work: TableImport, index: Index) -> None:
    columns = {c.name for c in work.table.columns}
    keys = [key if key in columns else work.simplify(key) for key in index.keys]
    resolved = tuple(key if key in columns else _canonical(key) for key in keys)
    opclass = _opclasses(index)
    plain = not opclass and not _descending(index)
    if plain and _is_column_flag(index, keys, columns, resolved, work.name) and keys[0] in work.properties:
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
    if opclass:
        entry["opclass"] = opclass
    if descending := _descending(index):
        entry["descending"] = descending
    work.indexes.append(entry)


def _descending(index: Index) -> list[str]:
    statement: Any = parse_sql(index.definition)[0].stmt
    return [str(e.name) for e in statement.indexParams or () if e.name and e.ordering == SortByDir.SORTBY_DESC]


def _is_column_flag(index: Index, keys: list[str], columns: set[str], resolved: tuple[str, ...],
                    table: str) -> bool:
    plain = index.method == "btree" and not index.unique and index.predicate is None and not index.include
    return plain and len(keys) == 1 and keys[0] in columns and index.name == index_name(table, resolved)


def _canonical(text: str) -> str:
    try:
        return parse_expression(text, ExpressionKind.INDEX).sql
    except ExpressionError:
        return text
