"""The bus contract of design.md: stream, consumer and subject names, and their settings."""

from __future__ import annotations

from dataclasses import dataclass

from nats.js.api import AckPolicy, ConsumerConfig, ObjectStoreConfig, RetentionPolicy, StreamConfig

__all__ = [
    "AGENT",
    "ARTIFACTS_BUCKET",
    "ASSIGNMENTS",
    "CONSUMER",
    "JOB_SUBJECTS",
    "RESULTS",
    "BusSettings",
    "assignment_subject",
    "conflict_subject",
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


def conflict_subject(job_id: str) -> str:
    """Where a job reusing an answered id with other content is answered: not on the id's own
    subject, whose last message (what `submit --wait` reads) stays the first run's answer."""
    return f"results.{AGENT}.{job_id}.conflict"


def review_subject(job_id: str) -> str:
    return f"results.review-requests.senior-review.{job_id}"


def max_deliveries_advisory() -> str:
    return f"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.{ASSIGNMENTS}.{CONSUMER}"


@dataclass(frozen=True)
class BusSettings:
    """Delivery settings; tests shorten the windows to see redelivery and dead letters quickly.

    `max_deliver` counts deliveries that end with no answer at all (a worker killed each time).
    A server being unreachable is retried on top of that, with a delay doubling from 1 s up to
    `outage_step_cap_s`, until the delays add up to `outage_tolerance_s`; then the job is
    answered `dead_lettered`."""

    ack_wait_s: float = 60.0
    max_deliver: int = 5
    outage_tolerance_s: float = 600.0
    outage_step_cap_s: float = 60.0
    duplicate_window_s: float = 120.0
    max_job_bytes: int = 1024 * 1024
    inline_artifact_bytes: int = 512 * 1024
    results_max_age_s: float = 30 * 24 * 3600
    replicas: int = 1
    """Copies of each stream and of the artifacts bucket: 1 on one server, 3 on a cluster."""

    def assignments(self) -> StreamConfig:
        return StreamConfig(name=ASSIGNMENTS, subjects=["assignments.>"], retention=RetentionPolicy.WORK_QUEUE,
                            duplicate_window=self.duplicate_window_s, max_msg_size=8 * 1024 * 1024,
                            num_replicas=self.replicas)

    def results(self) -> StreamConfig:
        return StreamConfig(name=RESULTS, subjects=["results.>"], retention=RetentionPolicy.LIMITS,
                            max_age=self.results_max_age_s, duplicate_window=self.duplicate_window_s,
                            num_replicas=self.replicas)

    def artifacts(self) -> ObjectStoreConfig:
        return ObjectStoreConfig(bucket=ARTIFACTS_BUCKET, replicas=self.replicas)

    def consumer(self) -> ConsumerConfig:
        return ConsumerConfig(durable_name=CONSUMER, filter_subject=JOB_SUBJECTS, ack_policy=AckPolicy.EXPLICIT,
                              ack_wait=self.ack_wait_s, max_deliver=self.max_deliver + self.outage_deliveries(),
                              max_ack_pending=1000)

    def outage_delay(self, deliveries: int) -> float:
        """The delay before the next delivery of a job that found a server down on delivery `deliveries`."""
        return float(min(2 ** min(max(deliveries - 1, 0), 30), self.outage_step_cap_s))

    def outage_spent(self, deliveries: int) -> float:
        """The delays a job has waited out before delivery `deliveries`, had each found a server down."""
        return sum(self.outage_delay(n) for n in range(1, deliveries))

    def outage_deliveries(self) -> int:
        """Deliveries it takes the delays to add up to the outage tolerance."""
        deliveries = 1
        while self.outage_spent(deliveries) < self.outage_tolerance_s:
            deliveries += 1
        return deliveries
