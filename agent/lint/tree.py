"""pglast AST nodes built from libpg_query's JSON, without pglast's per-attribute checks.

`pglast.parser.parse_sql` builds every node through `Node.__setattr__`, which checks and
coerces each attribute in Python: that is most of a migration's parse time. The parser
already gives every attribute its final type, so this module asks libpg_query for the same
tree as JSON (`parse_sql_json`) and fills the same node classes through their slots,
giving each attribute the value `parse_sql` would: absent JSON fields get the C zero
value, enums are read by name, byte offsets become character offsets. pglast's classes
are not changed: nodes built anywhere else keep their checks.

One builder function per node class is generated from the class's slot types when this
module is imported (straight-line code, as `dataclasses` does). A field or node class the
builders do not know makes `parse_sql` fall back to pglast's own parse for that text, so
the result is always pglast's tree; `tests/lint/test_lint_tree.py` compares both,
attribute by attribute.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pglast import ast, enums, parser

__all__ = ["parse_sql"]

Locate = Callable[[int], Any]  # int, None outside the text (pglast then fails too)
_Build = Callable[[dict[str, Any], Locate], Any]

# C types whose zero value the JSON leaves out, and what parse_sql gives for it.
_NUMBERS = frozenset({
    "int", "int32", "int16", "Index", "AttrNumber", "long", "SubTransactionId", "Oid",
    "RelFileNumber", "AclMode", "Cardinality", "bits32", "uint32", "uint64", "int64",
})
_ZERO = {"bool": "False", "char*": "None", "char": "'\\x00'", **dict.fromkeys(_NUMBERS, "0")}
# Pointers the JSON wraps as {"Tag": {...}}; other node pointers are written bare.
_GENERIC_POINTERS = frozenset({"Node*", "Expr*"})
# A_Const keeps its value under a key naming the value's class, and pglast keeps no location.
_CONSTANTS = {"ival": "Integer", "sval": "String", "fval": "Float", "boolval": "Boolean",
              "bsval": "BitString"}


class _Unknown(Exception):
    """The JSON holds something the builders have no code for."""


class _Builders(dict[str, _Build]):
    """The builder of each node class, generated the first time a tree holds one."""

    def __missing__(self, tag: str) -> _Build:
        cls = getattr(ast, tag, None)
        build = _builder(cls) if isinstance(cls, type) and issubclass(cls, ast.Node) else None
        if build is None:
            raise _Unknown(tag)
        self[tag] = build
        return build


_BUILDERS = _Builders()


def _wrapped(value: dict[str, Any], locate: Locate) -> Any:
    """A `{"Tag": {...}}` node, `{"List": {"items": [...]}}`, or `{}` for a NULL item."""
    for tag, fields in value.items():
        if len(value) != 1:
            raise _Unknown(value)
        if tag == "List":
            return _items(fields.get("items"), locate)
        return _BUILDERS[tag](fields, locate)
    return None


def _items(values: list[Any] | None, locate: Locate) -> tuple[Any, ...] | None:
    if values is None:
        return None
    return tuple([_wrapped(v, locate) for v in values])


def _struct(tag: str) -> _Build:
    def build(fields: dict[str, Any], locate: Locate) -> Any:
        return _BUILDERS[tag](fields, locate)

    return build


def _value_source(ctype: str, key: str, names: dict[str, Any]) -> str | None:
    """The expression giving a slot's value from `fields` (`get`), None if unknown."""
    got = f"get({key!r})"
    if ctype in _ZERO:
        return f"get({key!r}, {_ZERO[ctype]})"
    if ctype == "List*":
        return f"items({got}, locate)"
    if ctype == "ParseLoc":
        return f"locate(get({key!r}, 0))"
    if ctype in _GENERIC_POINTERS:
        return f"(None if (v := {got}) is None else wrapped(v, locate))"
    enum = getattr(enums, ctype, None)
    if enum is not None:  # members by name from the mapping: `enum[name]` without a call
        names[f"M_{ctype}"] = enum.__members__
        names[f"Z_{ctype}"] = enum(0) if _has_zero(enum) else None
        return f"(Z_{ctype} if (v := {got}) is None else M_{ctype}[v])"
    target = ctype.removesuffix("*")
    cls = getattr(ast, target, None)
    if isinstance(cls, type) and issubclass(cls, ast.Node):
        names[f"S_{target}"] = _struct(target)
        return f"(None if (v := {got}) is None else S_{target}(v, locate))"
    return None


