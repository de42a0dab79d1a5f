"""`--html FILE` of `verify`, `generate --verify` and `diff --verify`: the reviewer's report."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from agent.bus.connection import connect
from agent.bus.contract import ARTIFACTS_BUCKET
from agent.commands.common import err, fail, run_async, settings
from agent.embedded import EmbeddedError
from agent.exit_codes import ExitCode
from agent.jobs.generate import GenerateOutcome, new_migrations
from agent.report import render_html
from agent.report.build import build_review, write_report
from agent.report.model import ReportKind
from agent.runtime import ScratchBackendError, scratch_postgres_url
from agent.schema.tables import Schema
from agent.verify.apply import MigrationText
from agent.verify.report import VerificationReport

__all__ = ["HtmlReport", "html_option", "html_report", "save_job_report"]

html_option = click.option(
    "--html", "html_file", type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the reviewer's report to this file: one self-contained HTML page (summary, files with "
         "lint findings, every check, tenant isolation, index use, lock trace, ER diagram).")


@dataclass(frozen=True)
class HtmlReport:
    path: Path
    kind: ReportKind
    before: Schema

    def generated(self, after: Schema, outcome: GenerateOutcome, baseline: Sequence[MigrationText],
                  verification: VerificationReport) -> None:
        """The report of a verified `generate`/`diff`; with nothing new, of the folder from empty
        (what the verification proved then)."""
        new, before = new_migrations(outcome), self.before
        if not new:
            baseline, new, before = [], list(baseline), Schema()
        self._write(new, baseline, before, after, verification, outcome.breaking, outcome.warnings)

    def verified(self, migrations: Sequence[MigrationText], schema: Schema | None,
                 verification: VerificationReport) -> None:
        self._write(migrations, [], Schema(), schema, verification, [], [])

    def _write(self, new: Sequence[MigrationText], baseline: Sequence[MigrationText], before: Schema,
               after: Schema | None, verification: VerificationReport, breaking: Sequence[str],
               warnings: Sequence[str]) -> None:
        try:
            with scratch_postgres_url(settings()) as server_url:
                review = run_async(build_review(server_url, self.kind, new, baseline=baseline, before=before,
                                                after=after, verification=verification, breaking=breaking,
                                                warnings=warnings))
            write_report(self.path, render_html(review))
        except (EmbeddedError, ScratchBackendError, OSError) as error:
            fail(ExitCode.INFRASTRUCTURE, f"the report could not be written to {self.path}: {error}")
        err.print(f"report: {self.path}", markup=False)


def html_report(path: Path | None, kind: ReportKind, before: Schema, verify: bool = True) -> HtmlReport | None:
    """What `--html` asks for; it needs `--verify`, since the report shows the verification."""
    if path is None:
        return None
    if not verify:
        fail(ExitCode.BAD_INPUT, "--html needs --verify: the report shows the verification")
    return HtmlReport(path, kind, before)


async def save_job_report(url: str, result: dict[str, Any], path: Path) -> None:
    """`submit --wait --html FILE`: the report the result names, from bucket migration-artifacts."""
    name = result.get("report_object")
    if not isinstance(name, str):
        err.print(f"no report to save: the result of {result.get('job_id')} names none "
                  f"(status {result.get('status')})", markup=False)
        return
    client = await connect(url, connect_timeout=5, max_reconnect_attempts=2)
    try:
        found = await (await client.jetstream().object_store(ARTIFACTS_BUCKET)).get(name)
    finally:
        await client.close()
    write_report(path, (found.data or b"").decode())
    err.print(f"report: {path} ({len(found.data or b'')} bytes, object {name})", markup=False)
