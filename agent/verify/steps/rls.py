"""Step: tenant isolation, attacked for real, as the application role and as the table owner.

With tenant A set only A's rows are visible, B's ids return nothing, writing into B is
refused; with an empty or no tenant setting nothing is visible and nothing errors; the
owner is held by FORCE ROW LEVEL SECURITY; views run with the caller's rights.
Backup tables, which hold every tenant's rows, show the application role nothing.
Every probe runs in a transaction that is rolled back.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import asyncpg

from agent.catalog import Catalog
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.names import bounded_name
from agent.schema.tables import Table
from agent.sql.migration_file import BACKUP_PREFIX
from agent.verify.context import TENANT_A, TENANT_B, VerifyContext
from agent.verify.parallel import per_item
from agent.verify.report import Finding
from agent.verify.row_key import row_key_literal, row_key_sql
from agent.verify.rows import unique_overrides
from agent.verify.scratch import PROBE_OWNER

__all__ = ["run"]

RLS_REFUSED = "42501"


class _Probe:
    def __init__(self, context: VerifyContext, table: Table, connection: asyncpg.Connection) -> None:
        self.context, self.table = context, table
        self.connection = connection
        self.name = quote_ident(table.name)
        self.tenant = quote_ident(context.schema.tenant_column)
        self.pk = row_key_sql(table)
        self.setting = quote_literal(context.schema.tenant_setting)
        self.role = quote_ident(context.schema.app_role)
        self.findings: list[Finding] = []

    def note(self, check: str, passed: bool, message: str) -> None:
        self.findings.append(Finding(check=check, table=self.table.name, passed=passed, message=message))

    def widening(self) -> str:
        """The permissive policies besides tenant isolation: PostgreSQL ORs them with it, so any
        of them can show rows of other tenants (the usual cause of a leak in a generated table)."""
        isolation = bounded_name(f"{self.table.name}_tenant_isolation")
        names = [p.name for p in self.table.policies if p.permissive and p.name != isolation]
        if not names:
            return ""
        return (f" (permissive polic{'ies' if len(names) > 1 else 'y'} {', '.join(names)} OR-ed with tenant "
                "isolation: make it `permissive: false` or add the tenant condition)")

    async def as_role(self, role: str, tenant: str | None, action: Any) -> Any:
        """Run `action()` as `role` with the tenant setting (None: leave it as the session has it)."""
        transaction = self.connection.transaction()
        await transaction.start()
        try:
            await self.connection.execute(f"SET LOCAL ROLE {role}")
            if tenant is not None:
                await self.connection.execute(f"SELECT set_config({self.setting}, {quote_literal(tenant)}, true)")
            return await action()
        except asyncpg.PostgresError as error:
            return error
        finally:
            await transaction.rollback()

    async def count(self, where: str = "true") -> Any:
        return await self.connection.fetchval(f"SELECT count(*) FROM {self.name} WHERE {where}")

    async def row_for(self, source: dict[str, Any], tenant: str) -> str:
        """A copy of `source` for `tenant`; read as the connection's own role, before any switch."""
        changes = {**await unique_overrides(self.connection, self.table, self.context.schema.tenant_column,
                                            schema=self.context.schema, new_parents=False),
                   self.context.schema.tenant_column: tenant}
        return json.dumps({**source, **changes}, default=str)

    async def insert(self, row_json: str) -> Any:
        return await self.connection.execute(
            f"INSERT INTO {self.name} OVERRIDING SYSTEM VALUE "
            f"SELECT (jsonb_populate_record(NULL::{self.name}, $1::jsonb)).*", row_json)


async def _source_row(probe: _Probe, key: Any) -> dict[str, Any]:
    row = await probe.connection.fetchval(
        f"SELECT to_jsonb(t.*) FROM {probe.name} AS t WHERE {row_key_sql(probe.table, 't')} = $1", key)
    return dict(json.loads(row)) if row else {}


