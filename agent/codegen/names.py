"""Names in generated code for database names (issue 23): valid in the target, distinct, stable.

A database name maps to the target's convention (`created_at` -> `createdAt` in TypeScript, `a b`
-> `a_b` in Python). Two names that map to the same identifier (`createdAt` and `created_at`, `a b`
and `a_b`, entities `Account` and `ACCOUNT` to one file name) are told apart, never left as a
duplicate: the one whose own name already is the identifier keeps it, else the first in order;
each other one takes its own database name when that is a valid identifier nobody has, else the
identifier with the lowest free number (`aB2`, `account-2`). The generators say so beside such a
field (`renamed_note`). `render` names the whole schema once (`naming`), so names that must
differ across tables (enum constants, which the index re-exports) do.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, replace

from agent.codegen.model import Relation, camel, enum_values, kebab, pascal, relations, words
from agent.schema.tables import Column, Schema, Table

__all__ = [
    "CodeNameError",
    "CodeNames",
    "check_class_members",
    "check_insert_names",
    "enum_const_name",
    "enum_type_name",
    "field_name",
    "field_names",
    "field_note",
    "module_name",
    "module_names",
    "named_relations",
    "naming",
    "python_names",
    "python_notes",
    "renamed_note",
    "unique_members",
]

_CODE_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
"""A name TypeScript, Zod, TypeORM and Prisma all take as a field as it is."""
_PYTHON_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class CodeNameError(ValueError):
    """Two members of one class would still have the same name in a target."""


@dataclass(frozen=True, slots=True)
class Named:
    name: str
    """In code."""
    base: str
    """What the convention alone gives."""
    keeper: str | None = None
    """The key that has `base`, when this one had to take another name."""


def _allocate(keys: Sequence[str], base: Callable[[str], str], own: Callable[[str], str | None],
              numbered: Callable[[str, int], str], others: frozenset[str] = frozenset()) -> dict[str, Named]:
    """One distinct name per key, in the keys' order (see the module's docstring), none of them
    one of `others` (names something else already has)."""
    bases = {k: base(k) for k in keys}
    keepers = {k: k for k in keys if bases[k] == k and k not in others}
    for key in keys:
        if bases[key] not in others:
            keepers.setdefault(bases[key], key)
    taken = set(keepers) | others
    named: dict[str, Named] = {}
    for key in keys:
        b = bases[key]
        if keepers.get(b) == key:
            named[key] = Named(b, b)
            continue
        candidate = own(key)
        if candidate is None or candidate in taken:
            candidate = next(numbered(b, n) for n in range(2, len(taken) + 3) if numbered(b, n) not in taken)
        taken.add(candidate)
        named[key] = Named(candidate, b, keepers.get(b))
    return named


def _code_own(name: str) -> str | None:
    return name if _CODE_IDENTIFIER.fullmatch(name) else None


def field_names(table: Table) -> Mapping[str, str]:
    """Column -> its field in TypeScript, Zod, TypeORM and Prisma (camelCase)."""
    return {k: v.name for k, v in _fields(table).items()}


def _fields(table: Table) -> dict[str, Named]:
    return _allocate(table.column_names, camel, _code_own, lambda b, n: f"{b}{n}")


def python_names(table: Table, reserved: Callable[[str], bool]) -> Mapping[str, str]:
    """Column -> its attribute in Python: the name itself when it is an identifier, else its words
    joined by `_`; a keyword or a name the base class keeps (`reserved`) gets a trailing `_`, or
    loses its leading ones."""
    return {k: v.name for k, v in _python(table, reserved).items()}


def python_notes(table: Table, reserved: Callable[[str], bool]) -> dict[str, str]:
    """Column -> `renamed_note` for the attributes that could not take the convention's name."""
    found = ((column, renamed_note(named, column)) for column, named in _python(table, reserved).items())
    return {column: note for column, note in found if note is not None}


def _python(table: Table, reserved: Callable[[str], bool]) -> dict[str, Named]:
    def free(name: str) -> bool:
        return bool(_PYTHON_IDENTIFIER.fullmatch(name)) and not keyword.iskeyword(name) and not reserved(name)

    def base(name: str) -> str:
        plain = name if _PYTHON_IDENTIFIER.fullmatch(name) else "_".join(words(name))
        bare = plain.lstrip("_") or "column"  # pydantic keeps `_x` for private attributes
        return next((c for c in (plain, f"{plain}_", bare, f"{bare}_") if free(c)), f"{bare}_")

    return _allocate(table.column_names, base, lambda name: name if free(name) else None, lambda b, n: f"{b}{n}")


def renamed_note(named: Named, column: str) -> str | None:
    """`Column "created_at": createdAt is column "createdAt" in code.` for a field that could not
    take the convention's name; None for the others."""
    if named.keeper is None:
        return None
    return f'Column "{column}": {named.base} is column "{named.keeper}" in code.'


def module_names(schema: Schema) -> dict[str, str]:
    """Table -> its module's file name stem (kebab-case, so `User` and `USER` would share one)."""
    entities = {t.name: t.entity for t in schema.tables}
    return {k: v.name for k, v in _allocate(sorted(entities), lambda t: kebab(entities[t]), lambda t: None,
                                            lambda b, n: f"{b}-{n}").items()}


def _enum_columns(schema: Schema) -> list[tuple[Table, Column]]:
    return [(t, c) for t in sorted(schema.tables, key=lambda t: t.name) for c in t.columns if enum_values(c)]


