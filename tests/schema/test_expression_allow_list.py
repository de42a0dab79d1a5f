"""Expressions from YAML may call only what a schema needs (issue #16): every function, operator
and type they name is PostgreSQL's own and of an ordinary kind; a subquery reads only the
schema's tables. Each attack of the issue is refused at load, at its key, naming the function."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from agent.commands.import_schema import import_command
from agent.schema import SchemaError, load_schema_sources
from agent.schema.allowed_calls import STABLE_ALLOWED, VOLATILE_ALLOWED, call_problem
from agent.sql import builtin_catalog

BASE = "version: 1\nentity: Part\ntable: parts\nproperties:\n  a:\n    type: integer\n  code:\n    type: text\n"
OWNERS = "version: 1\nentity: Owner\ntable: owners\nproperties:\n  name:\n    type: text\n"
FIELDS = {
    "check": (BASE + "constraints:\n  - check: {expr}\n", "constraints[0].check", 10),
    "where": (BASE + "indexes:\n  - columns: [a]\n    where: {expr}\n", "indexes[0].where", 11),
    "index expression": (BASE + "indexes:\n  - columns: [{expr}]\n", "indexes[0].columns[0]", 10),
    "default": (BASE + "    default: {{sql: {expr}}}\n", "properties.code.default.sql", 9),
    "backfill": (BASE + "    backfill: {{sql: {expr}}}\n", "properties.code.backfill.sql", 9),
    "policy using": (BASE + "policies:\n  - name: parts_read\n    command: SELECT\n    using: {expr}\n",
                     "policies[0].using", 12),
    "policy with_check": (BASE + "policies:\n  - name: parts_add\n    command: INSERT\n    with_check: {expr}\n",
                          "policies[0].with_check", 12),
}
# (expression, the name the message must give); each worked before issue #16.
ATTACKS = [
    ("pg_read_file('/etc/passwd')::int > 0", "pg_read_file()"),
    ("pg_read_file('/etc/passwd')", "pg_read_file()"),
    ("lo_import('/etc/passwd')", "lo_import()"),
    ("lo_export(lo_from_bytea(0, 'x'), '/tmp/owned') > 0", "lo_export()"),
    ("lo_from_bytea(0, 'x') > 0", "lo_from_bytea()"),
    ("query_to_xml('select pg_terminate_backend(pid) from pg_stat_activity', true, false, '') IS NOT NULL",
     "query_to_xml()"),
    ("pg_terminate_backend(pg_backend_pid())", "pg_terminate_backend()"),
    ("pg_cancel_backend(1)", "pg_cancel_backend()"),
    ("pg_sleep(5)::text IS NOT NULL", "pg_sleep()"),
    ("pg_sleep_for('5 minutes') IS NULL", "pg_sleep_for()"),
    ("pg_catalog.pg_read_file('/etc/passwd') IS NOT NULL", "pg_read_file()"),
    ('"pg_read_file"(\'/etc/passwd\') IS NOT NULL', "pg_read_file()"),
    ("pg_ls_dir('.') IS NOT NULL", "pg_ls_dir()"),
    ("(pg_stat_file('postgresql.conf')).size > 0", "pg_stat_file()"),
    ("dblink('host=evil', 'select 1') IS NOT NULL", "dblink()"),
    ("set_config('role', 'postgres', false) IS NOT NULL", "set_config()"),
    ("current_setting('data_directory') IS NOT NULL", "current_setting()"),
    ("current_setting(code) IS NOT NULL", "current_setting()"),
    ("pg_advisory_lock(1) IS NULL", "pg_advisory_lock()"),
    ("pg_try_advisory_xact_lock(1)", "pg_try_advisory_xact_lock()"),
    ("txid_current() > 0", "txid_current()"),
    ("pg_notify('c', 'x') IS NULL", "pg_notify()"),
    ("pg_reload_conf()", "pg_reload_conf()"),
    ("pg_rotate_logfile()", "pg_rotate_logfile()"),
    ("nextval('other_seq') > 0", "nextval()"),
    ("has_table_privilege('pg_authid', 'select')", "has_table_privilege()"),
    ("pg_get_viewdef('pg_roles') IS NOT NULL", "pg_get_viewdef()"),
    ("pg_table_size('parts') > 0", "pg_table_size()"),
    ("version() IS NOT NULL", "version()"),
    ("my_own_function(a) > 0", "my_own_function()"),
    ("public.lower(code) IS NOT NULL", "public.lower"),
    ("xpath('/a', '<a/>') IS NOT NULL", "xpath()"),
    ("table_to_xml('parts', true, false, '') IS NOT NULL", "table_to_xml()"),
]


def _yaml_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _load(*files: tuple[str, str]) -> list[str]:
    with pytest.raises(SchemaError) as raised:
        load_schema_sources(dict(files))
    return [str(d) for d in raised.value.diagnostics]


def _messages(field: str, expr: str) -> tuple[list[str], str]:
    """The errors for `expr` in `field` of parts.yaml (beside owners.yaml), and the field's key path."""
    template, key_path, _ = FIELDS[field]
    return _load(("parts.yaml", template.format(expr=_yaml_string(expr))), ("owners.yaml", OWNERS)), key_path


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize(("expr", "named"), ATTACKS)
def test_an_attack_is_refused_at_its_key_naming_the_function(field: str, expr: str, named: str) -> None:
    messages, key_path = _messages(field, expr)
    assert any(m.startswith(f"parts.yaml:{FIELDS[field][2]}:") and f" {key_path}: " in m and named in m
               for m in messages), messages


