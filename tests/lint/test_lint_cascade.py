"""DROP ... CASCADE: MA211 in an up file, MA607 in a down file, for every kind of object that can
be dropped with CASCADE, each finding saying what CASCADE may take with it (issue 19)."""

from __future__ import annotations

import pytest

from agent.lint import lint_source

DROPS = {
    "DROP TABLE storage_locations CASCADE;": "foreign keys",
    "DROP VIEW v_lots CASCADE;": "views",
    "DROP MATERIALIZED VIEW mv_lots CASCADE;": "views",
    "ALTER TABLE lots DROP COLUMN supplier_id CASCADE;": "policies that use the column",
    "ALTER TABLE lots DROP CONSTRAINT lots_code_key CASCADE;": "foreign keys",
    "DROP INDEX lots_code_key CASCADE;": "foreign keys",
    "DROP TYPE lot_state CASCADE;": "every column of that type",
    "DROP DOMAIN positive CASCADE;": "every column of that domain",
    "DROP FUNCTION f(integer) CASCADE;": "triggers",
    "DROP SEQUENCE lots_seq CASCADE;": "column defaults",
    "DROP SCHEMA inventory CASCADE;": "every object in the schema",
    "DROP EXTENSION citext CASCADE;": "columns",
    "DROP OWNED BY app_user CASCADE;": "other roles",
    "ALTER DOMAIN positive DROP CONSTRAINT positive_check CASCADE;": "depends on it",
    "DROP TRIGGER t ON lots CASCADE;": "depends on it",
    "ALTER TYPE address DROP ATTRIBUTE zip CASCADE;": "depends on it",
}


def _found(sql: str, path: str) -> dict[str, str]:
    return {f.code: f.message for f in lint_source(path, sql).findings if f.code in ("MA211", "MA607")}


@pytest.mark.parametrize(("sql", "takes"), DROPS.items(), ids=list(DROPS))
def test_cascade_in_an_up_is_ma211_naming_what_it_takes(sql: str, takes: str) -> None:
    found = _found(sql, "20260101000000_up.sql")
    assert list(found) == ["MA211"]
    assert takes in found["MA211"]


@pytest.mark.parametrize(("sql", "takes"), DROPS.items(), ids=list(DROPS))
def test_cascade_in_a_down_is_ma607_naming_what_it_takes(sql: str, takes: str) -> None:
    found = _found(sql, "20260101000000_up_down.sql")
    assert list(found) == ["MA607"]
    assert takes in found["MA607"]


@pytest.mark.parametrize("sql", [s.replace(" CASCADE;", ";") for s in DROPS], ids=list(DROPS))
def test_the_same_drop_without_cascade_is_neither(sql: str) -> None:
    assert _found(sql, "20260101000000_up.sql") == {}
