"""Where our linter and squawk disagree on the field corpus, and a seeded sample to judge.

    python bench/lint_field.py [--corpus tests/lint/field] [--seed 20] [--sample 40] [--out FILE]

Each project folder of the corpus is linted by ours (tool detected, `agent.lint.api`) and by
squawk (`squawk --reporter json`, every file). Findings are grouped per file into hazards both
can name (a non-concurrent index build, a drop that loses data, a rename...), plus the hazards
only one of them has a rule for; a disagreement is a (file, hazard) that one raised and the
other did not. Policy rules (timeouts, preferred types, robust statements) are left out on
both sides: they are settings, not hazards. Writes every disagreement and the sample as JSON
(docs/lint-field.md holds the judged sample).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Our rule -> the hazard it names, where squawk has a rule for the same hazard.
OURS_SHARED = {
    "MA000": "syntax", "MA101": "index-create", "MA102": "index-drop", "MA104": "validate",
    "MA105": "unique", "MA106": "pk", "MA111": "pk", "MA107": "set-not-null",
    "MA108": "type-change", "MA117": "type-change", "MA118": "type-change",
    "MA109": "rewriting-default", "MA112": "rewriting-default", "MA110": "required-column",
    "MA201": "data-loss", "MA202": "data-loss", "MA208": "data-loss", "MA608": "data-loss",
    "MA205": "rename-column", "MA206": "rename-table", "MA207": "drop-not-null",
    "MA213": "drop-view", "MA216": "drop-constraint", "MA301": "concurrent-in-tx",
    "MA507": "identifier-too-long",
}
SQUAWK_SHARED = {
    "syntax-error": "syntax", "require-concurrent-index-creation": "index-create",
    "require-concurrent-index-deletion": "index-drop", "constraint-missing-not-valid": "validate",
    "adding-foreign-key-constraint": "validate", "disallowed-unique-constraint": "unique",
    "adding-serial-primary-key-field": "pk", "adding-not-nullable-field": "set-not-null",
    "changing-column-type": "type-change", "adding-field-with-default": "rewriting-default",
    "adding-required-field": "required-column", "ban-drop-column": "data-loss",
    "ban-drop-table": "data-loss", "ban-truncate-cascade": "data-loss",
    "renaming-column": "rename-column", "renaming-table": "rename-table",
    "ban-drop-not-null": "drop-not-null", "ban-drop-view": "drop-view",
    "ban-drop-constraint": "drop-constraint",
    "ban-concurrent-index-creation-in-transaction": "concurrent-in-tx",
    "identifier-too-long": "identifier-too-long",
}
# Hazards only one side has a rule for (each is its own hazard, named by its rule).
OURS_ONLY = {
    "MA103", "MA113", "MA114", "MA115", "MA116", "MA203", "MA204", "MA209", "MA210", "MA211",
    "MA212", "MA214", "MA215", "MA302", "MA303", "MA304", "MA305", "MA601", "MA602", "MA603",
    "MA604", "MA605", "MA607", "MA609", "MA610", "MA611",
}
SQUAWK_ONLY = {
    "ban-drop-function", "ban-drop-default", "ban-drop-extension", "ban-drop-type",
    "ban-drop-sequence", "renaming-object", "require-enum-value-ordering", "ban-drop-database",
}

Hazards = dict[str, dict[str, list[list[Any]]]]


def _ours(corpus: Path) -> Hazards:
    from agent.lint.api import lint_project

    found: Hazards = defaultdict(lambda: defaultdict(list))
    for project in sorted(p for p in corpus.iterdir() if p.is_dir()):
        for report in lint_project([str(project)]).files:
            path = Path(report.path).relative_to(corpus).as_posix()
            for f in report.findings:
                hazard = OURS_SHARED.get(f.code) or (f.code if f.code in OURS_ONLY else None)
                if hazard:
                    found[path][hazard].append([f.code, f.line])
    return found


def squawk_binary() -> str | None:
    binary = shutil.which("squawk") or str(Path(sys.executable).parent / "squawk")
    return binary if Path(binary).exists() else None


def _squawk(corpus: Path, files: list[str]) -> Hazards:
    binary = squawk_binary()
    if binary is None:
        raise SystemExit("squawk is not installed (pip install squawk-cli)")
    done = subprocess.run([binary, "--reporter", "json", *files], capture_output=True, text=True,
                          check=False, cwd=corpus)
    found: Hazards = defaultdict(lambda: defaultdict(list))
    for violation in json.loads(done.stdout or "[]"):
        rule = violation["rule_name"]
        hazard = SQUAWK_SHARED.get(rule) or (rule if rule in SQUAWK_ONLY else None)
        if hazard:
            found[violation["file"]][hazard].append([rule, violation["line"] + 1])
    return found


def disagreements(corpus: Path) -> list[dict[str, Any]]:
    files = sorted(p.relative_to(corpus).as_posix() for p in corpus.rglob("*.sql"))
    ours, squawk = _ours(corpus), _squawk(corpus, files)
    found = []
    for path in files:
        for hazard in sorted(set(ours.get(path, {})) | set(squawk.get(path, {}))):
            a, b = ours.get(path, {}).get(hazard), squawk.get(path, {}).get(hazard)
            if bool(a) != bool(b):
                found.append({"file": path, "hazard": hazard, "raised_by": "ours" if a else "squawk",
                              "findings": a or b})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "tests" / "lint" / "field")
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--sample", type=int, default=40)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lint_field.json")
    args = parser.parse_args()
    found = disagreements(args.corpus.resolve())
    sample = random.Random(args.seed).sample(found, min(args.sample, len(found)))
    counts = Counter(f"{d['raised_by']} {d['hazard']}" for d in found)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"seed": args.seed, "counts": dict(counts.most_common()),
                                    "sample": sample, "disagreements": found}, indent=1) + "\n",
                        encoding="utf-8")
    print(f"{len(found)} disagreements: " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    for number, item in enumerate(sample):
        lines = sorted({line for _, line in item["findings"]})
        print(f"{number:3} {item['raised_by']:6} {item['hazard']:18} {item['file']} {lines}")
    print(f"written: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
