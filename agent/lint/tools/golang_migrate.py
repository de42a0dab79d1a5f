"""golang-migrate: `<version>_<title>.up.sql` and `.down.sql`, each file sent as it is, with no
transaction of the tool's own (a file that wants one writes BEGIN and COMMIT)."""

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
    summary = "golang-migrate: <version>_<title>.up.sql / .down.sql, no implicit transaction"

    def transactional(self, path: str, text: str) -> bool | None:
        return False


TOOL = GolangMigrate()
