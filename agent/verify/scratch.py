"""Throwaway databases for verification, owned by a throwaway role.

Each scratch database `scratch_<pid>_<epoch>_<host><boot>_<random>` is created with its
own owner role `scratch_owner_<same suffix>`: LOGIN (a one-time password), no superuser,
no CREATEROLE or CREATEDB, member of no predefined role, BYPASSRLS only when a migration
turns row security off. The pipeline logs in as that owner, so a migration's `RESET ROLE`
gives nothing back, and one job's session cannot signal another job's backends (a role may
signal only sessions of roles whose privileges it has). The owner's statement, lock and
idle-in-transaction timeouts are role settings. Database and role are dropped when the
block ends, however it ends; the provider drops only names it created itself.

The name carries the creating process, this host and boot, and the creation time, so
`sweep_stale_scratch` can drop what a killed process left behind without touching a
database of a live process.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import os
import re
import secrets
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import asyncpg
from pydantic import BaseModel, ConfigDict, Field

from agent.config import Settings, load_settings
from agent.schema.literals import quote_ident, quote_literal

__all__ = [
    "LINT_INFIX",
    "OWNER_PREFIX",
    "PREFIX",
    "PROBE_OWNER",
    "Origin",
    "ScratchError",
    "ScratchLimits",
    "ScratchProvider",
    "UnsafeRoleError",
    "database_url",
    "login_url",
    "sweep_stale_scratch",
]

PREFIX = "scratch_"
OWNER_PREFIX = "scratch_owner_"
LINT_INFIX = "lint_"
"""`lint --trace` names its databases `scratch_lint_<origin>` (agent.lint.trace)."""
PROBE_OWNER = "migration_agent_probe_owner"
"""A role with no rights of its own that the tenant-isolation step makes a table's owner for a
moment (in a transaction it rolls back), to prove FORCE ROW LEVEL SECURITY holds the owner."""
_SUFFIX = re.compile(
    r"(?P<pid>[0-9]{1,10})_(?P<started>[0-9]{1,12})_(?P<host>[0-9a-f]{8})(?P<boot>[0-9a-f]{4})_[0-9a-f]{6}")
_LEGACY = re.compile(r"scratch_[0-9a-f]{12}")
_CONNECTIONS_PER_OWNER = 8
_CLOCK_SLACK_S = 2.0
_ORPHAN_ROLE_AFTER_S = 600.0


class ScratchError(RuntimeError):
    """The scratch server is unusable; the message says why."""


class UnsafeRoleError(ValueError):
    """The schema's application role cannot be lent to a scratch owner; the message says why."""


class ScratchLimits(BaseModel):
    """What bounds a scratch session; role settings of each scratch owner."""

    model_config = ConfigDict(frozen=True)

    statement_timeout_s: float = Field(default=60.0, gt=0)
    lock_timeout_s: float = Field(default=10.0, gt=0)
    idle_in_transaction_s: float = Field(default=600.0, gt=0)
    """Only the pipeline's own client idles in a transaction (generating sample rows), so this is long."""
    max_age_s: float = Field(default=86_400.0, gt=0)
    """A scratch database made on another host is swept once older than this."""

    @classmethod
    def configured(cls, settings: Settings | None = None) -> ScratchLimits:
        """From the settings (SCRATCH_STATEMENT_TIMEOUT, SCRATCH_MAX_AGE), the environment's by default."""
        settings = settings or load_settings()
        return cls(statement_timeout_s=settings.scratch_statement_timeout_s, max_age_s=settings.scratch_max_age_s)

    def role_settings(self) -> dict[str, str]:
        return {
            "statement_timeout": f"{round(self.statement_timeout_s * 1000)}ms",
            "lock_timeout": f"{round(min(self.lock_timeout_s, self.statement_timeout_s) * 1000)}ms",
            "idle_in_transaction_session_timeout": f"{round(self.idle_in_transaction_s * 1000)}ms",
        }


