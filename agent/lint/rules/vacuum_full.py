"""MA113: VACUUM FULL."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.source import Statement

__all__ = ["RULE"]


def _full(node: ast.VacuumStmt) -> bool:
    options = node.options or ()
    return bool(node.is_vacuumcmd) and any(getattr(o, "defname", "") == "full" for o in options)


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.VacuumStmt) and _full(node):
        tables = [table_name(r.relation) for r in node.rels or () if r.relation is not None]
        yield RULE.at(context, statement.start, target=", ".join(tables) or "every table")


RULE = Rule(
    code="MA113",
    name="vacuum-full",
    severity=Severity.ERROR,
    message="VACUUM FULL rewrites {target} under ACCESS EXCLUSIVE, blocking reads and writes",
    why=(
        "VACUUM FULL copies the table into new files and rebuilds its indexes while nothing "
        "else may even read it. It does not belong in a migration."
    ),
    instead=(
        "Plain VACUUM (ANALYZE) runs alongside traffic; to reclaim space online use an "
        "extension such as pg_repack outside the migration."
    ),
    bad="VACUUM FULL lots;",
    good="-- agent:no-transaction\nVACUUM (ANALYZE) lots;",
    check=check,
    node_types=(ast.VacuumStmt,),
)
