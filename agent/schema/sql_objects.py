"""`sql_objects:` in project.yaml: database objects the language does not model (functions,
triggers, views, materialized views, sequences, extensions), each a create and a drop statement.

Both are parsed (one statement each, of the object's kind); what migrations run is pglast's
rendering of the parse tree, never the text as given. Functions, sequences and extensions are
created before the tables (a default may call such a function) and dropped after them;
triggers and views after the tables and dropped before them.
"""

from __future__ import annotations

from typing import Any

from pglast import ast, parser
from pglast.enums import ObjectType
from pglast.stream import RawStream

from agent.schema.model import SqlObjectSpec
from agent.schema.tables import SqlObject
from agent.sql.parsing import parse_sql

__all__ = ["SqlObjectError", "sql_object"]

_KINDS: dict[type, tuple[str, ObjectType]] = {
    ast.CreateFunctionStmt: ("function", ObjectType.OBJECT_FUNCTION),
    ast.CreateTrigStmt: ("trigger", ObjectType.OBJECT_TRIGGER),
    ast.ViewStmt: ("view", ObjectType.OBJECT_VIEW),
    ast.CreateSeqStmt: ("sequence", ObjectType.OBJECT_SEQUENCE),
    ast.CreateExtensionStmt: ("extension", ObjectType.OBJECT_EXTENSION),
}
_EVENTS = ((4, "INSERT"), (16, "UPDATE"), (8, "DELETE"), (32, "TRUNCATE"))


class SqlObjectError(ValueError):
    """`key` ("create" or "drop") is not what an SQL object may hold; the message says why."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(message)
        self.key = key


def _one(text: str, key: str) -> Any:
    try:
        statements = parse_sql(text)
    except parser.ParseError as error:
        raise SqlObjectError(key, f"not valid SQL: {error.args[0]}") from None
    if len(statements) != 1:
        raise SqlObjectError(key, f"must be exactly one statement, not {len(statements)}")
    return statements[0].stmt


def _kind(statement: Any) -> tuple[str, ObjectType]:
    if isinstance(statement, ast.CreateTableAsStmt) and statement.objtype == ObjectType.OBJECT_MATVIEW:
        return "materialized view", ObjectType.OBJECT_MATVIEW
    found = _KINDS.get(type(statement))
    if found is None:
        kinds = ", ".join(k for k, _ in _KINDS.values())
        raise SqlObjectError("create", f"a {type(statement).__name__} is not an SQL object: one of {kinds}, "
                             "or a materialized view")
    return found


def sql_object(spec: SqlObjectSpec) -> SqlObject:
    """The parsed object; SqlObjectError names the key at fault."""
    create = _one(spec.create, "create")
    kind, drop_type = _kind(create)
    drop = _one(spec.drop, "drop")
    if not isinstance(drop, ast.DropStmt) or drop.removeType != drop_type:
        raise SqlObjectError("drop", f"must be the DROP of a {kind}")
    facts = _trigger_facts(create) if kind == "trigger" else {}
    if kind in ("view", "materialized view"):
        facts = {"view": str((create.view if kind == "view" else create.into.rel).relname)}
    if kind == "extension":
        facts = {"extension": str(create.extname)}
    return SqlObject(name=spec.name, kind=kind, create=RawStream()(create), drop=RawStream()(drop),
                     defines=_function_name(create) if kind == "function" else None, **facts)


def _function_name(statement: Any) -> str:
    return str(statement.funcname[-1].sval)


def _trigger_facts(statement: Any) -> dict[str, Any]:
    bits = (statement.timing or 0) | (statement.events or 0)
    timing = "INSTEAD OF" if bits & 64 else "BEFORE" if bits & 2 else "AFTER"
    return {"table": str(statement.relation.relname), "trigger": str(statement.trigname),
            "timing": timing, "events": tuple(word for bit, word in _EVENTS if bits & bit),
            "function": str(statement.funcname[-1].sval)}
