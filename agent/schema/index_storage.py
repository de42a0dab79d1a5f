"""Index storage parameters (`WITH (fillfactor = 70)`): the names each method takes, their values
checked as PostgreSQL checks them, and the text PostgreSQL stores for each value (`reloptions`),
which is what the catalog shows and the round trip must give back."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pglast import ast

from agent.schema.literals import quote_literal

__all__ = ["definition_storage", "storage_problem", "storage_sql", "storage_text", "yaml_storage_value"]

_BOOLEANS = frozenset({"true", "false", "on", "off", "yes", "no"})
_CANONICAL_INTEGER = re.compile(r"0|[1-9][0-9]*")


@dataclass(frozen=True)
class _Parameter:
    low: int | None = None
    high: int | None = None
    choices: tuple[str, ...] = ()
    """Empty with no bounds: a boolean."""

    def problem(self, name: str, text: str) -> str | None:
        if self.low is not None and self.high is not None:
            fits = _CANONICAL_INTEGER.fullmatch(text) is not None and self.low <= int(text) <= self.high
            return None if fits else f"{name} must be an integer from {self.low} to {self.high}"
        words = self.choices or ("true", "false", "on", "off")
        allowed = self.choices or _BOOLEANS
        if text.lower() in allowed:
            return None
        kind = "one of" if self.choices else "a boolean"
        return f"{name} must be {kind} ({', '.join(words)})"


_FILLFACTOR = _Parameter(10, 100)
_BOOLEAN = _Parameter()
_PARAMETERS: dict[str, dict[str, _Parameter]] = {
    "btree": {"fillfactor": _FILLFACTOR, "deduplicate_items": _BOOLEAN},
    "hash": {"fillfactor": _FILLFACTOR},
    "gist": {"fillfactor": _FILLFACTOR, "buffering": _Parameter(choices=("on", "off", "auto"))},
    "gin": {"fastupdate": _BOOLEAN, "gin_pending_list_limit": _Parameter(64, 2_147_483_647)},
    "brin": {"pages_per_range": _Parameter(1, 131_072), "autosummarize": _BOOLEAN},
}


def storage_text(value: int | bool | str) -> str:
    """The text PostgreSQL keeps for a value written in the YAML (`70`, `true`, `off`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def storage_problem(method: str, name: str, value: int | bool | str) -> str | None:
    """Why `name: value` is not a storage parameter of a `method` index, or None."""
    taken = _PARAMETERS.get(method, {})
    parameter = taken.get(name)
    if parameter is None:
        return f"a {method} index takes no storage parameter {name} (it takes {', '.join(sorted(taken))})"
    if isinstance(value, bool) and (parameter.low is not None or parameter.choices):
        return parameter.problem(name, "")
    return parameter.problem(name, storage_text(value))


def storage_sql(storage: tuple[tuple[str, str], ...]) -> str:
    """` WITH (fillfactor = 70, buffering = 'auto')`, or nothing. A value is written bare only where
    PostgreSQL stores that same text (an integer without leading zeros, true, false)."""
    if not storage:
        return ""
    return f" WITH ({', '.join(f'{name} = {_value_sql(text)}' for name, text in storage)})"


def _value_sql(text: str) -> str:
    bare = _CANONICAL_INTEGER.fullmatch(text) is not None or text in ("true", "false")
    return text if bare else quote_literal(text)


def definition_storage(statement: Any) -> tuple[tuple[str, str], ...]:
    """The storage parameters of a parsed CREATE INDEX (as `pg_get_indexdef` prints them), in order."""
    return tuple((str(option.defname), _option_text(option.arg)) for option in statement.options or ())


def _option_text(arg: Any) -> str:
    if isinstance(arg, ast.TypeName):
        return str(arg.names[-1].sval) if arg.names else ""
    if isinstance(arg, ast.Integer):
        return str(arg.ival)
    if isinstance(arg, ast.Boolean):
        return "true" if arg.boolval else "false"
    if isinstance(arg, ast.Float):
        return str(arg.fval)
    return str(arg.sval)


def yaml_storage_value(text: str) -> int | bool | str:
    """The YAML value that gives back exactly `text`: an integer, a boolean, or the text itself."""
    if _CANONICAL_INTEGER.fullmatch(text) and len(text) < 19:
        return int(text)
    if text in ("true", "false"):
        return text == "true"
    return text