async def _tenant_a(probe: _Probe, keys: tuple[Any, Any], source: dict[str, Any], role: str, who: str) -> None:
    a_key, b_key = keys
    own = await probe.as_role(role, TENANT_A, lambda: probe.count(f"{probe.tenant} = {quote_literal(TENANT_A)}"))
    other = await probe.as_role(role, TENANT_A, lambda: probe.count(f"{probe.tenant} <> {quote_literal(TENANT_A)}"))
    probe.note("rls-visibility", isinstance(other, int) and other == 0 and isinstance(own, int) and own > 0,
               f"as {who} with tenant A set: {own} own rows, {other} rows of other tenants visible"
               + ("" if other == 0 else probe.widening() or " (RLS is not isolating tenants)"))
    if who != "the application role":
        return
    by_id = await probe.as_role(role, TENANT_A, lambda: probe.count(f"{probe.pk} = {row_key_literal(b_key)}"))
    probe.note("rls-by-id", by_id == 0, f"selecting tenant B's row by its id as tenant A returned {by_id} rows"
               + ("" if by_id == 0 else probe.widening()))
    row_b = await probe.row_for(source, TENANT_B)
    inserted = await probe.as_role(role, TENANT_A, lambda: probe.insert(row_b))
    _refused(probe, "rls-insert", inserted, "inserting a row for tenant B while tenant A is set")
    moved = await probe.as_role(role, TENANT_A, lambda: probe.connection.execute(
        f"UPDATE {probe.name} SET {probe.tenant} = {quote_literal(TENANT_B)} "
        f"WHERE {probe.pk} = {row_key_literal(a_key)}"))
    if moved == "UPDATE 0":  # a restrictive policy hides the row from the role: nothing can move
        probe.note("rls-update", True, "moving tenant A's row to tenant B changed nothing (the row is not "
                   "visible to the role)")
        return
    _refused(probe, "rls-update", moved, "moving tenant A's row to tenant B")


def _refused(probe: _Probe, check: str, outcome: Any, what: str) -> None:
    code = getattr(outcome, "sqlstate", None)
    if code == RLS_REFUSED:
        probe.note(check, True, f"{what} is refused by the policy")
    elif isinstance(outcome, asyncpg.PostgresError):
        probe.note(check, False, f"{what} failed with {code} ({outcome}), not with the policy's 42501")
    else:
        probe.note(check, False, f"{what} was accepted: the policy has no effective WITH CHECK")


async def _no_tenant(probe: _Probe, source: dict[str, Any]) -> None:
    empty = await probe.as_role(probe.role, "", lambda: probe.count())
    probe.note("rls-empty-setting", empty == 0,
               f"with an empty tenant setting: {_outcome(empty)}" + (probe.widening() if empty else ""))
    row_a = await probe.row_for(source, TENANT_A)
    written = await probe.as_role(probe.role, "", lambda: probe.insert(row_a))
    if not isinstance(empty, asyncpg.PostgresError):
        _refused(probe, "rls-empty-insert", written, "inserting with an empty tenant setting")
    fresh = await asyncpg.connect(probe.context.database_url)
    try:
        other = _Probe(probe.context, probe.table, fresh)
        unset = await other.as_role(probe.role, None, lambda: other.count())
    finally:
        await fresh.close()
    probe.note("rls-no-setting", unset == 0, f"in a session that never set the tenant: {_outcome(unset)}"
               + (probe.widening() if unset else ""))


def _outcome(result: Any) -> str:
    if isinstance(result, asyncpg.PostgresError):
        return (f"the query fails with {result.sqlstate} ({result}); the policy must read the setting with "
                "current_setting(name, true) and NULLIF(.., '')")
    return f"{result} rows visible"


async def _owner(probe: _Probe, b_key: Any, source: dict[str, Any]) -> None:
    transaction = probe.connection.transaction()
    await transaction.start()
    try:
        await probe.connection.execute(f"ALTER TABLE {probe.name} OWNER TO {quote_ident(PROBE_OWNER)}")
        await probe.connection.execute(f"SET LOCAL ROLE {quote_ident(PROBE_OWNER)}")
        await probe.connection.execute(f"SELECT set_config({probe.setting}, {quote_literal(TENANT_A)}, true)")
        other = await probe.count(f"{probe.tenant} <> {quote_literal(TENANT_A)}")
    except asyncpg.PostgresError as error:
        other = error
    finally:
        await transaction.rollback()
    cause = probe.widening() or " (ROW LEVEL SECURITY is enabled but not FORCEd)"
    probe.note("rls-owner", other == 0, f"as the table owner with tenant A set: {other} rows of other tenants "
               "visible" + ("" if other == 0 else cause))


async def _views(context: VerifyContext, connection: asyncpg.Connection, table: Table) -> list[Finding]:
    rows = await connection.fetch(
        "SELECT DISTINCT view.relname FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid "
        "JOIN pg_class view ON view.oid = r.ev_class JOIN pg_class t ON t.oid = d.refobjid "
        "WHERE t.relname = $1 AND view.relname <> $1 AND view.relkind IN ('v', 'm')", table.name)
    catalog: Catalog = context.catalog
    findings = []
    for (name,) in rows:
        view = catalog.view(name)
        safe = view is not None and view.security_invoker and not view.materialized
        findings.append(Finding(check="rls-view", table=table.name, passed=safe, message=(
            f"view {name} runs with the caller's rights (security_invoker)" if safe else
            f"view {name} reads {table.name} with its owner's rights: every tenant's rows leak through it; "
            "create it WITH (security_invoker = true)")))
    return findings


