# ruff: noqa: SIM905  (lists of function and type names read best as words)
"""What an expression from YAML may call, name and read: PostgreSQL's builtins of ordinary kinds.

Verification runs every expression on a real server, and a migration runs it in production,
so an expression is held to what a schema needs: computing a value from its arguments.

- Functions: PostgreSQL's own (`agent/sql/builtin_catalog.py`, read from pg_proc),
  unqualified or in `pg_catalog`, executable by every role. Immutable ones are allowed (math,
  text, regex, date/time, json/jsonb, arrays, ranges, network, uuid, text search, aggregates)
  except those named in `_REFUSED` (system information, XML, transaction ids); stable ones only
  when listed in `STABLE_ALLOWED` (now() and the time zone, formatting, json building and text
  search functions), volatile ones only when listed in `VOLATILE_ALLOWED` (fresh values for a
  default: gen_random_uuid(), uuidv4(), uuidv7(), clock_timestamp(), random()).
  `current_setting` only of a custom setting (a dotted name such as the tenant setting
  `app.current_tenant_id`, given as a literal): the server's own settings name its files and
  host. Anything else (an extension's function such as dblink, one's own function, a file,
  large-object, signalling, sleeping, locking, settings-changing, SQL-running or catalog-reading
  function) is refused with the function named and why.
- Operators: PostgreSQL's own, unqualified or in `pg_catalog`.
- Types named in casts: the builtin scalar types (numbers, text, dates and times, intervals,
  booleans, uuid, json, bytea, network addresses, bit strings, geometry, ranges, text search, and
  `regconfig`/`regdictionary` for a text search configuration); no `oid` or other `reg*` type,
  which look names up in the catalog, no row type, no XML.
- Subqueries (policies and backfills only) read tables by their plain name, never a schema-
  qualified one or a system relation (`pg_*`); the resolver checks the names are tables of the
  schema. No WITH, row locks, TABLESAMPLE or XMLTABLE in them; their calls pass the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from pglast import ast
from pglast.enums import A_Expr_Kind
from pglast.visitors import Skip, Visitor

from agent.schema.literals import quote_ident
from agent.schema.names import custom_setting_problem
from agent.sql import builtin_catalog

__all__ = ["ALLOWED_SUMMARY", "STABLE_ALLOWED", "VOLATILE_ALLOWED", "call_problem", "project_names",
           "refused_calls"]

_PROJECT_FUNCTIONS: ContextVar[frozenset[str]] = ContextVar("project_functions", default=frozenset())
_PROJECT_TYPES: ContextVar[frozenset[str]] = ContextVar("project_types", default=frozenset())
_PROJECT_SEQUENCES: ContextVar[frozenset[str]] = ContextVar("project_sequences", default=frozenset())


@contextmanager
def project_names(functions: Iterable[str], types: Iterable[str] = (), sequences: Iterable[str] = ()) -> Iterator[None]:
    """While a project's schema is read: the functions its own `sql_objects` define are callable,
    its native enum types may be named in casts, unqualified, besides the builtins, and nextval()
    may advance its own sequences (the project wrote them; they run from local files only)."""
    tokens = ((_PROJECT_FUNCTIONS, _PROJECT_FUNCTIONS.set(frozenset(functions))),
              (_PROJECT_TYPES, _PROJECT_TYPES.set(frozenset(types))),
              (_PROJECT_SEQUENCES, _PROJECT_SEQUENCES.set(frozenset(sequences))))
    try:
        yield
    finally:
        for variable, token in tokens:
            variable.reset(token)

ALLOWED_SUMMARY = (
    "expressions may call only PostgreSQL's builtin functions that compute a value from their "
    "arguments (math, text, date and time, json, arrays, ranges, text search), now() and the like, "
    "gen_random_uuid(), random() and current_setting() of a custom setting"
)

VOLATILE_ALLOWED = frozenset({"gen_random_uuid", "uuidv4", "uuidv7", "clock_timestamp", "random"})

STABLE_ALLOWED = frozenset("""
now statement_timestamp transaction_timestamp current_setting
age date date_add date_part date_subtract date_trunc extract generate_series make_timestamptz
overlaps time timestamp timestamptz timetz timezone to_char to_date to_number to_timestamp
interval_pl_timestamptz timestamptz_pl_interval timestamptz_mi_interval
date_cmp_timestamptz date_eq_timestamptz date_ge_timestamptz date_gt_timestamptz
date_le_timestamptz date_lt_timestamptz date_ne_timestamptz timestamp_cmp_timestamptz
timestamp_eq_timestamptz timestamp_ge_timestamptz timestamp_gt_timestamptz
timestamp_le_timestamptz timestamp_lt_timestamptz timestamp_ne_timestamptz timestamptz_cmp_date
timestamptz_cmp_timestamp timestamptz_eq_date timestamptz_eq_timestamp timestamptz_ge_date
timestamptz_ge_timestamp timestamptz_gt_date timestamptz_gt_timestamp timestamptz_le_date
timestamptz_le_timestamp timestamptz_lt_date timestamptz_lt_timestamp timestamptz_ne_date
timestamptz_ne_timestamp
concat concat_ws format quote_literal quote_nullable textanycat anytextcat length money numeric
convert convert_from convert_to array_to_string
array_to_json json_build_array json_build_object jsonb_build_array jsonb_build_object to_json
to_jsonb row_to_json json_populate_record json_populate_recordset json_to_record json_to_recordset
jsonb_populate_record jsonb_populate_record_valid jsonb_populate_recordset jsonb_to_record
jsonb_to_recordset jsonb_path_exists_tz jsonb_path_match_tz jsonb_path_query_array_tz
jsonb_path_query_first_tz jsonb_path_query_tz json_agg json_agg_strict json_object_agg
json_object_agg_strict json_object_agg_unique json_object_agg_unique_strict jsonb_agg
jsonb_agg_strict
to_tsvector to_tsquery plainto_tsquery phraseto_tsquery websearch_to_tsquery ts_headline
ts_match_tq ts_match_tt json_to_tsvector jsonb_to_tsvector get_current_ts_config
""".split())

_FILES = "reads files on the server"
_LARGE_OBJECTS = "reads or writes large objects, and through them files on the server"
_PROCESSES = "signals or controls server processes"
_SQL_TEXT = "runs the SQL text it is given"

# Refused whatever their volatility, each with the reason the message gives; first match wins.
_REFUSED: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"pg_read_(binary_)?file|pg_ls_\w+|pg_stat_file|pg_current_logfile|pg_file_\w+", _FILES),
    (r"lo_\w+|loread|lowrite", _LARGE_OBJECTS),
    (r"pg_(terminate|cancel)_backend|pg_reload_conf|pg_rotate_logfile\w*|pg_promote"
     r"|pg_switch_wal|pg_backup_\w+|pg_create_restore_point|pg_log_\w+|pg_wal_replay_\w+", _PROCESSES),
    (r"pg_sleep\w*", "sleeps"),
    (r"pg_(try_)?advisory_\w+", "takes advisory locks"),
    (r"\w+_to_xml\w*|ts_stat|ts_rewrite", _SQL_TEXT),
    (r"dblink\w*|postgres_fdw\w*", "connects to other servers"),
    (r"set_config", "changes settings"),
    (r"pg_notify", "sends notifications"),
    (r"nextval|setval|currval|lastval", "reads or advances a sequence (only a default may, calling nextval() "
                                        "of a sequence the project's sql_objects make)"),
    (r"txid_\w+|pg_current_xact_id\w*|pg_current_snapshot", "assigns or reads transaction ids"),
    (r"xml\w*|xpath\w*", "parses XML; the schema language has no xml type"),
    (r"has_\w+_privilege|pg_has_role|\w+_description|to_reg\w+|format_type|version"
     r"|inet_(client|server)_\w+|current_(database|schemas?|query)|pg_\w+|acl\w+|makeaclitem"
     r"|reg(class|collation|config|dictionary|namespace|oper|operator|proc|procedure|role|type)\w*"
     r"|\w+_validator|satisfies_hash_partition",
     "reads the system catalog or the server's state"),
))

_KEYWORD_OPERATORS = frozenset({  # named by a keyword (BETWEEN), not an operator
    A_Expr_Kind.AEXPR_BETWEEN, A_Expr_Kind.AEXPR_NOT_BETWEEN,
    A_Expr_Kind.AEXPR_BETWEEN_SYM, A_Expr_Kind.AEXPR_NOT_BETWEEN_SYM,
})

_SCALAR_CATEGORIES = frozenset("BDGIRSTV")
_OTHER_TYPES = frozenset("""
bytea json jsonb jsonpath macaddr macaddr8 tsquery tsvector uuid
float4 float8 int2 int4 int8 numeric money regconfig regdictionary
""".split())
_ALLOWED_TYPES = frozenset(
    name for category, names in builtin_catalog.TYPE_CATEGORIES.items() for name in names
    if category in _SCALAR_CATEGORIES) | _OTHER_TYPES
_KNOWN = builtin_catalog.IMMUTABLE | builtin_catalog.STABLE | builtin_catalog.VOLATILE
_SERVER_SETTING = ("reads a server setting; current_setting() may read only a custom setting, named by "
                   "a literal with a dot in it, such as 'app.current_tenant_id'")


def call_problem(name: str, arguments: tuple[Any, ...] = ()) -> str | None:
    """Why calling the builtin `name` is refused, or None when it is allowed."""
    for pattern, reason in _REFUSED:
        if pattern.fullmatch(name):
            return reason
    if name not in _KNOWN:
        return "is not one of PostgreSQL's builtin functions (an extension's or your own)"
    if name in builtin_catalog.PRIVILEGED:
        return "is reserved to privileged roles"
    if name in builtin_catalog.VOLATILE and name not in VOLATILE_ALLOWED:
        return "is volatile: it changes something or gives a new value on every call"
    if name in builtin_catalog.STABLE and name not in STABLE_ALLOWED:
        return "reads the database's or the server's state"
    if name == "current_setting" and not _custom_setting(arguments):
        return _SERVER_SETTING
    return None


def _custom_setting(arguments: tuple[Any, ...]) -> bool:
    first = arguments[0] if arguments else None
    while isinstance(first, ast.TypeCast):  # PostgreSQL stores 'app.x'::text
        first = first.arg
    value = getattr(first, "val", None) if isinstance(first, ast.A_Const) else None
    return isinstance(value, ast.String) and custom_setting_problem(str(value.sval)) is None


def refused_calls(node: ast.Node, default: bool = False) -> str | None:
    """The first thing in the expression tree `node` that it may not call, name or read; only a
    `default` may advance the project's own sequences (once per row it fills)."""
    try:
        _CallChecker(default)(node)
    except _Refused as refused:
        return str(refused)
    return None


