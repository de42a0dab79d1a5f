"""gobuffalo/pop and ory/popx: `<version>_<name>[.<dialect>][.autocommit].up.sql` and
`.down.sql`, each run in a transaction, except popx's `.autocommit.` files, sent as one
query string (outside a transaction when they hold one statement); files for another
database (`.mysql.`, `.sqlite3.`, `.cockroach.`) are not PostgreSQL's to lint."""

from __future__ import annotations

import os
from collections.abc import Sequence

from agent.lint.tools.golang_migrate import UpDownFiles

__all__ = ["TOOL"]

OTHER_DATABASES = frozenset({"mysql", "sqlite", "sqlite3", "cockroach", "cockroachdb", "sqlserver"})
_TAGS = OTHER_DATABASES | {"postgres", "postgresql", "autocommit"}


def _tags(name: str) -> set[str]:
    """The dot-separated words between the version_name and `.up.sql`/`.down.sql`."""
    return set(name.lower().split(".")[1:-2])


class Popx(UpDownFiles):
    name = "popx"
    summary = ("pop/popx: <version>_<name>[.<dialect>][.autocommit].up.sql / .down.sql, "
               "in a transaction except .autocommit. files")
    sends_whole_file = True

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return super().recognises(names, first_text) and any(_tags(n) & _TAGS for n in names)

    def lints(self, path: str) -> bool:
        return not _tags(os.path.basename(path)) & OTHER_DATABASES

    def transactional(self, path: str, text: str) -> bool | None:
        return "autocommit" not in _tags(os.path.basename(path))


TOOL = Popx()
