"""The verification report: steps, each with findings; rendered as markdown or JSON."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

__all__ = ["Finding", "StepReport", "VerificationReport"]


class Finding(BaseModel):
    """One check's outcome. A failed finding names the table and the fault in words."""

    check: str
    passed: bool
    message: str
    table: str | None = None
    details: dict[str, Any] = Field(default_factory=dict)


class StepReport(BaseModel):
    name: str
    title: str
    duration_ms: float = 0.0
    findings: list[Finding] = Field(default_factory=list)
    skipped: str | None = None
    """Why the step did not run (an earlier step failed, or it does not apply)."""

    @property
    def passed(self) -> bool:
        return self.skipped is None and all(f.passed for f in self.findings)

    @property
    def failures(self) -> list[Finding]:
        return [f for f in self.findings if not f.passed]


class VerificationReport(BaseModel):
    steps: list[StepReport] = Field(default_factory=list)
    migrations: list[str] = Field(default_factory=list)
    postgres_version: str = ""
    figures: dict[str, float] = Field(default_factory=dict)
    fingerprints: dict[str, str] = Field(default_factory=dict)
    """Each table's catalog fingerprint after `up` (backups left out)."""

    @property
    def passed(self) -> bool:
        """No check failed; skipped steps say why they did not run but do not fail the report."""
        ran = [step for step in self.steps if step.skipped is None]
        return bool(ran) and not any(step.failures for step in ran)

    def to_json_dict(self) -> dict[str, Any]:
        data = self.model_dump()
        data["passed"] = self.passed
        for step, raw in zip(self.steps, data["steps"], strict=True):
            raw["passed"] = step.passed
        return data

    def to_markdown(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        lines = [f"# Verification {verdict}", ""]
        if self.postgres_version:
            lines += [f"PostgreSQL {self.postgres_version}; migrations: {', '.join(self.migrations)}", ""]
        lines += ["| step | result | time | findings |", "|---|---|---|---|"]
        for step in self.steps:
            result = f"skipped ({step.skipped})" if step.skipped else ("ok" if step.passed else "FAILED")
            count = f"{len(step.findings) - len(step.failures)}/{len(step.findings)} passed"
            lines.append(f"| {step.title} | {result} | {step.duration_ms:.0f} ms | {count} |")
        failures = [(s, f) for s in self.steps for f in s.failures]
        if failures:
            lines += ["", "## Failures", ""]
            lines += [f"- **{s.title}** {f.table + ': ' if f.table else ''}{f.message}" for s, f in failures]
        if self.figures:
            lines += ["", "## Figures", ""]
            lines += [f"- {name}: {value:g}" for name, value in sorted(self.figures.items())]
        return "\n".join(lines) + "\n"
