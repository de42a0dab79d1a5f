"""Zod schemas agree with PostgreSQL: the same values are inserted (and updated) in a scratch database
built by the migrations and parsed by the generated schemas under Node, for every check form."""

from __future__ import annotations

import json
import random
import subprocess
import uuid
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from agent.codegen import CodegenOptions, render
from agent.codegen.model import camel
from agent.schema import LoadedSchema
from agent.schema.literals import quote_ident, quote_literal
from agent.verify.apply import apply_sql
from tests.codegen.helpers import example_schema, tsc, write_files
from tests.codegen.test_wide_schema import wide
from tests.generate.helpers import generate, load

pytestmark = [pytest.mark.integration, pytest.mark.usefixtures("node_tools")]

SAMPLES = """version: 1
entity: Sample
table: samples
tenant_scoped: false
audit: false
properties:
  code: {type: string, max_length: 8, required: true, pattern: '^[A-Z]{2}-[0-9]+$'}
  label: {type: text, min_length: 3}
  small: {type: smallint, minimum: -5, maximum: 5}
  low_only: {type: integer, minimum: 10}
  high_only: {type: bigint, maximum: 1000}
  price: {type: decimal, precision: 6, scale: 2, minimum: 0}
  ratio: {type: double, minimum: 0, maximum: 1}
  weight: {type: float, maximum: 1}
  status: {type: enum, values: [NEW, "IT'S DONE"], required: true, default: NEW}
  starts_on: {type: date}
  ends_on: {type: date}
  seen_at: {type: timestamp}
  flag: {type: boolean}
  ref: {type: uuid}
  data: {type: jsonb}
  tags: {type: array, items: {type: string, max_length: 4}}
constraints:
  - name: samples_period_check
    check: ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on
  - name: samples_recent_check
    check: seen_at IS NULL OR seen_at >= '2020-01-01T00:00:00Z'
  - name: samples_flag_label_check
    check: NOT flag OR label IS NOT NULL
  - name: samples_code_label_check
    check: code <> label
  - name: samples_label_word_check
    check: label !~* 'forbidden'
  - name: samples_status_small_check
    check: status NOT IN ('NEW') OR small IS NULL OR small BETWEEN -3 AND 3
  - name: samples_sum_check
    check: small + low_only < 100
  - name: samples_upper_check
    check: upper(code) = code
"""
"""Every check form the schema language writes (enum IN, BETWEEN, >=, <=, char_length, ~, widths,
precision) and table checks: the last two cannot be translated and are listed instead."""

