"""The CHECK translation against PostgreSQL itself: seeded random expressions over every kind the
script compares, evaluated on rows with NULLs, must give the same true/false/NULL in both."""

from __future__ import annotations

import json
import random
import subprocess
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from agent.codegen.check_script import SQL_RUNTIME, Untranslatable, translate
from agent.schema.literals import quote_literal
from agent.schema.tables import Column
from tests.codegen.helpers import tsc

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("node_tools")]

COLUMNS = {
    "a": Column(name="a", sql_type="INTEGER", not_null=False, property_type="integer"),
    "b": Column(name="b", sql_type="DECIMAL(6, 2)", not_null=False, property_type="decimal"),
    "d": Column(name="d", sql_type="DATE", not_null=False, property_type="date"),
    "t": Column(name="t", sql_type="TEXT", not_null=False, property_type="text"),
    "f": Column(name="f", sql_type="BOOLEAN", not_null=False, property_type="boolean"),
    "s": Column(name="s", sql_type="TIMESTAMPTZ", not_null=False, property_type="timestamp"),
}
VALUES: dict[str, list[Any]] = {
    "a": [None, -3, 0, 2, 7], "b": [None, "-0.004", "0", "1.5", "2.25", "99.999"],
    "d": [None, "2024-01-01", "2024-02-29", "2025-12-31"], "t": [None, "", "ab", "AB-1", "x\U0001f600y"],
    "f": [None, True, False], "s": [None, "2020-01-01T00:00:00Z", "2020-01-01T01:00:00+02:00"],
}
CONSTANTS = {"a": ["0", "2", "-1"], "b": ["0", "1.5", "2.249"], "d": ["'2024-02-29'", "'2024-01-01'::date"],
             "t": ["'ab'", "''"], "s": ["'2019-12-31T23:30:00Z'"]}
ORDERED = ["=", "<>", "<", "<=", ">", ">="]


def _comparison(rng: random.Random) -> str:
    column = rng.choice(["a", "b", "d", "t", "s", "f"])
    if column == "f":
        return rng.choice(["f", "NOT f", "f IS NULL", "f = true"])
    constant = rng.choice(CONSTANTS[column])
    form = rng.randrange(6)
    if column == "t":
        return rng.choice([f"t = {constant}", f"t <> {constant}", "t ~ '^[a-z]+$'", "t ~* '^ab'", "t !~ 'b'",
                           "char_length(t) >= 2", "t IN ('ab', 'AB-1')", "t IS NOT NULL"])
    if form == 0:
        return f"{column} BETWEEN {constant} AND {rng.choice(CONSTANTS[column])}"
    if form == 1:
        return f"{column} {'NOT ' if rng.random() < 0.5 else ''}IN ({', '.join(CONSTANTS[column])})"
    if form == 2:
        return f"{column} IS {'NOT ' if rng.random() < 0.5 else ''}NULL"
    if form == 3 and column in ("a", "b"):
        return f"a {rng.choice(ORDERED)} b"
    return f"{column} {rng.choice(ORDERED)} {constant}"


def _expression(rng: random.Random, depth: int = 0) -> str:
    if depth >= 2 or rng.random() < 0.35:
        return _comparison(rng)
    kind = rng.randrange(3)
    if kind == 0:
        return f"NOT ({_expression(rng, depth + 1)})"
    joiner = " AND " if kind == 1 else " OR "
    return "(" + joiner.join(_expression(rng, depth + 1) for _ in range(rng.randrange(2, 4))) + ")"


def _rows(rng: random.Random, count: int) -> list[dict[str, Any]]:
    return [{name: rng.choice(values) for name, values in VALUES.items()} for _ in range(count)]


def _sql_value(name: str, value: Any) -> str:
    if value is None:
        return f"NULL::{COLUMNS[name].sql_type}"
    text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return f"{quote_literal(text)}::{COLUMNS[name].sql_type}"


async def _database(db: asyncpg.Connection, expressions: list[str], rows: list[dict[str, Any]]) -> list[Any]:
    values = ", ".join("(" + ", ".join(_sql_value(n, row[n]) for n in COLUMNS) + ")" for row in rows)
    found = []
    for expression in expressions:
        records = await db.fetch(f"SELECT ({expression}) AS v FROM (VALUES {values}) AS r({', '.join(COLUMNS)})")
        found.append([r["v"] for r in records])
    return found


RUNNER = """const { S } = require('./out/sql');
const { scripts, rows } = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const run = scripts.map((script) => {
  const check = new Function('S', 'r', `return ${script};`);
  return rows.map((r) => check(S, r));
});
process.stdout.write(JSON.stringify(run));
"""


def _script(root: Path, scripts: list[str], rows: list[dict[str, Any]]) -> list[Any]:
    (root / "sql.ts").write_text(SQL_RUNTIME)
    done = tsc(root, ["sql.ts"], noEmit=False, outDir="out", rootDir=".")
    assert done.returncode == 0, done.stdout
    (root / "input.json").write_text(json.dumps({"scripts": scripts, "rows": rows}))
    (root / "runner.js").write_text(RUNNER)
    ran = subprocess.run(["node", str(root / "runner.js"), str(root / "input.json")], capture_output=True, text=True,
                         timeout=120, check=True)
    return list(json.loads(ran.stdout))


async def test_translated_checks_give_postgresqls_three_valued_answers(db: asyncpg.Connection,
                                                                      tmp_path: Path) -> None:
    rng = random.Random(2026)
    expressions: list[str] = []
    scripts: list[str] = []
    while len(expressions) < 150:
        expression = _expression(rng)
        try:
            scripts.append(translate(expression, COLUMNS, lambda name: f"r.{name}"))
        except Untranslatable as reason:
            pytest.fail(f"{expression}: {reason}")
        expressions.append(expression)
    rows = _rows(rng, 40)
    database = await _database(db, expressions, rows)
    script = _script(tmp_path, scripts, rows)
    wrong = [(e, rows[i], d[i], s[i]) for e, d, s in zip(expressions, database, script, strict=True)
             for i in range(len(rows)) if d[i] != s[i]]
    assert wrong[:5] == [], f"{len(wrong)} disagreements (expression, row, PostgreSQL, script)"
    answers = {v for d in database for v in d}
    assert answers == {True, False, None}
