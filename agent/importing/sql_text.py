"""PostgreSQL's stored expressions back to what a person would write in YAML.

PostgreSQL stores `status IN ('A')` as `status::text = ANY (ARRAY['A'::character
varying]::text[])` and `q >= 0` on a numeric column as `q >= 0::numeric`. `simplify`
removes only the casts PostgreSQL adds by itself, where removing them cannot change
the meaning: a text cast of a text or varchar column, and the cast of a constant
compared with a column of the constant's own family. Everything else is kept
verbatim, so the YAML re-creates exactly what the database holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from pglast import ast, enums, parser

from agent.sql.parsing import parse_sql, sql_text

__all__ = [
    "Simplifier",
    "column_of",
    "constant",
    "is_a",
    "is_numeric_type",
    "is_text_type",
    "parse_node",
    "render",
]

_TEXT_CASTS = frozenset({"text", "varchar"})
_NUMERIC_CASTS = frozenset({"numeric", "int2", "int4", "int8", "float4", "float8"})
_COMPARISONS = frozenset({"=", "<>", "<", "<=", ">", ">=", "~", "~*", "!~", "!~*", "~~", "!~~"})
_NUMERIC_TYPES = ("smallint", "integer", "bigint", "real", "double precision", "numeric")


def is_text_type(format_type: str) -> bool:
    return format_type == "text" or format_type.startswith("character varying")


def is_numeric_type(format_type: str) -> bool:
    return format_type.startswith(_NUMERIC_TYPES) and not format_type.endswith("[]")


def is_a(node: Any, kind: type) -> bool:
    """`isinstance` without narrowing: pglast's node fields are typed as optional."""
    return isinstance(node, kind)


def parse_node(sql: str) -> Any | None:
    """The parse tree of one expression, or None when it is not one."""
    try:
        statement: Any = parse_sql(f"SELECT {sql}")[0].stmt
    except parser.ParseError:
        return None
    targets: Any = statement.targetList or ()
    return targets[0].val if len(targets) == 1 else None


def render(node: Any) -> str:
    return sql_text(node)


def column_of(node: Any) -> str | None:
    """The column a plain `ColumnRef` names."""
    if is_a(node, ast.ColumnRef) and len(node.fields) == 1 and is_a(node.fields[0], ast.String):
        return str(node.fields[0].sval)
    return None


def constant(node: Any) -> tuple[str, Any] | None:
    """(kind, value) of a constant, casts ignored: number (as text), string, boolean."""
    while is_a(node, ast.TypeCast) and not node.typeName.arrayBounds:
        node = node.arg
    if not isinstance(node, ast.A_Const) or node.isnull:
        return None
    value = node.val
    if isinstance(value, ast.Integer):
        return "number", str(value.ival)
    if isinstance(value, ast.Float):
        return "number", str(value.fval)
    if isinstance(value, ast.Boolean):
        return "boolean", bool(value.boolval)
    if isinstance(value, ast.String):
        return "string", str(value.sval)
    return None


def _cast_name(cast: Any) -> str:
    names = [n.sval for n in cast.typeName.names if isinstance(n, ast.String)]
    return str(names[-1]) if names else ""


def _number_node(text: str) -> Any | None:
    try:
        Decimal(text)
    except InvalidOperation:
        return None
    if text.lstrip("-").isdigit():
        return ast.A_Const(val=ast.Integer(ival=int(text)))
    return ast.A_Const(val=ast.Float(fval=text))


class Simplifier:
    """Simplifies expressions of one table, knowing its columns' types."""

    def __init__(self, column_types: Mapping[str, str]) -> None:
        self.text_columns = {name for name, kind in column_types.items() if is_text_type(kind)}
        self.numeric_columns = {name for name, kind in column_types.items() if is_numeric_type(kind)}

    def simplify(self, sql: str) -> str:
        node = parse_node(sql)
        return sql if node is None else render(self._rewrite(node))

    def _rewrite(self, node: Any) -> Any:
        if isinstance(node, tuple | list):
            return tuple(self._rewrite(item) for item in node)
        if not isinstance(node, ast.Node):
            return node
        for name in getattr(node, "__slots__", ()):
            value = getattr(node, name, None)
            if isinstance(value, ast.Node | tuple | list):
                setattr(node, name, self._rewrite(value))
        return self._simplify(node)

    def _simplify(self, node: Any) -> Any:
        if is_a(node, ast.TypeCast) and self._is_text_cast_of_text_column(node):
            return node.arg
        if isinstance(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_OP:
            return self._comparison(node)
        if isinstance(node, ast.A_Expr) and node.kind == enums.A_Expr_Kind.AEXPR_OP_ANY:
            return self._in_list(node)
        return node

    def _is_text_cast_of_text_column(self, cast: Any) -> bool:
        return (not cast.typeName.arrayBounds and _cast_name(cast) in _TEXT_CASTS
                and column_of(cast.arg) in self.text_columns)

    def _comparison(self, node: Any) -> Any:
        if not node.name or node.name[-1].sval not in _COMPARISONS:
            return node
        left, right = column_of(node.lexpr), column_of(node.rexpr)
        if left is not None:
            node.rexpr = self._bare_constant(node.rexpr, left)
        elif right is not None:
            node.lexpr = self._bare_constant(node.lexpr, right)
        return node

    def _bare_constant(self, node: Any, column: str) -> Any:
        """`0::numeric` next to a numeric column is `0`; `'x'::text` next to a text column is `'x'`."""
        if not is_a(node, ast.TypeCast) or node.typeName.arrayBounds:
            return node
        found = constant(node.arg) if isinstance(node.arg, ast.A_Const) else None
        cast = _cast_name(node)
        if found and column in self.numeric_columns and cast in _NUMERIC_CASTS:
            if found[0] == "number" and (cast in ("numeric", "float4", "float8") or "." not in found[1]):
                return node.arg
            if found[0] == "string":
                return _number_node(found[1]) or node
        if found and found[0] == "string" and column in self.text_columns and cast in _TEXT_CASTS:
            return node.arg
        return node

    def _in_list(self, node: Any) -> Any:
        """`col = ANY (ARRAY['a', 'b'])` of a text column is `col IN ('a', 'b')`."""
        array = node.rexpr
        if isinstance(array, ast.TypeCast) and _cast_name(array) in _TEXT_CASTS:
            array = array.arg
        if (node.name[-1].sval != "=" or column_of(node.lexpr) not in self.text_columns
                or not isinstance(array, ast.A_ArrayExpr)):
            return node
        items = [self._bare_text(item) for item in array.elements or ()]
        if not items or any(item is None for item in items):
            return node
        return ast.A_Expr(kind=enums.A_Expr_Kind.AEXPR_IN, name=node.name, lexpr=node.lexpr,
                          rexpr=tuple(items))

    @staticmethod
    def _bare_text(item: Any) -> Any | None:
        while is_a(item, ast.TypeCast) and _cast_name(item) in _TEXT_CASTS and not item.typeName.arrayBounds:
            item = item.arg
        is_string = isinstance(item, ast.A_Const) and isinstance(item.val, ast.String)
        return item if is_string else None