OMIT = object()
BASE: dict[str, Any] = {
    "code": "AB-12", "label": "hello", "small": 0, "low_only": 10, "high_only": "1000", "price": "12.34",
    "ratio": 0.5, "status": "NEW", "starts_on": "2024-01-01", "ends_on": "2024-02-01",
    "seen_at": "2024-01-01T10:00:00Z", "flag": True, "ref": "6f1c2a64-1111-4b6e-9c1d-0a2b3c4d5e6f",
    "data": {"a": 1}, "tags": ["ab"],
}
CASES: list[tuple[str, dict[str, Any]]] = [
    ("base", {}),
    ("pattern refused", {"code": "ab-12"}),
    ("width: 8 characters", {"code": "AB-12345"}),
    ("width: 9 characters", {"code": "AB-123456"}),
    ("required column omitted", {"code": OMIT}),
    ("required column null", {"code": None}),
    ("min length 2", {"label": "ab"}),
    ("min length counts characters, not UTF-16 units", {"label": "a\U0001f600"}),
    ("three astral characters", {"label": "\U0001f600\U0001f600\U0001f600"}),
    ("NUL in text", {"label": "ab\x00c"}),
    ("between: low end", {"small": -3}),
    ("between: high end", {"small": 5, "status": "IT'S DONE"}),
    ("between: above", {"small": 6, "status": "IT'S DONE"}),
    ("between: below", {"small": -6, "status": "IT'S DONE"}),
    ("smallint range", {"small": 40000, "status": "IT'S DONE"}),
    ("not an integer", {"small": 1.5}),
    (">=: on the bound", {"low_only": 10}),
    (">=: below", {"low_only": 9}),
    ("integer range", {"low_only": 2147483648}),
    ("<=: above", {"high_only": "1001"}),
    ("bigint: most negative", {"high_only": "-9223372036854775808"}),
    ("bigint range", {"high_only": "-9223372036854775809"}),
    ("bigint: not a number", {"high_only": "12a"}),
    ("precision: largest", {"price": "9999.99"}),
    ("precision: too many digits", {"price": "10000.00"}),
    ("precision: rounds up past it", {"price": "9999.995"}),
    ("precision: rounds down within", {"price": "9999.994"}),
    ("decimal >= 0: below", {"price": "-0.01"}),
    ("decimal >= 0: rounds to zero first", {"price": "-0.004"}),
    ("double range: above", {"ratio": 1.01}),
    ("double range: below", {"ratio": -0.1}),
    ("real: stored in single precision, within", {"weight": 1.00000001}),
    ("real: above", {"weight": 1.001}),
    ("enum: other value", {"status": "DONE"}),
    ("enum: value with a quote", {"status": "IT'S DONE"}),
    ("enum omitted: its default", {"status": OMIT}),
    ("enum null", {"status": None}),
    ("dates in order", {"ends_on": "2024-01-01"}),
    ("dates out of order", {"ends_on": "2023-12-31"}),
    ("one date null", {"starts_on": None, "ends_on": "2000-01-01"}),
    ("no such day", {"ends_on": "2024-02-30"}),
    ("timestamp on the bound", {"seen_at": "2020-01-01T00:00:00Z"}),
    ("timestamp before", {"seen_at": "2019-12-31T23:59:59Z"}),
    ("timestamp before, with an offset", {"seen_at": "2020-01-01T01:00:00+02:00"}),
    ("flag without label", {"flag": True, "label": None}),
    ("no flag, no label", {"flag": False, "label": None}),
    ("flag null, no label", {"flag": None, "label": None}),
    ("code equals label", {"label": "AB-12"}),
    ("case-insensitive pattern", {"label": "a FORBIDDEN word"}),
    ("enum and range together", {"small": 4}),
    ("not a uuid", {"ref": "not-a-uuid"}),
    ("upper-case uuid", {"ref": "6F1C2A64-1111-4B6E-9C1D-0A2B3C4D5E6F"}),
    ("array item too wide", {"tags": ["abcde"]}),
    ("array items within", {"tags": ["abcd", "x"]}),
    ("jsonb of any shape", {"data": [1, {"b": None}]}),
]
SUM_OVER_THE_BOUND = {"small": 5, "low_only": 96, "status": "IT'S DONE"}
"""Refused by samples_sum_check, which Zod cannot express."""
UPDATES: list[tuple[str, dict[str, Any]]] = [
    ("one column within", {"small": 1}),
    ("one column outside", {"small": 9}),
    ("null into NOT NULL", {"code": None}),
    ("null into nullable", {"label": None, "flag": False}),
    ("both dates out of order", {"starts_on": "2024-05-01", "ends_on": "2024-04-01"}),
    ("width", {"code": "AB-123456"}),
]


def sample_schema() -> LoadedSchema:
    return load({"samples.yaml": SAMPLES})


def _row(changes: dict[str, Any]) -> dict[str, Any]:
    row = {**BASE, **changes}
    return {k: v for k, v in row.items() if v is not OMIT}


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return quote_literal("{" + ",".join(json.dumps(v) for v in value) + "}")
    text = str(value)
    if "\x00" in text:  # no literal can carry it: the server is given the bytes and refuses them itself
        return f"convert_from(decode({quote_literal(text.encode().hex())}, 'hex'), 'UTF8')"
    return quote_literal(text)


def _sql_value(column: str, value: Any) -> str:
    return quote_literal(json.dumps(value)) if column == "data" and value is not None else _literal(value)


async def _accepted(db: asyncpg.Connection, sql: str) -> bool:
    transaction = db.transaction()
    await transaction.start()
    try:
        await db.execute(sql)
        return True
    except asyncpg.PostgresError:
        return False
    finally:
        await transaction.rollback()


def _insert(row: dict[str, Any]) -> str:
    columns = ", ".join(quote_ident(c) for c in row)
    return f"INSERT INTO samples ({columns}) VALUES ({', '.join(_sql_value(c, v) for c, v in row.items())})"


