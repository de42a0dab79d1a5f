"""MA004: a statement the target PostgreSQL version (`--pg-version`) does not accept."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast
from pglast.enums import AlterTableType, ConstrType

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import location, walk
from agent.lint.source import Statement
from agent.lint.target import NEWEST_PG_VERSION

__all__ = ["RULE", "features"]

_AT = AlterTableType


def _has_option(options: object, name: str) -> bool:
    return any(isinstance(o, ast.DefElem) and o.defname == name for o in options or ())  # type: ignore[attr-defined]


def _index(node: ast.IndexStmt) -> Iterator[tuple[int, str]]:
    if node.nulls_not_distinct:
        yield 15, "NULLS NOT DISTINCT"
    if node.indexIncludingParams:
        yield 11, "INCLUDE columns in an index"


def _constraint(node: ast.Constraint) -> Iterator[tuple[int, str]]:
    if node.contype in (ConstrType.CONSTR_UNIQUE, ConstrType.CONSTR_PRIMARY) and node.nulls_not_distinct:
        yield 15, "NULLS NOT DISTINCT"
    if node.contype == ConstrType.CONSTR_GENERATED:
        yield (12, "stored generated columns") if node.generated_kind == "s" else (18, "virtual generated columns")


def _alter_command(node: ast.AlterTableCmd) -> Iterator[tuple[int, str]]:
    if node.subtype == _AT.AT_SetRelOptions and _has_option(node.def_, "security_invoker"):
        yield 15, "security_invoker views"
    elif node.subtype == _AT.AT_DetachPartition and getattr(node.def_, "concurrent", False):
        yield 14, "DETACH PARTITION CONCURRENTLY"
    elif node.subtype == _AT.AT_SetExpression:
        yield 17, "ALTER COLUMN ... SET EXPRESSION"


def _one(node: object) -> Iterator[tuple[int, str]]:
    if isinstance(node, ast.IndexStmt):
        yield from _index(node)
    elif isinstance(node, ast.Constraint):
        yield from _constraint(node)
    elif isinstance(node, ast.AlterTableCmd):
        yield from _alter_command(node)
    elif isinstance(node, ast.ViewStmt) and _has_option(node.options, "security_invoker"):
        yield 15, "security_invoker views"
    elif isinstance(node, ast.MergeStmt):
        yield (17, "MERGE ... RETURNING") if node.returningClause else (15, "MERGE")
    elif isinstance(node, ast.ReindexStmt) and _has_option(node.params, "concurrently"):
        yield 12, "REINDEX CONCURRENTLY"


def features(node: ast.Node) -> list[tuple[int, str, object]]:
    """(the first version with it, the feature, the node) of what the statement uses that
    older PostgreSQL versions refuse."""
    return [(version, name, each) for each in walk(node) for version, name in _one(each)]


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    target = context.pg_version
    if target >= NEWEST_PG_VERSION:
        return
    node = statement.node
    found = features(node)
    if isinstance(node, ast.AlterEnumStmt) and node.newVal and not node.oldVal and context.in_transaction:
        found.append((12, "ALTER TYPE ... ADD VALUE inside a transaction block", node))
    for version, name, each in found:
        if version > target:
            yield RULE.at(context, location(each, statement.start), feature=name, version=version, target=target)


RULE = Rule(
    code="MA004",
    name="needs-newer-postgres",
    severity=Severity.ERROR,
    message="{feature} needs PostgreSQL {version} or later; the target is {target} (--pg-version)",
    why=(
        "PostgreSQL refuses what its version does not know: the migration fails there with a "
        "syntax error or a bad option, although it passes on a newer development database."
    ),
    instead=(
        "Write it the way the target version accepts (a partial unique index instead of NULLS "
        "NOT DISTINCT, a trigger instead of a generated column, ADD VALUE in a file run outside "
        "a transaction), or upgrade the server first; set --pg-version to the oldest server the "
        "migration must run on."
    ),
    bad="-- lint with --pg-version 14\nCREATE UNIQUE INDEX CONCURRENTLY i ON lots (sku) NULLS NOT DISTINCT;",
    good="CREATE UNIQUE INDEX CONCURRENTLY i ON lots (sku);",
    check=check,
    # the statements that can hold a feature listed above (a column's constraint is in its
    # table's CREATE or ALTER)
    node_types=(ast.IndexStmt, ast.CreateStmt, ast.AlterTableStmt, ast.ViewStmt, ast.MergeStmt,
                ast.ReindexStmt, ast.AlterEnumStmt),
)
