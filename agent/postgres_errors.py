"""What PostgreSQL said when a migration statement failed, in one line for a person."""

from __future__ import annotations

import asyncpg

__all__ = ["ROW_SECURITY_HINT", "postgres_reason"]

ROW_SECURITY_HINT = (
    "the file reads or writes every tenant's rows, with row_security off so that nothing is "
    "skipped silently: run migrations as a role with BYPASSRLS (or a superuser), and keep "
    "FORCE ROW LEVEL SECURITY on"
)
# PostgreSQL's own hint for this error is to turn FORCE off, which would let an application
# connected as the table's owner read every tenant's rows.
_ROW_SECURITY_REFUSAL = "query would be affected by row-level security policy"


def postgres_reason(error: asyncpg.PostgresError) -> str:
    """The error's message, detail and hint, joined by "; "."""
    message = getattr(error, "message", None) or str(error)
    hint = getattr(error, "hint", None)
    if message.startswith(_ROW_SECURITY_REFUSAL):
        hint = ROW_SECURITY_HINT
    return "; ".join(filter(None, [message, getattr(error, "detail", None), hint]))
