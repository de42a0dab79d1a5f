"""SQL expressions from YAML, parsed with libpg_query (pglast) before any use.

A YAML expression must be exactly one scalar expression. It is parsed as the
only target of `SELECT <text>`; anything that makes that more than one plain
target (a second statement, a FROM, an alias, a comment trick) is refused.
What reaches generated SQL is pglast's rendering of the parse tree, never the
user's text, so nothing the parser did not understand can slip through. What it may
call, name and read is `agent/schema/allowed_calls.py`'s to say: PostgreSQL's builtin
functions of ordinary kinds, no file, session or catalog access.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

from pglast import ast, parser
from pglast.visitors import Visitor

from agent.schema.allowed_calls import refused_calls
from agent.sql.parsing import parse_sql, sql_text

__all__ = ["Expression", "ExpressionError", "ExpressionKind", "columns_read", "is_column_key", "parse_expression"]


class ExpressionKind(Enum):
    CHECK = "check"
    WHERE = "where"
    DEFAULT = "default"
    BACKFILL = "backfill"
    POLICY = "policy"
    INDEX = "index expression"


_SUBQUERIES_ALLOWED = {ExpressionKind.POLICY, ExpressionKind.BACKFILL}
_COLUMNS_FORBIDDEN = {ExpressionKind.DEFAULT}


class ExpressionError(ValueError):
    """The text is not one acceptable expression; the message says why."""


@dataclass(frozen=True)
class Expression:
    sql: str
    """Canonical SQL rendered from the parse tree."""
    columns: frozenset[str]
    """Unqualified column names the expression reads."""
    is_column: bool = False
    """The whole expression is a single column reference."""
    tables: frozenset[str] = frozenset()
    """Tables its subqueries read, by their plain name."""


_SELECT_CLAUSES = (
    "distinctClause", "intoClause", "fromClause", "whereClause", "groupClause",
    "havingClause", "windowClause", "valuesLists", "sortClause", "limitOffset",
    "limitCount", "lockingClause", "withClause",
)


def parse_expression(text: object, kind: ExpressionKind) -> Expression:
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("must be a non-empty SQL expression (a string)")
    try:
        node = _single_target(text)
        collector = _ColumnCollector(kind)
        columns = collector.collect(node)
        refused = refused_calls(node, default=kind is ExpressionKind.DEFAULT)
        rendered = sql_text(node)
    except RecursionError:  # pglast's printer and the collector recurse in Python
        raise ExpressionError("is nested too deeply (hundreds of levels) to be checked") from None
    if refused:
        raise ExpressionError(refused)
    if columns and kind in _COLUMNS_FORBIDDEN:
        raise ExpressionError(f"may not name columns ({', '.join(sorted(columns))})")
    return Expression(rendered, frozenset(columns), isinstance(node, ast.ColumnRef),
                      frozenset(collector.tables))


def columns_read(text: str, kind: ExpressionKind) -> frozenset[str]:
    """The columns an expression already accepted at load reads (its calls are not checked again:
    they may be the project's own functions, known only while its schema is read)."""
    return frozenset(_ColumnCollector(kind).collect(_single_target(text)))


def is_column_key(key: str) -> bool:
    """A resolved index key is a column's exact name unless it parses as an expression other than
    a column reference (`lower(email)`): `userId` and `order` are columns, whatever their case."""
    try:
        node = _single_target(key)  # parsed only: what it calls was checked at load
    except (ExpressionError, RecursionError):
        return True
    return isinstance(node, ast.ColumnRef | ast.A_Const)  # no index is on a constant: `'quoted'` is a name


def _single_target(text: str) -> Any:
    try:
        statements = parse_sql(f"SELECT {text}")
    except parser.ParseError as error:
        raise ExpressionError(f"not a valid SQL expression: {error.args[0]}") from None
    if len(statements) != 1 or not isinstance(statements[0].stmt, ast.SelectStmt):
        raise ExpressionError("must be one expression, not statements")
    select: Any = statements[0].stmt
    if any(getattr(select, clause, None) for clause in _SELECT_CLAUSES) or select.op.value != 0:
        raise ExpressionError("must be one expression; found a query clause after it")
    targets: Any = select.targetList or ()
    if len(targets) != 1 or targets[0].name:
        raise ExpressionError("must be exactly one expression")
    return targets[0].val


class _ColumnCollector(Visitor):
    def __init__(self, kind: ExpressionKind) -> None:
        super().__init__()
        self.kind = kind
        self.columns: set[str] = set()
        self.tables: set[str] = set()

    def collect(self, node: ast.Node) -> set[str]:
        self(node)
        return self.columns

    def visit_ColumnRef(self, ancestors: object, node: Any) -> None:
        if self._inside_subquery(ancestors):
            return
        fields: Any = node.fields or ()
        if len(fields) != 1 or not isinstance(fields[0], ast.String):
            raise ExpressionError("columns must be named plainly, without a table or *")
        self.columns.add(str(fields[0].sval))

    def visit_SubLink(self, ancestors: object, node: ast.SubLink) -> None:
        if self.kind not in _SUBQUERIES_ALLOWED:
            raise ExpressionError(f"a {self.kind.value} may not contain a subquery")

    def visit_RangeVar(self, ancestors: object, node: ast.RangeVar) -> None:
        self.tables.add(str(node.relname))

    def visit_ParamRef(self, ancestors: object, node: ast.ParamRef) -> None:
        raise ExpressionError("may not contain parameters ($1)")

    def _inside_subquery(self, ancestors: object) -> bool:
        return any(isinstance(a, ast.SelectStmt) for a in _nodes(ancestors))


def _nodes(ancestors: object) -> list[object]:
    found = []
    current = ancestors
    while current is not None and getattr(current, "node", None) is not None:
        found.append(current.node)  # type: ignore[attr-defined]
        current = getattr(current, "parent", None)
    return found
