"""Row-level security: the tenant isolation policy is implied; the others become `policies`."""

from __future__ import annotations

from typing import Any

from agent.catalog.model import Policy
from agent.importing.context import TableImport
from agent.importing.shape import is_tenant_policy
from agent.schema.names import bounded_name

__all__ = ["add_policies", "check_row_security"]


def add_policies(work: TableImport) -> None:
    for policy in work.table.policies:
        if work.shape.tenant_scoped and is_tenant_policy(policy, work.name, work.options):
            continue
        if policy.comment is not None:
            work.lost(f"the comment on policy {policy.name} has no place in the YAML")
        if not work.shape.tenant_scoped and policy.name == bounded_name(f"{work.name}_tenant_isolation"):
            work.problems.note(work.name, _near_miss(work))
        work.policies.append(_entry(work, policy))


def _near_miss(work: TableImport) -> str:
    return (f"policy {work.name}_tenant_isolation is not the agent's tenant isolation (FOR ALL, "
            f"USING and WITH CHECK reading {work.options.setting!r} with NULLIF, "
            f"{work.tenant} right after the key, RLS enabled and forced), so the table is imported "
            "with tenant_scoped: false and the policy as written; see --setting and --tenant-column")


def _entry(work: TableImport, policy: Policy) -> dict[str, Any]:
    entry: dict[str, Any] = {"name": policy.name}
    if policy.command != "ALL":
        entry["command"] = policy.command
    if policy.using is not None:
        entry["using"] = work.simplify(policy.using)
    if policy.with_check is not None:
        entry["with_check"] = work.simplify(policy.with_check)
    if policy.roles != ("PUBLIC",):
        entry["roles"] = [role.lower() if role == "PUBLIC" else role for role in policy.roles]
    if not policy.permissive:
        entry["permissive"] = False
    return entry


def check_row_security(work: TableImport) -> None:
    """The YAML enables and forces RLS exactly when the table has a policy."""
    wanted = bool(work.shape.tenant_scoped or work.policies)
    table = work.table
    if (table.rls_enabled, table.rls_forced) != (wanted, wanted):
        work.lost(f"row level security is enabled={table.rls_enabled}, forced={table.rls_forced}; "
                  f"the YAML gives enabled={wanted}, forced={wanted}")
