"""Dispatch by node type loses nothing, and the fast parse builds the same trees.

Every rule declares the statement classes it reports on (`Rule.node_types`); the engine
calls it for those only. These tests lint a varied corpus (the benchmark's generator,
every rule example and case, the generated migrations) twice, once with every rule
called on every statement, and require the same findings.
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
UNDISPATCHED = Registry(dataclasses.replace(rule, node_types=()) for rule in RULES)


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
    texts += [rule.bad for rule in RULES] + [rule.good for rule in RULES]
    texts += [sql for _, bad, good in CASES for sql in (bad, good)]
    texts += [p.read_text(encoding="utf-8") for p in sorted((REPO / "migrations").glob("*.sql"))]
    return texts


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


