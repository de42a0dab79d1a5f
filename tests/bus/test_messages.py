"""The bus messages: what a job may hold, and how bad input is named (no server needed)."""

from __future__ import annotations

import json

import pytest

from agent.bus.json_schemas import DOCS, render_schemas
from agent.bus.messages import JobRejected, parse_job
from tests.bus.conftest import REPO
from tests.bus.jobs import job


def _rejected(data: bytes, max_bytes: int = 1024 * 1024) -> JobRejected:
    with pytest.raises(JobRejected) as caught:
        parse_job(data, max_bytes)
    return caught.value


def test_a_valid_job_parses_with_its_options() -> None:
    parsed = parse_job(job("j-1", rows=100), 1024 * 1024)
    assert (parsed.job_id, parsed.kind, parsed.options.rows) == ("j-1", "generate", 100)
    assert "lots.yaml" in parsed.payload


@pytest.mark.parametrize(("data", "code"), [
    (b"\xff\xfe", "not_json"),
    (b'{"job_id": "a", "kind": "gen', "not_json"),
    (b"[1, 2]", "not_an_object"),
    (b"[" * 100_000 + b"]" * 100_000, "not_json"),
    (b'{"job_id": "a", "n": ' + b"9" * 5000 + b"}", "not_json"),
    (json.dumps({"job_id": "a", "kind": "drop", "requested_by": "x"}).encode(), "unknown_kind"),
    (json.dumps({"job_id": "a", "kind": "lint", "requested_by": 5}).encode(), "invalid_job"),
    (json.dumps({"job_id": "a.b", "kind": "lint", "requested_by": "x"}).encode(), "invalid_job"),
    (json.dumps({"job_id": "a", "kind": "lint", "requested_by": "x", "options": {"rows": "many"}}).encode(),
     "invalid_job"),
    (json.dumps({"job_id": "a", "kind": "lint", "requested_by": "x", "options": {"sql": "x"}}).encode(),
     "invalid_job"),
])
def test_bad_messages_are_named(data: bytes, code: str) -> None:
    assert _rejected(data).error.code == code


def test_job_ids_cannot_add_subject_tokens() -> None:
    for bad in ["a.b", "a>", "*", "a b", "a\n", "", "x" * 129]:
        data = json.dumps({"job_id": bad, "kind": "lint", "requested_by": "x"}).encode()
        rejected = _rejected(data)
        assert rejected.job_id is None
        assert "job_id" in rejected.error.message


def test_payload_file_names_cannot_leave_the_job_folder() -> None:
    for name in ["../x.yaml", "/etc/passwd", "old/../x.sql", "a/b.yaml", ".hidden.yaml"]:
        data = json.dumps({"job_id": "a", "kind": "lint", "requested_by": "x", "payload": {name: ""}}).encode()
        assert "payload" in _rejected(data).error.message


def test_oversize_is_refused_before_parsing_and_keeps_the_job_id() -> None:
    data = b'{"job_id": "big-1", "kind": "lint", "payload": {"a.sql": "' + b"x" * 2000 + b'"}}'
    rejected = _rejected(data, max_bytes=1000)
    assert (rejected.error.code, rejected.job_id) == ("oversize", "big-1")


def test_published_json_schemas_match_the_models() -> None:
    for name, text in render_schemas().items():
        stale = f"docs/bus/{name} is stale: run python -m agent.bus.json_schemas"
        assert (REPO / DOCS / name).read_text() == text, stale
    schema = json.loads(render_schemas()["job.schema.json"])
    assert set(schema["required"]) == {"job_id", "kind", "requested_by"}
    assert schema["properties"]["kind"]["enum"] == ["generate", "diff", "verify", "lint", "codegen", "apply"]
