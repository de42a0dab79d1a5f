"""Shared helpers for the lint tests."""

from __future__ import annotations

import re

from agent.lint import RULES, Registry, lint_source
from agent.lint.target import Target

# A rule example meant for an older server says so on its first line (MA004's does).
_FOR_VERSION = re.compile(r"-- lint with --pg-version (\d+)\n")


def codes(sql: str, path: str = "migration.sql", rules: Registry | None = None,
          pg_version: int | None = None) -> list[str]:
    """The codes reported for a migration, in position order (default rules unless given),
    for the newest PostgreSQL unless `pg_version` (or the example's first line) says."""
    found = _FOR_VERSION.match(sql)
    version = pg_version if pg_version is not None else int(found[1]) if found else None
    target = Target.checked(version) if version is not None else None
    return [f.code for f in lint_source(path, sql, rules, target).findings]


def all_codes(sql: str, path: str = "migration.sql") -> list[str]:
    """The codes reported with every rule on, including those off by default."""
    return codes(sql, path, RULES)
