"""A CHECK (or index) expression evaluated on one row in Python, with SQL's three-valued logic.

Enough of PostgreSQL for the checks schemas write: AND/OR/NOT, comparisons, `IS [NOT] DISTINCT
FROM`, `BETWEEN`, `IN`, `IS [NOT] NULL`, `IS [NOT] TRUE/FALSE`, `~`/`~*`/`!~`, `LIKE`, arithmetic
on numbers, dates (`start_date + 1`) and intervals (`interval '2 days'`), casts to the common
types, `coalesce` and `char_length`/`length`/`octet_length`/`lower`/`upper`/`btrim`/`abs`. Anything else raises
`Unsupported`: such a check is then left to PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re
import uuid
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from pglast import ast, enums, parser

from agent.sql.parsing import parse_sql

__all__ = [
    "Evaluator", "Unsupported", "column_of", "comparable", "compile_node", "compiled", "constant", "evaluate",
    "interval", "node_of", "operator_of", "truth",
]

Row = dict[str, Any]
Evaluator = Callable[[Row], Any]


class Unsupported(Exception):
    """The expression uses something this evaluator does not know."""


@functools.lru_cache(maxsize=4096)
def node_of(sql: str) -> Any:
    """The parse tree of one expression (cached: checks repeat across rows and tables)."""
    return parse_sql(f"SELECT {sql}")[0].stmt.targetList[0].val  # type: ignore[union-attr]


def truth(sql: str, row: Row) -> bool | None:
    """True, False or None (NULL); raises `Unsupported`."""
    value = compiled(sql)(row)
    if value is not None and not isinstance(value, bool):
        raise Unsupported("not a boolean")
    return value


@functools.lru_cache(maxsize=4096)
def compiled(sql: str) -> Evaluator:
    """The expression as a Python function of a row; raises `Unsupported` here for an unknown node,
    and when called for values it cannot combine."""
    return compile_node(node_of(sql))


def evaluate(node: Any, row: Row) -> Any:
    return compile_node(node)(row)


def column_of(node: Any) -> str | None:
    """The column a bare reference names, else None."""
    if isinstance(node, ast.ColumnRef) and node.fields and isinstance(node.fields[-1], ast.String):
        return str(node.fields[-1].sval)
    return None


def json_member(sql: str) -> tuple[str, str] | None:
    """(column, key) of `col -> 'key'` or `col ->> 'key'` (casts around either side allowed):
    an index on a member of a json column."""
    try:
        node = node_of(sql)
    except (parser.ParseError, AttributeError, IndexError):  # not one expression: no member
        return None
    if operator_of(node) not in ("->", "->>"):
        return None
    column, key = _uncast(node.lexpr), _uncast(node.rexpr)
    if column_of(column) is None or not isinstance(key, ast.A_Const) or not isinstance(key.val, ast.String):
        return None
    return str(column_of(column)), str(key.val.sval)


def _uncast(node: Any) -> Any:
    return _uncast(node.arg) if isinstance(node, ast.TypeCast) else node


def operator_of(node: Any) -> str | None:
    names: Any = node.name if isinstance(node, ast.A_Expr) else None
    return str(names[-1].sval) if names else None


def compile_node(node: Any) -> Evaluator:
    handler = _HANDLERS.get(type(node))
    if handler is None:
        raise Unsupported(type(node).__name__)
    return handler(node)


def _column(node: Any) -> Evaluator:
    name = column_of(node)
    if name is None:
        raise Unsupported("a qualified column")

    def read(row: Row) -> Any:
        if name not in row:
            raise Unsupported(f"column {name}")
        return row[name]
    return read


def constant(node: Any) -> Any:
    """The Python value of a constant node."""
    if node.isnull:
        return None
    value = node.val
    if isinstance(value, ast.Integer):
        return int(value.ival or 0)
    if isinstance(value, ast.Float):
        return Decimal(str(value.fval))
    if isinstance(value, ast.Boolean):
        return bool(value.boolval)
    return getattr(value, "sval", None)


def _const(node: Any) -> Evaluator:
    value = constant(node)
    return lambda row: value


def _bool(node: Any) -> Evaluator:
    parts = [compile_node(arg) for arg in node.args]
    if node.boolop == enums.BoolExprType.NOT_EXPR:
        (part,) = parts
        return lambda row: None if (v := part(row)) is None else not v
    stop = node.boolop != enums.BoolExprType.AND_EXPR

    def combine(row: Row) -> Any:
        unknown = False
        for part in parts:
            value = part(row)
            if value is stop:
                return stop
            unknown = unknown or value is None
        return None if unknown else not stop
    return combine


def _null_test(node: Any) -> Evaluator:
    arg, is_null = compile_node(node.arg), node.nulltesttype == enums.NullTestType.IS_NULL
    return lambda row: (arg(row) is None) is is_null


_BOOLEAN_TESTS: dict[Any, Callable[[Any], bool]] = {
    enums.BoolTestType.IS_TRUE: lambda v: v is True, enums.BoolTestType.IS_NOT_TRUE: lambda v: v is not True,
    enums.BoolTestType.IS_FALSE: lambda v: v is False, enums.BoolTestType.IS_NOT_FALSE: lambda v: v is not False,
    enums.BoolTestType.IS_UNKNOWN: lambda v: v is None, enums.BoolTestType.IS_NOT_UNKNOWN: lambda v: v is not None,
}


def _boolean_test(node: Any) -> Evaluator:
    arg, test = compile_node(node.arg), _BOOLEAN_TESTS[node.booltesttype]
    return lambda row: test(arg(row))


_NUMBERS = (int, Decimal)


def comparable(left: Any, right: Any) -> tuple[Any, Any]:
    """Both sides as one Python kind: a date against a timestamp, a text constant against a date,
    a float against a decimal."""
    if type(left) is type(right) and not isinstance(left, dt.datetime):
        return left, right
    if type(left) in _NUMBERS and type(right) in _NUMBERS:
        return left, right
    try:
        return _comparable(left, right)
    except ValueError as error:
        raise Unsupported(str(error)) from None


def _comparable(left: Any, right: Any) -> tuple[Any, Any]:
    if isinstance(left, str) and not isinstance(right, str):
        right, left = _comparable(right, left)
        return left, right
    if isinstance(right, str) and isinstance(left, dt.datetime):
        return left, _timestamp(dt.datetime.fromisoformat(right))
    if isinstance(right, str) and isinstance(left, dt.date):
        return left, dt.date.fromisoformat(right)
    if isinstance(right, str) and isinstance(left, uuid.UUID):
        return left, uuid.UUID(right)
    if isinstance(left, dt.datetime) != isinstance(right, dt.datetime) and isinstance(left, dt.date) \
            and isinstance(right, dt.date):
        return _timestamp(left), _timestamp(right)
    if isinstance(left, dt.datetime) and isinstance(right, dt.datetime):
        return _timestamp(left), _timestamp(right)
    if {type(left), type(right)} == {float, Decimal}:
        return Decimal(str(left)), Decimal(str(right))
    return left, right


def _timestamp(value: dt.date) -> dt.datetime:
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _like(pattern: str) -> str:
    return "^" + "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern) + "$"


_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "=": operator.eq, "<>": operator.ne, "!=": operator.ne, "<": operator.lt, "<=": operator.le,
    ">": operator.gt, ">=": operator.ge,
    "~": lambda a, b: re.search(b, a) is not None, "~*": lambda a, b: re.search(b, a, re.IGNORECASE) is not None,
    "!~": lambda a, b: re.search(b, a) is None, "!~*": lambda a, b: re.search(b, a, re.IGNORECASE) is None,
    "~~": lambda a, b: re.search(_like(b), a, re.DOTALL) is not None,
    "!~~": lambda a, b: re.search(_like(b), a, re.DOTALL) is None,
    "+": lambda a, b: _arithmetic(operator.add, a, b), "-": lambda a, b: _arithmetic(operator.sub, a, b),
    "*": lambda a, b: _arithmetic(operator.mul, a, b), "/": lambda a, b: _divide(a, b),
    "%": lambda a, b: a % b, "||": lambda a, b: f"{a}{b}",
}


def _arithmetic(op: Callable[[Any, Any], Any], left: Any, right: Any) -> Any:
    if isinstance(left, dt.date) and not isinstance(left, dt.datetime) and isinstance(right, int):
        return op(left, dt.timedelta(days=right))
    if isinstance(left, dt.date) and isinstance(right, dt.timedelta):
        return op(_timestamp(left), right)
    if isinstance(left, dt.date) and isinstance(right, dt.date) and op is operator.sub:
        if isinstance(left, dt.datetime) or isinstance(right, dt.datetime):
            return _timestamp(left) - _timestamp(right)
        return (left - right).days
    both_intervals = isinstance(left, dt.timedelta) and isinstance(right, dt.timedelta)
    if not both_intervals and (isinstance(left, dt.date | dt.timedelta | str) or isinstance(right, dt.date | str)):
        raise Unsupported("arithmetic on these types")
    left, right = comparable(left, right)
    if (isinstance(left, int) and isinstance(right, Decimal)) or (isinstance(left, Decimal) and isinstance(right, int)):
        return op(Decimal(left), Decimal(right))
    return op(left, right)


def _divide(left: Any, right: Any) -> Any:
    if right == 0:
        raise Unsupported("division by zero")
    if isinstance(left, int) and isinstance(right, int):
        return int(left / right)
    return _arithmetic(operator.truediv, left, right)


def _a_expr(node: Any) -> Evaluator:
    kind = node.kind
    if kind == enums.A_Expr_Kind.AEXPR_IN:
        return _in(node)
    if kind in (enums.A_Expr_Kind.AEXPR_BETWEEN, enums.A_Expr_Kind.AEXPR_NOT_BETWEEN):
        return _between(node)
    left = compile_node(node.lexpr) if node.lexpr is not None else (lambda row: 0)
    right = compile_node(node.rexpr)
    if kind in (enums.A_Expr_Kind.AEXPR_DISTINCT, enums.A_Expr_Kind.AEXPR_NOT_DISTINCT):
        wanted = kind == enums.A_Expr_Kind.AEXPR_NOT_DISTINCT

        def distinct(row: Row) -> bool:
            a, b = left(row), right(row)
            same = (a is None and b is None) or (a is not None and b is not None and _apply("=", a, b))
            return bool(same) is wanted
        return distinct
    op = operator_of(node) or ""
    if kind not in (enums.A_Expr_Kind.AEXPR_OP, enums.A_Expr_Kind.AEXPR_LIKE) or op not in _COMPARE:
        raise Unsupported(f"operator {op}")

    def apply(row: Row) -> Any:
        a, b = left(row), right(row)
        return None if a is None or b is None else _apply(op, a, b)
    return apply


def _apply(op: str, left: Any, right: Any) -> Any:
    if op not in _COMPARE:
        raise Unsupported(f"operator {op}")
    if op in ("+", "-", "*", "/"):
        return _COMPARE[op](left, right)
    left, right = comparable(left, right)
    try:
        return _COMPARE[op](left, right)
    except (TypeError, re.error, InvalidOperation) as error:
        raise Unsupported(str(error)) from None


def _in(node: Any) -> Evaluator:
    left, items, positive = compile_node(node.lexpr), [compile_node(i) for i in node.rexpr], operator_of(node) == "="
    constants = [constant(i) for i in node.rexpr] if all(isinstance(i, ast.A_Const) for i in node.rexpr) else None
    known = {type(v) for v in constants or ()}
    listed = frozenset(v for v in constants or () if v is not None)
    unknown = constants is not None and None in constants

    def member(row: Row) -> Any:
        value = left(row)
        if value is None:
            return None
        if constants is not None and known <= {type(value)}:
            result: Any = True if value in listed else (None if unknown else False)
        else:
            values = [item(row) for item in items]
            found = any(_apply("=", value, v) for v in values if v is not None)
            result = True if found else (None if None in values else False)
        return result if positive or result is None else not result
    return member


def _between(node: Any) -> Evaluator:
    left, low, high = compile_node(node.lexpr), compile_node(node.rexpr[0]), compile_node(node.rexpr[1])
    positive = node.kind == enums.A_Expr_Kind.AEXPR_BETWEEN

    def between(row: Row) -> Any:
        value, a, b = left(row), low(row), high(row)
        if value is None or a is None or b is None:
            return None
        return bool(_apply("<=", a, value) and _apply("<=", value, b)) is positive
    return between


_UNITS = {"day": 1, "days": 1, "week": 7, "weeks": 7, "hour": 1 / 24, "hours": 1 / 24,
          "minute": 1 / 1440, "minutes": 1 / 1440, "second": 1 / 86400, "seconds": 1 / 86400}


def interval(text: str) -> dt.timedelta:
    """`'2 days'`, `'1 day 3 hours'`; months and years have no fixed length: Unsupported."""
    parts = text.split()
    if not parts or len(parts) % 2:
        raise Unsupported(f"interval {text!r}")
    days = 0.0
    for amount, unit in zip(parts[::2], parts[1::2], strict=True):
        if unit.lower() not in _UNITS:
            raise Unsupported(f"interval unit {unit}")
        days += float(amount) * _UNITS[unit.lower()]
    return dt.timedelta(days=days)


_CASTS: dict[str, Callable[[Any], Any]] = {
    "date": lambda v: v.date() if isinstance(v, dt.datetime) else dt.date.fromisoformat(v) if isinstance(v, str) else v,
    "timestamptz": lambda v: _timestamp(dt.datetime.fromisoformat(v) if isinstance(v, str) else v),
    "timestamp": lambda v: _timestamp(dt.datetime.fromisoformat(v) if isinstance(v, str) else v),
    "interval": lambda v: interval(v) if isinstance(v, str) else v,
    "numeric": lambda v: Decimal(str(v)), "int4": int, "int8": int, "int2": int, "integer": int, "bigint": int,
    "float8": float, "float4": float, "text": str, "varchar": str, "bool": bool, "uuid": lambda v: uuid.UUID(str(v)),
}


def _cast(node: Any) -> Evaluator:
    arg, name = compile_node(node.arg), str(node.typeName.names[-1].sval)
    if name not in _CASTS:
        raise Unsupported(f"cast to {name}")
    convert = _CASTS[name]

    def cast(row: Row) -> Any:
        value = arg(row)
        try:
            return None if value is None else convert(value)
        except (ValueError, TypeError, InvalidOperation) as error:
            raise Unsupported(str(error)) from None
    return cast


_FUNCTIONS: dict[str, Callable[[Any], Any]] = {
    "char_length": len, "length": len, "character_length": len, "lower": str.lower, "upper": str.upper,
    "btrim": str.strip, "trim": str.strip, "abs": abs, "cardinality": len, "array_length": len,
    "octet_length": lambda value: len(value if isinstance(value, bytes | bytearray) else str(value).encode()),
}


def _call(node: Any) -> Evaluator:
    name = str(node.funcname[-1].sval)
    args = node.args or ()
    if name not in _FUNCTIONS or not args or (len(args) != 1 and name != "array_length"):
        raise Unsupported(f"function {name}")
    arg, function = compile_node(args[0]), _FUNCTIONS[name]

    def call(row: Row) -> Any:
        value = arg(row)
        try:
            return None if value is None else function(value)
        except TypeError as error:
            raise Unsupported(str(error)) from None
    return call


def _coalesce(node: Any) -> Evaluator:
    parts = [compile_node(arg) for arg in node.args]
    return lambda row: next((v for v in (part(row) for part in parts) if v is not None), None)


_HANDLERS: dict[type, Callable[[Any], Evaluator]] = {
    ast.ColumnRef: _column, ast.A_Const: _const, ast.BoolExpr: _bool, ast.NullTest: _null_test,
    ast.A_Expr: _a_expr, ast.TypeCast: _cast, ast.FuncCall: _call, ast.CoalesceExpr: _coalesce,
    ast.BooleanTest: _boolean_test,
}
