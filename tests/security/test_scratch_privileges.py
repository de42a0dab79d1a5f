"""Verification runs hostile migration SQL as an unprivileged, per-job owner (issue 16).

Each attack is migration SQL given straight to the pipeline, as `verify` of a hand-written
folder would run it: no allow-list of expressions stands in front of it.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg
import pytest

from agent.config import ConfigError, load_settings
from agent.schema.literals import quote_ident
from agent.schema.load import LoadedSchema
from agent.schema.tables import Check, Schema
from agent.verify.apply import MigrationText
from agent.verify.pipeline import run_pipeline
from agent.verify.report import VerificationReport
from agent.verify.scratch import PROBE_OWNER, ScratchLimits, ScratchProvider, login_url
from tests.generate.helpers import examples, generate
from tests.security.admin import admin_value, as_admin

pytestmark = pytest.mark.integration

FILE = "20260101000000_attack.sql"


def attack(up: str, down: str = "SELECT 1;") -> list[MigrationText]:
    return [MigrationText(FILE, up, down)]


def failures(report: VerificationReport) -> list[str]:
    return [f.message for step in report.steps for f in step.failures]


async def refused(server: str, up: str, **options: object) -> str:
    report = await run_pipeline(server, attack(up), **options)  # type: ignore[arg-type]
    assert not report.passed, f"accepted: {up}"
    return " | ".join(failures(report))


def fresh_path() -> Path:
    return Path("/tmp") / f"migration-agent-attack-{uuid.uuid4().hex}"


def test_the_limits_come_from_the_settings() -> None:
    limits = ScratchLimits.configured(load_settings(environ={"SCRATCH_STATEMENT_TIMEOUT": "2.5",
                                                             "SCRATCH_MAX_AGE": "3600"}))
    assert limits.role_settings()["statement_timeout"] == "2500ms" and limits.max_age_s == 3600
    assert limits.role_settings()["lock_timeout"] == "2500ms"
    with pytest.raises(ConfigError, match="SCRATCH_STATEMENT_TIMEOUT"):
        load_settings(environ={"SCRATCH_STATEMENT_TIMEOUT": "0"})


def test_the_owner_logs_in_with_its_own_name_and_password() -> None:
    assert login_url("postgresql://postgres@127.0.0.1:5432/postgres?user=postgres&sslmode=disable", "o", "p w") == \
        "postgresql://o:p%20w@127.0.0.1:5432/postgres?sslmode=disable"
    assert login_url("postgresql:///db?host=/run/postgresql", "o", "p") == "postgresql://o:p@/db?host=/run/postgresql"


async def test_lo_export_writes_no_file_on_the_host(postgres_server_url: str) -> None:
    target = fresh_path()
    reason = await refused(postgres_server_url,
                           f"SELECT lo_from_bytea(424242, 'x');\nSELECT lo_export(424242, '{target}');")
    assert "permission denied for function lo_export" in reason
    assert not target.exists()


async def test_copy_to_a_program_or_file_runs_nothing(postgres_server_url: str) -> None:
    touched, written = fresh_path(), fresh_path()
    reason = await refused(postgres_server_url, f"COPY (SELECT 1) TO PROGRAM 'touch {touched}';")
    assert "permission denied to COPY to or from an external program" in reason
    reason = await refused(postgres_server_url, f"COPY (SELECT 1) TO '{written}';")
    assert "permission denied to COPY to a file" in reason
    assert not touched.exists() and not written.exists()


async def test_pg_read_file_is_denied_and_nothing_of_the_file_is_reported(postgres_server_url: str) -> None:
    secret = Path("/etc/passwd").read_text().splitlines()[0]
    report = await run_pipeline(postgres_server_url, attack("SELECT pg_read_file('/etc/passwd')::int;"))
    assert not report.passed
    assert "permission denied for function pg_read_file" in " ".join(failures(report))
    assert secret not in json.dumps(report.to_json_dict()) and secret not in report.to_markdown()


@pytest.mark.parametrize(("sql", "expected"), [
    ("SELECT count(*) FROM pg_authid;", "permission denied for table pg_authid"),
    ("SELECT lo_import('/etc/passwd');", "permission denied for function lo_import"),
    ("SELECT pg_read_binary_file('/etc/passwd');", "permission denied for function pg_read_binary_file"),
    ("SELECT pg_ls_dir('/');", "permission denied for function pg_ls_dir"),
    ("SELECT pg_stat_file('/etc/passwd');", "permission denied for function pg_stat_file"),
    ("CREATE TEMP TABLE f (l text); COPY f FROM '/etc/passwd';", "permission denied to COPY from a file"),
    ("SELECT pg_reload_conf();", "permission denied for function pg_reload_conf"),
    ("-- agent:no-transaction\n\nALTER SYSTEM SET work_mem = '1GB';", "permission denied to set parameter"),
    ("RESET ROLE; CREATE ROLE intruder SUPERUSER;", "permission denied to create role"),
    ("SET SESSION AUTHORIZATION postgres;", "permission denied to set session authorization"),
    ("SET ROLE postgres;", "permission denied to set role"),
    ("CREATE EXTENSION IF NOT EXISTS dblink;", "permission denied to create extension"),
    ("-- agent:no-transaction\n\nCREATE DATABASE intruder;", "permission denied to create database"),
    ("CREATE EXTENSION IF NOT EXISTS file_fdw;", "permission denied to create extension"),
    ("CREATE EXTENSION IF NOT EXISTS postgres_fdw;", "permission denied to create extension"),
    ("SELECT set_config('log_statement', 'none', false);", "permission denied to set parameter"),
])
async def test_what_only_a_superuser_may_do_is_refused(postgres_server_url: str, sql: str, expected: str) -> None:
    assert expected in await refused(postgres_server_url, sql)


async def test_the_owner_holds_no_power_and_cannot_regain_one(postgres_server_url: str) -> None:
    provider = ScratchProvider(postgres_server_url)
    async with provider.database() as url:
        connection = await provider.connect(url)
        try:
            await connection.execute("RESET ROLE; RESET SESSION AUTHORIZATION")
            flags = await connection.fetchrow(
                "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls FROM pg_roles "
                "WHERE rolname = session_user")
            assert flags is not None and not any(flags.values())
            powers = await connection.fetchval(
                "SELECT array_agg(rolname ORDER BY rolname) FROM pg_roles WHERE starts_with(rolname, 'pg_') "
                "AND rolname <> 'pg_database_owner' AND pg_has_role(session_user, oid, 'USAGE')")
            assert powers is None
            assert await connection.fetchval("SELECT current_setting('statement_timeout')") == "1min"
        finally:
            await connection.close()


async def test_one_job_cannot_end_another_jobs_session(postgres_server_url: str) -> None:
    """Not as its owner, nor as the roles lent to it (the application role, the probe owner)."""
    provider = ScratchProvider(postgres_server_url)
    await provider.ensure_role("app_user")
    async with provider.database() as first, provider.database() as second:
        attacker, victim = await provider.connect(first), await provider.connect(second)
        try:
            pid = await victim.fetchval("SELECT pg_backend_pid()")
            for role in ("NONE", "app_user", PROBE_OWNER):
                await attacker.execute(f"SET ROLE {role}")
                for signal in ("pg_terminate_backend", "pg_cancel_backend"):
                    with pytest.raises(asyncpg.InsufficientPrivilegeError):
                        await attacker.execute(f"SELECT {signal}({pid})")
            assert await victim.fetchval("SELECT 1") == 1
        finally:
            await attacker.close()
            await victim.close()


async def test_a_migration_ending_every_scratch_session_disturbs_no_other_job(postgres_server_url: str) -> None:
    provider = ScratchProvider(postgres_server_url)
    async with provider.database() as url:
        victim = await provider.connect(url)
        try:
            reason = await refused(postgres_server_url, (
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE pid <> pg_backend_pid() AND starts_with(datname, 'scratch_');"))
            assert "permission denied to terminate process" in reason
            assert await victim.fetchval("SELECT 1") == 1
        finally:
            await victim.close()


async def test_the_application_role_cannot_be_lent_a_job_owner(postgres_server_url: str) -> None:
    """A job's SQL granting its own owner role to the shared application role would let every
    other job (which may SET ROLE to it) signal this job's sessions."""
    reason = await refused(postgres_server_url,
                           "DO $$ BEGIN EXECUTE format('GRANT %I TO app_user', session_user); END $$;",
                           schema=Schema())
    assert "permission denied to grant role" in reason
    assert await admin_value(postgres_server_url,
                             "SELECT count(*) FROM pg_auth_members WHERE member = 'app_user'::regrole") == 0


