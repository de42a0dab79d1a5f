"""Process exit codes, the same for every command."""

from __future__ import annotations

from enum import IntEnum

__all__ = ["ExitCode"]


class ExitCode(IntEnum):
    OK = 0
    FINDINGS = 1
    """Lint findings at error level, or a verification that failed."""
    BAD_INPUT = 2
    """Invalid YAML, SQL, flags or arguments; nothing was written."""
    INFRASTRUCTURE = 3
    """A server (PostgreSQL, NATS) could not be started or reached."""