def _has_zero(enum: Any) -> bool:
    try:
        enum(0)
    except ValueError:
        return False
    return True


def _builder(cls: type) -> _Build | None:
    """Generated code building `cls` from its JSON fields, None if a slot type is unknown."""
    slots = getattr(cls, "__slots__", None)
    if not isinstance(slots, dict):
        return None
    names: dict[str, Any] = {"cls": cls, "new": object.__new__, "wrapped": _wrapped,
                             "items": _items, "Unknown": _Unknown}
    lines: list[str] = []
    known: set[str] = set()
    for index, (slot, info) in enumerate(slots.items()):
        key = slot.removesuffix("_") if slot.endswith("_") else slot  # def_ is "def"
        known.add(key)
        names[f"set{index}"] = getattr(cls, slot).__set__
        if info.c_type == "ValUnion":
            names["constant"] = _constant
            lines.append(f"set{index}(node, constant(fields))")
            known.update(_CONSTANTS)
            continue
        source = _value_source(info.c_type, key, names)
        if source is None:
            return None
        lines.append(f"set{index}(node, {source})")
    if cls is ast.A_Const:
        known.add("location")
    names["known"] = frozenset(known)
    body = "\n    ".join(lines)
    code = (
        "def build(fields, locate):\n"
        "    if not fields.keys() <= known:\n"
        "        raise Unknown(cls.__name__, fields.keys() - known)\n"
        "    get = fields.get\n"
        "    node = new(cls)\n"
        f"    {body}\n"
        "    return node\n"
    )
    exec(code, names)  # generated from pglast's slot table, as dataclasses do
    build: _Build = names["build"]
    return build


def _constant(fields: dict[str, Any]) -> Any:
    """An A_Const's Integer, String, Float, Boolean or BitString (None for NULL)."""
    for key, tag in _CONSTANTS.items():
        if key in fields:
            return _BUILDERS[tag](fields[key], _no_location)
    return None


def _no_location(offset: int) -> int | None:
    raise _Unknown("location in a constant")


def _locator(text: str, utf8: bytes) -> Locate:
    """pglast's byte offset to character offset (None outside the text)."""
    if len(utf8) != len(text):
        locate: Locate = parser.Displacements(text)
        return locate
    last = len(text) - 1
    return lambda offset: offset if 0 <= offset <= last else None


def _raw_statements(text: str, tree: dict[str, Any]) -> tuple[ast.RawStmt, ...]:
    locate = _locator(text, text.encode("utf-8"))
    slots: Any = ast.RawStmt  # the slot descriptors, typed as the attributes by the stubs
    statements = []
    for item in tree.get("stmts", ()):
        raw = object.__new__(ast.RawStmt)
        stmt = item.get("stmt")
        start = item.get("stmt_location", 0)
        slots.stmt.__set__(raw, None if stmt is None else _wrapped(stmt, locate))
        slots.stmt_location.__set__(raw, locate(start))
        slots.stmt_len.__set__(raw, locate(start + item.get("stmt_len", 0)) - locate(start))
        statements.append(raw)
    return tuple(statements)


def parse_sql(text: str) -> tuple[ast.RawStmt, ...]:
    """The same statements as `pglast.parser.parse_sql(text)`, built several times faster.

    Raises `pglast.parser.ParseError` as `parse_sql` does.
    """
    tree = json.loads(parser.parse_sql_json(text))
    try:
        return _raw_statements(text, tree)
    except (_Unknown, KeyError, TypeError, ValueError, AttributeError):
        return parser.parse_sql(text)
