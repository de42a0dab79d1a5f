"""goose: one file per version with `-- +goose Up` and `-- +goose Down` sections, run one
after the other, never together; `-- +goose StatementBegin` ... `StatementEnd` is sent
as one statement (so its last statement needs no semicolon); `-- +goose NO TRANSACTION`
runs the file outside a transaction. goose reads its annotations in any case."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from agent.lint.source import Section, SourceFile
from agent.lint.tools.model import Tool
from agent.lint.tools.sections import chunks, section_runs

__all__ = ["TOOL"]

_ANNOTATION = re.compile(r"^[ \t]*--[ \t]*\+goose[ \t]+(?P<word>[^\n]*?)[ \t]*\r?$",
                         re.IGNORECASE | re.MULTILINE)


@dataclass(slots=True)
class _Annotations:
    up: int | None = None
    down: int | None = None
    no_transaction: bool = False
    blocks: list[tuple[int, int]] = field(default_factory=list)


def _annotations(text: str) -> _Annotations:
    found = _Annotations()
    opened: int | None = None
    for match in _ANNOTATION.finditer(text):
        word = " ".join(match["word"].lower().split())
        if word == "up" and found.up is None:
            found.up = match.start()
        elif word == "down" and found.down is None:
            found.down = match.start()
        elif word == "no transaction":
            found.no_transaction = True
        elif word == "statementbegin":
            opened = match.end()
        elif word == "statementend" and opened is not None:
            found.blocks.append((opened, match.start()))
            opened = None
    return found


class Goose(Tool):
    name = "goose"
    summary = "goose: -- +goose Up / Down sections, StatementBegin/End blocks, NO TRANSACTION"

    def recognises(self, names: Sequence[str], first_text: str) -> bool:
        return _annotations(first_text).up is not None

    def runs(self, path: str, text: str) -> list[SourceFile]:
        found = _annotations(text)
        if found.up is None:  # goose would refuse the file: lint it whole
            return super().runs(path, text)
        transactional = not found.no_transaction
        end = len(text)
        up = (0, found.down if found.down is not None else end)
        sections = [Section("up", up, chunks(text, up, found.blocks), "up", transactional)]
        if found.down is not None:
            down = (found.down, end)
            sections.append(
                Section("down", down, chunks(text, down, found.blocks), "down", transactional)
            )
        return section_runs(self, path, text, sections)

    def transactional(self, path: str, text: str) -> bool | None:
        return not _annotations(text).no_transaction


TOOL = Goose()
