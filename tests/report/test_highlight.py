"""SQL highlighting: every character shown, escaped, in order; classes from PostgreSQL's scanner."""

from __future__ import annotations

import html
import re

from hypothesis import example, given
from hypothesis import strategies as st

from agent.report.highlight import highlight_sql

_TAG = re.compile(r"<[^>]*>")


def _shown(lines: list[str]) -> str:
    return "\n".join(html.unescape(_TAG.sub("", line)) for line in lines)


@given(st.text(alphabet=st.sampled_from(list("SELECT from$'\"-*/\n;()abc<>&é1.:E\\")), max_size=80))
@example("SELECT '<script>alert(1)</script>' -- </code>\n/* & */")
@example("DO $x$ BEGIN\n  RAISE '$$'; END $x$;")
@example("SELECT 'unterminated")
@example("SELECT 1 /* unterminated")
def test_every_character_comes_back_escaped_and_in_order(sql: str) -> None:
    lines = highlight_sql(sql)
    assert _shown(lines) == sql
    assert len(lines) == sql.count("\n") + 1
    for line in lines:
        assert _TAG.sub("", line).count("<") == 0  # no markup from the input survives


def test_classes_follow_the_scanner() -> None:
    (line,) = highlight_sql("SELECT \"Odd\", 'x', 1.5, $1 FROM t -- done")
    assert '<span class="k">SELECT</span>' in line and '<span class="k">FROM</span>' in line
    assert '<span class="i">"Odd"</span>' in line
    assert "<span class=\"s\">'x'</span>" in line and '<span class="n">1.5</span>' in line
    assert '<span class="p">$1</span>' in line and '<span class="c">-- done</span>' in line


def test_a_dollar_quoted_body_is_highlighted_as_sql() -> None:
    lines = highlight_sql("DO $$\nBEGIN\n  PERFORM 1;\nEND\n$$;")
    assert lines[0] == '<span class="k">DO</span> <span class="s">$$</span>'
    assert lines[1] == '<span class="k">BEGIN</span>'
    assert '<span class="n">1</span>' in lines[2]


def test_a_column_named_like_an_unreserved_keyword_is_no_keyword() -> None:
    (line,) = highlight_sql("SELECT zone, ZONE FROM t")
    assert "<span class=\"k\">zone</span>" not in line and '<span class="k">ZONE</span>' in line


def test_sql_the_scanner_refuses_is_shown_plain() -> None:
    assert highlight_sql("SELECT 'open <b>") == ["SELECT 'open &lt;b&gt;"]
