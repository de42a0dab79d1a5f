"""CREATE POLICY text, shared by the create renderer and the type change that re-creates policies."""

from __future__ import annotations

from agent.schema.literals import quote_ident
from agent.schema.tables import Policy

__all__ = ["create_policy_sql", "drop_policy_sql"]

INDENT = "    "


def create_policy_sql(table: str, policy: Policy) -> str:
    lines = [f"CREATE POLICY {quote_ident(policy.name)} ON {quote_ident(table)}"]
    if not policy.permissive:
        lines.append(f"{INDENT}AS RESTRICTIVE")
    lines.append(f"{INDENT}FOR {policy.command}")
    if policy.roles:
        lines.append(f"{INDENT}TO {', '.join(quote_ident(role) for role in policy.roles)}")
    if policy.using:
        lines.append(f"{INDENT}USING ({policy.using})")
    if policy.with_check:
        lines.append(f"{INDENT}WITH CHECK ({policy.with_check})")
    return "\n".join(lines) + ";"


def drop_policy_sql(table: str, policy: Policy) -> str:
    return f"DROP POLICY {quote_ident(policy.name)} ON {quote_ident(table)};"