def _update(changes: dict[str, Any], key: uuid.UUID) -> str:
    sets = ", ".join(f"{quote_ident(c)} = {_sql_value(c, v)}" for c, v in changes.items())
    return f"UPDATE samples SET {sets} WHERE sample_id = '{key}'"


RUNNER = """const schemas = require('./out/zod');
const cases = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const verdicts = cases.map((c) => schemas[c.schema].safeParse(c.values).success);
process.stdout.write(JSON.stringify(verdicts));
"""


def _zod_verdicts(root: Path, cases: list[tuple[str, dict[str, Any]]]) -> list[bool]:
    """Each (schema export, values by column) parsed by the compiled schemas under Node."""
    payload = [{"schema": schema, "values": {camel(c): v for c, v in values.items()}} for schema, values in cases]
    (root / "cases.json").write_text(json.dumps(payload))
    (root / "runner.js").write_text(RUNNER)
    done = subprocess.run(["node", str(root / "runner.js"), str(root / "cases.json")], capture_output=True,
                          text=True, timeout=120, check=True)
    return [bool(v) for v in json.loads(done.stdout)]


def _compiled(root: Path, loaded: LoadedSchema, options: CodegenOptions = CodegenOptions()) -> Path:
    write_files(root, render(loaded.schema, ["zod"], options))
    done = tsc(root, ["zod/*.ts"], noEmit=False, outDir="out", rootDir=".")
    assert done.returncode == 0, done.stdout + done.stderr
    return root


async def _migrated(db: asyncpg.Connection, loaded: LoadedSchema) -> None:
    for migration in generate(loaded).migrations:
        await apply_sql(db, migration.up_name, migration.up_sql)


async def _inserts_judged(db: asyncpg.Connection, tmp_path: Path, rows: list[dict[str, Any]],
                          options: CodegenOptions = CodegenOptions()) -> tuple[list[bool], list[bool]]:
    """Whether PostgreSQL accepts each row as an insert, and whether NewSampleSchema does."""
    loaded = sample_schema()
    await _migrated(db, loaded)
    root = _compiled(tmp_path, loaded, options)
    database = [await _accepted(db, _insert(row)) for row in rows]
    return database, _zod_verdicts(root, [("NewSampleSchema", row) for row in rows])


async def test_zod_agrees_with_postgresql_on_inserts(db: asyncpg.Connection, tmp_path: Path) -> None:
    database, zod = await _inserts_judged(db, tmp_path, [_row(changes) for _, changes in CASES])
    disagreements = [(name, d, z) for (name, _), d, z in zip(CASES, database, zod, strict=True) if d != z]
    assert disagreements == [], "(case, database accepts, zod accepts)"
    assert database.count(True) >= 15 and database.count(False) >= 15  # both sides exercised


async def test_zod_agrees_with_postgresql_on_updates(db: asyncpg.Connection, tmp_path: Path) -> None:
    loaded = sample_schema()
    await _migrated(db, loaded)
    root = _compiled(tmp_path, loaded)
    key = uuid.uuid4()
    await db.execute(_insert({**BASE, "sample_id": str(key), "small": 0}))
    database = [await _accepted(db, _update(changes, key)) for _, changes in UPDATES]
    zod = _zod_verdicts(root, [("SampleUpdateSchema", changes) for _, changes in UPDATES])
    assert list(zip([n for n, _ in UPDATES], zod, strict=True)) == list(
        zip([n for n, _ in UPDATES], database, strict=True))
    assert database == [True, False, False, True, False, False]


async def test_checks_zod_cannot_express_are_listed_and_left_to_the_database(db: asyncpg.Connection,
                                                                           tmp_path: Path) -> None:
    loaded = sample_schema()
    text = render(loaded.schema, ["zod"], CodegenOptions())["zod/sample.ts"]
    listed = text.split("*/")[0]
    assert "samples_sum_check: `small + low_only < 100` (arithmetic (+) is not translated)" in listed
    assert "samples_upper_check: `upper(code) = code` (the function upper)" in listed
    await _migrated(db, loaded)
    root = _compiled(tmp_path, loaded)
    row = _row(SUM_OVER_THE_BOUND)
    assert await _accepted(db, _insert(row)) is False
    assert _zod_verdicts(root, [("NewSampleSchema", row)]) == [True]


