"""Strings that a regular expression accepts: the `n`th of a mixed-radix walk over its choices."""

from __future__ import annotations

import functools
import importlib
import re
from collections.abc import Sequence
from typing import Any

__all__ = ["shaped_like", "value_from_pattern"]

_sre: Any = importlib.import_module("re._parser")



class _Unsupported(Exception):
    pass


def value_from_pattern(pattern: str, n: int, extra: int = 2) -> str | None:
    """The `n`th string matching `pattern` (a mixed-radix walk over its choices, so different
    `n` give different strings while the pattern has room); None when it is not simple.
    An open repeat (`+`, `*`, `{2,}`) is taken `extra` times more than its minimum (one)."""
    try:
        text, _ = _walk(_parsed(pattern), n, extra)
    except (_Unsupported, re.error, RecursionError, ValueError, TypeError):
        return None
    return text if re.search(pattern, text) else None


@functools.lru_cache(maxsize=1024)
def _parsed(pattern: str) -> list[Any]:
    return list(_sre.parse(pattern))


def _walk(items: list[Any], n: int, extra: int) -> tuple[str, int]:
    out = []
    for op, arg in items:
        piece, n = _item(str(op), arg, n, extra)
        out.append(piece)
    return "".join(out), n


def _choose(choices: list[str], n: int) -> tuple[str, int]:
    if not choices:
        raise _Unsupported
    return choices[n % len(choices)], n // len(choices)


def _item(op: str, arg: Any, n: int, extra: int) -> tuple[str, int]:
    if op == "LITERAL":
        return chr(arg), n
    if op == "AT":
        return "", n
    if op in ("ANY", "NOT_LITERAL"):
        return _choose([c for c in "abcdefghijklmnopqrstuvwxyz" if op == "ANY" or ord(c) != arg], n)
    if op == "IN":
        return _choose(_class(arg), n)
    if op == "CATEGORY":
        return _choose(_category(str(arg)), n)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, high, sub = arg
        count = low if high == low else min(high, max(low, 1) + extra)
        if count > 200:
            raise _Unsupported
        pieces = []
        for _ in range(count):
            piece, n = _walk(list(sub), n, extra)
            pieces.append(piece)
        return "".join(pieces), n
    if op in ("SUBPATTERN", "ATOMIC_GROUP"):
        return _walk(list(arg[-1] if op == "SUBPATTERN" else arg), n, extra)
    if op == "BRANCH":
        branches = arg[1]
        return _walk(list(branches[n % len(branches)]), n // len(branches), extra)
    raise _Unsupported


_CATEGORIES = {
    "CATEGORY_DIGIT": "0123456789",
    "CATEGORY_WORD": "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_DIGIT": "abcdefghijklmnopqrstuvwxyz",
    "CATEGORY_NOT_SPACE": "abcdefghijklmnopqrstuvwxyz0123456789",
    "CATEGORY_NOT_WORD": "-.",
}


def _category(name: str) -> list[str]:
    if name not in _CATEGORIES:
        raise _Unsupported
    return list(_CATEGORIES[name])


def _class(items: Any) -> list[str]:
    chars: list[str] = []
    for op, arg in items:
        kind = str(op)
        if kind == "LITERAL":
            chars.append(chr(arg))
        elif kind == "RANGE":
            chars.extend(chr(c) for c in range(arg[0], min(arg[1], arg[0] + 61) + 1))
        elif kind == "CATEGORY":
            chars.extend(_category(str(arg)))
        else:  # NEGATE and anything fancier
            raise _Unsupported
    return chars


def shaped_like(examples: Sequence[Any], n: int) -> str | None:
    """An example with each run of digits replaced by another number (`1.0.0` -> `4821.77.305`):
    where only the examples say what a value means (a version a trigger parses), a new value
    keeps their shape. None when no example has digits."""
    shapes = [e for e in examples if isinstance(e, str) and re.search(r"\d", e)]
    if not shapes:
        return None
    numbers = iter(str(n // 1000**i % 1000 + 1000 * (i == 0)) for i in range(64))
    return re.sub(r"\d+", lambda _: next(numbers, "7"), shapes[n % len(shapes)])
