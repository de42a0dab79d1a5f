"""Identifier rules: snake_case, 63 bytes, no reserved words; stable generated names."""

from __future__ import annotations

import hashlib
import re

from pglast.keywords import (
    COL_NAME_KEYWORDS,
    RESERVED_KEYWORDS,
    TYPE_FUNC_NAME_KEYWORDS,
)

__all__ = [
    "MAX_IDENTIFIER_BYTES",
    "bounded_name",
    "custom_setting_problem",
    "identifier_problem",
    "is_pascal_case",
    "is_plain_identifier",
    "is_snake_case",
]

MAX_IDENTIFIER_BYTES = 63
_SNAKE = re.compile(r"[a-z_][a-z0-9_]*\Z")
_PASCAL = re.compile(r"[A-Z][A-Za-z0-9]*\Z")
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
    """Why `name` cannot be a table, column or object name, or None when it can."""
    if len(name.encode()) > MAX_IDENTIFIER_BYTES:
        return f"{name!r} is {len(name.encode())} bytes; PostgreSQL keeps only 63"
    if not _SNAKE.match(name):
        return f"{name!r} is not snake_case (lowercase letters, digits and _, not starting with a digit)"
    if name in FORBIDDEN_NAMES:
        return f"{name!r} is a reserved word in PostgreSQL"
    return None


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
