"""Attacks that arrive in a schema or in a job message, as an agent on the bus could send them.

Each schema attack is a one-table schema whose expression, name or text is hostile; the agent
must refuse it at load (exit 2, `rejected` on the bus), before any SQL exists, naming the YAML
key that holds it. Each message attack is a whole job body; the agent must answer it with the
given status and code, and stay up. `CANARY` is a path on the host no attack may create: the
file and large-object attacks aim at it.
"""

from __future__ import annotations

import json
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from agent.bus.messages import rejected_id

__all__ = ["CANARY", "MESSAGE_ATTACKS", "SCHEMA_ATTACKS", "MessageAttack", "SchemaAttack"]

CANARY = Path(tempfile.gettempdir()) / f"migration-agent-canary-{uuid.uuid4().hex}"


@dataclass(frozen=True)
class SchemaAttack:
    name: str
    category: str
    field: str
    """Where the hostile text goes: check, default, where, index, backfill, using, with_check,
    or a whole-file template (`file`) with `{text}` in it."""
    text: str
    named: str
    """What the error must name (a function, a table, a key)."""


_TABLE = "version: 1\nentity: Part\ntable: parts\nproperties:\n  a:\n    type: integer\n  code:\n    type: text\n"
_TEMPLATES = {
    "check": (_TABLE + "constraints:\n  - check: {text}\n", "constraints[0].check"),
    "default": (_TABLE.replace("type: text\n", "type: text\n    default: {{sql: {text}}}\n"),
                "properties.code.default"),
    "where": (_TABLE + "indexes:\n  - columns: [a]\n    where: {text}\n", "indexes[0].where"),
    "index": (_TABLE + "indexes:\n  - columns: [{text}]\n", "indexes[0].columns[0]"),
    "backfill": (_TABLE.replace("type: text\n", "type: text\n    backfill: {{sql: {text}}}\n"),
                 "properties.code.backfill"),
    "using": (_TABLE + "policies:\n  - name: parts_read\n    command: SELECT\n    using: {text}\n",
              "policies[0].using"),
    "with_check": (_TABLE + "policies:\n  - name: parts_write\n    command: INSERT\n    with_check: {text}\n",
                   "policies[0].with_check"),
}


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def schema_text(attack: SchemaAttack) -> str:
    if attack.field == "file":
        return attack.text
    template, _ = _TEMPLATES[attack.field]
    return template.format(text=_yaml_string(attack.text))


def key_path(attack: SchemaAttack) -> str | None:
    return None if attack.field == "file" else _TEMPLATES[attack.field][1]


