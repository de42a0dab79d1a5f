"""The committed rule pages are exactly what the rule modules generate."""

from __future__ import annotations

from pathlib import Path

from agent.lint import RULES
from agent.lint.docs import DOCS_DIR, INDEX, generate

REPO = Path(__file__).resolve().parents[2]


def test_committed_docs_match_generated() -> None:
    generated = generate()
    committed = {p.name: p.read_text(encoding="utf-8") for p in (REPO / DOCS_DIR).glob("*.md")}
    assert committed == generated, "run: python -m agent.lint.docs"


def test_every_rule_has_a_page_linked_from_its_findings() -> None:
    pages = generate()
    for rule in RULES:
        assert rule.doc.removeprefix("docs/rules/") in pages
        assert f"({rule.code}-{rule.name}.md)" in pages[INDEX]
