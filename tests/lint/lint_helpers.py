"""Shared helpers for the lint tests."""

from __future__ import annotations

from agent.lint import RULES, Registry, lint_source


def codes(sql: str, path: str = "migration.sql", rules: Registry | None = None) -> list[str]:
    """The codes reported for a migration, in position order (default rules unless given)."""
    return [f.code for f in lint_source(path, sql, rules).findings]


def all_codes(sql: str, path: str = "migration.sql") -> list[str]:
    """The codes reported with every rule on, including those off by default."""
    return codes(sql, path, RULES)