def database_url(server_url: str, database: str) -> str:
    """The same server, another database."""
    base, _, query = server_url.partition("?")
    scheme, _, rest = base.partition("://")
    authority = rest.split("/", 1)[0]
    return f"{scheme}://{authority}/{database}" + (f"?{query}" if query else "")


def login_url(url: str, user: str, password: str) -> str:
    """`url` logging in as `user` with `password` (a user or password in its query dropped)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    query = "&".join(p for p in parts.query.split("&") if p and p.split("=", 1)[0] not in ("user", "password"))
    netloc = f"{quote(user, safe='')}:{quote(password, safe='')}@{host}"
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


# ---------------------------------------------------------------- who created a scratch database


def _token(text: str, length: int) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:length]


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


@dataclasses.dataclass(frozen=True)
class Origin:
    """The process that created a scratch database, where, and when."""

    pid: int
    started: int
    host: str
    boot: str

    @classmethod
    def here(cls) -> Origin:
        return cls(os.getpid(), int(time.time()), _token(socket.gethostname(), 8), _token(_boot_id(), 4))

    def suffix(self) -> str:
        return f"{self.pid}_{self.started}_{self.host}{self.boot}_{secrets.token_hex(3)}"

    @classmethod
    def of(cls, suffix: str) -> Origin | None:
        found = _SUFFIX.fullmatch(suffix)
        if found is None:
            return None
        return cls(int(found["pid"]), int(found["started"]), found["host"], found["boot"])


def _process_start(pid: int) -> float | None:
    """When process `pid` started (epoch seconds), from /proc; None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
        boot = next(line for line in Path("/proc/stat").read_text().splitlines() if line.startswith("btime "))
    except (OSError, StopIteration):
        return None
    return int(boot.split()[1]) + int(fields[19]) / os.sysconf("SC_CLK_TCK")


