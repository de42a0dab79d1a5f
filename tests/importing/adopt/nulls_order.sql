-- NULLS FIRST/LAST other than the default, as Marquez's lineage_events_created_at_index has
-- it (created_at DESC NULLS LAST). Written for this project's tests; it is not taken from any
-- other project.

CREATE TABLE lineage_events (
    event_id uuid PRIMARY KEY,
    created_at timestamptz,
    job_name text NOT NULL,
    run_id uuid
);
CREATE INDEX lineage_events_created_at_index ON lineage_events (created_at DESC NULLS LAST);
CREATE INDEX lineage_events_job_run_index ON lineage_events (job_name, run_id NULLS FIRST);
CREATE INDEX lineage_events_lower_job_index ON lineage_events (lower(job_name) DESC NULLS LAST);
