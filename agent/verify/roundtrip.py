"""Kept for imports written before `agent.verify.apply`; use that module."""

from __future__ import annotations

from agent.verify.apply import ApplyError, MigrationText, apply_sql, without_backups

__all__ = ["ApplyError", "MigrationText", "apply_sql", "without_backups"]
