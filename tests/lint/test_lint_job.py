"""The bus `lint` job lints like the CLI (issue 19): a file that does not parse is one MA000
finding and the others are still linted; `options.tool` names the migration tool, else it is
detected from the files. Called through the job runner, without NATS."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from agent.bus.messages import LINT_TOOLS, Job, JobOutcome
from agent.jobs.handlers import JobContext, run_job
from agent.lint.tools import ALIASES, TOOLS

POPX_FILE = "20240101000000000000_lots_sku.autocommit.up.sql"
CONCURRENT = "CREATE INDEX CONCURRENTLY lots_sku_idx ON lots (sku);\n"


async def _lint(payload: dict[str, str], **options: Any) -> JobOutcome:
    job = Job(job_id="lint-job", kind="lint", requested_by="tests", payload=payload, options=options)
    return await run_job(job, JobContext(scratch_url="postgresql://unused.invalid/none"))


def _found(outcome: JobOutcome) -> list[tuple[str, str]]:
    return [(str(f["path"]), str(f["code"])) for f in outcome.lint]


async def test_a_file_that_does_not_parse_is_one_finding_and_the_run_goes_on() -> None:
    outcome = await _lint({"a.sql": "SELECT 1;\n", "b.sql": "SELECT 1;\nSELEC 2;\n", "c.sql": "DROP TABLE lots;\n"})
    assert ("b.sql", "MA000") in _found(outcome)
    assert next(f for f in outcome.lint if f["code"] == "MA000")["line"] == 2
    assert any(path == "c.sql" and code != "MA000" for path, code in _found(outcome))
    assert outcome.status == "failed" and outcome.error is not None
    assert outcome.error.code == "lint_syntax_error"


async def test_the_tool_is_detected_or_named_and_the_summary_says_which() -> None:
    detected = await _lint({POPX_FILE: CONCURRENT})
    assert ("popx" in detected.summary) and "MA301" not in {c for _, c in _found(detected)}
    ours = await _lint({POPX_FILE: CONCURRENT}, tool="ours")
    assert "ours" in ours.summary and (POPX_FILE, "MA301") in _found(ours)


async def test_goose_sections_are_linted_one_by_one_with_the_tool() -> None:
    goose = "-- +goose Up\nALTER TABLE lots ADD COLUMN note text;\n-- +goose Down\nALTER TABLE lots DROP COLUMN note;\n"
    payload = {"20240101000000_note.sql": goose}
    assert "MA201" not in {c for _, c in _found(await _lint(payload, tool="goose"))}  # the Down section
    assert "MA201" in {c for _, c in _found(await _lint(payload, tool="ours"))}  # as if it ran after the Up


@pytest.mark.parametrize("name", sorted({*TOOLS, *ALIASES}))
def test_every_known_tool_name_is_accepted(name: str) -> None:
    assert Job(job_id="j", kind="lint", requested_by="t", options={"tool": name}).options.tool == name


@pytest.mark.parametrize("name", ["flyway; DROP", "liquibase", "", "GOOSE "])
def test_an_unknown_tool_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="tool"):
        Job(job_id="j", kind="lint", requested_by="t", options={"tool": name})


def test_the_job_options_know_the_same_tool_names_as_the_linter() -> None:
    assert set(LINT_TOOLS) == {*TOOLS, *ALIASES}


UNBOUNDED_LOCK = "ALTER TABLE lots ADD COLUMN note text;\n"
NULLS_NOT_DISTINCT = "CREATE UNIQUE INDEX CONCURRENTLY lots_sku ON lots (sku) NULLS NOT DISTINCT;\n"


async def test_rules_and_their_levels_come_from_the_job_options_as_from_the_cli() -> None:
    plain = await _lint({"a.sql": UNBOUNDED_LOCK})
    assert ("a.sql", "MA401") in _found(plain) and plain.status == "failed"
    silenced = await _lint({"a.sql": UNBOUNDED_LOCK}, disable=["MA401"])
    assert ("a.sql", "MA401") not in _found(silenced)
    lowered = await _lint({"a.sql": UNBOUNDED_LOCK}, severity={"missing-lock-timeout": "warning"})
    assert {f["severity"] for f in lowered.lint if f["code"] == "MA401"} == {"warning"}


async def test_the_target_version_and_small_tables_come_from_the_job_options() -> None:
    assert "MA004" not in {c for _, c in _found(await _lint({"a.sql": NULLS_NOT_DISTINCT}))}
    assert ("a.sql", "MA004") in _found(await _lint({"a.sql": NULLS_NOT_DISTINCT}, pg_version=14))
    build = "CREATE INDEX lots_sku_idx ON lots (sku);\n"
    assert {f["severity"] for f in (await _lint({"a.sql": build})).lint if f["code"] == "MA101"} == {"error"}
    small = await _lint({"a.sql": build}, small_tables=["lots"])
    assert {f["severity"] for f in small.lint if f["code"] == "MA101"} == {"warning"}


async def test_an_unknown_rule_in_the_options_is_rejected_naming_it() -> None:
    from agent.bus.messages import JobRejected

    with pytest.raises(JobRejected) as refused:
        await _lint({"a.sql": UNBOUNDED_LOCK}, disable=["MA999"])
    assert refused.value.error.code == "invalid_options" and "MA999" in refused.value.error.message