async def _table(context: VerifyContext, connection: asyncpg.Connection, table: Table) -> list[Finding]:
    probe = _Probe(context, table, connection)
    a_key = context.sample.some_key(table.name, uuid.UUID(TENANT_A))
    b_key = context.sample.some_key(table.name, uuid.UUID(TENANT_B))
    if a_key is None or b_key is None:
        return [Finding(check="rls", table=table.name, passed=False, message="no sample rows for two tenants")]
    source = await _source_row(probe, a_key)
    await _tenant_a(probe, (a_key, b_key), source, probe.role, "the application role")
    await _no_tenant(probe, source)
    await _owner(probe, b_key, source)
    return (probe.findings + _policies_state_their_checks(context.catalog, table)
            + await _views(context, connection, table))


def _policies_state_their_checks(catalog: Catalog, table: Table) -> list[Finding]:
    """A write policy without WITH CHECK leans on PostgreSQL reusing USING: say it explicitly."""
    found = catalog.table(table.name)
    policies = found.policies if found else ()
    return [Finding(check="rls-with-check", table=table.name, passed=False,
                    message=f"policy {p.name} has no WITH CHECK: which rows may be written is left implicit")
            for p in policies if p.command in ("ALL", "INSERT", "UPDATE") and p.with_check is None]


async def _prepare(context: VerifyContext) -> list[Finding]:
    connection, role = context.connection, context.schema.app_role
    # Both roles exist already (the scratch provider made them and lent them to the owner); the
    # probe owner takes a table over for a moment, which needs CREATE on its schema.
    await connection.execute(f"GRANT USAGE ON SCHEMA public TO {quote_ident(role)}")
    await connection.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {quote_ident(PROBE_OWNER)}")
    privileges = "SELECT, INSERT, UPDATE, DELETE"
    await connection.execute(f"GRANT {privileges} ON ALL TABLES IN SCHEMA public TO {quote_ident(role)}")
    flags = await connection.fetchrow("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", role)
    safe = flags is not None and not flags["rolsuper"] and not flags["rolbypassrls"]
    return [Finding(check="rls-role", passed=safe, message=(
        f"the application role {role} is neither superuser nor BYPASSRLS" if safe else
        f"the application role {role} bypasses row level security (superuser or BYPASSRLS)"))]


async def _backup(context: VerifyContext, backup: str) -> Finding:
    """A row put into the backup table, then read as the application role with a tenant set
    (and the grants of `_prepare`): it must see nothing."""
    connection, name = context.connection, quote_ident(backup)
    transaction = connection.transaction()
    await transaction.start()
    try:
        await connection.execute(f"INSERT INTO {name} DEFAULT VALUES")
        await connection.execute(f"SET LOCAL ROLE {quote_ident(context.schema.app_role)}")
        await connection.execute(f"SELECT set_config({quote_literal(context.schema.tenant_setting)}, "
                                 f"{quote_literal(TENANT_A)}, true)")
        seen = await connection.fetchval(f"SELECT count(*) FROM {name}")
    except asyncpg.InsufficientPrivilegeError:
        seen = 0
    finally:
        await transaction.rollback()
    return Finding(check="rls-backup", table=backup, passed=seen == 0, message=(
        "the application role reads none of the backup's rows" if seen == 0 else
        "the application role reads the backup, which holds every tenant's rows"))


async def _backups(context: VerifyContext) -> list[Finding]:
    names = await context.connection.fetch(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND starts_with(tablename, $1) "
        "ORDER BY tablename", BACKUP_PREFIX)
    findings = []
    for row in names:
        try:
            findings.append(await _backup(context, row["tablename"]))
        except asyncpg.PostgresError as error:
            findings.append(Finding(check="rls-backup", table=row["tablename"], passed=False,
                                    message=f"the probe stopped: {error}"))
    return findings


async def run(context: VerifyContext) -> list[Finding]:
    findings = await _prepare(context)

    # Tables are probed over a few sessions at once: a probe that takes a table over (the owner
    # check) holds no other lock, so one session can only wait on another, never deadlock.
    async def probe(connection: asyncpg.Connection, table: Table) -> list[Finding]:
        try:
            return await _table(context, connection, table)
        except asyncpg.PostgresError as error:
            return [Finding(check="rls", table=table.name, passed=False, message=f"the probes stopped: {error}")]
    findings += await per_item(context, [t for t in context.schema.tables if t.tenant_scoped], probe)
    return findings + await _backups(context)
