"""Making one row satisfy a table's checks, by reading each check's parse tree.

A failing check is mended where it fails: `AND` mends each part, `OR` the first part that can
be made true (`IS NULL` parts last, so rows keep their values), `NOT` the opposite; an atom
(`a >= b + 1`, `a IS DISTINCT FROM b`, `a IN (...)`, `BETWEEN`, `char_length(a) >= n`,
`a ~ 'regex'`, `a IS [NOT] NULL`) gives its column the value the other side computes, or the
first of the column's own candidates (other parent rows for a key, other enum values) for which
the atom holds. Mending one check can break another, so rounds repeat until every check holds;
what still fails after that is searched for, within bounds, by drawing other values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol

from pglast import ast, enums

from agent.sample.expressions import Evaluator, Unsupported, column_of, compile_node, constant, node_of, operator_of
from agent.sample.patterns import value_from_pattern

__all__ = ["CheckRule", "Space", "mend"]

Row = dict[str, Any]
_ROUNDS = 6


class Space(Protocol):
    """What a table's columns may hold, for the row being made."""

    def free(self, column: str) -> bool:
        """The solver may change it (not the key, the tenant or a key linked later)."""
        ...

    def nullable(self, column: str) -> bool: ...

    def candidates(self, column: str, row: Row) -> Iterable[Any]:
        """Other values the column could take (a few), its own rules already applied."""
        ...

    def fit(self, column: str, value: Any) -> Any:
        """`value` in the column's type (a date for a date column), or None when it cannot hold it."""
        ...


@dataclass(frozen=True)
class CheckRule:
    """One check, read once: its tree and its compiled test."""

    name: str
    expression: str
    node: Any
    test: Evaluator
    unread: list[bool] = field(default_factory=list, compare=False)

    @classmethod
    def read(cls, name: str, expression: str) -> CheckRule:
        node = node_of(expression)
        return cls(name, expression, node, compile_node(node))

    def holds(self, row: Row) -> bool:
        """NULL passes, as in PostgreSQL; a value the evaluator cannot judge passes too, and marks
        the rule `unread` so the table's rows go through PostgreSQL's own check."""
        try:
            return self.test(row) is not False
        except Unsupported:
            self.unread.append(True)
            return True


def mend(rules: list[CheckRule], row: Row, space: Space, draws: Callable[[int], Row | None]) -> CheckRule | None:
    """Change `row` in place until every rule holds; the first rule that still fails, else None.
    `draws(n)` gives other values for the free columns, for the bounded search."""
    failing = _rounds(rules, row, space)
    for attempt in range(24):
        if failing is None:
            return None
        other = draws(attempt)
        if other is None:
            break
        row.update(other)
        failing = _rounds(rules, row, space)
    return failing


def _rounds(rules: list[CheckRule], row: Row, space: Space) -> CheckRule | None:
    for _ in range(_ROUNDS):
        broken = [rule for rule in rules if not rule.holds(row)]
        if not broken:
            return None
        for rule in broken:
            _make(rule.node, row, True, space)
    return next((rule for rule in rules if not rule.holds(row)), None)


def _value(node: Any, row: Row) -> Any:
    return compile_node(node)(row)


def _is(node: Any, row: Row, want: bool) -> bool:
    try:
        return _value(node, row) is want
    except Unsupported:
        return False


def _make(node: Any, row: Row, want: bool, space: Space) -> bool:
    """Try to give `node` the truth value `want` by changing free columns of `row`."""
    if _is(node, row, want):
        return True
    if isinstance(node, ast.BoolExpr):
        return _bool(node, row, want, space)
    if isinstance(node, ast.NullTest):
        return _null_test(node, row, want, space)
    if isinstance(node, ast.BooleanTest) and node.booltesttype in (enums.BoolTestType.IS_TRUE,
                                                                   enums.BoolTestType.IS_NOT_FALSE):
        return _make(node.arg, row, want, space)
    return _atom(node, row, want, space)


def _bool(node: Any, row: Row, want: bool, space: Space) -> bool:
    if node.boolop == enums.BoolExprType.NOT_EXPR:
        return _make(node.args[0], row, not want, space)
    every = (node.boolop == enums.BoolExprType.AND_EXPR) is want
    if every:
        for arg in node.args:
            _make(arg, row, want, space)
        return _is(node, row, want)
    for arg in sorted(node.args, key=lambda a: isinstance(a, ast.NullTest)):
        saved = dict(row)
        if _make(arg, row, want, space) and _is(node, row, want):
            return True
        row.clear()
        row.update(saved)
    return False


def _null_test(node: Any, row: Row, want: bool, space: Space) -> bool:
    column = column_of(node.arg)
    wants_null = (node.nulltesttype == enums.NullTestType.IS_NULL) is want
    if column is None or not space.free(column):
        return False
    if wants_null:
        if not space.nullable(column):
            return False
        row[column] = None
        return True
    return _try(row, column, space.candidates(column, row), lambda: _is(node, row, want))


def _try(row: Row, column: str, values: Iterable[Any], holds: Callable[[], bool]) -> bool:
    before = row.get(column)
    for value in values:
        row[column] = value
        if holds():
            return True
    row[column] = before
    return False


def _atom(node: Any, row: Row, want: bool, space: Space) -> bool:
    for column, computed in _targets(node, row, want):
        if not space.free(column):
            continue
        fitted = (space.fit(column, value) for value in computed)
        values = [v for v in fitted if v is not None]
        if _try(row, column, [*values, *space.candidates(column, row)], lambda: _is(node, row, want)):
            return True
    return False


