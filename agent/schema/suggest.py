"""The nearest of the words a place in the YAML accepts ("did you mean"), for a misspelt key or value."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import BaseModel

__all__ = ["did_you_mean", "keys_at", "literal_choices"]


# What other languages (SQL, ORMs) call some of the schema language's types: nearer than spelling.
_ALIASES = {
    "int": "integer", "int2": "smallint", "int4": "integer", "int8": "bigint", "serial": "integer",
    "bigserial": "bigint", "varchar": "string", "character varying": "string", "char": "string", "str": "string",
    "bool": "boolean", "numeric": "decimal", "number": "decimal", "money": "decimal", "real": "float",
    "float4": "float", "float8": "double", "double precision": "double", "timestamptz": "timestamp",
    "datetime": "timestamp", "binary": "bytea", "blob": "bytea", "list": "array",
}


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """`"; did you mean X?"` for the closest choice, or `""` when none is close."""
    if not isinstance(word, str):
        return ""
    options = sorted(set(choices))
    alias = _ALIASES.get(word.lower())
    found = [alias] if alias in options else difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"; did you mean {found[0]}?" if found else ""


def literal_choices(expected: str) -> list[str]:
    """The values of pydantic's `expected` text of a literal error: `'a', 'b' or 'c'`."""
    return re.findall(r"'([^']*)'", expected)


def keys_at(model: type[BaseModel], loc: Sequence[str | int]) -> list[str]:
    """The keys the mapping at pydantic location `loc` (below `model`) may hold."""
    current: list[Any] = [model]
    for part in loc:
        current = [found for kind in current for member in _members(kind) for found in _step(member, part)]
    return sorted({name for kind in current for member in _members(kind) if _is_model(member)
                   for name in member.model_fields})


def _members(kind: Any) -> list[Any]:
    """A union's members without None; anything else as itself."""
    if typing.get_origin(kind) in (typing.Union, types.UnionType):
        return [m for m in typing.get_args(kind) if m is not type(None)]
    return [kind]


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _step(kind: Any, part: str | int) -> list[Any]:
    if _is_model(kind) and isinstance(part, str):
        if part == kind.__name__:  # pydantic names the union member it tried
            return [kind]
        field = kind.model_fields.get(part)
        return [field.annotation] if field is not None else []
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin is list and isinstance(part, int) and args:
        return [args[0]]
    if origin is dict and isinstance(part, str) and len(args) == 2:
        return [args[1]]
    return []