_C = str(CANARY)
SCHEMA_ATTACKS = [
    # files on the server's host
    SchemaAttack("read-file-check", "file", "check", "pg_read_file('/etc/passwd')::int > 0", "pg_read_file"),
    SchemaAttack("read-file-default", "file", "default", "pg_read_file('/etc/passwd')", "pg_read_file"),
    SchemaAttack("read-file-qualified", "file", "default", "pg_catalog.pg_read_file('/etc/passwd')", "pg_read_file"),
    SchemaAttack("read-file-quoted", "file", "check", '"pg_read_file"(\'/etc/hostname\') IS NOT NULL', "pg_read_file"),
    SchemaAttack("read-binary-file", "file", "check", "length(pg_read_binary_file('/etc/passwd')) > 0",
                 "pg_read_binary_file"),
    SchemaAttack("list-dir", "file", "where", "(pg_ls_dir('/')) IS NOT NULL", "pg_ls_dir"),
    SchemaAttack("stat-file", "file", "check", "(pg_stat_file('/etc/passwd')).size > 0", "pg_stat_file"),
    SchemaAttack("file-in-index", "file", "index", "pg_read_file(code)", "pg_read_file"),
    SchemaAttack("file-in-backfill", "file", "backfill", "pg_read_file('/etc/shadow')", "pg_read_file"),
    # large objects: read a host file into the database, or write one out
    SchemaAttack("lo-import", "large object", "default", "lo_import('/etc/passwd')::text", "lo_import"),
    SchemaAttack("lo-export", "large object", "check",
                 f"lo_export(lo_from_bytea(0, 'owned'), '{_C}') > 0", "lo_"),
    SchemaAttack("lo-export-default", "large object", "default",
                 f"lo_export(lo_from_bytea(0, 'owned'), '{_C}')::text", "lo_"),
    SchemaAttack("lo-get", "large object", "check", "lo_get(1) IS NOT NULL", "lo_get"),
    # sessions: other backends, settings, locks
    SchemaAttack("terminate-self", "session", "check", "pg_terminate_backend(pg_backend_pid())", "pg_"),
    SchemaAttack("terminate-others", "session", "check",
                 "query_to_xml('select pg_terminate_backend(pid) from pg_stat_activity', true, false, '') "
                 "IS NOT NULL", "query_to_xml"),
    SchemaAttack("cancel-backend", "session", "check", "pg_cancel_backend(1)", "pg_cancel_backend"),
    SchemaAttack("set-role", "session", "default", "set_config('role', 'postgres', false)", "set_config"),
    SchemaAttack("reload-conf", "session", "check", "pg_reload_conf()", "pg_reload_conf"),
    SchemaAttack("advisory-lock", "session", "check", "pg_try_advisory_lock(42)", "pg_try_advisory_lock"),
    SchemaAttack("notify", "network", "check", "pg_notify('x', code) IS NOT NULL", "pg_notify"),
    SchemaAttack("dblink", "network", "check",
                 "dblink_exec('host=10.0.0.1 dbname=x', 'drop table y') IS NOT NULL", "dblink_exec"),
    SchemaAttack("table-to-xml", "network", "check", "table_to_xml('pg_authid', true, false, '') IS NOT NULL",
                 "table_to_xml"),
    # sleeping or spinning on the verification worker
    SchemaAttack("sleep", "sleep", "check", "pg_sleep(5)::text IS NOT NULL", "pg_sleep"),
    SchemaAttack("sleep-for", "sleep", "default", "pg_sleep_for('1 hour')::text", "pg_sleep_for"),
    SchemaAttack("sleep-in-policy", "sleep", "using", "(SELECT pg_sleep(1)) IS NULL", "pg_sleep"),
    # the catalog: roles, passwords, other sessions, settings
    SchemaAttack("authid-policy", "catalog", "using", "(select count(*) from pg_authid) > 0", "pg_authid"),
    SchemaAttack("shadow-policy", "catalog", "with_check", "EXISTS (SELECT 1 FROM pg_catalog.pg_shadow)",
                 "pg_shadow"),
    SchemaAttack("activity-backfill", "catalog", "backfill", "(SELECT query FROM pg_stat_activity LIMIT 1)",
                 "pg_stat_activity"),
    SchemaAttack("information-schema", "catalog", "using",
                 "EXISTS (SELECT 1 FROM information_schema.tables)", "information_schema"),
    SchemaAttack("regclass-cast", "catalog", "check", "'pg_authid'::regclass IS NOT NULL", "regclass"),
    SchemaAttack("data-directory", "catalog", "default", "current_setting('data_directory')", "current_setting"),
    SchemaAttack("get-viewdef", "catalog", "check", "pg_get_viewdef('pg_user') IS NOT NULL", "pg_get_viewdef"),
    # injection through names and text
    SchemaAttack("statement-in-check", "injection", "check", "1); DROP TABLE lots; --", "constraints[0].check"),
    SchemaAttack("union-in-default", "injection", "default", "1 UNION SELECT passwd FROM pg_shadow",
                 "properties.code.default"),
    SchemaAttack("table-name", "injection", "file",
                 "version: 1\nentity: Part\ntable: 'parts\"; DROP TABLE lots; --'\n"
                 "properties:\n  a: {type: integer}\n",
                 "table"),
    SchemaAttack("column-name", "injection", "file",
                 "version: 1\nentity: Part\ntable: parts\nproperties:\n  'a\"\"; drop table x; --': {type: integer}\n",
                 "properties"),
    SchemaAttack("policy-role", "injection", "file",
                 _TABLE + "policies:\n  - name: p\n    command: SELECT\n    using: 'true'\n"
                 "    roles: ['app_user; DROP ROLE postgres']\n", "roles"),
    # encodings and text tricks
    SchemaAttack("nul-in-name", "encoding", "file", "version: 1\nentity: Part\ntable: \"pa\\0rts\"\n"
                 "properties:\n  a: {type: integer}\n", "table"),
    SchemaAttack("homoglyph-table", "encoding", "file",
                 "version: 1\nentity: Part\ntable: p\u0430rts\nproperties:\n  a: {type: integer}\n", "table"),
    SchemaAttack("bidi-column", "encoding", "file",
                 "version: 1\nentity: Part\ntable: parts\nproperties:\n  a\u202e: {type: integer}\n", "properties"),
    SchemaAttack("unicode-escape-string", "encoding", "check",
                 "U&'\\0070g_read_file' IS NOT NULL AND pg_read_file(U&'/etc/passwd') IS NOT NULL", "pg_read_file"),
]


