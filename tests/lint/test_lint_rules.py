"""Every rule flags its bad example and passes its good one, plus extra cases per rule."""

from __future__ import annotations

import re

import pytest

from agent.lint import RULES, DuplicateRuleError, Registry, Rule, Severity
from agent.lint.parallel import lint_texts
from agent.lint.registry import UnknownRuleError
from tests.lint.lint_helpers import all_codes, codes

ALL = list(RULES)


@pytest.mark.parametrize("rule", ALL, ids=[r.code for r in ALL])
def test_rule_flags_its_bad_example(rule: Rule) -> None:
    assert rule.code in all_codes(rule.bad)


@pytest.mark.parametrize("rule", ALL, ids=[r.code for r in ALL])
def test_rule_passes_its_good_example(rule: Rule) -> None:
    assert rule.code not in all_codes(rule.good)


# (code, SQL that must be flagged, SQL that must not be) beyond the documented examples.
CASES = [
    ("MA101", "CREATE UNIQUE INDEX u ON lots (sku);",
     "CREATE TABLE lots (lot_id bigint PRIMARY KEY, sku text);\nCREATE INDEX i ON lots (sku);"),
    ("MA102", "DROP INDEX IF EXISTS a, b;",
     "CREATE TABLE t (t_id bigint PRIMARY KEY, a text);\nCREATE INDEX ia ON t (a);\nDROP INDEX ia;"),
    ("MA103", "REINDEX INDEX idx_lots_sku;", "REINDEX (CONCURRENTLY) INDEX idx_lots_sku;"),
    ("MA104",
     "ALTER TABLE lots ADD CONSTRAINT fk FOREIGN KEY (supplier_id) REFERENCES suppliers "
     "(supplier_id) ON DELETE RESTRICT;",
     "ALTER TABLE lots ADD CONSTRAINT fk FOREIGN KEY (supplier_id) REFERENCES suppliers "
     "(supplier_id) ON DELETE RESTRICT NOT VALID;"),
    ("MA105", "ALTER TABLE lots ADD COLUMN code text UNIQUE;",
     "CREATE TABLE lots (lot_id bigint PRIMARY KEY, code text);\n"
     "ALTER TABLE lots ADD CONSTRAINT lots_code_key UNIQUE (code);"),
    ("MA106", "ALTER TABLE lots ADD COLUMN lot_id bigint PRIMARY KEY;",
     "CREATE TABLE t (a bigint NOT NULL);\nALTER TABLE t ADD PRIMARY KEY (a);"),
    ("MA107",
     "ALTER TABLE lots ADD CONSTRAINT c CHECK (supplier_id IS NOT NULL) NOT VALID;\n"
     "ALTER TABLE lots ALTER COLUMN supplier_id SET NOT NULL;",
     "ALTER TABLE lots ADD CONSTRAINT c CHECK (supplier_id IS NOT NULL);\n"
     "ALTER TABLE lots ALTER COLUMN supplier_id SET NOT NULL;"),
    ("MA108", "ALTER TABLE lots ALTER COLUMN code TYPE text USING code::text;",
     "ALTER TABLE lots ALTER COLUMN code TYPE varchar;"),
    ("MA109", "ALTER TABLE lots ADD COLUMN token text DEFAULT md5(random()::text);",
     "ALTER TABLE lots ADD COLUMN qty int NOT NULL DEFAULT 0;"),
    ("MA110", "ALTER TABLE lots ADD COLUMN qty int NOT NULL;",
     "ALTER TABLE lots ADD COLUMN qty int NOT NULL DEFAULT 0;"),
    ("MA111", "ALTER TABLE lots ADD COLUMN n bigint GENERATED ALWAYS AS IDENTITY;",
     "CREATE TABLE t (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);"),
    ("MA112", "ALTER TABLE lots ADD COLUMN t int GENERATED ALWAYS AS (a + b) STORED;",
     "ALTER TABLE lots ADD COLUMN t int GENERATED ALWAYS AS (a + b) VIRTUAL;"),
    ("MA113", "VACUUM (FULL, ANALYZE) lots;", "VACUUM lots;"),
    ("MA114", "CLUSTER lots;", "ANALYZE lots;"),
    ("MA115", "ALTER TABLE r ADD EXCLUDE USING gist (during WITH &&);",
     "CREATE TABLE r (during tstzrange, EXCLUDE USING gist (during WITH &&));"),
    ("MA116", "REFRESH MATERIALIZED VIEW totals;",
     "CREATE MATERIALIZED VIEW totals AS SELECT 1 AS x;\nREFRESH MATERIALIZED VIEW totals;"),
    ("MA117", "ALTER TABLE lots ADD CHECK (qty >= 0 AND qty < cap) NOT VALID;\n"
              "ALTER TABLE lots ALTER COLUMN cap TYPE text;",
     "ALTER TABLE lots ADD CONSTRAINT lots_cap_check CHECK (cap > 0);\n"
     "ALTER TABLE lots DROP COLUMN cap;\nALTER TABLE lots ADD COLUMN cap int;\n"
     "ALTER TABLE lots ALTER COLUMN cap TYPE text;"),
    ("MA118", "CREATE INDEX lots_open ON lots (lot_id) WHERE code <> '';\n"
              "ALTER TABLE lots ALTER COLUMN code TYPE text;",
     "CREATE INDEX lots_code ON lots (code, lot_id);\nALTER TABLE lots ALTER COLUMN code TYPE text;"),
    ("MA201", "ALTER TABLE lots DROP COLUMN IF EXISTS a;",
     "-- agent:direction down\nALTER TABLE lots DROP COLUMN a;"),
    ("MA202", "DROP TABLE IF EXISTS lots;",
     "CREATE TABLE tmp (a int);\nDROP TABLE tmp;"),
    ("MA203", "DROP SCHEMA reporting;", "DROP VIEW IF EXISTS reporting_view;"),
    ("MA204", "DROP DATABASE IF EXISTS x;", "SELECT 1;"),
    ("MA205", "ALTER TABLE public.lots RENAME COLUMN a TO b;",
     "CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;"),
    ("MA206", "ALTER TABLE IF EXISTS lots RENAME TO inventory;",
     "ALTER INDEX idx_a RENAME TO idx_b;"),
    ("MA207", "ALTER TABLE lots ALTER supplier_id DROP NOT NULL;",
     "-- agent:direction down\nALTER TABLE lots ALTER supplier_id DROP NOT NULL;"),
    ("MA208", "TRUNCATE a, b CASCADE;", "TRUNCATE a, b;"),
    ("MA209", "UPDATE lots SET a = 1;", "CREATE TABLE t (a int);\nUPDATE t SET a = 1;"),
    ("MA210", "DELETE FROM lots;", "DELETE FROM lots WHERE lot_id = 1;"),
    ("MA301", "CREATE INDEX CONCURRENTLY i ON lots (a);",
     "-- agent:no-transaction\nCREATE INDEX CONCURRENTLY i ON lots (a);"),
    ("MA302", "BEGIN;\nSTART TRANSACTION;\nCOMMIT;", "BEGIN;\nCOMMIT;\nBEGIN;\nCOMMIT;"),
    ("MA303", "BEGIN;\nSELECT 1;\nCOMMIT;\nBEGIN;\nSELECT 2;", "BEGIN;\nSELECT 1;\nROLLBACK;"),
    ("MA304",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\nALTER TABLE lots VALIDATE CONSTRAINT c;",
     "-- agent:no-transaction\nSET lock_timeout = '1s';\n"
     "ALTER TABLE lots ADD a int;\nALTER TABLE lots VALIDATE CONSTRAINT c;"),
    ("MA304",  # catalog-only changes, or work that takes ACCESS EXCLUSIVE itself (issue 19)
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\n"
     "ALTER TABLE lots ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES suppliers ON DELETE CASCADE;",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\nALTER TABLE lots ADD b int;\n"
     "ALTER TABLE lots ADD CONSTRAINT c CHECK (a > 0);"),
    ("MA305",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\n"
     "ALTER TABLE suppliers ADD CONSTRAINT suppliers_x_check CHECK (x > 0);",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\n"
     "CREATE TABLE other (x int REFERENCES suppliers ON DELETE CASCADE);"),
    ("MA305",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD COLUMN token float8 DEFAULT random();\n"
     "UPDATE lots SET token = 0 WHERE lot_id = 1;",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\nCREATE TABLE other (x int);\n"
     "CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';\n"
     "CREATE TRIGGER t BEFORE UPDATE ON lots FOR EACH ROW EXECUTE FUNCTION f();\n"
     "COMMENT ON TABLE lots IS 'x';"),
    ("MA305",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\nCREATE INDEX i ON lots (a);",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD a int;\nCREATE TABLE n (x int);\n"
     "CREATE INDEX i ON n (x);"),
    ("MA305",
     "SET lock_timeout = '1s';\nDROP TABLE old_lots;\nALTER TABLE lots DROP COLUMN a;\n"
     "SELECT count(*) FROM lots;",
     "-- agent:direction down\nSET lock_timeout = '1s';\n"
     "CREATE TABLE _backup_lots AS TABLE lots;\nDROP TABLE lots RESTRICT;\n"
     "DROP FUNCTION update_updated_at_column();\nDROP TABLE other_table;"),
    ("MA305",
     "SET lock_timeout = '1s';\nLOCK TABLE lots;\nSELECT set_config('x', 'y', true), pg_sleep(1);",
     "SET lock_timeout = '1s';\nLOCK TABLE lots;\nSELECT set_config('statement_timeout', '5s', true);"),
    ("MA502", "ALTER TABLE lots ALTER COLUMN code TYPE varchar(20);",
     "ALTER TABLE lots ALTER COLUMN code TYPE varchar;"),
    ("MA401", "BEGIN;\nSET LOCAL lock_timeout = '1s';\nCOMMIT;\nALTER TABLE lots ADD a int;",
     "SELECT set_config('lock_timeout', '1s', false);\nALTER TABLE lots ADD a int;"),
    ("MA401", "SET lock_timeout = 0;\nDROP TABLE lots;",
     "CREATE TABLE lots (a int);\nCREATE INDEX i ON lots (a);"),
    ("MA402", "SET lock_timeout = '1s';\nALTER TABLE lots ADD CONSTRAINT c CHECK (a > 0);",
     "SET lock_timeout = '1s';\nALTER TABLE lots ADD COLUMN a int;"),
    ("MA501", "CREATE TABLE t (id serial PRIMARY KEY);",
     "CREATE TABLE t (t_id bigint PRIMARY KEY, quantity integer);"),
    ("MA501", "CREATE TABLE t (a bigint, parent_id int, FOREIGN KEY (parent_id) REFERENCES p "
     "ON DELETE CASCADE);", "CREATE TABLE t (a bigint PRIMARY KEY, qty smallint);"),
    ("MA503", "ALTER TABLE lots ADD COLUMN at timestamp(3) without time zone;",
     "ALTER TABLE lots ADD COLUMN at timestamp with time zone;"),
    ("MA504", "CREATE TABLE t (a smallserial);", "CREATE TABLE t (a bigint);"),
    ("MA505", "CREATE TABLE t (a character(3));", "CREATE TABLE t (a \"char\");"),
    ("MA506", "ALTER TABLE lots ADD COLUMN a json;", "ALTER TABLE lots ADD COLUMN a jsonb;"),
    ("MA507", f'CREATE TABLE t ("{"é" * 32}" int);', f'CREATE TABLE t ("{"é" * 31}" int);'),
    ("MA601", "CREATE TABLE c (p bigint REFERENCES p ON UPDATE NO ACTION);",
     "CREATE TABLE c (p bigint REFERENCES p ON DELETE NO ACTION);\nCREATE INDEX i ON c (p);"),
    ("MA602",
     "CREATE TABLE c (a bigint, b bigint, FOREIGN KEY (a, b) REFERENCES p ON DELETE CASCADE);\n"
     "CREATE INDEX i ON c (a);",
     "CREATE TABLE c (a bigint, b bigint, FOREIGN KEY (a, b) REFERENCES p ON DELETE CASCADE);\n"
     "CREATE INDEX i ON c (b, a, a);"),
    ("MA603", "ALTER TABLE lots ADD COLUMN tenant_id uuid;\n"
     "CREATE POLICY p ON lots USING (true) WITH CHECK (true);",
     "CREATE TABLE t (t_id uuid PRIMARY KEY, tenant uuid);"),
    ("MA604", "CREATE TABLE t (tenant_id uuid);\nCREATE POLICY p ON other USING (true);",
     "CREATE TABLE t (tenant_id uuid);\nCREATE POLICY p ON t USING (true) WITH CHECK (true);"),
    ("MA605", "CREATE POLICY p ON t FOR INSERT TO app_user;",
     "CREATE POLICY p ON t FOR SELECT USING (true);"),
    ("MA606",
     "CREATE POLICY p ON t USING (tenant_id = current_setting('x', false)::uuid) "
     "WITH CHECK (true);",
     "CREATE POLICY p ON t USING (tenant_id = current_setting('x', 'on')::uuid) "
     "WITH CHECK (true);\nSELECT current_setting('y');"),
    ("MA607", "-- agent:direction down\nALTER TABLE lots DROP CONSTRAINT c CASCADE;",
     "DROP TABLE lots CASCADE;"),
    ("MA608", "TRUNCATE lots;",
     "INSERT INTO _backup_lots SELECT * FROM lots;\nTRUNCATE lots;"),
    ("MA608",
     "CREATE TABLE _backup_other AS TABLE other;\nDROP TABLE lots;",
     "SELECT * INTO _backup_lots FROM lots;\nDROP TABLE lots;"),
    ("MA609",
     "CREATE TABLE t (t_id uuid PRIMARY KEY, tenant_id uuid, code text UNIQUE);",
     "CREATE TABLE t (t_id uuid PRIMARY KEY, tenant_id uuid, code text);\n"
     "CREATE UNIQUE INDEX u ON t (tenant_id, lower(code));"),
    ("MA609",
     "CREATE TABLE t (t_id uuid PRIMARY KEY, tenant_id uuid, code text);\n"
     "CREATE UNIQUE INDEX u ON t (lower(code));",
     "CREATE TABLE t (t_id uuid PRIMARY KEY, code text UNIQUE);"),
    ("MA609",
     "ALTER TABLE t ADD COLUMN tenant_id uuid;\nALTER TABLE t ADD CONSTRAINT k UNIQUE (code);",
     "ALTER TABLE t ADD COLUMN tenant_id uuid;\nALTER TABLE t ADD CONSTRAINT k UNIQUE USING INDEX u;"),
    ("MA610",  # SET LOCAL ends with its transaction
     "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\nBEGIN;\nSET LOCAL row_security = off;\nCOMMIT;\n"
     "UPDATE lots SET code = upper(code) WHERE code IS NULL;",
     "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\nBEGIN;\nSET LOCAL row_security = off;\n"
     "UPDATE lots SET code = upper(code) WHERE code IS NULL;\nCOMMIT;"),
    ("MA610",  # the rows read, not the table filled
     "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\nINSERT INTO _backup_lots SELECT * FROM lots;",
     "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\nINSERT INTO lots (lot_id) VALUES (1);"),
    ("MA610",  # a table created in the file has no rows to skip; FORCE taken back
     "ALTER TABLE lots FORCE ROW LEVEL SECURITY;\nSELECT set_config('row_security', 'on', false);\n"
     "DELETE FROM lots WHERE lot_id IN (SELECT lot_id FROM lots WHERE qty < 0);",
     "CREATE TABLE lots (lot_id bigint PRIMARY KEY);\nALTER TABLE lots FORCE ROW LEVEL SECURITY;\n"
     "UPDATE lots SET lot_id = lot_id + 1 WHERE lot_id > 0;\n"
     "ALTER TABLE items FORCE ROW LEVEL SECURITY;\nALTER TABLE items NO FORCE ROW LEVEL SECURITY;\n"
     "UPDATE items SET code = 'x' WHERE code IS NULL;"),
    ("MA611", "COPY lots FROM PROGRAM 'curl -s http://example.com/lots.csv';",
     "COPY lots (lot_id, code) FROM STDIN;"),
    # Found by linting real migrations (Sourcegraph, Mattermost): each pair a fixed false
    # positive or false negative.
    ("MA402",  # only a type change that rewrites scans; ADD IDENTITY fills no row
     "SET lock_timeout = '2s';\nALTER TABLE lots ALTER COLUMN qty TYPE bigint;",
     "SET lock_timeout = '2s';\nALTER TABLE lots ALTER COLUMN lot_code TYPE text;\n"
     "ALTER TABLE lots ALTER COLUMN lot_id ADD GENERATED ALWAYS AS IDENTITY;"),
    ("MA402",  # a CHECK on an added column is checked against every row
     "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN q int CHECK (q > 0);",
     "SET lock_timeout = '2s';\nALTER TABLE lots ADD COLUMN q int;"),
    ("MA104",
     "ALTER TABLE lots ADD COLUMN q int CHECK (q > 0);",
     "ALTER TABLE lots ADD COLUMN q int REFERENCES suppliers (supplier_id) ON DELETE SET NULL;"),
    ("MA104",  # a CHECK added by an ALTER that rewrites is checked during the rewrite (MA108)
     "ALTER TABLE lots ALTER COLUMN lot_code TYPE text, ADD CONSTRAINT c CHECK (lot_code <> '');",
     "ALTER TABLE lots ALTER COLUMN qty TYPE numeric(12, 3), ADD CONSTRAINT c CHECK (qty > 0);"),
    ("MA104",  # a REFERENCES on a column added with a default looks up every row (issue 19)
     "ALTER TABLE lots ADD COLUMN s bigint DEFAULT 1 REFERENCES suppliers (supplier_id) ON DELETE SET NULL;",
     "ALTER TABLE lots ADD COLUMN s bigint DEFAULT NULL REFERENCES suppliers (supplier_id) ON DELETE SET NULL;"),
    ("MA402",  # the same lookup is work under the lock
     "SET lock_timeout = '2s';\n"
     "ALTER TABLE lots ADD COLUMN s bigint DEFAULT 1 REFERENCES suppliers (supplier_id) ON DELETE SET NULL;",
     "SET lock_timeout = '2s';\n"
     "ALTER TABLE lots ADD COLUMN s bigint REFERENCES suppliers (supplier_id) ON DELETE SET NULL;"),
    ("MA109",  # volatility from PostgreSQL's own pg_proc, not a short list
     "ALTER TABLE lots ADD COLUMN token uuid DEFAULT uuid_generate_v4();",
     "ALTER TABLE lots ADD COLUMN c bigint NOT NULL DEFAULT (extract(epoch FROM now()) * 1000)::bigint;\n"
     "ALTER TABLE lots ADD COLUMN d timestamptz DEFAULT date_trunc('day', now());\n"
     "ALTER TABLE lots ADD COLUMN e text DEFAULT concat_ws('-', 'a', 'b');"),
    ("MA211", "ALTER TABLE lots DROP COLUMN supplier_id CASCADE;",
     "-- agent:direction down\nDROP TABLE lots CASCADE;\nALTER TABLE lots DROP COLUMN supplier_id;"),
    ("MA212", "ALTER TYPE lot_state RENAME VALUE 'hold' TO 'on_hold';",
     "-- agent:direction down\nALTER TYPE lot_state RENAME VALUE 'on_hold' TO 'hold';"),
    ("MA213", "DROP MATERIALIZED VIEW IF EXISTS lot_totals;",
     "-- agent:destructive\nDROP VIEW lot_totals;\nDROP TABLE lots;"),
    ("MA214", "ALTER MATERIALIZED VIEW lot_totals RENAME TO lot_sums;",
     "-- agent:direction down\nALTER VIEW lot_sums RENAME TO lot_totals;\nALTER TABLE lots RENAME TO stock;"),
    ("MA215", "ALTER TABLE lots RENAME CONSTRAINT lots_code_unique TO lots_sku_unique;",
     "ALTER TABLE lots RENAME CONSTRAINT lots_pkey TO lots_primary;\n"
     "ALTER TABLE lots RENAME CONSTRAINT lots_supplier_fkey TO lots_supplier;"),
    ("MA216", "ALTER TABLE lots DROP CONSTRAINT IF EXISTS lots_tenant_id_code_key;",
     "-- agent:destructive\nALTER TABLE lots DROP CONSTRAINT lots_tenant_id_code_key;\n"
     "ALTER TABLE lots DROP CONSTRAINT lots_supplier_fkey;"),
    ("MA217",  # a type that is new in the file, swapped by a new name
     "CREATE TYPE s AS ENUM ('a', 'b');\nCREATE TYPE s_new AS ENUM ('a');\nDROP TYPE s;\nALTER TYPE s_new RENAME TO s;",
     "CREATE TYPE s AS ENUM ('a', 'b');\nCREATE TYPE s_new AS ENUM ('b', 'a');\nDROP TYPE s;\n"
     "ALTER TYPE s_new RENAME TO s;"),
    ("MA218", "UPDATE pg_catalog.pg_attribute SET atttypmod = 104 WHERE attname = 'code';",
     "UPDATE app.pg_attribute SET atttypmod = 104 WHERE attname = 'code';"),
    ("MA401",  # DROP INDEX locks the index's table, here one created in the file
     "DROP POLICY IF EXISTS p ON accounts;",
     "CREATE TABLE t (t_id bigint PRIMARY KEY, a text);\nCREATE INDEX t_a_idx ON t (a);\nDROP INDEX t_a_idx;"),
    ("MA401",  # renaming an index takes SHARE UPDATE EXCLUSIVE on the index alone
     "DROP TRIGGER IF EXISTS trg ON accounts;",
     "ALTER INDEX ri_a_idx RENAME TO ri_a_idx2;\nUPDATE ri SET a = 1 WHERE id = 1;"),
    ("MA401", "DROP VIEW IF EXISTS v_accounts;", "SET lock_timeout = '2s';\nDROP VIEW IF EXISTS v_accounts;"),
    ("MA305",
     "SET lock_timeout = '2s';\nDROP INDEX ri_a_idx;\nUPDATE ri SET a = 1 WHERE id = 1;",
     "SET lock_timeout = '2s';\nALTER INDEX ri_a_idx RENAME TO ri_a_idx2;\nUPDATE ri SET a = 1 WHERE id = 1;"),
    ("MA301",  # COMMIT AND CHAIN opens the next transaction at once
     "SET lock_timeout = '2s';\nBEGIN;\nUPDATE t SET a = 0 WHERE a IS NULL;\nCOMMIT AND CHAIN;\n"
     "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);",
     "SET lock_timeout = '2s';\nBEGIN;\nUPDATE t SET a = 0 WHERE a IS NULL;\nCOMMIT;\n"
     "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);"),
    ("MA301",  # goose's and Mattermost's markers for a file run outside a transaction
     "SET lock_timeout = '2s';\n-- +goose Up\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);",
     "-- +goose NO TRANSACTION\n-- +goose Up\nSET lock_timeout = '2s';\nCREATE INDEX CONCURRENTLY t_a_idx ON t (a);\n"
     "-- morph:nontransactional\nDROP INDEX CONCURRENTLY t_b_idx;"),
    ("MA303",
     "BEGIN;\nUPDATE t SET a = 0 WHERE id = 1;\nCOMMIT AND CHAIN;\nUPDATE t SET a = 1 WHERE id = 2;",
     "BEGIN;\nUPDATE t SET a = 0 WHERE id = 1;\nCOMMIT AND CHAIN;\nUPDATE t SET a = 1 WHERE id = 2;\nCOMMIT;"),
    ("MA306",  # the file runs as one transaction
     "ALTER TYPE s ADD VALUE 'b';\nALTER TABLE t ALTER COLUMN c SET DEFAULT 'b';",
     "ALTER TYPE s ADD VALUE 'b';\nALTER TABLE t ALTER COLUMN c SET DEFAULT 'a';"),
    ("MA602",  # a partial index holds only some rows: a parent's delete still scans
     "CREATE TABLE jobs (job_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state text NOT NULL, "
     "repo_id bigint NOT NULL REFERENCES repo (repo_id) ON DELETE CASCADE);\n"
     "CREATE UNIQUE INDEX jobs_queued ON jobs (repo_id) WHERE state = 'queued';",
     "CREATE TABLE jobs (job_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, state text NOT NULL, "
     "repo_id bigint NOT NULL REFERENCES repo (repo_id) ON DELETE CASCADE);\n"
     "CREATE INDEX jobs_repo ON jobs (repo_id);"),
]