@dataclass
class CodeNames:
    """Every name `render` gives for one schema, found once."""

    schema: Schema
    _tables: set[int] = field(default_factory=set)
    """The ids of the schema's tables: a table of another schema is not named here."""
    _fields: dict[str, dict[str, Named]] = field(default_factory=dict)
    _modules: dict[str, str] | None = None
    _enum_types: dict[str, Named] | None = None
    _enum_consts: dict[str, Named] | None = None

    def __post_init__(self) -> None:
        self._tables = {id(t) for t in self.schema.tables}

    def names(self, table: Table) -> bool:
        return id(table) in self._tables

    def field_of(self, table: Table, column: str) -> Named:
        if table.name not in self._fields:
            self._fields[table.name] = _fields(table)
        return self._fields[table.name][column]

    def module(self, table: Table) -> str:
        if self._modules is None:
            self._modules = module_names(self.schema)
        return self._modules.get(table.name, kebab(table.entity))

    def enum_type(self, table: Table, column: Column) -> str:
        if self._enum_types is None:
            self._enum_types = self._enums(lambda t, c: t.entity + pascal(c.name), lambda b, n: f"{b}{n}")
        return self._enum_types[_key(table, column)].name

    def enum_const(self, table: Table, column: Column) -> str:
        if self._enum_consts is None:
            self._enum_consts = self._enums(_const_base, lambda b, n: f"{b}_{n}")
        return self._enum_consts[_key(table, column)].name

    def _enums(self, base: Callable[[Table, Column], str], numbered: Callable[[str, int], str]) -> dict[str, Named]:
        """Exported beside the entities' row and insert types (the index re-exports every module)."""
        pairs = {_key(t, c): (t, c) for t, c in _enum_columns(self.schema)}
        entities = frozenset(n for t in self.schema.tables for n in (t.entity, f"New{t.entity}"))
        return _allocate(list(pairs), lambda k: base(*pairs[k]), lambda k: None, numbered, entities)


def _key(table: Table, column: Column) -> str:
    return f"{table.name}\x00{column.name}"


def _const_base(table: Table, column: Column) -> str:
    return f"{kebab(table.entity).replace('-', '_')}_{'_'.join(words(column.name))}".upper()


_CURRENT: ContextVar[CodeNames | None] = ContextVar("code_names", default=None)
_alone: CodeNames | None = None


@contextmanager
def naming(schema: Schema) -> Iterator[CodeNames]:
    """The names of `schema`, for the helpers below while the targets render it."""
    names = CodeNames(schema)
    token = _CURRENT.set(names)
    try:
        yield names
    finally:
        _CURRENT.reset(token)


def _names(table: Table) -> CodeNames:
    """The render's names; outside one (a target called alone), those of the table by itself."""
    global _alone
    current = _CURRENT.get()
    if current is not None and current.names(table):
        return current
    alone = _alone
    if alone is None or not alone.names(table):
        alone = _alone = CodeNames(Schema(tables=[table]))
    return alone


def field_name(table: Table, column: str) -> str:
    return _names(table).field_of(table, column).name


def field_note(table: Table, column: str) -> str | None:
    return renamed_note(_names(table).field_of(table, column), column)


def module_name(table: Table) -> str:
    return _names(table).module(table)


def enum_type_name(table: Table, column: Column) -> str:
    return _names(table).enum_type(table, column)


def enum_const_name(table: Table, column: Column) -> str:
    """`LOT_QUALITY_STATUS`: the allowed values, for dropdowns."""
    return _names(table).enum_const(table, column)


def named_relations(schema: Schema) -> list[Relation]:
    """`relations`, each relation field distinct from its class's column fields and other relation
    fields (a parent with a column named like its child table): a taken one gets the lowest free
    number (`lots2`). Child sides are named first, then the parents' back fields."""
    found = relations(schema)
    taken = {t.name: set(field_names(t).values()) for t in schema.tables}

    def free(table: str, name: str) -> str:
        chosen, number = name, 2
        while chosen in taken[table]:
            chosen, number = f"{name}{number}", number + 1
        taken[table].add(chosen)
        return chosen

    fields = [free(r.child.name, r.field) for r in found]
    return [replace(r, field=f, back_field=free(r.parent.name, r.back_field))
            for r, f in zip(found, fields, strict=True)]


def check_insert_names(target: str, schema: Schema) -> None:
    """`New<Entity>`, the insert type beside each row type, names no entity. Entity names are the
    YAML's own (not the database's), so a clash is refused rather than renamed."""
    entities = {t.entity: t for t in schema.tables}
    for table in sorted(schema.tables, key=lambda t: t.name):
        other = entities.get(f"New{table.entity}")
        if other is not None:
            raise CodeNameError(f"{target}: the insert type of entity {table.entity} (table {table.name}) is "
                                f"New{table.entity}, the name of entity {other.entity} (table {other.name}); "
                                "rename one of the two entities")


def check_class_members(target: str, table: Table, found: Sequence[Relation]) -> None:
    """A class's column fields and relation fields (TypeORM, Prisma) are distinct, or a clear error."""
    members = [("column", c, field_name(table, c)) for c in table.column_names]
    members += [("relation", r.key.name, r.field) for r in found if r.child.name == table.name]
    members += [("relation", f"{r.child.name}.{r.key.name}", r.back_field) for r in found
                if r.parent.name == table.name]
    unique_members(target, table.entity, members)


def unique_members(target: str, owner: str, members: Sequence[tuple[str, str, str]]) -> None:
    """Refuse two members of one class with the same name: (kind, database name, name in code) each."""
    seen: dict[str, tuple[str, str]] = {}
    for kind, database, name in members:
        if name in seen:
            first = seen[name]
            kinds = {"prisma": "model"}.get(target, "class")
            raise CodeNameError(f"{target}: {kinds} {owner} would have two members named {name}: {first[0]} "
                                f"{first[1]} and {kind} {database}; rename one of them in the database")
        seen[name] = (kind, database)