@pytest.mark.parametrize("role", ["postgres", "pg_signal_backend", "pg_read_server_files",
                                  "scratch_owner_1_1_000000000000_000000"])
async def test_a_powerful_application_role_is_refused(postgres_server_url: str, role: str) -> None:
    reason = await refused(postgres_server_url, "SELECT 1;", schema=Schema(app_role=role))
    assert f"the application role '{role}'" in reason


async def test_ending_its_own_session_is_a_failed_verification(postgres_server_url: str) -> None:
    reason = await refused(postgres_server_url,
                           "CREATE TABLE t (id int);\nSELECT pg_terminate_backend(pg_backend_pid());")
    assert "session ended at the statement on line 2 (SELECT pg_terminate_backend(pg_backend_pid()))" in reason


async def test_a_sleeping_statement_is_stopped_by_the_statement_timeout(postgres_server_url: str) -> None:
    started = time.monotonic()
    reason = await refused(postgres_server_url, "CREATE TABLE t (id int);\n\nSELECT pg_sleep(120);",
                           limits=ScratchLimits(statement_timeout_s=1))
    assert time.monotonic() - started < 30
    assert "canceling statement due to statement timeout: the statement on line 3 (SELECT pg_sleep(120))" in reason


BYPASS_CHECK = ("DO $$ BEGIN IF NOT (SELECT rolbypassrls FROM pg_roles WHERE rolname = session_user) "
                "THEN RAISE EXCEPTION 'no BYPASSRLS'; END IF; END $$;")


