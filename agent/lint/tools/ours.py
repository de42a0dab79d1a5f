"""This project's runner: `<version>_<slug>.sql` and `<version>_<slug>_down.sql`, each in a
transaction unless `-- agent:no-transaction` (goose's and morph's markers for it count too)."""

from __future__ import annotations

from collections.abc import Sequence

from agent.lint.source import SourceFile, parse_source_or_error
from agent.lint.tools.model import Tool, parent_and_name, strip_suffix

__all__ = ["TOOL"]

_DOWN = ("_down.sql", ".down.sql")


class Ours(Tool):
    name = "ours"
    summary = "migration-agent's own runner: <version>_<slug>.sql, <version>_<slug>_down.sql"

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return True  # the fallback

    def migration(self, path: str) -> tuple[str, bool] | None:
        folder, name = parent_and_name(path)
        stem, down = strip_suffix(name.lower(), (*_DOWN, ".up.sql", ".sql"))
        return f"{folder}/{stem}", down in _DOWN

    def runs(self, path: str, text: str) -> list[SourceFile]:
        return [parse_source_or_error(path, text)]  # direction and markers as read today


TOOL = Ours()
