"""Job and result messages: pydantic models at the bus boundary, and parsing raw bytes into a job.

A message that is not a valid job raises `JobRejected` naming the fault; the consumer answers
it with a `rejected` result. Nothing of a rejected message reaches a database.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator
from pydantic.json_schema import SkipJsonSchema

from agent.safe_text import CONTROL_CHARACTERS, excerpt, map_strings

__all__ = [
    "JOB_KINDS",
    "LINT_TOOLS",
    "ErrorLocation",
    "Job",
    "JobError",
    "JobKind",
    "JobOptions",
    "JobOutcome",
    "JobRejected",
    "JobResult",
    "ReviewRequest",
    "job_fingerprint",
    "parse_job",
    "rejected_id",
]

JobKind = Literal["generate", "diff", "verify", "lint", "codegen", "apply"]
JOB_KINDS: tuple[str, ...] = ("generate", "diff", "verify", "lint", "codegen", "apply")
Status = Literal["succeeded", "failed", "rejected", "dead_lettered"]
_JOB_ID = r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}"  # also a subject token: no '.', '*', '>' or space
JOB_ID_PATTERN = f"^{_JOB_ID}$"  # for pydantic and the published JSON Schema
JOB_ID = re.compile(_JOB_ID + r"\Z")  # Python's `$` would let a trailing newline through
_JOB_ID_IN_BYTES = re.compile(rb'"job_id"\s*:\s*"(' + _JOB_ID.encode() + rb')"')
FileName = Annotated[str, StringConstraints(pattern=r"^(old/)?[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$")]
OLD_FOLDER = "old"
FreeText = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=f"^[^{CONTROL_CHARACTERS}]*$")]
MESSAGE_LIMIT = 500
"""Characters of an error message; a detail string gets DETAIL_LIMIT. Errors quote what the job's
SQL read (a value PostgreSQL could not cast, say), so what they echo stays a short excerpt."""
DETAIL_LIMIT = 200


class ErrorLocation(BaseModel):
    file: str
    line: int
    column: int
    path: str = ""
    message: str

    @field_validator("message")
    @classmethod
    def _bounded(cls, message: str) -> str:
        return excerpt(message, MESSAGE_LIMIT)


class JobError(BaseModel):
    """Machine-readable failure: a stable code, words, and where (for YAML) it is."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
    locations: list[ErrorLocation] = Field(default_factory=list)

    @field_validator("message")
    @classmethod
    def _bounded(cls, message: str) -> str:
        return excerpt(message, MESSAGE_LIMIT)

    @field_validator("details")
    @classmethod
    def _bounded_details(cls, details: dict[str, Any]) -> dict[str, Any]:
        return dict(map_strings(details, lambda text: excerpt(text, DETAIL_LIMIT)))


class JobRejected(Exception):
    def __init__(self, error: JobError, job_id: str | None = None, kind: str | None = None) -> None:
        super().__init__(error.message)
        self.error, self.job_id, self.kind = error, job_id, kind


# The names agent.lint.tools knows (TOOLS and ALIASES; a test keeps them equal), spelled out
# here so the message models do not import the linter.
LINT_TOOLS = ("atlas", "dbmate", "diesel", "flyway", "golang-migrate", "goose", "migrate", "migration-agent",
              "ours", "pop", "popx", "prisma", "prisma-migrate", "sqitch")
LINT_TOOL_PATTERN = "^(" + "|".join(LINT_TOOLS) + ")$"
RuleName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9-]{1,64}$")]
TableName = Annotated[str, StringConstraints(min_length=1, max_length=63, pattern=r"^[^\x00-\x1f\x7f\"]+$")]


class JobOptions(BaseModel):
    """Options of every kind; each kind reads the ones it knows. Unknown keys are refused."""

    model_config = ConfigDict(extra="forbid")

    now: dt.datetime | None = Field(None, description="Fixed clock for reproducible file names and headers.")
    verify: bool = Field(True, description="generate/diff: prove the migrations on a scratch database.")
    rows: int = Field(1_000, ge=10, le=100_000, description="Sample rows per table for verification.")
    allow_destructive: bool = False
    batch_size: int = Field(10_000, ge=1, le=1_000_000)
    pause_ms: int = Field(0, ge=0, le=60_000)
    targets: list[Literal["ts", "prisma", "typeorm", "pydantic", "seed", "docs", "zod", "sqlalchemy"]] = Field(
        default_factory=list)
    decimal: Literal["string", "number"] = "string"
    seed: int = 42
    fail_on: Literal["error", "warning"] = "error"
    tool: str | None = Field(None, pattern=LINT_TOOL_PATTERN,
                             description="lint: the migration tool that runs the files; detected from them if absent.")
    enable: list[RuleName] = Field(default_factory=list, max_length=100,
                                   description="lint: rules off by default to run (codes or names).")
    disable: list[RuleName] = Field(default_factory=list, max_length=100,
                                    description="lint: rules not to run (codes or names).")
    severity: dict[RuleName, Literal["error", "warning"]] = Field(
        default_factory=dict, max_length=100, description="lint: a rule (code or name) reported at this level.")
    pg_version: int = Field(18, ge=10, le=18, description="lint: the oldest PostgreSQL the files must run on.")
    small_tables: list[TableName] = Field(default_factory=list, max_length=1000,
                                          description="lint: tables known to be small (lock findings are warnings).")
    target: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                               description="apply: the database, by a name the operator listed in AGENT_APPLY_TARGETS.")
    confirm: bool = Field(False, description="apply: run files marked destructive.")
    timeout_s: float | None = Field(None, gt=0, le=24 * 3600,
                                    description="Per-job time limit; --job-timeout of serve is its ceiling.")
    report: bool = Field(True, description="generate/diff/verify: store the reviewer's HTML report in bucket "
                                           "migration-artifacts; the result and the review request name it.")


