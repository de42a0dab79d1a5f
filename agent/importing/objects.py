"""Sequences, functions, triggers and views back to `sql_objects:` (create and drop statements,
comments, a materialized view's indexes, a sequence's owner), so a database's own code comes along
instead of being lost; what cannot be written is listed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from agent.catalog.model import Catalog, Function, Sequence, Table, View
from agent.importing.lossy import serial_sequence
from agent.importing.problems import Problems
from agent.importing.shape import is_audit_trigger
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.model import SqlObjectSpec
from agent.schema.sql_objects import SqlObjectError, sql_object
from agent.schema.tables import UPDATED_AT_FUNCTION

__all__ = ["sql_object_documents"]

_LANGUAGES = frozenset({"sql", "plpgsql"})
_VOLATILITY = {"immutable": "IMMUTABLE", "stable": "STABLE", "volatile": "VOLATILE"}


def sql_object_documents(catalog: Catalog, tables: Iterable[Table], audited: set[str],
                         problems: Problems) -> list[dict[str, Any]]:
    """Extensions first (a function or an index may use what they define), then sequences and
    functions (a default or a trigger calls them), then triggers, then views."""
    found: list[dict[str, Any]] = [_extension(extension.name) for extension in catalog.extensions]
    tables = list(tables)
    for sequence in catalog.sequences:
        if not serial_sequence(catalog, sequence):
            owner = sequence.owned_by.split(".")[0] if sequence.owned_by else ""
            _add(found, problems, owner, f"sequence {sequence.name}", _sequence(sequence, tables))
    for function in sorted(catalog.functions, key=lambda f: f.signature):
        if function.name == UPDATED_AT_FUNCTION and audited:
            continue
        _add(found, problems, "", f"{function.kind} {function.signature}", _function(function))
    for table in tables:
        for trigger in table.triggers:
            if table.name in audited and is_audit_trigger(trigger, table.name):
                continue
            name = _free(found, trigger.name, f"{table.name}.{trigger.name}")
            spec = _commented({"name": name, "create": trigger.definition,
                               "drop": f"DROP TRIGGER {quote_ident(trigger.name)} ON {quote_ident(table.name)}"},
                              trigger.comment)
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
    name = f"{quote_ident(function.name)}({function.arguments})"
    head = (f"CREATE FUNCTION {name} RETURNS {function.result} LANGUAGE {function.language} "
            f"{_VOLATILITY[function.volatility]}{' STRICT' if function.strict else ''}"
            f"{' SECURITY DEFINER' if function.security_definer else ''}"
            + "".join(f" {_setting(setting)}" for setting in function.settings))
    standard = function.language == "sql" and function.body.lstrip().upper().startswith(("BEGIN ATOMIC", "RETURN "))
    body = function.body if standard else f"AS {_dollar_quoted(function.body)}"
    return _commented({"name": function.name, "create": f"{head} {body}", "drop": f"DROP FUNCTION {name}"},
                      function.comment)


def _commented(spec: dict[str, Any], comment: str | None) -> dict[str, Any]:
    return spec if comment is None else {**spec, "comment": comment}


# the settings PostgreSQL stores as a list of identifiers (GUC_LIST_QUOTE): each element is given apart
_LIST_SETTINGS = frozenset({"search_path", "temp_tablespaces", "local_preload_libraries",
                            "session_preload_libraries", "shared_preload_libraries", "unix_socket_directories"})


def _setting(setting: str) -> str:
    """`SET name TO value` from a stored `name=value` (pg_proc.proconfig): storing it gives it back."""
    name, _, value = setting.partition("=")
    values = _list_elements(value) if name.lower() in _LIST_SETTINGS else [value]
    return f"SET {'.'.join(quote_ident(part) for part in name.split('.'))} TO {', '.join(map(quote_literal, values))}"


def _list_elements(value: str) -> list[str]:
    """The elements of a stored list setting, as PostgreSQL splits them: comma-separated, each
    bare or double-quoted (a doubled quote inside is one)."""
    found, rest = [], value.strip()
    while rest:
        if rest.startswith('"'):
            end = 1
            while (end := rest.index('"', end)) + 1 < len(rest) and rest[end + 1] == '"':
                end += 2
            found.append(rest[1:end].replace('""', '"'))
            rest = rest[end + 1:]
        else:
            element = rest.split(",", 1)[0]
            found.append(element.strip())
            rest = rest[len(element):]
        rest = rest.strip().removeprefix(",").strip()
    return found


def _dollar_quoted(body: str) -> str:
    tag = "$body$"
    while tag in body:
        tag = tag[:-1] + "_$"
    return f"{tag}{body}{tag}"


def _view(view: View) -> dict[str, Any] | str:
    if view.triggers or view.grants or any(index.comment is not None for index in view.indexes):
        return "has triggers, grants or comments on its indexes the SQL object would not carry"
    if view.security_invoker or view.security_barrier or view.check_option:
        return "has options (security_invoker, security_barrier, CHECK OPTION) the SQL object would not carry"
    kind = "MATERIALIZED VIEW" if view.materialized else "VIEW"
    definition = view.definition.strip().rstrip(";")
    spec: dict[str, Any] = {"name": view.name, "create": f"CREATE {kind} {quote_ident(view.name)} AS {definition}",
            "drop": f"DROP {kind} {quote_ident(view.name)}"}
    if view.indexes:
        spec["indexes"] = [index.definition for index in sorted(view.indexes, key=lambda i: i.name)]
    return _commented(spec, view.comment)


def _sequence(sequence: Sequence, tables: Iterable[Table]) -> dict[str, Any] | str:
    """A sequence of its own (not a serial column's): its settings, its comment, its owner."""
    name = quote_ident(sequence.name)
    create = (f"CREATE SEQUENCE {name} AS {sequence.type} START WITH {sequence.start} INCREMENT BY "
              f"{sequence.increment} MINVALUE {sequence.minimum} MAXVALUE {sequence.maximum} CACHE {sequence.cache}"
              f"{'' if sequence.cycle else ' NO'} CYCLE")
    spec = _commented({"name": sequence.name, "create": create, "drop": f"DROP SEQUENCE {name}"}, sequence.comment)
    if sequence.owned_by is None:
        return spec
    owner = next(((t.name, c.name) for t in tables for c in t.columns if f"{t.name}.{c.name}" == sequence.owned_by),
                 None)  # by the whole text: a table's name may hold a dot
    if owner is None:
        return f"is owned by {sequence.owned_by}, a column the YAML does not hold"
    return {**spec, "owned_by": {"table": owner[0], "column": owner[1]}}