def test_every_check_is_expressed_or_listed() -> None:
    for schema in (sample_schema().schema, wide().schema, example_schema()):
        files = render(schema, ["zod"], CodegenOptions())
        for table in schema.tables:
            text = next(v for v in files.values() if f"An insert into {table.name}:" in v)
            for check in table.checks:
                named = check.name in text
                enum = any(c.property_type == "enum" and check.columns == (c.name,) for c in table.columns)
                assert named or enum, f"{check.name} is neither checked nor listed"


def test_zod_compiles_for_the_examples_and_the_wide_schema(tmp_path: Path) -> None:
    for name, schema in (("examples", example_schema()), ("wide", wide().schema)):
        for decimal in ("string", "number"):
            root = tmp_path / f"{name}-{decimal}"
            write_files(root, render(schema, ["zod"], CodegenOptions(decimal="number" if decimal == "number"
                                                                     else "string")))
            (root / "usage.ts").write_text(USAGE if name == "examples" else "export {};\n")
            done = tsc(root, ["*.ts", "zod/*.ts"])
            assert done.returncode == 0, done.stdout


USAGE = """import { LotUpdateInput, NewLotInput, NewLotSchema } from './zod';

const draft: NewLotInput = { tenantId: '6f1c2a64-1111-4b6e-9c1d-0a2b3c4d5e6f', lotNumber: 'L-1',
  materialId: '6f1c2a64-1111-4b6e-9c1d-0a2b3c4d5e6f', unitOfMeasure: 'KG' };
const change: LotUpdateInput = { qualityStatus: 'RELEASED' };
export const ok: boolean = NewLotSchema.safeParse(draft).success && change.qualityStatus !== undefined;
"""


def _random_values(rng: random.Random) -> list[dict[str, Any]]:
    """Decimals near NUMERIC(6, 2)'s limits (rounding included), text of mixed widths, integers near bounds."""
    changes: list[dict[str, Any]] = []
    for _ in range(150):
        whole = rng.choice(["0", "1", "99", "9999", "10000", "09999", str(rng.randrange(100_000))])
        fraction = "".join(rng.choice("0123456789") for _ in range(rng.randrange(5)))
        sign = rng.choice(["", "", "-", "+"])
        changes.append({"price": f"{sign}{whole}" + (f".{fraction}" if fraction or rng.random() < 0.2 else "")})
    alphabet = ["a", "B", "é", "\U0001f600", " ", "'", "-"]
    for _ in range(100):
        changes.append({"label": "".join(rng.choice(alphabet) for _ in range(rng.randrange(6)))})
        changes.append({"code": "AB-" + "".join(rng.choice("0123456789x") for _ in range(rng.randrange(8)))})
    for _ in range(50):
        changes.append({"small": rng.randrange(-8, 9), "status": rng.choice(["NEW", "IT'S DONE"]),
                        "low_only": rng.randrange(5, 15)})
    return changes


async def test_zod_agrees_with_postgresql_on_random_values(db: asyncpg.Connection, tmp_path: Path) -> None:
    rows = [_row(changes) for changes in _random_values(random.Random(21))]
    database, zod = await _inserts_judged(db, tmp_path, rows)
    disagreements = [(row, d) for row, d, z in zip(rows, database, zod, strict=True) if d != z]
    assert disagreements == [], "(row, database accepts)"
    assert 100 < database.count(True) < len(rows) - 100


NUMBERS = [9999.99, 9999.995, 9999.994, 9999.9949, 10000.0, 10000, -0.01, 0.0, 1e-7, 1e22, 123.456, 99.999,
           0.005, -0.004, 9999.989999999]
"""Prices as JSON numbers (`--decimal number`): the shortest digits JSON carries decide the rounding."""


async def test_zod_agrees_with_postgresql_on_decimals_as_numbers(db: asyncpg.Connection, tmp_path: Path) -> None:
    rng = random.Random(7)
    numbers = NUMBERS + [round(rng.uniform(-10, 10_010), rng.randrange(5)) for _ in range(100)]
    database, zod = await _inserts_judged(db, tmp_path, [_row({"price": n}) for n in numbers],
                                          CodegenOptions(decimal="number"))
    assert [(n, d) for n, d, z in zip(numbers, database, zod, strict=True) if d != z] == [], "(price, database)"
    assert True in database and False in database
