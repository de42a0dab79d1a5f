"""dbmate: one file per version with `-- migrate:up` and `-- migrate:down` sections, each
run on its own in a transaction unless its line adds `transaction:false`; then the section
is sent as one query string (outside a transaction when it holds one statement)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from agent.lint.source import Section, SourceFile
from agent.lint.tools.model import Tool
from agent.lint.tools.sections import chunks, section_runs

__all__ = ["TOOL"]

_SECTION = re.compile(r"^--[ \t]*migrate:(?P<direction>up|down)\b(?P<options>[^\n]*)$",
                      re.MULTILINE)


class Dbmate(Tool):
    name = "dbmate"
    summary = "dbmate: -- migrate:up / -- migrate:down sections, transaction:false"
    sends_whole_file = True

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return any(m["direction"] == "up" for m in _SECTION.finditer(first_text))

    def runs(self, path: str, text: str) -> list[SourceFile]:
        found: dict[str, re.Match[str]] = {}
        for each in _SECTION.finditer(text):
            found.setdefault(each["direction"], each)
        if "up" not in found:  # dbmate would refuse the file: lint it whole
            return super().runs(path, text)
        sections: list[Section] = []
        for direction in [d for d in ("up", "down") if d in found]:
            match = found[direction]
            later = [m.start() for m in found.values() if m.start() > match.start()]
            span = (0 if direction == "up" else match.start(), min(later, default=len(text)))
            body = (match.end(), span[1])
            transactional = "transaction:false" not in match["options"].split()
            sections.append(Section(direction, span, chunks(text, body), direction, transactional))
        return section_runs(self, path, text, sections)


TOOL = Dbmate()
