"""Shared helpers for the lint tests."""

from __future__ import annotations

from agent.lint import lint_source


def codes(sql: str, path: str = "migration.sql") -> list[str]:
    """The codes reported for a migration, in position order."""
    return [f.code for f in lint_source(path, sql).findings]
