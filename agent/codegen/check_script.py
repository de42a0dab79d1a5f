"""A CHECK expression as a TypeScript expression of SQL's three-valued logic, for client-side validation.

The result is `true`, `false` or `null` (unknown), and a row passes a CHECK unless it is `false`, as in
PostgreSQL. Only what can be decided exactly is translated: AND/OR/NOT, `IS [NOT] NULL`, comparisons of
numbers, dates and timestamps (text only with `=`/`<>`, since `<` on text follows the collation),
BETWEEN, IN, `~`/`~*`/`!~`/`!~*` with a constant pattern that means the same in JavaScript, and
`char_length`. Anything else raises `Untranslatable` with the reason, and the caller lists the check.
The helpers named `S.*` are the runtime written beside the schemas (`SQL_RUNTIME`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pglast import ast, enums

from agent.codegen.model import base_type, type_arguments
from agent.sample.expressions import column_of, constant, node_of, operator_of
from agent.schema.tables import Column

__all__ = ["SQL_RUNTIME", "Untranslatable", "translate"]

_KINDS = {
    "smallint": "number", "integer": "number", "bigint": "number", "decimal": "number", "float": "number",
    "double": "number", "date": "date", "timestamp": "timestamp", "string": "text", "text": "text",
    "enum": "text", "boolean": "boolean",
}
"""YAML type -> how values compare in the script; types not listed only take IS [NOT] NULL."""
_CASTS = {"date": "date", "timestamptz": "timestamp", "timestamp": "timestamp", "numeric": "number",
          "int4": "number", "int8": "number", "int2": "number", "float8": "number", "text": "text", "varchar": "text"}
_ORDERED = ("<", "<=", ">", ">=")
_COMPARISONS = ("=", "<>", "!=", *_ORDERED)
_MATCHES = {"~": (False, ""), "~*": (False, "i"), "!~": (True, ""), "!~*": (True, "i")}
_POSIX_ONLY = re.compile(r"\[\[[:.=]|\\[mMyYAZ]|\(\?|\\[0-9]")
"""Character classes, word boundaries, anchors, embedded options and back references JavaScript reads otherwise."""


class Untranslatable(Exception):
    """The expression uses something the script cannot decide exactly; the message says what."""


@dataclass(frozen=True)
class _Term:
    script: str
    kind: str | None
    """`number`, `date`, `timestamp`, `text`, `boolean`; None for a value that only tests as NULL."""
    constant: bool = False


def translate(expression: str, columns: dict[str, Column], reference: Callable[[str], str]) -> str:
    """The check as a script of `boolean | null`; `reference(column)` spells a column's value."""
    return _Translator(columns, reference).truth(node_of(expression))


