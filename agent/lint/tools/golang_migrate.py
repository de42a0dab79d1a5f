"""golang-migrate: `<version>_<title>.up.sql` and `.down.sql`, each file sent as one query
string with no transaction of the tool's own: a file of one statement runs outside any
transaction, a file of several runs as PostgreSQL's implicit transaction of a multi-statement
query (CONCURRENTLY is refused there). The `x-multi-statement` option is not modelled."""

from __future__ import annotations

from collections.abc import Sequence

from agent.lint.tools.model import Tool, parent_and_name, strip_suffix

__all__ = ["TOOL", "UpDownFiles"]


class UpDownFiles(Tool):
    """Files named `<stem>.up.sql` and `<stem>.down.sql`."""

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return any(n.endswith((".up.sql", ".down.sql")) for n in names)

    def migration(self, path: str) -> tuple[str, bool] | None:
        folder, name = parent_and_name(path)
        stem, suffix = strip_suffix(name, (".up.sql", ".down.sql"))
        return None if suffix is None else (f"{folder}/{stem}", suffix == ".down.sql")


class GolangMigrate(UpDownFiles):
    name = "golang-migrate"
    summary = "golang-migrate: <version>_<title>.up.sql / .down.sql, each sent as one string"
    sends_whole_file = True

    def transactional(self, path: str, text: str) -> bool | None:
        return False


TOOL = GolangMigrate()
