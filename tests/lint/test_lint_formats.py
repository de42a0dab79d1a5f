"""Output formats: text with caret, JSON, SARIF 2.1.0, GitHub annotations."""

from __future__ import annotations

import json

from agent.lint import Report, lint_source
from agent.lint.render import render, sarif_log
from agent.lint.render.github import annotation

SQL = "SET lock_timeout = '1s';\nSET statement_timeout = '1m';\n  CREATE INDEX i ON lots (a);\n"


def _report(sql: str = SQL, path: str = "m/001.sql") -> Report:
    return Report((lint_source(path, sql),))


def test_text_has_position_message_caret_why_and_instead() -> None:
    text = render(_report(), "text")
    lines = text.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("m/001.sql:3:21: error MA101"))
    assert lines[head + 1].endswith("|   CREATE INDEX i ON lots (a);")
    caret_line = lines[head + 2]
    source_line = lines[head + 1]
    assert caret_line.index("^") == source_line.index("lots")
    assert any(line.strip().startswith("why:") for line in lines[head:])
    assert any(line.strip().startswith("instead:") for line in lines[head:])
    assert lines[-1] == "1 error(s), 0 warning(s), 0 suppressed in 1 file(s)"


def test_json_lists_findings_with_rule_data() -> None:
    data = json.loads(render(_report(), "json"))
    assert data["summary"] == {
        "files": 1, "errors": 1, "warnings": 0, "suppressed": 0, "unparsed": 0,
    }
    (finding,) = data["files"][0]["findings"]
    assert finding["code"] == "MA101" and (finding["line"], finding["column"]) == (3, 21)
    assert finding["doc"] == "docs/rules/MA101-create-index-not-concurrent.md"


def test_sarif_is_structurally_valid_2_1_0() -> None:
    log = json.loads(render(_report(), "sarif"))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["defaultConfiguration"]["level"] in ("error", "warning")
        assert rule["shortDescription"]["text"]
    (result,) = run["results"]
    assert result["ruleId"] == "MA101" and ids[result["ruleIndex"]] == "MA101"
    assert result["level"] == "error" and result["message"]["text"]
    location = result["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "m/001.sql"
    assert location["region"] == {"startLine": 3, "startColumn": 21}


def test_sarif_marks_suppressed_findings_in_source() -> None:
    sql = SQL.replace("  CREATE", "-- agent:ignore MA101 small table\nCREATE")
    results = sarif_log(_report(sql))["runs"][0]["results"]
    assert [r["suppressions"] for r in results] == [
        [{"kind": "inSource", "justification": "small table"}]
    ]


def test_github_annotation_escapes_properties_and_data() -> None:
    report = _report(path="dir,x/a:b.sql")
    line = annotation(report.findings[0])
    assert line.startswith("::error file=dir%2Cx/a%3Ab.sql,line=3,col=21,title=MA101 ")
    assert "\n" not in line and "%0AInstead: " in line
    assert render(report, "github") == line + "\n"


def test_json_output_is_the_report_data_one_file_per_line() -> None:
    from agent.lint.render.json_format import report_json

    files = (lint_source("a.sql", "CREATE INDEX i ON lots (a);"), lint_source("b.sql", "SELECT 1;"))
    for report in (Report(files), Report(())):
        out = render(report, "json")
        assert json.loads(out) == report_json(report)
        file_lines = [line for line in out.splitlines() if line.startswith('    {"path"')]
        assert len(file_lines) == len(report.files)


def test_json_file_lines_are_json_dumps_of_each_file() -> None:
    from agent.lint import lint_sequence, parse_source
    from tests.lint.test_lint_dispatch import CORPUS

    texts = [*CORPUS, "-- agent:ignore MA101 tiny\nCREATE INDEX \"ïdx\" ON \"lots\u00e9\" (a);"]
    report = lint_sequence(parse_source(f"m/{i:03d}_é.sql", text) for i, text in enumerate(texts))
    assert any(f.suppressed for f in report.files) and any(x.fix for x in report.findings)
    out = render(report, "json")
    file_lines = [line for line in out.splitlines() if line.startswith('    {"path"')]
    expected = [f"    {json.dumps(file.to_json())}" for file in report.files]
    assert [line.removesuffix(",") for line in file_lines] == expected
