"""Static lint of PostgreSQL migrations (pglast AST) and the lock trace of a real run.

    >>> from agent.lint import lint_source
    >>> [f.code for f in lint_source("m.sql", "CREATE INDEX i ON lots (sku);").findings]
    ['MA401', 'MA402', 'MA101']
"""

from __future__ import annotations

from agent.lint.engine import FileReport, Report, lint_parsed, lint_sequence, lint_source
from agent.lint.locks import LockMode, blocked_operations
from agent.lint.model import Finding, Rule, Severity
from agent.lint.registry import DuplicateRuleError, Registry
from agent.lint.rules import RULES
from agent.lint.source import SourceFile, SqlSyntaxError, Statement, parse_source

__all__ = [
    "RULES",
    "DuplicateRuleError",
    "FileReport",
    "Finding",
    "LockMode",
    "Registry",
    "Report",
    "Rule",
    "Severity",
    "SourceFile",
    "SqlSyntaxError",
    "Statement",
    "blocked_operations",
    "lint_parsed",
    "lint_sequence",
    "lint_source",
    "parse_source",
]