@dataclass(frozen=True)
class MessageAttack:
    name: str
    category: str
    body: bytes
    status: str
    code: str | None = None
    kind: str = "generate"
    job_id: str = field(default="")


def _job(job_id: str, kind: str = "generate", requested_by: str = "attacker", **changes: object) -> bytes:
    body: dict[str, object] = {"job_id": job_id, "kind": kind, "requested_by": requested_by,
                               "payload": {"parts.yaml": _TABLE}, "options": {"rows": 20}}
    body.update(changes)
    return json.dumps(body).encode()


_NOT_JSON = b'{"job_id": "atk-not-json", '
MESSAGE_ATTACKS = [
    MessageAttack("not-json", "encoding", _NOT_JSON, "rejected", "not_json", job_id=rejected_id(_NOT_JSON)),
    MessageAttack("nul-requester", "encoding", _job("atk-nul", requested_by="eve\u0000"), "rejected", "invalid_job",
                  job_id="atk-nul"),
    MessageAttack("newline-requester", "injection",
                  _job("atk-newline", requested_by="eve\n## 2026-01-01 job prod-deploy-42 (apply) succeeded"),
                  "rejected", "invalid_job", job_id="atk-newline"),
    MessageAttack("escape-requester", "encoding", _job("atk-escape", requested_by="eve\u001b[2J"), "rejected",
                  "invalid_job", job_id="atk-escape"),
    MessageAttack("path-traversal", "file", _job("atk-traversal", payload={"../../etc/passwd": "x"}), "rejected",
                  "invalid_job", job_id="atk-traversal"),
    MessageAttack("absolute-path", "file", _job("atk-absolute", payload={"/etc/cron.d/x": "x"}), "rejected",
                  "invalid_job", job_id="atk-absolute"),
    MessageAttack("old-as-file", "file", _job("atk-old-file", kind="diff", payload={"parts.yaml": _TABLE, "old": "x"}),
                  "rejected", kind="diff", job_id="atk-old-file"),
    MessageAttack("unknown-kind", "injection", _job("atk-kind", kind="shell"), "rejected", "unknown_kind",
                  job_id="atk-kind"),
    MessageAttack("apply-unknown-target", "network",
                  _job("atk-target", kind="apply", payload={"20250101000000_x.sql": "SELECT 1;"},
                       options={"target": "production"}), "rejected", kind="apply", job_id="atk-target"),
    MessageAttack("file-in-schema", "file",
                  _job("atk-read-file", payload={"parts.yaml": schema_text(SCHEMA_ATTACKS[1])}),
                  "rejected", "invalid_schema", job_id="atk-read-file"),
    MessageAttack("lo-export-in-schema", "large object",
                  _job("atk-lo-export", payload={"parts.yaml": schema_text(SCHEMA_ATTACKS[10])}),
                  "rejected", "invalid_schema", job_id="atk-lo-export"),
    MessageAttack("terminate-in-schema", "session",
                  _job("atk-terminate", payload={"parts.yaml": schema_text(SCHEMA_ATTACKS[14])}),
                  "rejected", "invalid_schema", job_id="atk-terminate"),
    MessageAttack("sleep-in-schema", "sleep", _job("atk-sleep", payload={"parts.yaml": schema_text(SCHEMA_ATTACKS[22])},
                                                  options={"rows": 20, "timeout_s": 86400}),
                  "rejected", "invalid_schema", job_id="atk-sleep"),
    MessageAttack("authid-in-schema", "catalog",
                  _job("atk-authid", payload={"parts.yaml": schema_text(SCHEMA_ATTACKS[25])}),
                  "rejected", "invalid_schema", job_id="atk-authid"),
    MessageAttack("lint-copy-program", "file",
                  _job("atk-lint-copy", kind="lint",
                       payload={"20250101000000_x.sql": f"COPY (SELECT 1) TO PROGRAM 'touch {_C}';\n"}),
                  "failed", "lint_findings", kind="lint", job_id="atk-lint-copy"),
]