def _alive(origin: Origin) -> bool:
    """Whether the process that created the database still runs (not a later one with its pid)."""
    try:
        os.kill(origin.pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    started = _process_start(origin.pid)
    return started is None or started <= origin.started + _CLOCK_SLACK_S


def _stale(origin: Origin, here: Origin, max_age_s: float) -> bool:
    """Gone for sure on this host; from another host (or unknowable), only once older than the limit."""
    if origin.host == here.host:
        return origin.boot != here.boot or not _alive(origin)
    return here.started - origin.started > max_age_s


# ---------------------------------------------------------------- the provider


class ScratchProvider:
    def __init__(self, server_url: str, limits: ScratchLimits | None = None) -> None:
        self.server_url = server_url
        self.limits = limits or ScratchLimits.configured()
        self._created: set[str] = set()
        self._lent: list[str] = []

    async def _admin(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(self.server_url, timeout=10)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            raise ScratchError(f"cannot reach the scratch server: {error}") from None

    async def ensure_role(self, role: str) -> None:
        """The application role the RLS checks run as: no login, no BYPASSRLS, not an owner,
        member of nothing. Each scratch owner created afterwards may SET ROLE to it."""
        admin = await self._admin()
        try:
            await _ensure_nologin_role(admin, role)
            _refuse_unsafe(role, await _role_flags(admin, role))
        finally:
            await admin.close()
        if role not in self._lent:
            self._lent.append(role)

    @contextlib.asynccontextmanager
    async def database(self, *, bypass_rls: bool = False, template: str | None = None) -> AsyncIterator[str]:
        """A fresh database's URL, logging in as its owner; dropped with the owner when the block
        ends, however it ends."""
        await _sweep_once(self.server_url, self.limits.max_age_s)
        suffix = Origin.here().suffix()
        name, owner, password = f"{PREFIX}{suffix}", f"{OWNER_PREFIX}{suffix}", secrets.token_hex(16)
        admin = await self._admin()
        try:
            self._created.add(name)
            await self._create(admin, name, owner, password, bypass_rls, template)
            yield login_url(database_url(self.server_url, name), owner, password)
        finally:
            await asyncio.shield(self._drop(admin, name, owner))

    async def connect(self, url: str) -> asyncpg.Connection:
        """A session as the scratch database's owner."""
        try:
            return await asyncpg.connect(url, timeout=10)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            raise ScratchError(f"the scratch server refused a login as a scratch database's owner ({error}): "
                               "its pg_hba.conf must let new roles log in with a password") from None

    async def _create(self, admin: asyncpg.Connection, name: str, owner: str, password: str,
                      bypass_rls: bool, template: str | None) -> None:
        role, database = quote_ident(owner), quote_ident(name)
        await admin.execute(
            f"CREATE ROLE {role} LOGIN PASSWORD {quote_literal(password)} NOSUPERUSER NOCREATEDB "
            f"NOCREATEROLE NOREPLICATION {'BYPASSRLS' if bypass_rls else 'NOBYPASSRLS'} "
            f"CONNECTION LIMIT {_CONNECTIONS_PER_OWNER}")
        for setting, value in self.limits.role_settings().items():
            await admin.execute(f"ALTER ROLE {role} SET {setting} = {quote_literal(value)}")
        await _ensure_nologin_role(admin, PROBE_OWNER)
        set_only = await _set_only(admin)
        for lent in (*self._lent, PROBE_OWNER):
            await admin.execute(f"GRANT {quote_ident(lent)} TO {role}{set_only}")
        clause = f" TEMPLATE {quote_ident(template)}" if template else ""
        await admin.execute(f"CREATE DATABASE {database} OWNER {role}{clause}")
        await admin.execute(f"REVOKE ALL ON DATABASE {database} FROM PUBLIC")
        note = f"migration-agent verification of process {os.getpid()} on {socket.gethostname()}"
        await admin.execute(f"COMMENT ON DATABASE {database} IS {quote_literal(note)}")

    async def _drop(self, admin: asyncpg.Connection, name: str, owner: str) -> None:
        try:
            if name in self._created:
                await admin.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")
                self._created.discard(name)
                # Another job may have granted the owner something in its own database, which
                # holds the role until that database goes: the sweep drops the role then.
                with contextlib.suppress(asyncpg.PostgresError):
                    await admin.execute(f"DROP ROLE IF EXISTS {quote_ident(owner)}")
        finally:
            await admin.close()


async def _ensure_nologin_role(admin: asyncpg.Connection, role: str) -> None:
    if not await admin.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", role):
        with contextlib.suppress(asyncpg.DuplicateObjectError, asyncpg.UniqueViolationError):
            await admin.execute(f"CREATE ROLE {quote_ident(role)} NOLOGIN NOBYPASSRLS")


async def _set_only(admin: asyncpg.Connection) -> str:
    """PostgreSQL 16 can lend a role for SET ROLE without its privileges being inherited."""
    version = int(await admin.fetchval("SELECT current_setting('server_version_num')"))
    return " WITH INHERIT FALSE, SET TRUE" if version >= 160000 else ""


async def _role_flags(admin: asyncpg.Connection, role: str) -> asyncpg.Record | None:
    return await admin.fetchrow(
        "SELECT rolsuper, rolcreaterole, rolcreatedb, rolreplication, rolbypassrls, rolcanlogin, "
        "(SELECT coalesce(string_agg(g.rolname, ', ' ORDER BY g.rolname), '') FROM pg_auth_members m "
        " JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid) AS member_of "
        "FROM pg_roles r WHERE rolname = $1", role)


_ATTRIBUTES = {"rolsuper": "SUPERUSER", "rolcreaterole": "CREATEROLE", "rolcreatedb": "CREATEDB",
               "rolreplication": "REPLICATION", "rolbypassrls": "BYPASSRLS", "rolcanlogin": "LOGIN"}


def _refuse_unsafe(role: str, flags: asyncpg.Record | None) -> None:
    """Every scratch owner may SET ROLE to the application role: a role with any power, or one
    that can log in (whose sessions a job could then signal), would hand that to every job."""
    if role.startswith(("pg_", PREFIX)) or role == PROBE_OWNER:
        raise UnsafeRoleError(f"the application role {role!r} is reserved (pg_*, scratch_*, the probe role)")
    if flags is None:
        raise UnsafeRoleError(f"the application role {role!r} does not exist on the scratch server")
    powers = [name for column, name in _ATTRIBUTES.items() if flags[column]]
    if flags["member_of"]:
        powers.append(f"member of {flags['member_of']}")
    if powers:
        raise UnsafeRoleError(f"the application role {role!r} has {', '.join(powers)} on the scratch server: "
                              "verification lends it to every job, so it must be a plain NOLOGIN role")


# ---------------------------------------------------------------- what a killed process left behind

_SWEPT: set[str] = set()


async def _sweep_once(server_url: str, max_age_s: float) -> None:
    """Each process sweeps a server before its first scratch database there."""
    if server_url not in _SWEPT:
        _SWEPT.add(server_url)
        await sweep_stale_scratch(server_url, max_age_s=max_age_s)


async def sweep_stale_scratch(server_url: str, *, max_age_s: float = 86_400.0) -> list[str]:
    """Drop scratch databases and owner roles whose process is gone (on this host), or, made on
    another host, older than `max_age_s`; never one of a live process here. Returns the names."""
    try:
        admin = await asyncpg.connect(server_url, timeout=10)
    except (OSError, asyncpg.PostgresError, TimeoutError) as error:
        raise ScratchError(f"cannot reach the scratch server: {error}") from None
    try:
        return await _sweep(admin, Origin.here(), max_age_s)
    finally:
        await admin.close()


async def _sweep(admin: asyncpg.Connection, here: Origin, max_age_s: float) -> list[str]:
    rows = await admin.fetch(
        "SELECT datname AS name, EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname) AS busy "
        "FROM pg_database d WHERE starts_with(datname, $1) ORDER BY datname", PREFIX)
    roles = await admin.fetch("SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1) ORDER BY rolname",
                              OWNER_PREFIX)
    databases = {row["name"]: row["busy"] for row in rows}
    stale = [name for name in databases
             if _stale_name(name.removeprefix(PREFIX).removeprefix(LINT_INFIX), here, max_age_s)]
    stale += [name for name, busy in databases.items() if _LEGACY.fullmatch(name) and not busy]
    dropped = [name for name in stale if await _quietly(admin, f"DROP DATABASE IF EXISTS {quote_ident(name)} "
                                                               "WITH (FORCE)")]
    remaining = set(databases) - set(dropped)
    orphans = [row["rolname"] for row in roles
               if f"{PREFIX}{(suffix := row['rolname'].removeprefix(OWNER_PREFIX))}" not in remaining
               and _orphan(suffix, here, max_age_s)]
    return dropped + [role for role in orphans if await _quietly(admin, f"DROP ROLE IF EXISTS {quote_ident(role)}")]


def _stale_name(suffix: str, here: Origin, max_age_s: float) -> bool:
    origin = Origin.of(suffix)
    return origin is not None and _stale(origin, here, max_age_s)


def _orphan(suffix: str, here: Origin, max_age_s: float) -> bool:
    """An owner role without its database: its process is gone, or it is older than its database
    could take to appear (a grant from another job's database kept it when its own was dropped)."""
    origin = Origin.of(suffix)
    return origin is not None and (_stale(origin, here, max_age_s)
                                   or here.started - origin.started > _ORPHAN_ROLE_AFTER_S)


async def _quietly(admin: asyncpg.Connection, statement: str) -> bool:
    """Another sweeper may be at it too, or something still holds the object: the next sweep retries."""
    try:
        await admin.execute(statement)
    except asyncpg.PostgresError:
        return False
    return True