def test_the_message_says_which_function_where_and_why() -> None:
    text = BASE + "    default: {sql: \"pg_read_file('/etc/passwd')\"}\n"
    assert _load(("parts.yaml", text)) == [
        "parts.yaml:9:20 properties.code.default.sql: calls pg_read_file(), which reads files on the "
        "server; expressions may call only PostgreSQL's builtin functions that compute a value from "
        "their arguments (math, text, date and time, json, arrays, ranges, text search), now() and the "
        "like, gen_random_uuid(), random() and current_setting() of a custom setting"]


NOT_CALLS = [
    ("'parts'::regclass IS NOT NULL", "names type regclass"),
    ("'pg_read_file'::regproc IS NOT NULL", "names type regproc"),
    ("a::oid > 0", "names type oid"),
    ("(NULL::pg_catalog.pg_authid) IS NULL", "names type pg_authid"),
    ("ROW(1, 2)::parts IS NULL", "names type parts"),
    ("xmlparse(document code) IS NOT NULL", "XML"),
    ("a OPERATOR(public.+) 1 > 0", "names operator public.+"),
    ("a OPERATOR(pg_catalog.===) 1", "operator ==="),
]


@pytest.mark.parametrize(("expr", "said"), NOT_CALLS)
def test_types_and_operators_are_builtin_and_not_catalog_lookups(expr: str, said: str) -> None:
    messages, key_path = _messages("check", expr)
    assert any(f" {key_path}: " in m and said in m for m in messages), messages


SUBQUERY_ATTACKS = [
    ("(select count(*) from pg_authid) > 0", "not pg_authid"),
    ("(select count(*) from pg_catalog.pg_authid) > 0", "not pg_catalog.pg_authid"),
    ("(select count(*) from pg_stat_activity) > 0", "not pg_stat_activity"),
    ("(select count(*) from information_schema.tables) > 0", "not information_schema.tables"),
    ("(select count(*) from secrets) > 0", "reads secrets, not a table of the schema"),
    ("(select count(*) from owners where pg_sleep(1) IS NULL) > 0", "pg_sleep()"),
    ("(select count(*) from owners, pg_read_file('/etc/passwd') f) > 0", "pg_read_file()"),
    ("(with o as (select 1) select count(*) from o) > 0", "may not hold WITH"),
    ("(select count(*) from (select 1 from owners for update) x) > 0", "row locks"),
    ("(select count(*) from owners tablesample system (10)) > 0", "TABLESAMPLE"),
]


@pytest.mark.parametrize("field", ["policy using", "backfill"])
@pytest.mark.parametrize(("expr", "said"), SUBQUERY_ATTACKS)
def test_a_subquery_reads_only_the_schemas_tables(field: str, expr: str, said: str) -> None:
    messages, key_path = _messages(field, expr)
    assert any(f" {key_path.removesuffix('.sql')}" in m and said in m for m in messages), messages