class _Translator:
    def __init__(self, columns: dict[str, Column], reference: Callable[[str], str]) -> None:
        self.columns = columns
        self.reference = reference

    def truth(self, node: Any) -> str:
        if isinstance(node, ast.BoolExpr):
            return self._bool(node)
        if isinstance(node, ast.NullTest):
            test = "===" if node.nulltesttype == enums.NullTestType.IS_NULL else "!=="
            return f"({self.term(node.arg).script} {test} null)"
        if isinstance(node, ast.A_Expr):
            return self._a_expr(node)
        if isinstance(node, ast.ColumnRef) and self.term(node).kind == "boolean":
            return self.term(node).script
        raise Untranslatable(f"{type(node).__name__} is not translated")

    def _bool(self, node: Any) -> str:
        parts = [self.truth(arg) for arg in node.args]
        if node.boolop == enums.BoolExprType.NOT_EXPR:
            return f"S.not({parts[0]})"
        helper = "S.and" if node.boolop == enums.BoolExprType.AND_EXPR else "S.or"
        return f"{helper}({', '.join(parts)})"

    def _a_expr(self, node: Any) -> str:
        kind = node.kind
        if kind == enums.A_Expr_Kind.AEXPR_IN:
            return self._in(node)
        if kind in (enums.A_Expr_Kind.AEXPR_BETWEEN, enums.A_Expr_Kind.AEXPR_NOT_BETWEEN):
            low, high = node.rexpr
            both = f"S.and({self._compare(node.lexpr, '>=', low)}, {self._compare(node.lexpr, '<=', high)})"
            return both if kind == enums.A_Expr_Kind.AEXPR_BETWEEN else f"S.not({both})"
        operator = operator_of(node) or ""
        if kind == enums.A_Expr_Kind.AEXPR_OP and operator in _MATCHES:
            return self._match(node, operator)
        if kind == enums.A_Expr_Kind.AEXPR_OP and operator in _COMPARISONS:
            return self._compare(node.lexpr, operator, node.rexpr)
        raise Untranslatable(f"operator {operator or kind.name} is not translated")

    def _compare(self, left_node: Any, operator: str, right_node: Any) -> str:
        left, right = self._pair(self.term(left_node), self.term(right_node))
        if left.kind is None or (operator in _ORDERED and left.kind in ("text", "boolean")):
            raise Untranslatable(f"{operator} on {left.kind or 'these'} values depends on PostgreSQL's rules")
        return f"S.cmp({left.script}, {json.dumps('<>' if operator == '!=' else operator)}, {right.script})"

    def _pair(self, left: _Term, right: _Term) -> tuple[_Term, _Term]:
        """Both sides as one kind: a constant string takes the kind of the column it meets."""
        if left.kind == right.kind:
            return left, right
        if right.constant and right.kind == "text" and left.kind in ("date", "timestamp"):
            return left, self._typed(right, left.kind)
        if left.constant and left.kind == "text" and right.kind in ("date", "timestamp"):
            return self._typed(left, right.kind), right
        raise Untranslatable(f"compares {left.kind} with {right.kind}")

    def _typed(self, term: _Term, kind: str) -> _Term:
        return _Term(_convert(term.script, kind), kind, constant=True)

    def _in(self, node: Any) -> str:
        value = self.term(node.lexpr)
        items = [self._pair(value, self.term(item))[1] for item in node.rexpr]
        if value.kind is None or not all(item.constant for item in items):
            raise Untranslatable("IN over values that are not constants")
        member = f"S.isIn({value.script}, [{', '.join(item.script for item in items)}])"
        return member if operator_of(node) == "=" else f"S.not({member})"

    def _match(self, node: Any, operator: str) -> str:
        value, pattern = self.term(node.lexpr), node.rexpr
        if value.kind != "text" or not (isinstance(pattern, ast.A_Const) and isinstance(pattern.val, ast.String)):
            raise Untranslatable("a pattern match needs a text column and a constant pattern")
        text = str(pattern.val.sval)
        if _POSIX_ONLY.search(text):
            raise Untranslatable(f"the pattern {text!r} uses POSIX syntax JavaScript reads differently")
        negated, flags = _MATCHES[operator]
        found = f"S.match({value.script}, new RegExp({json.dumps(text)}, {json.dumps(flags)}))"
        return f"S.not({found})" if negated else found

    def term(self, node: Any) -> _Term:
        name = column_of(node)
        if name is not None:
            return self._column(name)
        if isinstance(node, ast.A_Const):
            return _constant(node)
        if isinstance(node, ast.TypeCast) and isinstance(node.arg, ast.A_Const):
            return self._cast(node)
        if isinstance(node, ast.FuncCall):
            return self._call(node)
        if isinstance(node, ast.A_Expr):
            raise Untranslatable(f"arithmetic ({operator_of(node)}) is not translated")
        raise Untranslatable(f"{type(node).__name__} is not translated")

    def _cast(self, node: Any) -> _Term:
        name = str(node.typeName.names[-1].sval)
        if name not in _CASTS:
            raise Untranslatable(f"a cast to {name}")
        return self._typed(_constant(node.arg), _CASTS[name])

    def _call(self, node: Any) -> _Term:
        name = str(node.funcname[-1].sval)
        args: Any = node.args or ()
        if name not in ("char_length", "length") or len(args) != 1 or self.term(args[0]).kind != "text":
            raise Untranslatable(f"the function {name}")
        return _Term(f"S.chars({self.term(args[0]).script})", "number")

    def _column(self, name: str) -> _Term:
        column = self.columns.get(name)
        if column is None:
            raise Untranslatable(f"unknown column {name}")
        kind = None if column.property_type == "array" else _KINDS.get(base_type(column))
        scale = type_arguments(column.sql_type)[1:] if base_type(column) == "decimal" and kind else ()
        if scale:  # a check sees the value the column stores, rounded to its scale
            return _Term(f"S.numeric({self.reference(name)}, {scale[0]})", kind)
        if base_type(column) == "float" and kind:  # REAL keeps single precision
            return _Term(f"S.real({self.reference(name)})", kind)
        return _Term(_convert(self.reference(name), kind), kind)


def _constant(node: Any) -> _Term:
    value = constant(node)
    if value is None:
        return _Term("null", None, constant=True)
    if isinstance(value, bool):
        return _Term(json.dumps(value), "boolean", constant=True)
    if isinstance(value, str):
        return _Term(json.dumps(value), "text", constant=True)
    return _Term(str(value), "number", constant=True)


def _convert(script: str, kind: str | None) -> str:
    """Numbers may arrive as decimal strings and timestamps as ISO text: compared as numbers, instants."""
    if kind == "number":
        return f"S.num({script})"
    if kind == "timestamp":
        return f"S.instant({script})"
    if kind == "date":
        return f"S.day({script})"
    if kind == "boolean":
        return f"S.bool({script})"
    return script


