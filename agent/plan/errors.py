"""The one error planning raises."""

from __future__ import annotations

__all__ = ["PlanError"]


class PlanError(ValueError):
    """The change cannot be planned safely (or was not allowed); the message says which and why."""
