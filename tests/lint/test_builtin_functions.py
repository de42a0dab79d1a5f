"""`agent/lint/builtin_functions.py` is PostgreSQL's own pg_proc, read from the embedded server.

UPDATE_GOLDEN=1 rewrites the module from the server when a new PostgreSQL changes its functions."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import asyncpg
import pytest

from agent.lint import builtin_functions

pytestmark = pytest.mark.integration

MODULE = Path(builtin_functions.__file__)
VOLATILITY = """
    SELECT lower(proname) AS name, bool_or(provolatile = 'v') AS volatile
      FROM pg_proc
     WHERE pronamespace = 'pg_catalog'::regnamespace AND prokind = 'f'
     GROUP BY lower(proname)
     ORDER BY 1
"""


def _names(names: list[str]) -> str:
    return textwrap.fill(" ".join(names), width=100, break_on_hyphens=False, break_long_words=False)


def render(version: str, volatile: list[str], other: list[str]) -> str:
    return (
        "# ruff: noqa: SIM905  (generated: a list of names reads best as words)\n"
        f'"""The functions built into PostgreSQL {version} (schema pg_catalog), by name: those with a\n'
        "volatile form, computed anew for every row, and those without one (stable or immutable,\n"
        "computed once for a statement). Generated from pg_proc by tests/lint/test_builtin_functions.py\n"
        '(UPDATE_GOLDEN=1 rewrites it)."""\n\n'
        "from __future__ import annotations\n\n"
        '__all__ = ["NON_VOLATILE", "VOLATILE"]\n\n'
        f'VOLATILE = frozenset("""\n{_names(volatile)}\n""".split())\n\n'
        f'NON_VOLATILE = frozenset("""\n{_names(other)}\n""".split())\n'
    )


async def test_the_module_is_what_the_server_says(db: asyncpg.Connection) -> None:
    rows = await db.fetch(VOLATILITY)
    version = (await db.fetchval("SHOW server_version")).split()[0].split(".")[0]
    text = render(version, [r["name"] for r in rows if r["volatile"]],
                  [r["name"] for r in rows if not r["volatile"]])
    if os.environ.get("UPDATE_GOLDEN"):
        MODULE.write_text(text, encoding="utf-8")
    assert MODULE.read_text(encoding="utf-8") == text, "UPDATE_GOLDEN=1 rewrites agent/lint/builtin_functions.py"


def test_the_usual_defaults_are_classified() -> None:
    assert {"gen_random_uuid", "random", "clock_timestamp", "nextval"} <= builtin_functions.VOLATILE
    assert {"now", "date_trunc", "extract", "concat_ws", "lower"} <= builtin_functions.NON_VOLATILE