@pytest.mark.parametrize(("code", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_rule_case(code: str, bad: str, good: str) -> None:
    assert code in all_codes(bad), bad
    assert code not in all_codes(good), good


def test_every_linting_rule_has_an_extra_case() -> None:
    covered = {code for code, _, _ in CASES}
    linting = {r.code for r in RULES if not r.code.startswith("MA0")}
    assert linting <= covered


def test_registering_a_code_twice_raises() -> None:
    rule = next(iter(RULES))
    registry = Registry([rule])
    with pytest.raises(DuplicateRuleError, match=rule.code):
        registry.register(rule)


def test_registering_a_name_twice_raises() -> None:
    rule = next(iter(RULES))
    twin = Rule(code="MA999", name=rule.name, severity=Severity.ERROR, message="m", why="w",
                instead="i", bad="", good="")
    with pytest.raises(DuplicateRuleError, match=rule.name):
        Registry([rule, twin])


@pytest.mark.parametrize("rule", ALL, ids=[r.code for r in ALL])
def test_rule_metadata_is_complete(rule: Rule) -> None:
    assert re.fullmatch(r"MA\d{3}", rule.code)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name)
    assert "\n" not in rule.message
    assert rule.why and rule.instead


def test_codes_are_in_registry_order() -> None:
    ordered = [r.code for r in RULES]
    assert ordered == sorted(ordered)


def test_destructive_rules_default_to_error() -> None:
    destructive = ["MA201", "MA202", "MA203", "MA204", "MA208", "MA608"]
    assert all(RULES[code].severity is Severity.ERROR for code in destructive)


def test_prefer_text_is_the_rule_off_by_default() -> None:
    assert [r.code for r in RULES if not r.enabled_by_default] == ["MA502"]
    assert "MA502" not in RULES.selected()
    assert "MA502" in RULES.selected(enable=["prefer-text"])
    sql = "CREATE TABLE t (t_id bigint PRIMARY KEY, c varchar(20));"
    assert "MA502" not in codes(sql)
    assert "MA502" in all_codes(sql)


def test_selecting_an_unknown_rule_raises() -> None:
    with pytest.raises(UnknownRuleError, match="MA998"):
        RULES.selected(disable=["MA998"])


def test_forced_row_security_from_an_earlier_file_reaches_a_later_backup() -> None:
    """`lint a.sql b.sql`: b's backup reads a table a.sql forced (and a NO FORCE in a later
    file takes it back)."""
    forced = ("001.sql", "ALTER TABLE lots FORCE ROW LEVEL SECURITY;")
    backup = ("002.sql", "CREATE TABLE _backup_lots AS TABLE lots;\nDROP TABLE lots;")
    no_force = ("002.sql", "ALTER TABLE lots NO FORCE ROW LEVEL SECURITY;")
    later = ("003.sql", backup[1])
    assert "MA610" in [f.code for f in lint_texts([forced, backup], workers=1).files[1].findings]
    assert "MA610" not in [f.code for f in lint_texts([forced, no_force, later], workers=1).files[2].findings]
    assert "MA610" in [f.code for f in lint_texts([forced, backup], workers=2).files[1].findings]
