"""Publishing results and review requests; large artifacts go to the object store."""

from __future__ import annotations

import json
from typing import Any

from nats.js import JetStreamContext

from agent.bus.contract import ARTIFACTS_BUCKET, BusSettings, result_subject, review_subject
from agent.bus.messages import JobResult, ReviewRequest

__all__ = ["encode", "offload_artifacts", "offload_report", "publish_result", "publish_review"]


def encode(data: dict[str, Any]) -> bytes:
    """Canonical bytes: a result answered again from memory is byte-identical to the first answer."""
    return json.dumps(data, sort_keys=True, separators=(",", ":")).encode()


async def offload_artifacts(js: JetStreamContext, result: JobResult, settings: BusSettings) -> JobResult:
    """Artifacts over the inline limit move to bucket migration-artifacts; the result names the object."""
    artifacts = encode(result.artifacts)
    if len(artifacts) <= settings.inline_artifact_bytes:
        return result
    name = f"{result.job_id}/artifacts.json"
    store = await js.object_store(ARTIFACTS_BUCKET)
    await store.put(name, artifacts)
    return result.model_copy(update={"artifacts": {}, "artifacts_object": name})


async def offload_report(js: JetStreamContext, result: JobResult) -> JobResult:
    """The reviewer's report goes to bucket migration-artifacts; the result names it and its size.
    A report that cannot be stored is a warning: the answer itself must still go out."""
    if result.report_html is None:
        return result
    data = result.report_html.encode()
    name = f"{result.job_id}/report.html"
    try:
        store = await js.object_store(ARTIFACTS_BUCKET)
        await store.put(name, data)
    except Exception as error:
        return result.model_copy(update={"report_html": None,
                                         "warnings": [*result.warnings, f"report not stored: {error!r}"]})
    return result.model_copy(update={"report_html": None, "report_object": name, "report_bytes": len(data)})


async def publish_result(js: JetStreamContext, result: dict[str, Any], delivery: str,
                         subject: str | None = None) -> None:
    """`delivery` tells answers apart for the stream's de-duplication: a retried publish of the same
    delivery is dropped, a second delivery of the job is answered again."""
    await js.publish(subject or result_subject(str(result["job_id"])), encode(result),
                     headers={"Nats-Msg-Id": f"result-{result['job_id']}-{delivery}"})


async def publish_review(js: JetStreamContext, result: JobResult) -> None:
    migrations = sorted(n for n in result.artifacts if n.endswith(".sql") and not n.endswith("_down.sql"))
    if not migrations:
        return
    verification = result.verification
    request = ReviewRequest(
        job_id=result.job_id, requested_by=result.requested_by, summary=result.summary, migrations=migrations,
        breaking=result.breaking, rollback=result.rollback,
        verification_passed=bool(verification["passed"]) if verification else None,
        result_subject=result_subject(result.job_id), report_object=result.report_object,
        report_bytes=result.report_bytes)
    await js.publish(review_subject(result.job_id), encode(request.model_dump(mode="json")),
                     headers={"Nats-Msg-Id": f"review-{result.job_id}"})
