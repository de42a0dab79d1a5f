"""Text from a job on its way into a result, a log or the activity log: bounded and inert.

A job's own words (its id, `requested_by`, file names, the errors its SQL provokes) are
shown to operators; none of it may forge structure there (a markdown heading, a fence, a
second log line) or echo more than a short excerpt of what it read.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

__all__ = ["CONTROL_CHARACTERS", "excerpt", "map_strings", "markdown_line", "storable", "visible"]

# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
CONTROL_CHARACTERS = r"\x00-\x1f\x7f-\x9f\u2028\u2029"  # as a regex class: Python, Rust and JSON Schema read it
_CONTROL = re.compile(f"[{CONTROL_CHARACTERS}]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# What opens a block when it starts a markdown line: heading, quote, fence, list, table, HTML, rule.
_BLOCK_START = re.compile(r"^(\s*(?:\d+)?)([#>`~<|=*+.)-])")


def visible(text: str) -> str:
    """Control characters as escapes (`\\n`, `\\x00`, `\\u2028`): the text stays on one line."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    character = match.group()
    if character in _NAMED:
        return _NAMED[character]
    return f"\\x{ord(character):02x}" if ord(character) < 0x100 else f"\\u{ord(character):04x}"


def excerpt(text: str, limit: int) -> str:
    """At most `limit` characters of `text`, saying how many were left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit} more characters)"


def markdown_line(text: str, limit: int = 500) -> str:
    """One inert markdown line: no line break, and nothing at its start that opens a block."""
    line = visible(excerpt(text, limit))
    return _BLOCK_START.sub(r"\1\\\2", line, count=1)


def storable(value: Any) -> Any:
    """`value` with NUL replaced in every string and key: PostgreSQL's jsonb refuses U+0000."""
    return map_strings(value, lambda text: text.replace("\x00", "\\x00"))


def map_strings(value: Any, change: Callable[[str], str]) -> Any:
    """JSON-like `value` with `change` applied to every string in it, keys included."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {map_strings(k, change): map_strings(v, change) for k, v in value.items()}
    if isinstance(value, list):
        return [map_strings(v, change) for v in value]
    return value
