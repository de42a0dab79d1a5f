"""`sql_objects:` in project.yaml: database objects the language does not model (functions,
triggers, views, materialized views, sequences, extensions), each a create and a drop statement.

Both are parsed (one statement each, of the object's kind); what migrations run is pglast's
rendering of the parse tree, never the text as given. Functions, sequences and extensions are
created before the tables (a default may call such a function) and dropped after them, except a
function of SQL whose body names a table (PostgreSQL resolves it when the function is made);
triggers and views after the tables and dropped before them. Beside the two statements an
object may carry a comment, a materialized view its indexes, a sequence its owning column.
"""

from __future__ import annotations

from typing import Any

from pglast import ast, parser
from pglast.enums import DefElemAction, ObjectType
from pglast.stream import RawStream
from pglast.visitors import referenced_relations

from agent.schema.model import SequenceOwner, SqlObjectSpec
from agent.schema.tables import SqlObject
from agent.sql.parsing import parse_sql

__all__ = ["SqlObjectError", "comment_statement", "spec_of", "sql_object"]

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
    facts = _facts(kind, create)
    indexes = _indexes(spec.indexes, kind, facts.get("view"))
    comment = [] if spec.comment is None else [_comment(drop, spec.comment)]
    return SqlObject(name=spec.name, kind=kind, create=RawStream()(create), drop=RawStream()(drop),
                     defines=_function_name(create) if kind == "function" else None, comment=spec.comment,
                     indexes=indexes, then=(*indexes, *comment), **_owner(spec.owned_by, kind, create), **facts)


def spec_of(item: SqlObject) -> SqlObjectSpec:
    """The spec `item` was parsed from (its statements rendered): parsing it gives `item` again."""
    owner = None if item.owned_by is None else SequenceOwner(table=item.owned_by[0], column=item.owned_by[1])
    return SqlObjectSpec(name=item.name, create=item.create, drop=item.drop, comment=item.comment,
                         indexes=list(item.indexes), owned_by=owner)


def _facts(kind: str, create: Any) -> dict[str, Any]:
    if kind == "trigger":
        return _trigger_facts(create)
    if kind in ("view", "materialized view"):
        return {"view": str((create.view if kind == "view" else create.into.rel).relname)}
    if kind == "extension":
        return {"extension": str(create.extname)}
    if kind == "function":
        return {"reads_tables": _reads_tables(create)}
    if kind == "sequence":
        if any(option.defname == "owned_by" for option in create.options or ()):
            raise SqlObjectError("create", "OWNED BY needs its table, which is made after the sequence: "
                                 "write `owned_by: {table: ..., column: ...}` instead")
        return {"sequence": str(create.sequence.relname)}
    return {}


def _reads_tables(create: Any) -> bool:
    """Whether PostgreSQL would look up a table when making the function: a body of SQL (standard,
    or quoted text it checks) that names one. PL/pgSQL is resolved only when it runs."""
    if create.sql_body is not None:
        return bool(referenced_relations(create.sql_body))
    options = {str(o.defname): o.arg for o in create.options or ()}
    language = options.get("language")
    if language is None or str(language.sval).lower() != "sql" or "as" not in options:
        return False
    try:
        return bool(referenced_relations(str(options["as"][0].sval)))
    except parser.ParseError:
        return False


def comment_statement(item: SqlObject) -> str:
    """COMMENT ON the object `item` drops, with its comment (IS NULL when it has none)."""
    return _comment(_one(item.drop, "drop"), item.comment)


def _comment(drop: Any, text: str | None) -> str:
    """COMMENT ON the one object the drop statement names, built from its parse tree."""
    if text is not None and "\x00" in text:
        raise SqlObjectError("comment", "may not contain a NUL character")
    if len(drop.objects) != 1:
        raise SqlObjectError("comment", "needs a drop statement naming one object")
    return str(RawStream()(ast.CommentStmt(objtype=drop.removeType, object=drop.objects[0], comment=text)))


def _indexes(texts: list[str], kind: str, view: str | None) -> tuple[str, ...]:
    if texts and kind != "materialized view":
        raise SqlObjectError("indexes", f"only a materialized view has indexes here, not a {kind}")
    return tuple(_index(text, view) for text in texts)


def _index(text: str, view: str | None) -> str:
    statement = _one(text, "indexes")
    if not isinstance(statement, ast.IndexStmt):
        raise SqlObjectError("indexes", f"must hold CREATE INDEX statements, not a {type(statement).__name__}")
    relation: Any = statement.relation
    if relation.relname != view:
        raise SqlObjectError("indexes", f"index {statement.idxname} is on {relation.relname}, "
                             f"not on the materialized view {view}")
    if not statement.idxname or statement.concurrent:
        raise SqlObjectError("indexes", "each index needs a name, and is made with its view (not CONCURRENTLY)")
    return str(RawStream()(statement))


def _owner(owner: SequenceOwner | None, kind: str, create: Any) -> dict[str, Any]:
    if owner is None:
        return {}
    if kind != "sequence":
        raise SqlObjectError("owned_by", f"only a sequence is owned by a column, not a {kind}")
    column = (ast.String(sval=owner.table), ast.String(sval=owner.column))
    own, none = (str(RawStream()(ast.AlterSeqStmt(sequence=create.sequence, options=(
        ast.DefElem(defname="owned_by", arg=arg, defaction=DefElemAction.DEFELEM_UNSPEC),))))
                 for arg in (column, (ast.String(sval="none"),)))
    return {"owned_by": (owner.table, owner.column), "own": (own, none)}


def _function_name(statement: Any) -> str:
    return str(statement.funcname[-1].sval)


def _trigger_facts(statement: Any) -> dict[str, Any]:
    bits = (statement.timing or 0) | (statement.events or 0)
    timing = "INSTEAD OF" if bits & 64 else "BEFORE" if bits & 2 else "AFTER"
    return {"table": str(statement.relation.relname), "trigger": str(statement.trigname),
            "timing": timing, "events": tuple(word for bit, word in _EVENTS if bits & bit),
            "function": str(statement.funcname[-1].sval)}