class Job(BaseModel):
    """`payload` holds files inline by name: YAML schemas (`old/` for the old side of a diff),
    SQL migrations and `schema.snapshot.json`."""

    model_config = ConfigDict(extra="forbid")

    job_id: str = Field(pattern=JOB_ID_PATTERN, description="Letters, digits, '_' and '-'; also the Nats-Msg-Id.")
    kind: JobKind
    requested_by: FreeText = Field(description="Who asked; shown in logs, so no control characters.")
    payload: dict[FileName, str] = Field(default_factory=dict,
                                         description="Files by plain name, old/ for a diff (no file is named `old`).")
    options: JobOptions = Field(default_factory=JobOptions)

    @field_validator("payload")
    @classmethod
    def _no_file_named_old(cls, payload: dict[str, str]) -> dict[str, str]:
        if OLD_FOLDER in payload:
            raise ValueError(f"{OLD_FOLDER!r} names the folder of a diff's old side; a file cannot take that name")
        return payload


class JobOutcome(BaseModel):
    """What a handler produced, before the envelope of the result is added."""

    status: Status = "succeeded"
    summary: str = ""
    artifacts: dict[str, str] = Field(default_factory=dict)
    verification: dict[str, Any] | None = None
    lint: list[dict[str, Any]] = Field(default_factory=list)
    breaking: list[str] = Field(default_factory=list)
    rollback: str = ""
    warnings: list[str] = Field(default_factory=list)
    decisions: list[str] = Field(default_factory=list)
    error: JobError | None = None
    report_html: SkipJsonSchema[str | None] = Field(None, exclude=True)
    """The reviewer's page; stored in the object store, never sent in a message."""

    @classmethod
    def of_error(cls, status: Status, error: JobError, **fields: Any) -> Self:
        """An answer that is its error: the summary says it in the error's own bounded words."""
        return cls(status=status, summary=f"{_STATUS_WORDS[status]}: {error.message}", error=error, **fields)


_STATUS_WORDS = {"succeeded": "Succeeded", "failed": "Failed", "rejected": "Rejected", "dead_lettered": "Dead-lettered"}


class JobResult(JobOutcome):
    job_id: str
    kind: str | None = None
    requested_by: str | None = None
    agent: str = "database-migration"
    received_at: dt.datetime
    finished_at: dt.datetime
    duration_ms: float = 0.0
    deliveries: int = 1
    artifacts_object: str | None = Field(None, description="Object in bucket migration-artifacts when large.")
    fingerprint: str | None = Field(None, description="SHA-256 of the answered job's kind, payload and options: "
                                                      "which job under this id the answer is for.")
    report_object: str | None = Field(None, description="The reviewer's HTML report: its object in bucket "
                                                        "migration-artifacts.")
    report_bytes: int | None = Field(None, description="The size of that object.")


class ReviewRequest(BaseModel):
    job_id: str
    requested_by: str | None
    summary: str
    migrations: list[str]
    breaking: list[str]
    rollback: str
    verification_passed: bool | None
    result_subject: str
    report_object: str | None = Field(None, description="The reviewer's HTML report in bucket migration-artifacts.")
    report_bytes: int | None = None


def job_fingerprint(job: Job) -> str:
    """What makes two jobs under one id the same job: kind, payload and options (not who asked)."""
    body = job.model_dump(mode="json", include={"kind", "payload", "options"})
    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def parse_job(data: bytes, max_bytes: int) -> Job:
    if len(data) > max_bytes:
        raise JobRejected(JobError(code="oversize", message=f"message of {len(data)} bytes exceeds the "
                                   f"limit of {max_bytes} bytes"), _guess_id(data))
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:  # ValueError: bad JSON, or a 5 000-digit number
        raise JobRejected(JobError(code="not_json", message=f"not a JSON document: {error}")) from None
    except RecursionError:
        raise JobRejected(JobError(code="not_json", message="JSON nested too deeply")) from None
    if not isinstance(raw, dict):
        raise JobRejected(JobError(code="not_an_object", message="a job is a JSON object"))
    try:
        return Job.model_validate(raw)
    except ValidationError as error:
        raise JobRejected(_invalid(error, "kind" in raw and _kind(raw) is None), _guess_id(raw), _kind(raw)) from None


def _invalid(error: ValidationError, unknown_kind: bool) -> JobError:
    problems = [f"{'.'.join(map(str, e['loc'])) or 'job'}: {_meaning(e)}" for e in error.errors()[:20]]
    return JobError(code="unknown_kind" if unknown_kind else "invalid_job", message="; ".join(problems),
                    details={"errors": problems})


_PATTERN_MEANING = {"requested_by": "control characters (a line break, NUL, ...) are not allowed"}


def _meaning(error: Any) -> str:
    """Pydantic's words, except where a pattern says less than what it forbids."""
    field = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "string_pattern_mismatch" and field in _PATTERN_MEANING:
        return _PATTERN_MEANING[field]
    return str(error["msg"])


def _guess_id(raw: Any) -> str | None:
    if isinstance(raw, dict):
        value = raw.get("job_id")
        return value if isinstance(value, str) and JOB_ID.match(value) else None
    match = _JOB_ID_IN_BYTES.search(raw[:4096])
    return match.group(1).decode() if match else None


def _kind(raw: dict[str, Any]) -> str | None:
    kind = raw.get("kind")
    return kind if kind in JOB_KINDS else None


def rejected_id(data: bytes) -> str:
    """A stable id for a message too broken to name its own job."""
    return "unnamed-" + hashlib.sha256(data).hexdigest()[:24]
