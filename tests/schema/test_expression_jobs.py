"""On the bus, a schema whose expression calls a refused function is `rejected` (issue #16):
the job handler refuses it at load, naming the function and where, before any SQL runs."""

from __future__ import annotations

import pytest

from agent.bus.messages import Job, JobRejected
from agent.jobs.handlers import JobContext, run_job

pytestmark = pytest.mark.integration

PARTS = """\
version: 1
entity: Part
table: parts
properties:
  code:
    type: text
constraints:
  - check: "query_to_xml('select pg_terminate_backend(pid) from pg_stat_activity', true, false, '') IS NOT NULL"
"""


async def test_a_generate_job_with_a_refused_call_is_rejected_naming_it(fresh_database_url: str) -> None:
    job = Job(job_id="expression-attack", kind="generate", requested_by="tests", payload={"parts.yaml": PARTS},
              options={"verify": True, "rows": 10})
    with pytest.raises(JobRejected) as raised:
        await run_job(job, JobContext(scratch_url=fresh_database_url))
    error = raised.value.error
    assert error.code == "invalid_schema"
    assert [(loc.file, loc.line, loc.path) for loc in error.locations] == [("parts.yaml", 8, "constraints[0].check")]
    assert error.locations[0].message.startswith("calls query_to_xml(), which runs the SQL text it is given")
