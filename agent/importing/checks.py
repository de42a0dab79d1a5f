"""CHECK constraints: back to `values`, `minimum`/`maximum`, `min_length`, `pattern` where
the agent would generate exactly that check under exactly that name; the rest become
`constraints: - check:` entries.

A candidate property is confirmed by building its checks with the schema's own
`ColumnBuilder` and comparing them with the stored one in normal form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pglast import ast, enums
from pydantic import ValidationError

from agent.catalog.model import Constraint
from agent.importing.context import TableImport
from agent.importing.sql_text import column_of, constant, is_a, parse_node
from agent.schema.columns import ColumnBuilder
from agent.schema.expressions import ExpressionError, ExpressionKind, parse_expression
from agent.schema.model import Property
from agent.schema.names import bounded_name
from agent.schema.yaml_source import SourceDocument
from agent.verify.normal_form import normal_form

__all__ = ["add_checks"]

_SUFFIXES = ("check", "length_check", "pattern_check")
_NUMERIC = frozenset({"smallint", "integer", "bigint", "decimal", "float", "double"})


def add_checks(work: TableImport) -> None:
    for constraint in work.table.constraints:
        if constraint.kind != "check" or constraint.expression is None:
            continue
        _flags(work, constraint)
        if not constraint.validated:  # a property's checks are made valid with the table
            work.constraints.append(_table_check(work, constraint.name, constraint.expression) | {"validated": False})
        elif not _as_property(work, constraint):
            work.constraints.append(_table_check(work, constraint.name, constraint.expression))


def _flags(work: TableImport, constraint: Constraint) -> None:
    if not constraint.enforced:
        work.lost(f"check {constraint.name} is NOT ENFORCED; the YAML creates it enforced")
    if constraint.comment is not None:
        work.lost(f"the comment on check {constraint.name} has no place in the YAML")


def _owner(work: TableImport, name: str) -> tuple[str, str] | None:
    """(column, suffix) when `name` is the name the agent gives a property's check."""
    for column in work.properties:
        for suffix in _SUFFIXES:
            if bounded_name(f"{work.name}_{column}_{suffix}") == name:
                return column, suffix
    return None


def _as_property(work: TableImport, constraint: Constraint) -> bool:
    owner = _owner(work, constraint.name)
    if owner is None:
        return False
    column, suffix = owner
    simplified = work.simplify(constraint.expression or "")
    node = parse_node(simplified)
    fields = _fields(work.properties[column], suffix, node, column)
    if not fields:
        return False
    merged = {**work.properties[column], **fields}
    candidate = {key: value for key, value in merged.items() if value is not None}
    if not _builds(work.name, column, candidate, constraint.name, simplified):
        return False
    work.properties[column] = candidate
    return True


def _fields(prop: dict[str, Any], suffix: str, node: Any, column: str) -> dict[str, Any] | None:
    if suffix == "length_check" and prop["type"] in ("string", "text"):
        return _min_length(node, column)
    if suffix == "pattern_check" and prop["type"] in ("string", "text"):
        return _pattern(node, column)
    if suffix == "check" and prop["type"] == "string" and "max_length" in prop:
        return _enum(node, column, prop["max_length"])
    if suffix == "check" and prop["type"] in _NUMERIC:
        return _bounds(node, column)
    return None


def _is_op(node: Any, op: str) -> bool:
    return (is_a(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_OP
            and node.name[-1].sval == op)


def _enum(node: Any, column: str, width: int) -> dict[str, Any] | None:
    if not (is_a(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_IN
            and column_of(node.lexpr) == column):
        return None
    values = [constant(item) for item in node.rexpr]
    if not values or any(v is None or v[0] != "string" for v in values):
        return None
    texts = [str(v[1]) for v in values if v is not None]
    longest = max(len(t) for t in texts)
    return {"type": "enum", "values": texts, "max_length": None if width == longest else width}


def _number(node: Any) -> int | float | None:
    found = constant(node) if is_a(node, ast.A_Const) else None
    if found is None or found[0] != "number":
        return None
    text = str(found[1])
    return int(text) if text.lstrip("-").isdigit() else float(text)


def _bounds(node: Any, column: str) -> dict[str, Any] | None:
    """`col >= a`, `col <= b`, or both joined by AND (PostgreSQL's BETWEEN)."""
    is_and = is_a(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR
    parts = list(node.args) if is_and else [node]
    if len(parts) == 2:
        expected = [(">=", "minimum"), ("<=", "maximum")]
    elif len(parts) == 1:
        expected = [("<=", "maximum")] if _is_op(parts[0], "<=") else [(">=", "minimum")]
    else:
        return None
    found: dict[str, Any] = {}
    for part, (op, key) in zip(parts, expected, strict=True):
        value = _number(part.rexpr) if _is_op(part, op) and column_of(part.lexpr) == column else None
        if value is None:
            return None
        found[key] = value
    return found


def _min_length(node: Any, column: str) -> dict[str, Any] | None:
    if not _is_op(node, ">="):
        return None
    call = node.lexpr
    is_length = (is_a(call, ast.FuncCall) and [n.sval for n in call.funcname] == ["char_length"]
                 and len(call.args or ()) == 1 and column_of(call.args[0]) == column)
    length = _number(node.rexpr)
    return {"min_length": length} if is_length and isinstance(length, int) else None


def _pattern(node: Any, column: str) -> dict[str, Any] | None:
    if not _is_op(node, "~") or column_of(node.lexpr) != column:
        return None
    found = constant(node.rexpr) if is_a(node.rexpr, ast.A_Const) else None
    return {"pattern": found[1]} if found and found[0] == "string" else None


def _builds(table: str, column: str, candidate: dict[str, Any], name: str, expression: str) -> bool:
    """Does the agent build exactly this check, under this name, from `candidate`?"""
    try:
        prop = Property.model_validate(candidate)
    except ValidationError:
        return False
    builder = ColumnBuilder(table, SourceDocument(Path("import.yaml"), None))
    _column, checks = builder.column(column, prop, ("properties", column))
    if builder.diagnostics:
        return False
    built = next((c for c in checks if c.name == name), None)
    return built is not None and normal_form(built.expression) == normal_form(expression)


def _table_check(work: TableImport, name: str, expression: str) -> dict[str, Any]:
    text = work.simplify(expression)
    entry: dict[str, Any] = {"name": name, "check": text}
    try:
        columns = sorted(parse_expression(text, ExpressionKind.CHECK).columns)
    except ExpressionError:
        return entry
    if bounded_name(f"{work.name}_{'_'.join(columns) or 'row'}_check") == name:
        del entry["name"]
    return entry