ALLOWED = [
    ("check", "a > 0 AND code ~ '^[A-Z]+$' AND char_length(code) BETWEEN 1 AND 10"),
    ("check", "lower(code) <> upper(code) OR code LIKE 'x%' OR code SIMILAR TO 'y%' OR code IN ('a', 'b')"),
    ("check", "coalesce(nullif(trim(code), ''), 'x') IS DISTINCT FROM 'y' AND a::numeric(5, 2) >= 0"),
    ("check", "extract(epoch FROM now()) > 0 AND date_trunc('day', now()) <= now() + interval '1 day'"),
    ("check", "jsonb_typeof(to_jsonb(code)) = 'string' AND array_length(ARRAY[a, 1], 1) = 2"),
    ("check", "substring(code FROM 1 FOR 2) IS NOT NULL AND position('a' IN code) >= 0 AND CURRENT_USER IS NOT NULL"),
    ("check", "to_char(CURRENT_DATE, 'YYYY') <> '' AND greatest(a, 1) > 0 AND code::varchar(20) IS NOT NULL"),
    ("index expression", "to_tsvector('english'::regconfig, code)"),
    ("default", "gen_random_uuid()::text"),
    ("default", "clock_timestamp()::text"),
    ("default", "md5(random()::text)"),
    ("backfill", "(select o.name from owners o limit 1)"),
    ("policy using", "a = NULLIF(current_setting('app.current_part', true), '')::integer"),
    ("policy using", "a = NULLIF(current_setting('app.current_part'::text, true), '')::integer"),
    ("policy using", "EXISTS (SELECT 1 FROM owners o WHERE o.name = parts.code)"),
]


@pytest.mark.parametrize(("field", "expr"), ALLOWED)
def test_what_a_schema_needs_still_loads(field: str, expr: str) -> None:
    template, _, _ = FIELDS[field]
    loaded = load_schema_sources({"parts.yaml": template.format(expr=_yaml_string(expr)), "owners.yaml": OWNERS})
    assert {t.name for t in loaded.schema.tables} == {"parts", "owners"}


@pytest.mark.parametrize(("name", "reason"), [
    ("pg_read_binary_file", "reads files on the server"),
    ("lo_get", "large objects"),
    ("pg_sleep_until", "sleeps"),
    ("pg_advisory_unlock_all", "advisory locks"),
    ("cursor_to_xml", "runs the SQL text"),
    ("pg_promote", "signals or controls server processes"),
    ("setseed", "is volatile"),
    ("current_database", "reads the system catalog or the server's state"),
    ("row_security_active", "reads the database's or the server's state"),
    ("pg_typeof", "reads the system catalog or the server's state"),
    ("dblink_exec", "connects to other servers"),
    ("regclasssend", "reads the system catalog"),
    ("aclexplode", "reads the system catalog"),
    ("satisfies_hash_partition", "reads the system catalog"),
    ("postgresql_fdw_validator", "reads the system catalog"),
    ("totally_unknown", "is not one of PostgreSQL's builtin functions"),
])
def test_each_refused_function_has_its_reason(name: str, reason: str) -> None:
    assert reason in (call_problem(name) or "")


def test_the_allowed_lists_name_functions_the_server_has_as_classified() -> None:
    assert STABLE_ALLOWED <= builtin_catalog.STABLE
    assert VOLATILE_ALLOWED <= builtin_catalog.VOLATILE
    assert not (STABLE_ALLOWED | VOLATILE_ALLOWED) & builtin_catalog.PRIVILEGED
    ordinary = ("lower", "abs", "count", "jsonb_set", "now", "gen_random_uuid", "regexp_replace", "regexp_like")
    assert all(call_problem(n) is None for n in ordinary)


@pytest.mark.parametrize("setting", ["search_path", "data_directory", "app.", "app.x'); --"])
def test_the_tenant_setting_is_a_custom_setting(setting: str) -> None:
    project = f"project:\n  tenant:\n    setting: {_yaml_string(setting)}\n"
    messages = _load(("project.yaml", project), ("parts.yaml", BASE))
    assert messages == [f"project.yaml:3:14 project.tenant.setting: {setting!r} is not a custom setting like "
                        "app.current_tenant_id (a prefix, a dot and a name): only such a setting can be set "
                        "by the application and read by a policy"]


def test_import_refuses_a_tenant_setting_a_policy_could_not_read() -> None:
    result = CliRunner().invoke(import_command, ["--database-url", "postgresql://u@127.0.0.1:1/d",
                                                 "-o", "unused", "--setting", "data_directory"])
    assert result.exit_code == 2
    assert "'data_directory' is not a custom setting" in result.output


def test_a_hostile_policy_role_is_refused_at_its_own_key() -> None:
    text = BASE + ("policies:\n  - name: parts_read\n    command: SELECT\n    using: 'a > 0'\n"
                   "    roles: [app_user, 'x; DROP ROLE postgres']\n")
    messages = _load(("parts.yaml", text))
    assert any(m.startswith("parts.yaml:13:23 policies[0].roles[1]: 'x; DROP ROLE postgres' is not snake_case")
               for m in messages), messages
