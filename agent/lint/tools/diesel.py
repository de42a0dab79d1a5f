"""diesel: `migrations/<version>_<name>/up.sql` and `down.sql`, each run in a transaction
unless the folder's `metadata.toml` says `run_in_transaction = false`; then the file is sent
as one query string (outside a transaction when it holds one statement)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from agent.lint.tools.model import Tool, parent_and_name

__all__ = ["TOOL"]

_NO_TRANSACTION = re.compile(r"^\s*run_in_transaction\s*=\s*false\s*(#.*)?$", re.MULTILINE)


class Diesel(Tool):
    name = "diesel"
    summary = "diesel: <version>_<name>/up.sql and down.sql, in a transaction (metadata.toml)"
    sends_whole_file = True

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return any(n in ("up.sql", "down.sql") for n in names)

    def migration(self, path: str) -> tuple[str, bool] | None:
        folder, name = parent_and_name(path)
        return (folder, True) if name == "down.sql" else (folder, False) if name == "up.sql" else None

    def transactional(self, path: str, text: str) -> bool | None:
        metadata = os.path.join(os.path.dirname(path), "metadata.toml")
        try:
            with open(metadata, encoding="utf-8") as file:
                return _NO_TRANSACTION.search(file.read()) is None
        except (OSError, ValueError):  # no metadata.toml (or not text): the default
            return True


TOOL = Diesel()
