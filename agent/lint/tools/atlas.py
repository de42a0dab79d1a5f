"""Atlas (`atlas migrate apply`), its own format: `<version>_<name>.sql` beside an
`atlas.sum`, in name order, no down files. Each file runs in a transaction of its own (the
default `--tx-mode file`) unless it says `-- atlas:txmode none`; Atlas sends its statements
one by one. A folder Atlas writes in another tool's format (golang-migrate's `.up.sql`,
goose's or dbmate's annotations, Flyway's names) is that tool's: those are detected first.
`-- atlas:delimiter` is not modelled."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence

from agent.lint.tools.model import Tool

__all__ = ["TOOL"]

SUM_FILE = "atlas.sum"
_NO_TRANSACTION = re.compile(r"^--[ \t]*atlas:txmode[ \t]+none\b", re.MULTILINE | re.IGNORECASE)


class Atlas(Tool):
    name = "atlas"
    summary = "Atlas: <version>_<name>.sql beside atlas.sum, -- atlas:txmode none"

    def detects(self, paths: Sequence[str], first_text: str) -> bool:
        folders = {os.path.dirname(p) for p in paths}
        return any(os.path.isfile(os.path.join(folder, SUM_FILE)) for folder in folders)

    def transactional(self, path: str, text: str) -> bool | None:
        return _NO_TRANSACTION.search(text) is None


TOOL = Atlas()
