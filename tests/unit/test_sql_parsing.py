"""`agent.sql.parsing.parse_sql`: pglast's parse, without its crash on very deep trees.

The deep cases run in a child process: without the guard, pglast ends the process with a
segmentation fault, which in this process would end the whole test run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from pglast import parser

from agent.sql.parsing import GUARDED_LENGTH, parse_sql


def _in_child(terms: int) -> subprocess.CompletedProcess[str]:
    script = (
        "from pglast import parser\n"
        "from agent.sql.parsing import parse_sql\n"
        f"text = 'SELECT ' + '+'.join(['1'] * {terms})\n"
        "try:\n"
        "    parse_sql(text)\n"
        "    print('parsed')\n"
        "except parser.ParseError as error:\n"
        "    print('refused:', error.args[0])\n"
    )
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("terms", [50_000, 200_000])
def test_a_tree_too_deep_for_pglast_is_refused_not_a_crash(terms: int) -> None:
    done = _in_child(terms)
    assert (done.returncode, done.stdout.strip()) == (0, "refused: stack depth limit exceeded")


def test_the_deepest_text_shorter_than_the_guard_parses() -> None:
    """Each level takes two characters, so a text under `GUARDED_LENGTH` skips the JSON pass."""
    text = "SELECT " + "+".join(["1"] * ((GUARDED_LENGTH - 8) // 2))
    assert len(text) < GUARDED_LENGTH
    assert _in_child((GUARDED_LENGTH - 8) // 2).stdout.strip() == "parsed"
    assert len(parse_sql(text)) == 1


def test_same_trees_and_errors_as_pglast() -> None:
    text = "SELECT 1; CREATE TABLE t (a int);" + " " * GUARDED_LENGTH
    assert parse_sql(text) == parser.parse_sql(text)
    with pytest.raises(parser.ParseError) as ours:
        parse_sql("SELEC 1")
    with pytest.raises(parser.ParseError) as theirs:
        parser.parse_sql("SELEC 1")
    assert ours.value.args == theirs.value.args
