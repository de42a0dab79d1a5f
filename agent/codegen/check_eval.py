"""Evaluating a CHECK expression on one generated row, with SQL's three-valued logic.

Enough of PostgreSQL for the checks schemas write: AND/OR/NOT, comparisons, BETWEEN, IN,
IS [NOT] NULL, casts (ignored), `char_length`/`length`/`lower`/`upper` and `~`. A check
that uses anything else cannot be judged here: `passes` then says True and the database
has the last word.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pglast import ast, enums

from agent.sql.parsing import parse_sql

__all__ = ["passes"]


class _Unsupported(Exception):
    pass


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq, "<>": operator.ne, "!=": operator.ne, "<": operator.lt,
    "<=": operator.le, ">": operator.gt, ">=": operator.ge,
    "~": lambda a, b: re.search(b, a) is not None,
}
_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "char_length": len, "length": len, "character_length": len, "lower": str.lower, "upper": str.upper,
}


def passes(expression: str, row: dict[str, Any]) -> bool:
    """False only when the check is known to fail (NULL passes, as in PostgreSQL)."""
    try:
        statement: Any = parse_sql(f"SELECT {expression}")[0].stmt
        node = statement.targetList[0].val
        return _eval(node, row) is not False
    except (_Unsupported, TypeError, re.error):
        return True


def _eval(node: Any, row: dict[str, Any]) -> Any:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise _Unsupported(type(node).__name__)
    return handler(node, row)


def _column(node: Any, row: dict[str, Any]) -> Any:
    name = node.fields[-1].sval
    if name not in row:
        raise _Unsupported(name)
    return row[name]


def _const(node: Any, row: dict[str, Any]) -> Any:
    if node.isnull:
        return None
    value = node.val
    if isinstance(value, ast.Integer):
        return value.ival
    if isinstance(value, ast.Float):
        return Decimal(str(value.fval))
    if isinstance(value, ast.Boolean):
        return bool(value.boolval)
    return getattr(value, "sval", None)


def _bool(node: Any, row: dict[str, Any]) -> Any:
    values = [_eval(arg, row) for arg in node.args]
    if node.boolop == enums.BoolExprType.NOT_EXPR:
        return None if values[0] is None else not values[0]
    if node.boolop == enums.BoolExprType.AND_EXPR:
        return False if False in values else (None if None in values else True)
    return True if True in values else (None if None in values else False)


def _null_test(node: Any, row: dict[str, Any]) -> bool:
    value = _eval(node.arg, row)
    return (value is None) is bool(node.nulltesttype == enums.NullTestType.IS_NULL)


def _a_expr(node: Any, row: dict[str, Any]) -> Any:
    left = _eval(node.lexpr, row)
    if node.kind == enums.A_Expr_Kind.AEXPR_IN:
        values = [_eval(item, row) for item in node.rexpr]
        return None if left is None else _compare("=", left, values, any)
    if node.kind in (enums.A_Expr_Kind.AEXPR_BETWEEN, enums.A_Expr_Kind.AEXPR_NOT_BETWEEN):
        low, high = (_eval(item, row) for item in node.rexpr)
        inside = None if None in (left, low, high) else low <= left <= high
        return inside if inside is None or node.kind == enums.A_Expr_Kind.AEXPR_BETWEEN else not inside
    if node.kind != enums.A_Expr_Kind.AEXPR_OP or node.name[-1].sval not in _COMPARE:
        raise _Unsupported("operator")
    right = _eval(node.rexpr, row)
    return None if left is None or right is None else _COMPARE[node.name[-1].sval](left, right)


def _compare(op: str, left: Any, values: list[Any], combine: Callable[[Any], bool]) -> bool:
    return bool(combine(_COMPARE[op](left, value) for value in values if value is not None))


def _cast(node: Any, row: dict[str, Any]) -> Any:
    return _eval(node.arg, row)


def _call(node: Any, row: dict[str, Any]) -> Any:
    name = node.funcname[-1].sval
    if name not in _FUNCTIONS or len(node.args or ()) != 1:
        raise _Unsupported(name)
    value = _eval(node.args[0], row)
    return None if value is None else _FUNCTIONS[name](value)


_HANDLERS: dict[type, Callable[[Any, dict[str, Any]], Any]] = {
    ast.ColumnRef: _column, ast.A_Const: _const, ast.BoolExpr: _bool, ast.NullTest: _null_test,
    ast.A_Expr: _a_expr, ast.TypeCast: _cast, ast.FuncCall: _call,
}
