"""Prisma Migrate: `migrations/<timestamp>_<name>/migration.sql`, no down files. `prisma
migrate deploy` sends each file to the server as one query string with no transaction of
its own: a file of several statements runs as PostgreSQL's implicit transaction (so
CONCURRENTLY fails there), a file of one statement runs alone (prisma/orm issue 22922 shows
both). A file's own BEGIN and COMMIT are kept."""

from __future__ import annotations

from collections.abc import Sequence

from agent.lint.tools.model import Tool, parent_and_name

__all__ = ["TOOL"]

FILE = "migration.sql"


class Prisma(Tool):
    name = "prisma"
    summary = "Prisma Migrate: <timestamp>_<name>/migration.sql, each sent as one string"
    sends_whole_file = True

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return FILE in names

    def migration(self, path: str) -> tuple[str, bool] | None:
        folder, name = parent_and_name(path)
        return (folder, False) if name == FILE else None

    def transactional(self, path: str, text: str) -> bool | None:
        return False


TOOL = Prisma()
