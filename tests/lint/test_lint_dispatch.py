"""Dispatch by node type loses nothing, and the fast parse builds the same trees.

Every rule declares the statement classes it reports on (`Rule.node_types`), and for
ALTER TABLE the subcommand kinds (`Rule.alter_kinds`); the engine calls it for those
only. These tests lint a varied corpus (the benchmark's generator, every rule example and
case, ALTER TABLE with every kind of subcommand, the generated migrations) twice, once
with every rule called on every statement, and require the same findings.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import random
from pathlib import Path
from types import ModuleType

import pytest
from pglast import ast, parser

from agent.lint import RULES, Registry, lint_source
from agent.lint.source import SqlSyntaxError, parse_sources
from tests.lint.test_lint_rules import CASES

REPO = Path(__file__).resolve().parents[2]
UNDISPATCHED = Registry(
    dataclasses.replace(rule, node_types=(), alter_kinds=frozenset()) for rule in RULES
)
# ALTER TABLE subcommands of many kinds, alone and together, on new and existing tables,
# in up and down migrations
_ALTERS = [
    "ADD COLUMN n int NOT NULL", "ADD COLUMN s bigserial", "ADD COLUMN id integer PRIMARY KEY",
    "ADD COLUMN tenant_id uuid UNIQUE", "ADD COLUMN c char(2) REFERENCES p (id)",
    "ADD COLUMN g int GENERATED ALWAYS AS (n * 2) STORED", "ADD COLUMN u uuid DEFAULT random()",
    "ADD CONSTRAINT k UNIQUE (a)", "ADD CONSTRAINT k UNIQUE USING INDEX i",
    "ADD PRIMARY KEY (a)", "ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES p (id)",
    "ADD CONSTRAINT c CHECK (a IS NOT NULL)", "ADD CONSTRAINT x EXCLUDE USING gist (a WITH =)",
    "ALTER COLUMN a TYPE text", "ALTER COLUMN a TYPE timestamp USING a::timestamp",
    "ALTER COLUMN a SET NOT NULL", "ALTER COLUMN a DROP NOT NULL", "ALTER COLUMN a SET DEFAULT 1",
    "ALTER COLUMN a ADD GENERATED ALWAYS AS IDENTITY", "DROP COLUMN a", "DROP COLUMN a CASCADE",
    "DROP CONSTRAINT k CASCADE", "VALIDATE CONSTRAINT c", "ENABLE ROW LEVEL SECURITY",
    "FORCE ROW LEVEL SECURITY", "DETACH PARTITION p1 CONCURRENTLY", "SET (fillfactor = 70)",
    "CLUSTER ON i", "DISABLE TRIGGER ALL", "RENAME COLUMN a TO b",
]


def _alter_corpus() -> list[str]:
    rng = random.Random(7)
    texts = []
    for alter in _ALTERS:
        for prefix in ("", "CREATE TABLE t (a int, tenant_id uuid);\n"):
            texts.append(f"{prefix}ALTER TABLE t {alter};")
        texts.append(f"-- agent:direction down\nBEGIN;\nALTER TABLE t {alter};\nCOMMIT;")
    for _ in range(60):
        chosen = rng.sample(_ALTERS, rng.randint(2, 4))
        chosen = [a for a in chosen if not a.startswith(("RENAME", "DETACH"))] or ["DROP COLUMN a"]
        texts.append(f"ALTER TABLE t {', '.join(chosen)};")
    texts.append("ALTER MATERIALIZED VIEW v SET (fillfactor = 70);")
    texts.append("ALTER INDEX i SET (fillfactor = 70);")
    return texts


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("lint_bench", REPO / "bench" / "lint_bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _corpus() -> list[str]:
    bench = _bench()
    rng = random.Random(6)
    texts = [bench._file(rng, number) for number in range(400)]
    examples = [rule for rule in RULES if rule.code != "MA000"]  # its bad example does not parse
    texts += [rule.bad for rule in examples] + [rule.good for rule in examples]
    texts += [sql for _, bad, good in CASES for sql in (bad, good)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "migrations").glob("*.sql"))]
    return texts + _alter_corpus()


CORPUS = _corpus()


def _findings(text: str, rules: Registry) -> list[tuple[str, int, str]]:
    report = lint_source("m.sql", text, rules)
    found = [(f.code, f.offset, f.message) for f in report.findings]
    return found + [(f.code, f.offset, reason) for f, reason in report.suppressed]


def test_every_rule_declares_statement_classes_or_none() -> None:
    for rule in RULES:
        assert all(issubclass(t, ast.Node) for t in rule.node_types), rule.code


def test_dispatch_by_node_type_finds_the_same() -> None:
    for text in CORPUS:
        assert _findings(text, RULES) == _findings(text, UNDISPATCHED), text


def test_statement_goes_only_to_interested_rules() -> None:
    checks = RULES.checks_for(ast.TransactionStmt)
    everything = {r.check for r in RULES if r.checks_statements and not r.node_types}
    assert set(checks) == everything | {RULES["MA302"].check, RULES["MA303"].check}


def test_fast_parse_builds_the_same_tree() -> None:
    fast = parse_sources((f"{i}.sql", text) for i, text in enumerate(CORPUS))
    for source, text in zip(fast, CORPUS, strict=True):
        assert tuple(s.node for s in source.statements) == tuple(
            raw.stmt for raw in parser.parse_sql(text)
        ), text


def test_fast_parse_keeps_node_validation_for_everyone_else() -> None:
    with pytest.raises(SqlSyntaxError):
        parse_sources([("a.sql", "SELECT 1;"), ("b.sql", "SELEC 1;")])
    with pytest.raises(ValueError, match="Bad value"):
        ast.RangeVar(relname=3)
    parse_sources([("a.sql", "SELECT 1;")])
    with pytest.raises(ValueError, match="Bad value"):
        ast.RangeVar(relname=3)


