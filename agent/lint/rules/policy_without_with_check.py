"""MA605: a policy that governs writes without a WITH CHECK."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import table_name
from agent.lint.source import Statement

__all__ = ["RULE"]

_WRITES = ("all", "insert", "update")


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if isinstance(node, ast.CreatePolicyStmt) and node.with_check is None:
        command = (node.cmd_name or "all").lower()
        if command in _WRITES:
            yield RULE.at(context, statement.start, policy=node.policy_name,
                          table=table_name(node.table), command=command.upper())


RULE = Rule(
    code="MA605",
    name="policy-without-with-check",
    severity=Severity.ERROR,
    message=(
        "policy {policy} on {table} (FOR {command}) has no WITH CHECK: what rows may be "
        "written is left implicit"
    ),
    why=(
        "USING filters the rows a tenant sees; WITH CHECK decides which rows it may write. "
        "Left out, PostgreSQL reuses USING for ALL/UPDATE and allows anything for INSERT, "
        "and a later edit of USING silently changes what can be written."
    ),
    instead="Spell the write rule out: ... USING (tenant predicate) WITH CHECK (tenant predicate).",
    bad=(
        "CREATE POLICY bins_tenant_isolation ON bins FOR ALL\n"
        "  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid);"
    ),
    good=(
        "CREATE POLICY bins_tenant_isolation ON bins FOR ALL\n"
        "  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)\n"
        "  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), "
        "'')::uuid);"
    ),
    check=check,
    node_types=(ast.CreatePolicyStmt,),
)
