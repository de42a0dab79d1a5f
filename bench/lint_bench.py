"""Lint benchmark: one generated corpus of migrations, linted by ours and by squawk.

    python bench/lint_bench.py [--files 1200] [--seed 6] [--repeat 5]
    python bench/lint_bench.py --corpus tests/lint/field [--repeat 5]

Builds >= 1000 migration files from varied templates (safe and unsafe ALTERs, creates
with RLS, backfills, transactions, markers) in a temporary folder, then times, in one
run: our linter as the command a user runs (`migration-agent lint --format json FILES`,
the installed console script: interpreter start and the CLI included), our linter
in-process (parse + rules only), and `squawk --reporter json FILES` (the squawk-cli wheel)
if it is installed. Both commands get every file in one process. Prints the figures and
writes bench/results/lint_bench.json with both wall times, the ratio, the CPU time of each
(squawk spreads its work over threads, so its CPU time exceeds its wall time), and the
findings of each linter per file. It also times the floor our command cannot go below: starting
the interpreter and importing click and pglast, with no file read.

With `--corpus DIR`, the files are real ones instead: each folder directly under DIR is one
project (the field corpus, tests/lint/field), linted as a user would, one command per project
with its migration tool detected, and squawk likewise one command per project; a linter's
time is the sum over the projects. Results go to bench/results/lint_bench_corpus.json.

Each timing is taken `--repeat` times, alternating the linters; the ratio compares the
medians (a shared machine makes single runs vary by 2x), and the minimums are kept too.
Before timing, the package's bytecode is compiled (as an installed package has it: with
PYTHONDONTWRITEBYTECODE set, every run would otherwise compile each module changed since its
last .pyc) and each linter runs once untimed.
"""

from __future__ import annotations

import argparse
import compileall
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "lint_bench.json"
CORPUS_RESULTS = ROOT / "bench" / "results" / "lint_bench_corpus.json"
sys.path.insert(0, str(ROOT))

TABLES = ["lots", "materials", "suppliers", "storage_locations", "lot_events", "receipts",
          "shipments", "orders", "order_lines", "bins"]
COLUMNS = ["lot_code", "supplier_id", "material_id", "quantity", "received_at", "note",
           "weight", "status", "batch_no", "expires_on"]
TYPES = ["text", "bigint", "integer", "uuid", "timestamptz", "timestamp", "varchar(40)",
         "jsonb", "json", "numeric(12, 3)", "boolean", "char(2)"]

ALTERS = [
    "ALTER TABLE {t} ADD COLUMN {c} {ty};",
    "ALTER TABLE {t} ADD COLUMN {c} {ty} NOT NULL DEFAULT {d};",
    "ALTER TABLE {t} ADD COLUMN {c} uuid NOT NULL DEFAULT gen_random_uuid();",
    "ALTER TABLE {t} ADD COLUMN {c} {ty} NOT NULL;",
    "ALTER TABLE {t} ALTER COLUMN {c} TYPE {ty};",
    "ALTER TABLE {t} ALTER COLUMN {c} SET NOT NULL;",
    "ALTER TABLE {t} ALTER COLUMN {c} DROP NOT NULL;",
    "ALTER TABLE {t} RENAME COLUMN {c} TO {c}_old;",
    "ALTER TABLE {t} DROP COLUMN {c};",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_check CHECK ({c} IS NOT NULL) NOT VALID;",
    "ALTER TABLE {t} VALIDATE CONSTRAINT {t}_{c}_check;",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_fk FOREIGN KEY ({c}) REFERENCES {t2} (id);",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_fk FOREIGN KEY ({c}) REFERENCES {t2} (id) "
    "ON DELETE RESTRICT NOT VALID;",
    "ALTER TABLE {t} ADD CONSTRAINT {t}_{c}_key UNIQUE ({c});",
    "CREATE INDEX idx_{t}_{c} ON {t} ({c});",
    "CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_{t}_{c} ON {t} ({c});",
    "DROP INDEX idx_{t}_{c};",
    "DROP INDEX CONCURRENTLY IF EXISTS idx_{t}_{c};",
    "UPDATE {t} SET {c} = NULL;",
    "UPDATE {t} SET {c} = {d} WHERE id IN (SELECT id FROM {t} WHERE {c} IS NULL "
    "ORDER BY id LIMIT 1000);",
    "DELETE FROM {t} WHERE created_at < now() - interval '1 year';",
    "TRUNCATE {t} CASCADE;",
    "DROP TABLE {t};",
    "CREATE TABLE _backup_{t} AS TABLE {t};",
    "COMMENT ON COLUMN {t}.{c} IS 'generated for the benchmark';",
]


