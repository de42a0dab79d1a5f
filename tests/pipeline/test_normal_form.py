"""YAML's expression and PostgreSQL's stored rewrite of it compare equal; different meanings do not."""

from __future__ import annotations

import pytest

from agent.verify.normal_form import normal_form

SAME = [
    ("unit_of_measure IN ('EA', 'KG')",
     "((unit_of_measure)::text = ANY ((ARRAY['EA'::character varying, 'KG'::character varying])::text[]))"),
    ("current_utilization BETWEEN 0 AND 100",
     "((current_utilization >= (0)::numeric) AND (current_utilization <= (100)::numeric))"),
    ("quantity >= 0", "(quantity >= (0)::numeric)"),
    ("tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid)",
     "(tenant_id = (NULLIF(current_setting('app.current_tenant_id'::text, true), ''::text))::uuid)"),
    ("lower(lot_number)", "lower((lot_number)::text)"),
    ("is_active = TRUE", "(is_active = true)"),
    ("'QUARANTINE'", "'QUARANTINE'::character varying"),
    ("code ~ '^[A-Z]+$'", "((code)::text ~ '^[A-Z]+$'::text)"),
    # marquez's lineage_events.created_at: pglast writes AT TIME ZONE as pg_catalog.timezone()
    ("CAST(pg_catalog.timezone('UTC', now()) AS timestamp with time zone)",
     "(timezone('UTC'::text, now()))::timestamp with time zone"),
]
DIFFERENT = [
    ("quantity >= 0", "(quantity > (0)::numeric)"),
    ("unit_of_measure IN ('EA', 'KG')", "((unit_of_measure)::text = ANY ((ARRAY['EA'::character varying])::text[]))"),
    ("tenant_id = CAST(NULLIF(current_setting('app.current_tenant_id', TRUE), '') AS uuid)",
     "(tenant_id = (current_setting('app.current_tenant_id'::text))::uuid)"),
    ("myschema.timezone('UTC', now())", "timezone('UTC'::text, now())"),
]


@pytest.mark.parametrize(("written", "stored"), SAME)
def test_postgres_rewrites_compare_equal(written: str, stored: str) -> None:
    assert normal_form(written) == normal_form(stored)


@pytest.mark.parametrize(("written", "stored"), DIFFERENT)
def test_different_meanings_stay_different(written: str, stored: str) -> None:
    assert normal_form(written) != normal_form(stored)
