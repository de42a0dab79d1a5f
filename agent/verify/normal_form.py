"""One normal form for an expression as YAML wrote it and as PostgreSQL stores it.

PostgreSQL rewrites what it stores: `x IN ('a', 'b')` comes back as
`(x)::text = ANY ((ARRAY['a'::character varying, ...])::text[])`, `BETWEEN` as two
comparisons, constants gain casts. Both sides are parsed with libpg_query and
rewritten to the same shape before comparing, so equal meaning compares equal.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from pglast import ast, enums, parser
from pglast.stream import RawStream

from agent.sql.parsing import parse_sql

__all__ = ["normal_form"]

_TEXT_TYPES = {"text", "varchar", "bpchar", "character varying", "name"}


@lru_cache(maxsize=4096)
def normal_form(expression: str) -> str:
    """Canonical text of `expression`; the input itself if it does not parse."""
    try:
        statements = parse_sql(f"SELECT {expression}")
    except parser.ParseError:
        return expression
    targets: Any = getattr(statements[0].stmt, "targetList", None) if len(statements) == 1 else None
    if not targets or len(targets) != 1:  # a comment (`--`) or a list: not one expression
        return expression
    node = _rewrite(targets[0].val)
    return str(RawStream()(node))


def _rewrite(node: Any) -> Any:
    if isinstance(node, tuple | list):
        return tuple(_rewrite(item) for item in node)
    if not isinstance(node, ast.Node):
        return node
    for name in getattr(node, "__slots__", ()):
        value = getattr(node, name, None)
        if isinstance(value, ast.Node | tuple | list):
            setattr(node, name, _rewrite(value))
    return _simplify(node)


_NUMERIC_TYPES = {"int2", "int4", "int8", "integer", "bigint", "smallint", "numeric", "float4", "float8"}


def _simplify(node: Any) -> Any:
    if isinstance(node, ast.TypeCast) and _numeric_text(node):
        constant: Any = node.arg
        text = str(constant.val.sval)
        number = ast.Integer(ival=int(text)) if text.lstrip("-").isdigit() else ast.Float(fval=text)
        return ast.A_Const(val=number)
    if isinstance(node, ast.TypeCast) and _drops_cast(node):
        return node.arg
    if isinstance(node, ast.A_Expr):
        return _simplify_operator(node)
    if isinstance(node, ast.FuncCall):
        return _unqualified(node)
    return node


def _unqualified(call: Any) -> Any:
    """pglast writes `AT TIME ZONE` as pg_catalog.timezone(); PostgreSQL stores timezone()."""
    names = list(call.funcname or ())
    if len(names) == 2 and names[0].sval == "pg_catalog":
        call.funcname = tuple(names[1:])
    return call


def _numeric_text(cast: Any) -> bool:
    """PostgreSQL stores `-10` as `'-10'::integer`: a quoted number cast to a numeric type."""
    names = [n.sval for n in cast.typeName.names if isinstance(n, ast.String)]
    return (isinstance(cast.arg, ast.A_Const) and isinstance(cast.arg.val, ast.String)
            and bool(names) and names[-1] in _NUMERIC_TYPES
            and str(cast.arg.val.sval).lstrip("-").replace(".", "", 1).isdigit())


_WIDENED = _NUMERIC_TYPES | {"timestamptz", "timestamp"}
"""Types PostgreSQL casts a column to on its own (`qty` against a decimal, a date against a timestamp)."""


def _drops_cast(cast: Any) -> bool:
    names = [n.sval for n in cast.typeName.names if isinstance(n, ast.String)]
    is_array = bool(cast.typeName.arrayBounds)
    widened = isinstance(cast.arg, ast.ColumnRef) and bool(names) and names[-1] in _WIDENED and not is_array
    return widened or isinstance(cast.arg, ast.A_Const | ast.A_ArrayExpr) or (
        bool(names) and names[-1] in _TEXT_TYPES and not is_array
    ) or (is_array and isinstance(cast.arg, ast.A_ArrayExpr))


def _simplify_operator(node: Any) -> Any:
    if node.kind == enums.A_Expr_Kind.AEXPR_OP_ANY and isinstance(node.rexpr, ast.A_ArrayExpr):
        return ast.A_Expr(kind=enums.A_Expr_Kind.AEXPR_IN, name=node.name, lexpr=node.lexpr,
                          rexpr=tuple(node.rexpr.elements or ()))
    if node.kind == enums.A_Expr_Kind.AEXPR_BETWEEN and isinstance(node.rexpr, tuple | list):
        low, high = node.rexpr
        return ast.BoolExpr(boolop=enums.BoolExprType.AND_EXPR, args=(
            ast.A_Expr(kind=enums.A_Expr_Kind.AEXPR_OP, name=(ast.String(sval=">="),),
                       lexpr=node.lexpr, rexpr=low),
            ast.A_Expr(kind=enums.A_Expr_Kind.AEXPR_OP, name=(ast.String(sval="<="),),
                       lexpr=node.lexpr, rexpr=high),
        ))
    return node
