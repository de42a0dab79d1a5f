"""Colour for lint's text output on a terminal: a finding's head line red for an error and yellow
for a warning, a statement that failed in the trace red. Without rich (lint starts without it):
ANSI codes, by the same conventions rich follows, `NO_COLOR` first, then `FORCE_COLOR`, else
whether the stream is a terminal."""

from __future__ import annotations

import os
import re
from typing import TextIO

__all__ = ["colour_lint_text", "wants_colour"]

_RED, _YELLOW, _RESET = "\x1b[31m", "\x1b[33m", "\x1b[0m"
_HEAD = re.compile(r"^(\S.*?:\d+:\d+: )(error|warning)( .*)$", re.MULTILINE)
_FAILED = re.compile(r"^(\s+)(FAILED: .*)$", re.MULTILINE)


def wants_colour(stream: TextIO) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour_lint_text(text: str) -> str:
    def head(match: re.Match[str]) -> str:
        colour = _RED if match[2] == "error" else _YELLOW
        return f"{match[1]}{colour}{match[2]}{match[3]}{_RESET}"

    text = _HEAD.sub(head, text)
    return _FAILED.sub(lambda m: f"{m[1]}{_RED}{m[2]}{_RESET}", text)
