"""What the linter knows of a migration tool: its files, their order, how it runs them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import replace

from agent.lint.source import SourceFile, parse_source_or_error

__all__ = ["Tool", "parent_and_name", "strip_suffix"]


def strip_suffix(name: str, suffixes: Sequence[str]) -> tuple[str, str | None]:
    """`name` without the first of `suffixes` it ends with, and that suffix (None: none)."""
    for suffix in suffixes:
        if name.endswith(suffix):
            return name[: -len(suffix)], suffix
    return name, None


class Tool:
    """A migration tool; one module per tool overrides what differs.

    By default a file is one run, in a transaction unless a `-- agent:no-transaction`
    marker says otherwise, and a down file is one whose name says so.
    """

    name: str = ""
    summary: str = ""
    # Sends a file (or section) to the server as one query string: with more than one
    # statement in it, PostgreSQL runs them as one implicit transaction, whatever the tool's
    # own transaction setting (and refuses CONCURRENTLY there).
    sends_whole_file: bool = False
    # what the files `lints` leaves out are, for the message that says so
    left_out: str = "files it runs on another database"

    def as_sent(self, source: SourceFile) -> SourceFile:
        """`source` run outside the tool's transaction, as the server runs it when the tool
        sends it whole: one implicit transaction for more than one statement."""
        if source.transactional is False and self.sends_whole_file and len(source.statements) > 1:
            return replace(source, transactional=True)
        return source

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        """Whether files with these base names (and the first file's text) are this tool's."""
        return False

    def detects(self, paths: Sequence[str], first_text: str) -> bool:
        """Whether these files are this tool's: by default as `recognises` says from their
        base names; a tool known by a file beside them (atlas.sum, sqitch.plan) looks there."""
        return self.recognises([os.path.basename(p) for p in paths], first_text)

    def migration(self, path: str) -> tuple[str, bool] | None:
        """(the migration a file belongs to, whether it is its down file), or None when
        the file is not one of a pair."""
        return None

    def run_order(self, paths: Sequence[str]) -> list[str]:
        """The files in the order the tool runs its ups (default: as given)."""
        return list(paths)

    def lints(self, path: str) -> bool:
        """Whether the file is meant for PostgreSQL (some tools keep other databases' beside)."""
        return True

    def transactional(self, path: str, text: str) -> bool | None:
        """Whether the tool runs the file in a transaction (None: as its markers say)."""
        return None

    def runs(self, path: str, text: str) -> list[SourceFile]:
        """The file as the tool runs it: one run, or one per section."""
        source = parse_source_or_error(path, text)
        found = self.migration(path)
        transactional = self.transactional(path, text)
        if found is None and transactional is None:
            return [source]
        direction = None if found is None else ("down" if found[1] else "up")
        return [self.as_sent(replace(source, direction=direction, transactional=transactional))]

    def __repr__(self) -> str:
        return f"<tool {self.name}>"


def parent_and_name(path: str) -> tuple[str, str]:
    return os.path.dirname(path), os.path.basename(path)
