"""What a column check allows, read from its parsed expression: bounds and allowed values."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pglast import ast, enums

from agent.sql.parsing import parse_sql

__all__ = ["bounds_of", "enum_values_of"]


def _expression(sql: str) -> Any:
    return parse_sql(f"SELECT {sql}")[0].stmt.targetList[0].val  # type: ignore[union-attr]


def _number(node: Any) -> float | None:
    if isinstance(node, ast.A_Const) and isinstance(node.val, ast.Integer | ast.Float):
        return float(Decimal(str(node.val.ival if isinstance(node.val, ast.Integer) else node.val.fval)))
    if isinstance(node, ast.TypeCast):
        return _number(node.arg)
    return None


def _names_column(node: Any, column: str) -> bool:
    fields: Any = getattr(node, "fields", None) or ()
    return isinstance(node, ast.ColumnRef) and [getattr(f, "sval", None) for f in fields] == [column]


def bounds_of(sql: str, column: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) from `col >= a`, `col <= b`, `col BETWEEN a AND b`, or their AND."""
    low: float | None = None
    high: float | None = None
    for part in _conjuncts(_expression(sql)):
        if not isinstance(part, ast.A_Expr) or not _names_column(part.lexpr, column):
            continue
        node: Any = part
        if node.kind == enums.A_Expr_Kind.AEXPR_BETWEEN:
            low, high = _number(node.rexpr[0]), _number(node.rexpr[1])
            continue
        operator = node.name[0].sval
        if operator in (">=", ">"):
            low = _number(node.rexpr)
        elif operator in ("<=", "<"):
            high = _number(node.rexpr)
    return low, high


def _conjuncts(node: Any) -> list[Any]:
    if isinstance(node, ast.BoolExpr) and node.boolop == enums.BoolExprType.AND_EXPR:
        args: Any = node.args or ()
        return [part for arg in args for part in _conjuncts(arg)]
    return [node]


def enum_values_of(sql: str) -> list[str]:
    node: Any = _expression(sql)
    if not isinstance(node, ast.A_Expr) or node.kind != enums.A_Expr_Kind.AEXPR_IN:
        return []
    items: Any = node.rexpr
    return [str(getattr(item.val, "sval", "")) for item in items if isinstance(item, ast.A_Const)]
