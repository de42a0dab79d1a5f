"""MA302: BEGIN while a transaction is already open."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import TransactionStmtKind

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.source import Statement

__all__ = ["RULE", "is_begin", "is_end", "opens_transaction"]

_TK = TransactionStmtKind


def is_begin(node: ast.Node) -> bool:
    begins = (_TK.TRANS_STMT_BEGIN, _TK.TRANS_STMT_START)
    return isinstance(node, ast.TransactionStmt) and node.kind in begins


def is_end(node: ast.Node) -> bool:
    ends = (_TK.TRANS_STMT_COMMIT, _TK.TRANS_STMT_ROLLBACK)
    return isinstance(node, ast.TransactionStmt) and node.kind in ends


def opens_transaction(node: ast.Node) -> bool:
    """BEGIN, or COMMIT / ROLLBACK AND CHAIN, which start the next transaction at once."""
    return is_begin(node) or (is_end(node) and bool(getattr(node, "chain", False)))


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    if is_begin(statement.node) and context.in_transaction:
        yield RULE.at(context, statement.start)


RULE = Rule(
    code="MA302",
    name="nested-transaction",
    severity=Severity.ERROR,
    message=(
        "BEGIN inside an open transaction does not nest: the first COMMIT commits everything, "
        "and the statements after it run outside any transaction"
    ),
    why=(
        "PostgreSQL only warns about a second BEGIN and ignores it. The author's inner "
        "COMMIT then ends the outer transaction, so a later failure can no longer roll back "
        "the earlier statements."
    ),
    instead=(
        "Use one BEGIN ... COMMIT per file, or SAVEPOINT name / RELEASE SAVEPOINT name inside it."
    ),
    bad=(
        "BEGIN;\nCREATE TABLE a (a_id bigint PRIMARY KEY);\nBEGIN;\nCREATE TABLE b (b_id bigint "
        "PRIMARY KEY);\nCOMMIT;\nCOMMIT;"
    ),
    good=(
        "BEGIN;\nCREATE TABLE a (a_id bigint PRIMARY KEY);\nSAVEPOINT b;\nCREATE TABLE b (b_id "
        "bigint PRIMARY KEY);\nRELEASE SAVEPOINT b;\nCOMMIT;"
    ),
    check=check,
    node_types=(ast.TransactionStmt,),
)