async def test_bypassrls_only_where_a_file_turns_row_security_off(postgres_server_url: str) -> None:
    assert "no BYPASSRLS" in await refused(postgres_server_url, BYPASS_CHECK)
    report = await run_pipeline(postgres_server_url, attack(f"BEGIN;\nSET LOCAL row_security = off;\n{BYPASS_CHECK}\n"
                                                            "COMMIT;"))
    assert failures(report) == []


async def test_trusted_extensions_are_created_by_the_owner(postgres_server_url: str) -> None:
    report = await run_pipeline(postgres_server_url, attack(
        "CREATE EXTENSION IF NOT EXISTS citext;\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
        "CREATE TABLE t (id uuid DEFAULT gen_random_uuid() PRIMARY KEY, email citext);\n"
        "CREATE INDEX t_email ON t USING gin ((email::text) gin_trgm_ops);",
        "DROP TABLE t;\nDROP EXTENSION pg_trgm;\nDROP EXTENSION citext;"))
    assert failures(report) == []


async def test_concurrent_jobs_keep_their_own_databases(postgres_server_url: str) -> None:
    """Two verifications at once, one hostile: the other passes."""
    good = attack("CREATE TABLE t (id int);", "DROP TABLE t;")
    hostile = attack("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid();"
                     "\nSELECT pg_sleep(3);")
    reports = await asyncio.gather(run_pipeline(postgres_server_url, good), run_pipeline(postgres_server_url, hostile))
    assert reports[0].passed and not reports[1].passed


def with_check(schema: Schema, table_name: str, expression: str) -> Schema:
    """The schema with one more table check, as a YAML allow-list would never let through."""
    tables = tuple(t.model_copy(update={"checks": (*t.checks, Check(name=f"{t.name}_hostile", expression=expression))})
                   if t.name == table_name else t for t in schema.tables)
    return schema.model_copy(update={"tables": tables})


async def test_a_check_ending_its_session_while_sample_rows_load_fails_the_step(postgres_server_url: str) -> None:
    schema = with_check(examples().schema, "storage_locations", "pg_terminate_backend(pg_backend_pid())")
    outcome = generate(LoadedSchema(schema))
    files = [MigrationText(m.up_name, m.up_sql, m.down_sql) for m in outcome.migrations]
    report = await run_pipeline(postgres_server_url, files, schema=schema, rows_per_table=20)
    assert not report.passed
    steps = {step.name: step for step in report.steps}
    assert "the database session ended during this step" in " ".join(f.message for f in steps["sample_data"].failures)
    assert steps["rls"].skipped == "the database session ended"


async def test_a_grant_from_another_job_does_not_break_dropping_a_scratch_database(postgres_server_url: str) -> None:
    provider = ScratchProvider(postgres_server_url)
    async with provider.database() as other:
        holder = await provider.connect(other)
        try:
            async with provider.database() as mine:
                owner = str(urlsplit(mine).username)
                await holder.execute(f"CREATE TABLE kept (id int); GRANT SELECT ON kept TO {quote_ident(owner)}")
            assert await holder.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", owner) == 1
        finally:
            await holder.close()
    await as_admin(postgres_server_url, f"DROP ROLE {quote_ident(owner)}")
