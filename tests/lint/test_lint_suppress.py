"""Inline `-- agent:ignore CODE reason`: reason required, next statement only, unused reported."""

from __future__ import annotations

from agent.lint import RULES, lint_source
from tests.lint.lint_helpers import codes

INDEX = "CREATE INDEX i ON lots (a);"
TIMEOUT = "SET lock_timeout = '1s';\nSET statement_timeout = '1min';\n"


def test_ignore_with_reason_suppresses_and_is_kept_as_suppressed() -> None:
    report = lint_source("m.sql", f"{TIMEOUT}-- agent:ignore MA101 lots has 12 rows\n{INDEX}")
    assert [f.code for f in report.findings] == []
    assert [(f.code, reason) for f, reason in report.suppressed] == [("MA101", "lots has 12 rows")]


def test_ignore_without_reason_suppresses_nothing_and_is_reported() -> None:
    found = codes(f"{TIMEOUT}-- agent:ignore MA101\n{INDEX}")
    assert "MA101" in found and "MA001" in found


def test_ignore_applies_only_to_the_next_statement() -> None:
    sql = f"{TIMEOUT}-- agent:ignore MA101 small\nSELECT 1;\n{INDEX}"
    found = codes(sql)
    assert "MA101" in found
    assert "MA002" in found


def test_ignore_inside_a_statement_applies_to_it() -> None:
    sql = f"{TIMEOUT}CREATE INDEX i\n-- agent:ignore MA101 tiny table\nON lots (a);"
    assert codes(sql) == []


def test_several_codes_in_one_ignore() -> None:
    sql = "-- agent:ignore MA101,MA401,MA402 lookup table, 40 rows\n" + INDEX
    assert codes(sql) == []


def test_unknown_code_is_reported() -> None:
    found = lint_source("m.sql", f"-- agent:ignore MA999 why not\n{TIMEOUT}")
    assert [(f.code, "names no rule" in f.message) for f in found.findings] == [("MA002", True)]


def test_unused_ignore_points_at_the_comment() -> None:
    report = lint_source("m.sql", "SELECT 1;\n-- agent:ignore MA101 stale\nSELECT 2;")
    (finding,) = report.findings
    assert (finding.code, finding.line, finding.column) == ("MA002", 2, 1)


def test_unknown_marker_is_reported() -> None:
    assert codes("-- agent:ingore MA101 typo\nSELECT 1;") == ["MA003"]


def test_markers_written_by_the_generator_are_known() -> None:
    assert codes("-- agent:phase expand\n-- agent:deploy before-app\nSELECT 1;") == []


def test_ignore_of_a_rule_that_did_not_run_is_not_unused() -> None:
    sql = "-- agent:ignore MA502 legacy width\nCREATE TABLE t (t_id bigint PRIMARY KEY, c varchar(9));"
    assert codes(sql) == []
    every = lint_source("m.sql", sql, RULES)
    assert every.findings == ()
    assert [(f.code, reason) for f, reason in every.suppressed] == [("MA502", "legacy width")]


def test_disabled_marker_rules_report_nothing() -> None:
    sql = "-- agent:ingore MA101 typo\nSELECT 1;"
    assert codes(sql) == ["MA003"]
    assert codes(sql, rules=RULES.selected(disable=["MA003"])) == []


def test_marker_lines_inside_strings_and_block_comments_are_not_markers() -> None:
    from agent.lint.source import parse_source

    texts = {
        "SELECT 'x\n-- agent:ignore MA101 r\n';": [],
        "/* a\n-- agent:ignore MA101 r\n*/ SELECT 1;": [],
        "SELECT $$\n-- agent:no-transaction\n$$;": [],
        "-- agent:ignore MA101 why\nCREATE INDEX i ON t (a);\nSELECT 'agent:';": ["ignore"],
        "SELECT 1;\n--agent:destructive": ["destructive"],
    }
    for text, verbs in texts.items():
        assert [m.verb for m in parse_source("m.sql", text).markers] == verbs, text
