"""Functions, triggers and views back to `sql_objects:` (create and drop statements), so a
database's own code comes along instead of being lost; what cannot be written is listed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agent.catalog.model import Catalog, Function, Table, View
from agent.importing.problems import Problems
from agent.importing.shape import is_audit_trigger
from agent.schema.literals import quote_ident
from agent.schema.model import SqlObjectSpec
from agent.schema.sql_objects import SqlObjectError, sql_object
from agent.schema.tables import UPDATED_AT_FUNCTION

__all__ = ["sql_object_documents"]

_LANGUAGES = frozenset({"sql", "plpgsql"})
_VOLATILITY = {"immutable": "IMMUTABLE", "stable": "STABLE", "volatile": "VOLATILE"}


def sql_object_documents(catalog: Catalog, tables: Iterable[Table], audited: set[str],
                         problems: Problems) -> list[dict[str, Any]]:
    """Extensions first (a function or an index may use what they define), then functions (a
    default or a trigger calls them), then triggers, then views."""
    found: list[dict[str, Any]] = [_extension(extension.name) for extension in catalog.extensions]
    for function in sorted(catalog.functions, key=lambda f: f.signature):
        if function.name == UPDATED_AT_FUNCTION and audited:
            continue
        _add(found, problems, "", f"{function.kind} {function.signature}", _function(function))
    for table in tables:
        for trigger in table.triggers:
            if table.name in audited and is_audit_trigger(trigger, table.name):
                continue
            name = _free(found, trigger.name, f"{table.name}.{trigger.name}")
            spec = {"name": name, "create": trigger.definition,
                    "drop": f"DROP TRIGGER {quote_ident(trigger.name)} ON {quote_ident(table.name)}"}
            _add(found, problems, table.name, f"trigger {trigger.name}", spec)
    for view in catalog.views:
        _add(found, problems, view.name, f"view {view.name}", _view(view))
    return found


def _free(found: list[dict[str, Any]], name: str, qualified: str) -> str:
    """A trigger's name is unique only on its table, and may be its function's: the first object
    keeps the bare name, a later one is qualified by its table."""
    return qualified if any(spec["name"] == name for spec in found) else name


def _add(found: list[dict[str, Any]], problems: Problems, table: str, what: str, spec: dict[str, Any] | str) -> None:
    if isinstance(spec, str):
        problems.lost(table, f"{what} {spec}")
        return
    try:
        sql_object(SqlObjectSpec.model_validate(spec))
    except SqlObjectError as error:
        problems.lost(table, f"{what} cannot be written as an SQL object: {error}")
        return
    found.append(spec)


def _extension(name: str) -> dict[str, Any]:
    quoted = quote_ident(name)
    return {"name": name, "create": f"CREATE EXTENSION IF NOT EXISTS {quoted}", "drop": f"DROP EXTENSION {quoted}"}


def _function(function: Function) -> dict[str, Any] | str:
    """The function's create statement, or why it cannot be written."""
    if function.kind != "function" or function.result is None:
        return f"is a {function.kind}; only functions are written as SQL objects"
    if function.language not in _LANGUAGES:
        return f"is written in {function.language}; only sql and plpgsql functions are carried over"
    if function.settings or function.comment is not None:
        return "has settings (SET ...) or a comment the SQL object would not carry"
    name = f"{quote_ident(function.name)}({function.arguments})"
    head = (f"CREATE FUNCTION {name} RETURNS {function.result} LANGUAGE {function.language} "
            f"{_VOLATILITY[function.volatility]}{' STRICT' if function.strict else ''}"
            f"{' SECURITY DEFINER' if function.security_definer else ''}")
    standard = function.language == "sql" and function.body.lstrip().upper().startswith(("BEGIN ATOMIC", "RETURN "))
    body = function.body if standard else f"AS {_dollar_quoted(function.body)}"
    return {"name": function.name, "create": f"{head} {body}", "drop": f"DROP FUNCTION {name}"}


def _dollar_quoted(body: str) -> str:
    tag = "$body$"
    while tag in body:
        tag = tag[:-1] + "_$"
    return f"{tag}{body}{tag}"


def _view(view: View) -> dict[str, Any] | str:
    if view.comment is not None or view.indexes or view.triggers or view.grants:
        return "has a comment, indexes, triggers or grants the SQL object would not carry"
    if view.security_invoker or view.security_barrier or view.check_option:
        return "has options (security_invoker, security_barrier, CHECK OPTION) the SQL object would not carry"
    kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
    definition = view.definition.strip().rstrip(";")
    return {"name": view.name, "create": f"CREATE {kind} {quote_ident(view.name)} AS {definition}",
            "drop": f"DROP {kind} {quote_ident(view.name)}"}