def _targets(node: Any, row: Row, want: bool) -> Iterator[tuple[str, list[Any]]]:
    """(column, values computed to make the atom hold) for each column side of the atom."""
    if not isinstance(node, ast.A_Expr):
        return
    kind = node.kind
    if kind == enums.A_Expr_Kind.AEXPR_IN and column_of(node.lexpr):
        items: Any = node.rexpr
        listed = [constant(item) for item in items if isinstance(item, ast.A_Const)]
        positive = (operator_of(node) == "=") is want
        yield str(column_of(node.lexpr)), listed if positive else []
        return
    if kind in (enums.A_Expr_Kind.AEXPR_BETWEEN, enums.A_Expr_Kind.AEXPR_NOT_BETWEEN):
        yield from _between(node, row, want)
        return
    if kind in (enums.A_Expr_Kind.AEXPR_DISTINCT, enums.A_Expr_Kind.AEXPR_NOT_DISTINCT):
        same = (kind == enums.A_Expr_Kind.AEXPR_NOT_DISTINCT) is want
        yield from _sides(node, row, "=" if same else "<>")
        return
    op = operator_of(node)
    if op in ("~", "~*") and want and column_of(node.lexpr) and isinstance(node.rexpr, ast.A_Const):
        pattern = str(constant(node.rexpr))
        yield str(column_of(node.lexpr)), [v for n in range(8) if (v := value_from_pattern(pattern, n))]
        return
    if op in _FLIP:
        yield from _sides(node, row, op if want else _NEGATE[op])


_FLIP = {"=": "=", "<>": "<>", "!=": "<>", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_NEGATE = {"=": "<>", "<>": "=", "!=": "=", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}


def _between(node: Any, row: Row, want: bool) -> Iterator[tuple[str, list[Any]]]:
    column = column_of(node.lexpr)
    if column is None:
        return
    bounds: Any = node.rexpr
    try:
        low, high = (_value(item, row) for item in bounds)
    except Unsupported:
        return
    inside = (node.kind == enums.A_Expr_Kind.AEXPR_BETWEEN) is want
    if low is None or high is None:
        return
    yield column, [low, high] if inside else [_step(low, -1), _step(high, 1)]


def _sides(node: Any, row: Row, op: str) -> Iterator[tuple[str, list[Any]]]:
    """Solve `left op right` for a column on either side: `col`, `col + k`, `col - k`,
    `char_length(col)`, `lower(col)`, or a cast of one of these."""
    for mine, other, relation in ((node.lexpr, node.rexpr, op), (node.rexpr, node.lexpr, _FLIP.get(op, op))):
        try:
            target = _value(other, row)
        except Unsupported:
            continue
        solved = _solve(mine, target, relation, row)
        if solved is not None:
            yield solved


def _solve(term: Any, target: Any, op: str, row: Row) -> tuple[str, list[Any]] | None:
    if isinstance(term, ast.TypeCast):
        return _solve(term.arg, target, op, row)
    column = column_of(term)
    if column is not None:
        return column, [] if target is None else _around(target, op)
    if isinstance(term, ast.A_Expr) and operator_of(term) in ("+", "-") and column_of(term.lexpr):
        try:
            amount = _value(term.rexpr, row)
            base = _arith(target, amount, -1 if operator_of(term) == "+" else 1)
        except (Unsupported, TypeError):
            return None
        return str(column_of(term.lexpr)), [] if base is None else _around(base, op)
    arguments: Any = term.args if isinstance(term, ast.FuncCall) else None
    if arguments and column_of(arguments[0]):
        return _function(str(term.funcname[-1].sval), str(column_of(arguments[0])), target, op, row)
    return None


def _function(name: str, column: str, target: Any, op: str, row: Row) -> tuple[str, list[Any]] | None:
    current = row.get(column)
    if name in ("char_length", "length", "character_length") and isinstance(target, int):
        text = str(current) if current is not None else ""
        lengths = [n for n in _around(target, op) if isinstance(n, int) and n >= 0]
        return column, [(text * (n // max(len(text), 1) + 1) if text else "x" * n)[:n] for n in lengths]
    if name == "octet_length" and isinstance(target, int):  # a digest's width: `octet_length(sha256) = 32`
        seed = current if isinstance(current, bytes) else str(current or "x").encode()
        lengths = [n for n in _around(target, op) if isinstance(n, int) and n >= 0]
        return column, [(seed * (n // max(len(seed), 1) + 1))[:n] for n in lengths]
    if name in ("lower", "upper") and isinstance(target, str):
        return column, [target]
    return None


def _arith(target: Any, amount: Any, sign: int) -> Any:
    if target is None or amount is None:
        return None
    if isinstance(target, dt.date) and isinstance(amount, int):
        return target + dt.timedelta(days=sign * amount)
    if isinstance(target, Decimal) or isinstance(amount, Decimal):
        return Decimal(str(target)) + sign * Decimal(str(amount))
    return target + sign * amount


def _around(target: Any, op: str) -> list[Any]:
    """Values v with `v op target`, nearest first."""
    if op == "=":
        return [target]
    if op == ">=":
        return [target, _step(target, 1)]
    if op == "<=":
        return [target, _step(target, -1)]
    if op == ">":
        return [_step(target, 1), _step(target, 10)]
    if op == "<":
        return [_step(target, -1), _step(target, -10)]
    if op == "<>":
        return [_step(target, 1), _step(target, -1)]
    return []


def _step(value: Any, times: int) -> Any:
    if isinstance(value, bool):
        return not value if times % 2 else value
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(minutes=times)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=times)
    if isinstance(value, dt.timedelta):
        return value + dt.timedelta(minutes=times)
    if isinstance(value, int | Decimal | float):
        return value + times
    if isinstance(value, str):
        return value + "x" if times > 0 else value[:-1]
    return value
