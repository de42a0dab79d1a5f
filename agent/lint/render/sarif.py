"""SARIF 2.1.0, for code-scanning dashboards."""

from __future__ import annotations

import json
from typing import Any

from agent.lint.engine import Report
from agent.lint.model import Finding, Rule, Severity

__all__ = ["SARIF_SCHEMA", "render_sarif", "sarif_log"]

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}


def _rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.message.split(":")[0]},
        "fullDescription": {"text": rule.why},
        "help": {"text": rule.instead, "markdown": f"**Instead:** {rule.instead}"},
        "helpUri": rule.doc,
        "defaultConfiguration": {"level": _LEVEL[rule.severity]},
    }


def _result(finding: Finding, index: dict[str, int], reason: str | None) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": index[finding.code],
        "level": _LEVEL[finding.severity],
        "message": {"text": f"{finding.message}. Instead: {finding.instead}"},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": finding.path},
                "region": {"startLine": finding.line, "startColumn": finding.column},
            }
        }],
    }
    if reason is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": reason}]
    return result


def sarif_log(report: Report) -> dict[str, Any]:
    from agent.lint.rules import RULES

    rules = list(RULES)
    index = {rule.code: i for i, rule in enumerate(rules)}
    results = [_result(f, index, None) for f in report.findings]
    for file in report.files:
        results.extend(_result(f, index, reason) for f, reason in file.suppressed)
    driver = {
        "name": "migration-agent-lint",
        "version": "0.1.0",
        "rules": [_rule(r) for r in rules],
    }
    run: dict[str, Any] = {"tool": {"driver": driver}, "results": results}
    if report.tool:
        run["properties"] = {"migrationTool": report.tool, "migrationToolChosen": report.tool_by}
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_log(report), indent=2) + "\n"
