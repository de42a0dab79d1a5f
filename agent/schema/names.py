"""Identifier rules: any PostgreSQL identifier of at most 63 bytes (always quoted where it needs
to be); the project's naming convention, which only warns; stable generated names."""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from pglast.keywords import (
    COL_NAME_KEYWORDS,
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
)

__all__ = [
    "MAX_IDENTIFIER_BYTES",
    "NAMING_CONVENTIONS",
    "Naming",
    "bounded_name",
    "convention_problem",
    "custom_setting_problem",
    "detect_naming",
    "identifier_problem",
    "is_pascal_case",
    "is_plain_identifier",
    "is_review_reason",
    "is_snake_case",
    "review_reason",
    "role_problem",
]

MAX_IDENTIFIER_BYTES = 63
_SNAKE = re.compile(r"[a-z_][a-z0-9_]*\Z")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
_CAMEL = re.compile(r"[a-z][A-Za-z0-9]*\Z")
Naming = Literal["snake_case", "camelCase", "preserve"]
NAMING_CONVENTIONS: tuple[Naming, ...] = ("snake_case", "camelCase", "preserve")
"""`camelCase` is Prisma's and TypeORM's: camelCase columns, PascalCase or camelCase tables."""
_REVIEW = re.compile(r"imported from .+; review")
_CUSTOM_SETTING = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+\Z")
FORBIDDEN_NAMES = frozenset(RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS)
_NEEDS_QUOTES = frozenset(RESERVED_KEYWORDS | TYPE_FUNC_NAME_KEYWORDS | COL_NAME_KEYWORDS)


def custom_setting_problem(name: str) -> str | None:
    """A tenant setting must be a custom one (`prefix.name`): what an application may SET, and
    the only kind of setting an expression may read (agent/schema/allowed_calls.py)."""
    if _CUSTOM_SETTING.match(name):
        return None
    return (f"{name!r} is not a custom setting like app.current_tenant_id (a prefix, a dot and a name): "
            "only such a setting can be set by the application and read by a policy")


def identifier_problem(name: str) -> str | None:
    """Why `name` cannot be a table, column, index, constraint or type name, or None when it can.
    Case, spaces, punctuation and reserved words are allowed (the SQL quotes them); double quotes
    and control characters are not; the naming convention only warns."""
    if not name:
        return "a name cannot be empty"
    if "\x00" in name:
        return f"{name!r} holds a NUL character, which no PostgreSQL name may"
    if '"' in name or any(ord(c) < 0x20 or ord(c) == 0x7F for c in name):
        return (f"{name!r} holds a double quote or a control character: PostgreSQL could hold it, but no "
                "schema needs one, and it is how injected names look")
    if not name.isascii():
        return (f"{name!r} holds characters beyond ASCII: letters that look alike (Cyrillic a and Latin a) "
                "and invisible direction marks would make names that read the same and differ")
    if len(name.encode()) > MAX_IDENTIFIER_BYTES:
        return f"{name!r} is {len(name.encode())} bytes; PostgreSQL keeps only 63"
    return None


def review_reason(source: str) -> str:
    """The `reason` import gives a key it found: a placeholder to review, not yet a reason."""
    return f"imported from {source}; review"


def is_review_reason(text: str | None) -> bool:
    """Such a placeholder silences the missing-reason warning but is no comment on the key, so
    an imported database and its YAML stay equal until someone writes the real reason."""
    return bool(text) and _REVIEW.fullmatch(text or "") is not None


def role_problem(name: str) -> str | None:
    """Roles the schema names stay snake_case: they are the operator's, not a modelled object."""
    if not _SNAKE.match(name):
        return f"{name!r} is not snake_case (lowercase letters, digits and _, not starting with a digit)"
    return identifier_problem(name)


def _fits(name: str, naming: Naming, kind: Literal["table", "column"]) -> bool:
    if naming == "snake_case":
        return bool(_SNAKE.match(name))
    return bool(_CAMEL.match(name) or (kind == "table" and _PASCAL.match(name)))


def convention_problem(name: str, naming: Naming, kind: Literal["table", "column"]) -> str | None:
    """A warning when a table or column name breaks the project's naming convention (a reserved
    word breaks any but `preserve`: every hand-written query must quote it)."""
    if naming == "preserve" or identifier_problem(name):
        return None
    if not _fits(name, naming, kind):
        shape = "snake_case" if naming == "snake_case" else "camelCase (or PascalCase for a table)"
        return (f"{kind} name {name!r} is not {shape}, the project's naming convention; it is kept "
                "exactly, quoted in SQL (set `naming` in the project file to change the convention)")
    if name in FORBIDDEN_NAMES:
        return f"{kind} name {name!r} is a reserved word in PostgreSQL: every query must quote it"
    return None


def detect_naming(tables: list[str], columns: list[str]) -> Naming:
    """The convention all these names follow: snake_case before camelCase, else `preserve`."""
    candidates: tuple[Naming, ...] = ("snake_case", "camelCase")
    for naming in candidates:
        if all(_fits(t, naming, "table") for t in tables) and all(_fits(c, naming, "column") for c in columns):
            return naming
    return "preserve"


def is_snake_case(name: str) -> bool:
    """The shape every validated name has; an index key of another shape is an expression."""
    return bool(_SNAKE.match(name))


def is_plain_identifier(name: str) -> bool:
    """True when PostgreSQL reads `name` unquoted as exactly itself."""
    return bool(_SNAKE.match(name)) and name not in _NEEDS_QUOTES


def is_pascal_case(name: str) -> bool:
    return bool(_PASCAL.match(name))


def bounded_name(name: str) -> str:
    """`name` if it fits in 63 bytes; otherwise cut, ending in a short hash of the whole."""
    if len(name.encode()) <= MAX_IDENTIFIER_BYTES:
        return name
    digest = hashlib.sha256(name.encode()).hexdigest()[:8]
    head = name.encode()[: MAX_IDENTIFIER_BYTES - len(digest) - 1].decode(errors="ignore")
    return f"{head.rstrip('_')}_{digest}"
