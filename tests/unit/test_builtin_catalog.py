"""`agent/sql/builtin_catalog.py` is PostgreSQL's own pg_proc, pg_operator and pg_type, read
from the embedded server: the facts the expression allow-list (`agent/schema/allowed_calls.py`)
judges by, and the volatility the linter reads (MA109).

UPDATE_GOLDEN=1 rewrites the module from the server when a new PostgreSQL changes its catalog."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import asyncpg
import pytest

from agent.sql import builtin_catalog

pytestmark = pytest.mark.integration

MODULE = Path(builtin_catalog.__file__)

# Type input/output and planner support functions (internal or cstring in or out) cannot be
# called from an expression; they are left out rather than judged.
FUNCTIONS = """
    SELECT lower(p.proname) AS name,
           max(CASE p.provolatile WHEN 'i' THEN 0 WHEN 's' THEN 1 ELSE 2 END) AS volatility,
           bool_or(p.proacl IS NOT NULL AND NOT EXISTS (
               SELECT FROM aclexplode(p.proacl) AS a
                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE')) AS privileged
      FROM pg_proc AS p
     WHERE p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind IN ('f', 'a', 'w')
       AND p.prorettype <> ALL ('{internal,cstring}'::regtype[])
       AND NOT p.proargtypes::oid[] && '{internal,cstring}'::regtype[]::oid[]
     GROUP BY lower(p.proname)
     ORDER BY 1
"""
OPERATORS = """
    SELECT DISTINCT oprname AS name FROM pg_operator
     WHERE oprnamespace = 'pg_catalog'::regnamespace ORDER BY 1
"""
TYPES = """
    SELECT typcategory::text AS category, array_agg(typname::text ORDER BY typname) AS names
      FROM pg_type
     WHERE typnamespace = 'pg_catalog'::regnamespace AND typrelid = 0
       AND typcategory NOT IN ('A', 'P', 'X')
     GROUP BY typcategory
     ORDER BY 1
"""
HEADER = '''\
# ruff: noqa: SIM905, E501  (generated: a list of names reads best as words)
"""What PostgreSQL {version} has built in (schema pg_catalog), by name in lower case: functions by
their most volatile form (type input/output and planner support functions left out), those not
every role may execute, operators, and types that are neither arrays, row types nor pseudo-types,
by category (pg_type.typcategory). Generated from the catalog by tests/unit/test_builtin_catalog.py
(UPDATE_GOLDEN=1 rewrites it). The expression allow-list (agent/schema/allowed_calls.py) and the
linter's volatility (MA109) read it."""

from __future__ import annotations

__all__ = ["IMMUTABLE", "OPERATORS", "PRIVILEGED", "STABLE", "TYPE_CATEGORIES", "VOLATILE"]
'''


def _names(names: list[str]) -> str:
    return textwrap.fill(" ".join(names), width=100, break_on_hyphens=False, break_long_words=False)


def _set(name: str, names: list[str]) -> str:
    return f'\n{name} = frozenset("""\n{_names(names)}\n""".split())\n'


def render(version: str, functions: list[asyncpg.Record], operators: list[str],
           types: list[asyncpg.Record]) -> str:
    by_volatility = [[r["name"] for r in functions if r["volatility"] == v] for v in (0, 1, 2)]
    text = HEADER.format(version=version)
    for name, names in zip(("IMMUTABLE", "STABLE", "VOLATILE"), by_volatility, strict=True):
        text += _set(name, names)
    text += _set("PRIVILEGED", [r["name"] for r in functions if r["privileged"]])
    text += _set("OPERATORS", operators)
    text += "\nTYPE_CATEGORIES = {\n"
    text += "".join(f'    "{r["category"]}": frozenset("{" ".join(r["names"])}".split()),\n' for r in types)
    return text + "}\n"


async def test_the_module_is_what_the_server_says(db: asyncpg.Connection) -> None:
    version = (await db.fetchval("SHOW server_version")).split()[0].split(".")[0]
    operators = [r["name"] for r in await db.fetch(OPERATORS)]
    text = render(version, await db.fetch(FUNCTIONS), operators, await db.fetch(TYPES))
    if os.environ.get("UPDATE_GOLDEN"):
        MODULE.write_text(text, encoding="utf-8")
    assert MODULE.read_text(encoding="utf-8") == text, "UPDATE_GOLDEN=1 rewrites agent/sql/builtin_catalog.py"


def test_the_dangerous_functions_are_classified() -> None:
    assert {"pg_read_file", "lo_import", "lo_export", "pg_ls_dir"} <= builtin_catalog.PRIVILEGED
    volatile = {"pg_sleep", "pg_terminate_backend", "query_to_xml", "set_config", "lo_from_bytea"}
    assert volatile <= builtin_catalog.VOLATILE
    assert {"now", "current_setting", "has_table_privilege", "pg_get_viewdef"} <= builtin_catalog.STABLE
    assert {"lower", "abs", "jsonb_typeof", "count"} <= builtin_catalog.IMMUTABLE
    assert "regclass" in builtin_catalog.TYPE_CATEGORIES["N"]


def test_the_usual_defaults_are_classified() -> None:
    assert {"gen_random_uuid", "random", "clock_timestamp", "nextval"} <= builtin_catalog.VOLATILE
    assert {"now", "date_trunc", "extract", "concat_ws", "lower"} <= builtin_catalog.STABLE | builtin_catalog.IMMUTABLE
