"""Which statements destroy data, as `migrate`/`apply` read them before running anything:
the linter's own classification, whatever a file's markers say, inside DO blocks and
function bodies too."""

from __future__ import annotations

import pytest

from agent.lint.destructive import destructions
from agent.lint.source import SqlSyntaxError
from tests.generate.helpers import REPO


def found(text: str) -> list[tuple[int, str, str]]:
    return [(d.line, d.kind, d.target) for d in destructions("f.sql", text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("DROP TABLE lots;", [(1, "DROP TABLE", "lots")]),
    ("-- agent:destructive\nDROP TABLE lots;", [(2, "DROP TABLE", "lots")]),
    ("SELECT 1;\n\n  DROP TABLE IF EXISTS public.lots, storage_locations;",
     [(3, "DROP TABLE", "lots"), (3, "DROP TABLE", "storage_locations")]),
    ("TRUNCATE lots;", [(1, "TRUNCATE", "lots")]),
    ("CREATE TABLE _backup_lots AS TABLE lots;\nTRUNCATE lots;", [(2, "TRUNCATE", "lots")]),
    ("DELETE FROM lots;", [(1, "DELETE without WHERE", "lots")]),
    ("UPDATE lots SET quantity = 0;", [(1, "UPDATE without WHERE", "lots")]),
    ("ALTER TABLE lots DROP COLUMN lot_number;", [(1, "DROP COLUMN", "lots.lot_number")]),
    ("DROP SCHEMA reporting CASCADE;", [(1, "DROP SCHEMA", "reporting"), (1, "DROP ... CASCADE", "")]),
    ("DROP DATABASE wms;", [(1, "DROP DATABASE", "wms")]),
    ("DROP TYPE quality_status CASCADE;", [(1, "DROP ... CASCADE", "")]),
    ("ALTER TABLE lots DROP CONSTRAINT lots_pkey CASCADE;", [(1, "DROP ... CASCADE", "")]),
    ("WITH gone AS (DELETE FROM lots RETURNING 1)\nSELECT count(*) FROM gone;",
     [(1, "DELETE without WHERE", "lots")]),
    ("EXPLAIN ANALYZE DELETE FROM lots;", [(1, "DELETE without WHERE", "lots")]),
    ("SELECT 1;\nDO $$\nBEGIN\n    IF true THEN\n        DROP TABLE lots;\n    END IF;\nEND\n$$;",
     [(5, "DROP TABLE", "lots")]),
    ("DO $$ BEGIN TRUNCATE lots; END $$;", [(1, "TRUNCATE", "lots")]),
    ("DO $$\nBEGIN\n    EXECUTE 'DROP ' || 'TABLE lots';\nEND $$;",
     [(3, "dynamic SQL (EXECUTE) in a DO block", "")]),
    ("DO $$ DECLARE r record; BEGIN FOR r IN EXECUTE 'SELECT 1' LOOP END LOOP; END $$;",
     [(1, "dynamic SQL (EXECUTE) in a DO block", "")]),
    ("DO LANGUAGE plpython3u $$ plpy.execute('DROP TABLE lots') $$;",
     [(1, "DO block in language plpython3u, which the agent cannot read", "")]),
    ("CREATE FUNCTION f() RETURNS void LANGUAGE plpython3u AS $$ plpy.execute('DROP TABLE lots') $$;",
     [(1, "function body in language plpython3u, which the agent cannot read", "")]),
    ("CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  EXECUTE 'TRUNCATE lots';\nEND $$;",
     [(3, "dynamic SQL (EXECUTE) in a function body", "")]),
    ("-- é, ü: the statement starts after them\nDROP TABLE lots;", [(2, "DROP TABLE", "lots")]),
    ("DO $$ BEGIN this is not plpgsql; END $$;",
     [(1, "DO block that does not parse", "")]),
    ("CREATE FUNCTION purge() RETURNS void LANGUAGE sql AS $$ DELETE FROM lots $$;\nSELECT purge();",
     [(1, "DELETE without WHERE", "lots")]),
    ("CREATE FUNCTION purge() RETURNS void LANGUAGE plpgsql AS $$\nBEGIN\n  DROP TABLE lots;\nEND $$;",
     [(3, "DROP TABLE", "lots")]),
    ("CREATE PROCEDURE purge() LANGUAGE sql BEGIN ATOMIC DELETE FROM lots; END;",
     [(1, "DELETE without WHERE", "lots")]),
])
def test_flags_what_destroys_data(text: str, expected: list[tuple[int, str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "CREATE TABLE t (id int);\nINSERT INTO t VALUES (1);\nDELETE FROM t;\nTRUNCATE t;\nDROP TABLE t;",
    "DELETE FROM lots WHERE quantity < 0;",
    "UPDATE lots SET quantity = 0 WHERE quantity < 0;",
    "DROP TABLE _backup_lots_20260101000000;",
    "DROP INDEX CONCURRENTLY lots_code;",
    "ALTER TABLE lots ADD COLUMN note text;",
    "DO $$ DECLARE n int; BEGIN UPDATE lots SET quantity = 0 WHERE lot_id BETWEEN 1 AND n; END $$;",
    "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.x := now(); RETURN NEW; END $$;",
])
def test_passes_what_keeps_data(text: str) -> None:
    assert found(text) == []


def test_generated_files_without_the_marker_destroy_nothing() -> None:
    for path in sorted((REPO / "migrations").glob("*.sql")):
        text = path.read_text()
        if "-- agent:destructive" not in text:
            assert destructions(path.name, text) == [], path.name


def test_a_file_that_does_not_parse_is_named_with_its_position() -> None:
    with pytest.raises(SqlSyntaxError, match=r"f\.sql:2:1: syntax error"):
        destructions("f.sql", "SELECT 1;\nDROPP TABLE lots;")
