"""The bus contract of design.md: stream, consumer and subject names, and their settings."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js.api import AckPolicy, ConsumerConfig, RetentionPolicy, StreamConfig

__all__ = [
    "AGENT",
    "ARTIFACTS_BUCKET",
    "ASSIGNMENTS",
    "CONSUMER",
    "JOB_SUBJECTS",
    "RESULTS",
    "BusSettings",
    "assignment_subject",
    "max_deliveries_advisory",
    "result_subject",
    "review_subject",
]

AGENT = "database-migration"
ASSIGNMENTS = "ASSIGNMENTS"
RESULTS = "RESULTS"
CONSUMER = "database-migration"
JOB_SUBJECTS = f"assignments.{AGENT}.>"
ARTIFACTS_BUCKET = "migration-artifacts"


def assignment_subject(kind: str) -> str:
    return f"assignments.{AGENT}.{kind}"


def result_subject(job_id: str) -> str:
    return f"results.{AGENT}.{job_id}"


def review_subject(job_id: str) -> str:
    return f"results.review-requests.senior-review.{job_id}"


def max_deliveries_advisory() -> str:
    return f"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{ASSIGNMENTS}.{CONSUMER}"


@dataclass(frozen=True)
class BusSettings:
    """Delivery settings; tests shorten the windows to see redelivery and dead letters quickly."""

    ack_wait_s: float = 60.0
    max_deliver: int = 5
    duplicate_window_s: float = 120.0
    max_job_bytes: int = 1024 * 1024
    inline_artifact_bytes: int = 512 * 1024
    results_max_age_s: float = 30 * 24 * 3600

    def assignments(self) -> StreamConfig:
        return StreamConfig(name=ASSIGNMENTS, subjects=["assignments.>"], retention=RetentionPolicy.WORK_QUEUE,
                            duplicate_window=self.duplicate_window_s, max_msg_size=8 * 1024 * 1024)

    def results(self) -> StreamConfig:
        return StreamConfig(name=RESULTS, subjects=["results.>"], retention=RetentionPolicy.LIMITS,
                            max_age=self.results_max_age_s, duplicate_window=self.duplicate_window_s)

    def consumer(self) -> ConsumerConfig:
        return ConsumerConfig(durable_name=CONSUMER, filter_subject=JOB_SUBJECTS, ack_policy=AckPolicy.EXPLICIT,
                              ack_wait=self.ack_wait_s, max_deliver=self.max_deliver, max_ack_pending=1000)
