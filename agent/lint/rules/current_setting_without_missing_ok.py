"""MA606: current_setting() in a policy without missing_ok."""

from __future__ import annotations

from collections.abc import Iterator

from pglast import ast

from agent.lint.context import Context
from agent.lint.model import Finding, Rule, Severity
from agent.lint.nodes import func_name, location, walk
from agent.lint.source import Statement

__all__ = ["RULE"]

_TRUE = ("t", "true", "on", "yes", "1")


def _missing_ok(call: ast.FuncCall) -> bool:
    args = call.args or ()
    if len(args) < 2:
        return False
    flag = args[1]
    while isinstance(flag, ast.TypeCast):
        flag = flag.arg
    value = getattr(flag, "val", None)
    if isinstance(value, ast.Boolean):
        return bool(value.boolval)
    return isinstance(value, ast.String) and str(value.sval).lower() in _TRUE


def check(statement: Statement, context: Context) -> Iterator[Finding]:
    node = statement.node
    if not isinstance(node, ast.CreatePolicyStmt | ast.AlterPolicyStmt):
        return
    for call in walk((node.qual, node.with_check)):
        is_call = isinstance(call, ast.FuncCall) and func_name(call) == "current_setting"
        if is_call and not _missing_ok(call):
            yield RULE.at(context, location(call, statement.start), policy=node.policy_name)


RULE = Rule(
    code="MA606",
    name="current-setting-without-missing-ok",
    severity=Severity.WARNING,
    message=(
        "policy {policy} calls current_setting() without missing_ok: any query without a "
        "tenant set raises an error instead of seeing no rows"
    ),
    why=(
        "current_setting('x') raises when x was never set, so background jobs, migrations and "
        "admin sessions fail on every policy-protected table. With missing_ok the value is "
        "NULL and the policy fails closed, matching no row."
    ),
    instead=(
        "NULLIF(current_setting('app.current_tenant_id', true), '')::uuid; NULLIF also covers "
        "the empty string left after a SET LOCAL transaction ends."
    ),
    bad=(
        "CREATE POLICY bins_tenant_isolation ON bins FOR ALL\n"
        "  USING (tenant_id = current_setting('app.current_tenant_id')::uuid)\n"
        "  WITH CHECK (tenant_id = current_setting('app.current_tenant_id')::uuid);"
    ),
    good=(
        "CREATE POLICY bins_tenant_isolation ON bins FOR ALL\n"
        "  USING (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), '')::uuid)\n"
        "  WITH CHECK (tenant_id = NULLIF(current_setting('app.current_tenant_id', true), "
        "'')::uuid);"
    ),
    check=check,
    node_types=(ast.CreatePolicyStmt, ast.AlterPolicyStmt),
)