SQL_RUNTIME = """import { z } from 'zod';

/** SQL's three-valued truth: a CHECK passes unless its expression is false. */
export type Truth = boolean | null;
type Value = string | number | boolean | null | undefined;

export const S = {
  and: (...parts: Truth[]): Truth => (parts.includes(false) ? false : parts.includes(null) ? null : true),
  or: (...parts: Truth[]): Truth => (parts.includes(true) ? true : parts.includes(null) ? null : false),
  not: (part: Truth): Truth => (part === null ? null : !part),
  passes: (part: Truth): boolean => part !== false,
  /** NUMERIC and BIGINT arrive as strings; compared as numbers (beyond 15 digits, approximately). */
  num: (value: Value): number | null => (value === null || value === undefined ? null : Number(value)),
  /** NUMERIC(p, s) as stored: rounded to s digits, half away from zero. */
  numeric: (value: Value, scale: number): number | null => {
    if (value === null || value === undefined) return null;
    const text = typeof value === 'number' ? decimalText(value) : String(value);
    if (!DECIMAL.test(text)) return Number(text);
    return (text.startsWith('-') ? -1 : 1) * (Number(scaledDigits(text, scale)) / 10 ** scale);
  },
  real: (value: Value): number | null => (value === null || value === undefined ? null : Math.fround(Number(value))),
  /** TIMESTAMPTZ as an instant in milliseconds (PostgreSQL keeps microseconds: finer differences are lost). */
  instant: (value: Value): number | null => (value === null || value === undefined ? null : Date.parse(String(value))),
  bool: (value: boolean | null | undefined): Truth => value ?? null,
  /** DATE as 'YYYY-MM-DD': a four-digit year compares as text in calendar order. */
  day: (value: Value): string | null => (value === null || value === undefined ? null : String(value)),
  cmp: (left: Value, operator: string, right: Value): Truth => {
    if (left === null || left === undefined || right === null || right === undefined) return null;
    switch (operator) {
      case '=': return left === right;
      case '<>': return left !== right;
      case '<': return left < right;
      case '<=': return left <= right;
      case '>': return left > right;
      default: return left >= right;
    }
  },
  isIn: (value: Value, listed: Value[]): Truth => {
    if (value === null || value === undefined) return null;
    return listed.includes(value) ? true : listed.includes(null) ? null : false;
  },
  match: (value: string | null | undefined, pattern: RegExp): Truth =>
    value === null || value === undefined ? null : pattern.test(value),
  /** char_length counts characters (code points), not UTF-16 units. */
  chars: (value: string | null | undefined): number | null =>
    value === null || value === undefined ? null : Array.from(value).length,
};

/** TEXT and VARCHAR: PostgreSQL refuses the NUL character in text. */
export const text = () => z.string().refine((s) => !s.includes('\\u0000'), 'text cannot hold the NUL character');

export const varchar = (width: number) =>
  text().refine((s) => Array.from(s).length <= width, `at most ${width} characters`);

const INTEGER = /^[+-]?[0-9]+$/;
const DECIMAL = /^[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)$/;

/** BIGINT as a string of digits, within 64 bits (Zod runs every check, so each stands alone). */
export const bigint = () =>
  z.string().regex(INTEGER, 'an integer').refine(
    (s) => !INTEGER.test(s) || (BigInt(s) >= -(2n ** 63n) && BigInt(s) < 2n ** 63n), 'out of range for bigint');

/** Whether a decimal fits NUMERIC(precision, scale) once rounded to `scale` digits, as PostgreSQL rounds. */
export function fitsNumeric(text: string, precision: number, scale: number): boolean {
  return scaledDigits(text, scale) < 10n ** BigInt(precision);
}

/** |value| * 10^scale, rounded half away from zero as PostgreSQL rounds NUMERIC. */
function scaledDigits(text: string, scale: number): bigint {
  const [whole = '', fraction = ''] = text.replace(/^[+-]/, '').split('.');
  const padded = fraction.padEnd(scale + 1, '0');
  const kept = BigInt((whole || '0') + padded.slice(0, scale));
  return Number(padded[scale]) >= 5 ? kept + 1n : kept;
}

/** NUMERIC as a string of digits (every digit kept); with a precision, what fits it. */
export const decimal = (precision?: number, scale = 0) =>
  z.string().regex(DECIMAL, 'a decimal number').refine(
    (s) => precision === undefined || !DECIMAL.test(s) || fitsNumeric(s, precision, scale),
    precision === undefined ? 'a decimal number' : `at most ${precision - scale} digits before the point`);

/** NUMERIC as a JavaScript number (`--decimal number`). */
export const decimalNumber = (precision?: number, scale = 0) =>
  z.number().refine(
    (n) => precision === undefined || (Number.isFinite(n) && fitsNumeric(decimalText(n), precision, scale)),
    precision === undefined ? 'a number' : `at most ${precision - scale} digits before the point`);

/** The digits JSON sends for a number (its shortest form), written without an exponent. */
function decimalText(n: number): string {
  if (Math.abs(n) >= 1e21) return BigInt(n).toString();
  return Math.abs(n) < 1e-6 ? '0' : String(n);
}
"""
"""Written as `zod/sql.ts`: the helpers translated checks call, and the column types' own limits."""