class _Refused(Exception):
    pass


def _own_sequence(node: Any) -> bool:
    """`nextval('<sequence>'::regclass)` (the cast optional) of a sequence the project's
    `sql_objects` make, named as regclass prints it: the default PostgreSQL shows for it."""
    arguments = tuple(node.args or ())
    if [str(p.sval) for p in node.funcname] not in (["nextval"], ["pg_catalog", "nextval"]) or len(arguments) != 1:
        return False
    argument: Any = arguments[0]
    if isinstance(argument, ast.TypeCast):
        cast: Any = argument.typeName
        if [str(p.sval) for p in cast.names] not in (["regclass"], ["pg_catalog", "regclass"]):
            return False
        argument = argument.arg
    value = argument.val if isinstance(argument, ast.A_Const) else None
    return isinstance(value, ast.String) and any(
        str(value.sval) == quote_ident(name) for name in _PROJECT_SEQUENCES.get())


class _CallChecker(Visitor):
    def __init__(self, default: bool) -> None:
        super().__init__()
        self.default = default

    def visit_FuncCall(self, ancestors: object, node: Any) -> Any:
        if len(node.funcname) == 1 and str(node.funcname[0].sval) in _PROJECT_FUNCTIONS.get():
            return None
        if self.default and _own_sequence(node):
            return Skip  # the regclass cast names the sequence, not a catalog lookup of the user's choosing
        name = _builtin_name(node.funcname, "function")
        problem = call_problem(name, tuple(node.args or ()))
        if problem:
            summary = "" if problem is _SERVER_SETTING else f"; {ALLOWED_SUMMARY}"
            raise _Refused(f"calls {name}(), which {problem}{summary}")

    def visit_A_Expr(self, ancestors: object, node: Any) -> None:
        if node.kind in _KEYWORD_OPERATORS:
            return
        name = _builtin_name(node.name or (), "operator")
        if name and name not in builtin_catalog.OPERATORS:
            raise _Refused(f"uses operator {name}, which is not one of PostgreSQL's builtin operators")

    def visit_TypeName(self, ancestors: object, node: Any) -> None:
        names: tuple[Any, ...] = tuple(node.names or ())
        if len(names) == 1 and str(names[0].sval) in _PROJECT_TYPES.get():
            return
        name = _builtin_name(names, "type")
        if name not in _ALLOWED_TYPES:
            raise _Refused(f"names type {name}; expressions may name only PostgreSQL's builtin scalar "
                           "types (no oid or reg* type, row type or XML)")

    def visit_RangeVar(self, ancestors: object, node: Any) -> None:
        if node.catalogname or node.schemaname:
            raise _Refused("a subquery may read tables of the schema only, by their plain name "
                           f"(not {_dotted(node)})")
        if str(node.relname).startswith("pg_"):
            raise _Refused(f"a subquery may read tables of the schema only, not {node.relname}")

    def visit_SelectStmt(self, ancestors: object, node: Any) -> None:
        for clause, what in (("withClause", "WITH"), ("lockingClause", "row locks (FOR UPDATE)"),
                             ("intoClause", "INTO")):
            if getattr(node, clause, None):
                raise _Refused(f"a subquery may not hold {what}")

    def visit_RangeTableSample(self, ancestors: object, node: Any) -> None:
        raise _Refused("a subquery may not use TABLESAMPLE")

    def visit_RangeTableFunc(self, ancestors: object, node: Any) -> None:
        raise _Refused("may not use XMLTABLE; the schema language has no xml type")

    def visit_XmlExpr(self, ancestors: object, node: Any) -> None:
        raise _Refused("may not use XML functions; the schema language has no xml type")

    def visit_XmlSerialize(self, ancestors: object, node: Any) -> None:
        raise _Refused("may not use XMLSERIALIZE; the schema language has no xml type")


def _builtin_name(parts: tuple[Any, ...], what: str) -> str:
    names = [str(p.sval) for p in parts if isinstance(p, ast.String)]
    if len(names) > 1 and names[:-1] != ["pg_catalog"]:
        raise _Refused(f"names {what} {'.'.join(names)}; only PostgreSQL's builtin ones "
                       "(schema pg_catalog) may be named")
    return names[-1] if names else ""


def _dotted(node: Any) -> str:
    return ".".join(str(p) for p in (node.catalogname, node.schemaname, node.relname) if p)