def _create(rng: random.Random, table: str) -> list[str]:
    columns = rng.sample(COLUMNS, 4)
    body = ",\n  ".join(f"{c} {rng.choice(TYPES)}" for c in columns)
    tenant = rng.random() < 0.7
    lines = [f"CREATE TABLE {table} (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
             + ("\n  tenant_id uuid NOT NULL," if tenant else "") + f"\n  {body}\n);"]
    lines.append(f"CREATE INDEX idx_{table}_{columns[0]} ON {table} ({columns[0]});")
    if tenant:
        lines.append(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY;")
        if rng.random() < 0.6:
            lines.append(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY;")
        setting = rng.choice(["current_setting('app.tenant')",
                              "NULLIF(current_setting('app.tenant', true), '')"])
        check = f" WITH CHECK (tenant_id = {setting}::uuid)" if rng.random() < 0.5 else ""
        lines.append(f"CREATE POLICY {table}_isolation ON {table} FOR ALL "
                     f"USING (tenant_id = {setting}::uuid){check};")
    return lines


def _alter_file(rng: random.Random) -> list[str]:
    lines: list[str] = []
    if rng.random() < 0.5:
        lines.append("SET lock_timeout = '2s';")
    if rng.random() < 0.3:
        lines.append("SET statement_timeout = '5min';")
    for _ in range(rng.randint(2, 10)):
        t, t2 = rng.sample(TABLES, 2)
        template = rng.choice(ALTERS)
        lines.append(template.format(t=t, t2=t2, c=rng.choice(COLUMNS), ty=rng.choice(TYPES),
                                     d=rng.choice(["0", "''", "now()", "false"])))
    return lines


def _file(rng: random.Random, number: int) -> str:
    header = [f"-- Migration {number:05d}, generated for the lint benchmark"]
    marker = rng.random()
    if marker < 0.15:
        header.append("-- agent:no-transaction")
    elif marker < 0.25:
        header.append("-- agent:destructive contract step")
    creating = rng.random() < 0.4
    body = _create(rng, f"{rng.choice(TABLES)}_{number}") if creating else _alter_file(rng)
    if rng.random() < 0.3:
        body = ["BEGIN;", *body, "COMMIT;"]
    if rng.random() < 0.05:
        body.insert(0, "-- agent:ignore MA101 small lookup table")
    return "\n".join([*header, *body]) + "\n"


def build_corpus(folder: Path, count: int, seed: int) -> list[Path]:
    rng = random.Random(seed)
    paths = []
    for number in range(count):
        path = folder / f"{20250101000000 + number}_bench_{number:05d}.sql"
        path.write_text(_file(rng, number), encoding="utf-8")
        paths.append(path)
    return paths


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _timed(command: list[str]) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """(wall seconds, CPU seconds, result) of running `command` to its end."""
    cpu = _cpu_seconds()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=ROOT)
    return time.perf_counter() - started, _cpu_seconds() - cpu, done


def _our_command() -> list[str]:
    """`migration-agent lint`: the installed console script (the module if not installed)."""
    script = Path(sys.executable).parent / "migration-agent"
    return [str(script)] if script.exists() else [sys.executable, "-m", "agent"]


def _our_run(paths: list[Path]) -> dict[str, Any]:
    seconds, cpu, done = _timed([*_our_command(), "lint", "--format", "json", *map(str, paths)])
    if done.returncode not in (0, 1, 2) or not done.stdout:  # 2: a file that does not parse
        raise SystemExit(f"our linter failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout)
    per_file: dict[str, list[str]] = defaultdict(list)
    for f in report["files"]:
        per_file[_key(f["path"])] += [x["code"] for x in f["findings"]]
    return {"seconds": seconds, "cpu_seconds": cpu, "findings": {k: sorted(v) for k, v in per_file.items()}}


def _key(path: str) -> str:
    """A file's name in the findings: its path below the corpus (a generated file: its name)."""
    resolved = Path(path).resolve()
    return resolved.relative_to(CORPUS_ROOT[0]).as_posix() if CORPUS_ROOT else resolved.name


# The real corpus's folder when --corpus is given (file keys are paths below it).
CORPUS_ROOT: list[Path] = []


def _summed(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {"seconds": sum(r["seconds"] for r in runs), "cpu_seconds": sum(r["cpu_seconds"] for r in runs),
            "findings": {k: v for r in runs for k, v in r["findings"].items()}}


def run_ours(groups: list[list[Path]]) -> dict[str, Any]:
    """Our command once per group of files (one project each), times summed."""
    return _summed([_our_run(paths) for paths in groups])


def run_ours_in_process(groups: list[list[Path]]) -> float:
    """Parse and lint as the command does (one batch per group, files in order, each group's
    tool detected), without the process."""
    from agent.lint import lint_sequence
    from agent.lint.tools import detect, in_run_order, tool_sources

    batches = []
    for paths in groups:
        names = [str(p) for p in paths]
        tool = detect(names, paths[0].read_text(encoding="utf-8"))
        ordered = in_run_order(tool, [p for p in names if tool.lints(p)])
        batches.append((tool, [(p, Path(p).read_text(encoding="utf-8")) for p in ordered]))
    started = time.perf_counter()
    for tool, texts in batches:
        lint_sequence(tool_sources(tool, texts))
    return time.perf_counter() - started


def _squawk_run(binary: str, paths: list[Path]) -> dict[str, Any]:
    seconds, cpu, done = _timed([binary, "--reporter", "json", *map(str, paths)])
    per_file: dict[str, list[str]] = defaultdict(list)
    for violation in json.loads(done.stdout or "[]"):
        per_file[_key(violation["file"])].append(violation["rule_name"])
    findings = {_key(str(p)): sorted(per_file.get(_key(str(p)), [])) for p in paths}
    return {"seconds": seconds, "cpu_seconds": cpu, "findings": findings}


def run_squawk(groups: list[list[Path]]) -> dict[str, Any] | None:
    binary = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
    if not Path(binary).exists():
        return None
    return _summed([_squawk_run(binary, paths) for paths in groups])


# What every run of our command pays before it reads a file: the interpreter and the two
# libraries the command cannot start without (the CLI and the SQL parser).
FLOOR_COMMAND = [sys.executable, "-c", "import click, pglast.parser"]


def run_floor() -> dict[str, Any]:
    seconds, cpu, done = _timed(FLOOR_COMMAND)
    if done.returncode != 0:
        raise SystemExit(f"the start-up floor failed: {done.stderr[-2000:]}")
    return {"seconds": seconds, "cpu_seconds": cpu}


def warm_up(groups: list[list[Path]]) -> None:
    """Compiled bytecode for our package, and one untimed run of each linter."""
    compileall.compile_dir(str(ROOT / "agent"), quiet=1)
    run_ours(groups)
    run_squawk(groups)


def corpus_groups(corpus: Path) -> list[list[Path]]:
    """The .sql files of each project folder under `corpus`, in path order."""
    groups = [sorted(p for p in folder.rglob("*.sql") if p.is_file())
              for folder in sorted(corpus.iterdir()) if folder.is_dir()]
    groups = [g for g in groups if g]
    if not groups:
        raise SystemExit(f"{corpus}: no project folder with .sql files")
    return groups


def _total(findings: dict[str, list[str]]) -> int:
    return sum(len(v) for v in findings.values())


def _timings(runs: list[dict[str, Any]]) -> dict[str, Any]:
    wall = [r["seconds"] for r in runs]
    return {"wall_seconds": round(statistics.median(wall), 4), "min_seconds": round(min(wall), 4),
            "runs": [round(w, 4) for w in wall],
            "cpu_seconds": round(statistics.median(r["cpu_seconds"] for r in runs), 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1200)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", type=Path, help="Real files: one project per folder under it.")
    args = parser.parse_args()
    if args.corpus is not None:
        CORPUS_ROOT.append(args.corpus.resolve())
        groups = corpus_groups(args.corpus.resolve())
        _finish(_measure(groups, args.repeat), str(args.corpus), CORPUS_RESULTS)
        return
    with tempfile.TemporaryDirectory(prefix="lint-bench-") as folder:
        groups = [build_corpus(Path(folder), max(args.files, 1000), args.seed)]
        _finish(_measure(groups, args.repeat), "generated, 2-14 statements per file", RESULTS)


def _measure(groups: list[list[Path]], repeat: int) -> dict[str, Any]:
    ours_runs: list[dict[str, Any]] = []
    squawk_runs: list[dict[str, Any]] = []
    floor_runs: list[dict[str, Any]] = []
    squawk: dict[str, Any] | None = None
    warm_up(groups)
    for _ in range(max(repeat, 1)):
        ours = run_ours(groups)
        ours_runs.append(ours)
        squawk = run_squawk(groups)
        if squawk is not None:
            squawk_runs.append(squawk)
        floor_runs.append(run_floor())
    in_process = min(run_ours_in_process(groups) for _ in range(max(repeat, 1)))
    squawk_median = statistics.median(r["seconds"] for r in squawk_runs) if squawk else None
    ratio = statistics.median(r["seconds"] for r in ours_runs) / squawk_median if squawk_median else None
    floor = _timings(floor_runs)
    return {
        "files": sum(len(g) for g in groups),
        "runs_per_linter": len(groups),
        "repeat": len(ours_runs),
        "ours": {**_timings(ours_runs),
                 "in_process_seconds": round(in_process, 4),
                 "findings_total": _total(ours["findings"]), "findings": ours["findings"]},
        "squawk": None if squawk is None else {
            **_timings(squawk_runs),
            "findings_total": _total(squawk["findings"]), "findings": squawk["findings"]},
        "floor": {**floor, "command": "python -c 'import click, pglast.parser'",
                  "ratio_to_squawk": None if squawk_median is None else
                  round(floor["wall_seconds"] / squawk_median, 3)},
        "ratio_ours_to_squawk": None if ratio is None else round(ratio, 3),
        "goal": "ours no slower than 3x squawk (restated in issue 19)",
        "goal_met": None if ratio is None else ratio <= 3.0,
    }


def _finish(result: dict[str, Any], corpus: str, where: Path) -> None:
    result = {"corpus": corpus, **result}
    where.parent.mkdir(parents=True, exist_ok=True)
    where.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _print(result, where)


def _print(result: dict[str, Any], where: Path) -> None:
    ours, squawk = result["ours"], result["squawk"]
    print(f"corpus: {result['files']} migration files ({result['corpus']}; {result['runs_per_linter']} "
          f"command(s) per linter), {result['repeat']} runs each (median, min)")
    print(f"ours:   {ours['wall_seconds']:.3f} s wall (process; min {ours['min_seconds']:.3f}, "
          f"CPU {ours['cpu_seconds']:.3f}), {ours['in_process_seconds']:.3f} s in-process, "
          f"{ours['findings_total']} findings")
    if squawk is None:
        print("squawk: not installed (pip install squawk-cli); no comparison")
    else:
        print(f"squawk: {squawk['wall_seconds']:.3f} s wall (min {squawk['min_seconds']:.3f}, "
              f"CPU {squawk['cpu_seconds']:.3f}), {squawk['findings_total']} findings")
        print(f"ratio ours/squawk: {result['ratio_ours_to_squawk']:.2f} "
              f"(goal <= 3.0: {'met' if result['goal_met'] else 'not met'})")
    floor = result["floor"]
    against = f", {floor['ratio_to_squawk']:.2f}x squawk's whole run" if floor["ratio_to_squawk"] else ""
    print(f"floor:  {floor['wall_seconds']:.3f} s to start python and import click and pglast, "
          f"before any file{against}")
    print(f"written: {where.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
