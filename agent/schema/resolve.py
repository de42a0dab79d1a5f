"""Validated entities to resolved tables: the meaning `schema-format.md` gives the YAML.

Validation that needs more than one field (names, references, duplicates,
expressions naming columns) happens here, where the whole schema is known.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Literal

from agent.schema.allowed_calls import project_names
from agent.schema.columns import ColumnBuilder
from agent.schema.cycles import required_cycle
from agent.schema.diagnostics import Diagnostic, KeyPath
from agent.schema.expressions import ExpressionError, ExpressionKind, is_column_key, parse_expression
from agent.schema.literals import quote_ident, quote_literal
from agent.schema.model import (
    Check as CheckSpec,
)
from agent.schema.model import (
    Entity,
    ForeignKeyConstraint,
    ForeignKeyTarget,
    Project,
    Property,
    Reference,
    UniqueConstraint,
)
from agent.schema.names import (
    bounded_name,
    convention_problem,
    identifier_problem,
    is_pascal_case,
    is_review_reason,
    role_problem,
)
from agent.schema.resolve_indexes import resolve_indexes
from agent.schema.sql_objects import SqlObjectError, sql_object
from agent.schema.suggest import did_you_mean
from agent.schema.tables import (
    UPDATED_AT_FUNCTION,
    Check,
    CheckPlace,
    Column,
    ColumnExamples,
    EnumTypeDef,
    ForeignKey,
    Policy,
    PrimaryKey,
    Schema,
    SqlObject,
    Table,
    Trigger,
    Unique,
)
from agent.schema.yaml_source import SourceDocument

__all__ = ["resolve", "singular"]

AUDIT_COLUMNS = ("created_at", "created_by", "updated_at", "updated_by")

_DEFERRABLE: dict[bool | str, str | None] = {False: None, True: "immediate", "deferred": "deferred"}
"""A key's `deferrable:` as the constraint says it."""


def singular(table: str) -> str:
    for plural, single in (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x")):
        if table.endswith(plural):
            return table[: -len(plural)] + single
    return table[:-1] if table.endswith("s") and not table.endswith("ss") else table


@dataclass
class _Draft:
    """A table while it is being resolved."""

    entity: Entity
    document: SourceDocument
    columns: list[Column] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    uniques: list[Unique] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    pk_columns: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return self.entity.table

    def has_column(self, name: str) -> bool:
        return any(c.name == name for c in self.columns)

    def column(self, name: str) -> Column | None:
        return next((c for c in self.columns if c.name == name), None)


class _Resolver:
    def __init__(self, project: Project, unavailable: frozenset[str] = frozenset()) -> None:
        self.project = project
        self.unavailable = unavailable
        """Tables whose files are in error: not resolved, but not unknown either."""
        self.tenant = project.tenant.column
        self.diagnostics: list[Diagnostic] = []
        self.drafts: dict[str, _Draft] = {}

    def error(self, draft: _Draft, path: KeyPath, message: str, *, warning: bool = False) -> None:
        self.diagnostics.append(draft.document.diagnostic(path, message, warning=warning))

    # ------------------------------------------------------------ tables and columns

    def add_entity(self, entity: Entity, document: SourceDocument) -> None:
        draft = _Draft(entity, document)
        self._check_names(draft)
        if entity.table in self.drafts:
            other = self.drafts[entity.table].document.path.name
            self.error(draft, ("table",), f"table {entity.table!r} is also defined in {other}")
            return
        self.drafts[entity.table] = draft
        self._columns(draft)

    def _check_names(self, draft: _Draft) -> None:
        entity = draft.entity
        if not is_pascal_case(entity.entity):
            self.error(draft, ("entity",), f"{entity.entity!r} is not PascalCase")
        clash = next((d for d in self.drafts.values() if d.entity.entity == entity.entity), None)
        if clash:
            self.error(draft, ("entity",), f"entity {entity.entity!r} is also defined in {clash.document.path.name}")
        self._check_name(draft, ("table",), entity.table, "table")
        if entity.table in self.project.enums:
            self.error(draft, ("table",), f"table {entity.table!r} has the name of a native enum type of "
                       "project.yaml: PostgreSQL gives every table a type of its own name; rename one")
        problem = identifier_problem(entity.primary_key_name) if entity.primary_key_name is not None else None
        if problem:
            self.error(draft, ("primary_key_name",), problem)

    def _check_name(self, draft: _Draft, path: KeyPath, name: str, kind: Literal["table", "column"]) -> bool:
        problem = identifier_problem(name)
        if problem:
            self.error(draft, path, problem)
            return False
        if kind == "column" and not is_column_key(name):
            self.error(draft, path, f"column name {name!r} reads as an SQL expression, so an index on it could "
                       "not be told from an index on that expression; rename it")
            return False
        warning = convention_problem(name, self.project.naming, kind)
        if warning:
            self.error(draft, path, warning, warning=True)
        return True

    def _columns(self, draft: _Draft) -> None:
        entity = draft.entity
        builder = ColumnBuilder(entity.table, draft.document, self.diagnostics)
        single = entity.primary_key is None or isinstance(entity.primary_key, str)
        if single:
            draft.pk_columns = (str(entity.primary_key or f"{singular(entity.table)}_id"),)
            draft.columns.append(self._primary_key_column(draft, builder))
        elif isinstance(entity.primary_key, list):
            draft.pk_columns = tuple(entity.primary_key)
        if entity.tenant_scoped:
            draft.columns.append(self._tenant_column(draft, builder))
        for name, prop in entity.properties.items():
            path: KeyPath = ("properties", name)
            if (single and name in draft.pk_columns) or (entity.tenant_scoped and name == self.tenant):
                continue
            self._add_property(draft, builder, name, prop, path)
        if entity.audit:
            draft.columns.extend(_audit_columns())
        self._check_key_columns(draft, single)

    def _check_key_columns(self, draft: _Draft, single: bool) -> None:
        """A key of several columns names columns of `properties` (or the tenant column); they are
        NOT NULL, as PostgreSQL makes every key column."""
        if single:
            return
        for position, name in enumerate(draft.pk_columns):
            column = draft.column(name)
            if column is None:
                hint = did_you_mean(name, list(draft.entity.properties))
                self.error(draft, ("primary_key", position), f"names {name!r}, not a column of {draft.name}{hint}")
            elif not column.not_null:
                draft.columns[draft.columns.index(column)] = column.model_copy(update={"not_null": True})

    def _primary_key_column(self, draft: _Draft, builder: ColumnBuilder) -> Column:
        (name,) = draft.pk_columns
        if draft.entity.primary_key:
            self._check_name(draft, ("primary_key",), name, "column")
        prop = draft.entity.properties.get(name)
        if prop is None:
            return Column(name=name, sql_type="UUID", not_null=True, default="gen_random_uuid()",
                          property_type="uuid", implicit=True)
        column, checks = builder.column(name, self._native(draft, prop, ("properties", name)), ("properties", name))
        draft.checks.extend(checks)
        return column.model_copy(update={"not_null": True})

    def _tenant_column(self, draft: _Draft, builder: ColumnBuilder) -> Column:
        tenant_type = {"uuid": "UUID", "bigint": "BIGINT", "integer": "INTEGER", "text": "TEXT"}
        kind = self.project.tenant.type
        column = Column(name=self.tenant, sql_type=tenant_type[kind], not_null=True,
                        property_type=kind, implicit=True)
        prop = draft.entity.properties.get(self.tenant)
        return column if prop is None else column.model_copy(
            update={"backfill": self._tenant_backfill(draft, builder, prop)})

    def _tenant_backfill(self, draft: _Draft, builder: ColumnBuilder, prop: Property) -> str | None:
        """The tenant column is the agent's; a table turning tenant_scoped on names only the value
        its existing rows get (`type` repeats the project's tenant type)."""
        path: KeyPath = ("properties", self.tenant)
        kind = self.project.tenant.type
        if prop.model_fields_set != {"type", "backfill"} or prop.type != kind:
            self.error(draft, path, f"column {self.tenant!r} is added by tenant_scoped: true; remove it here "
                       f"(or give only `type: {kind}` and the `backfill` its rows get when tenant_scoped turns on)")
            return None
        return builder.default_sql(prop, prop.backfill, (*path, "backfill"))

    def _add_property(
        self, draft: _Draft, builder: ColumnBuilder, name: str, prop: Property, path: KeyPath
    ) -> None:
        self._check_name(draft, path, name, "column")
        reserved = self._implicit_reason(draft.entity, name)
        if reserved:
            self.error(draft, path, f"column {name!r} is added by {reserved}; remove it here")
            return
        column, checks = builder.column(name, self._native(draft, prop, path), path)
        draft.columns.append(column)
        draft.checks.extend(checks)

    def _native(self, draft: _Draft, prop: Property, path: KeyPath) -> Property:
        """A native enum's values come from project.yaml's `enums`."""
        if prop.items is not None and prop.items.native:
            return prop.model_copy(update={"items": self._native(draft, prop.items, (*path, "items"))})
        if prop.native is None:
            return prop
        if prop.type != "enum":
            self.error(draft, (*path, "native"), f"`native` applies to enum, not {prop.type}")
            return prop
        if prop.values is not None or prop.max_length is not None:
            self.error(draft, (*path, "native"), "a native enum takes its values from project.yaml's `enums`: "
                       "remove `values` and `max_length` here")
        spec = self.project.enums.get(prop.native)
        if spec is None:
            hint = did_you_mean(prop.native, list(self.project.enums))
            self.error(draft, (*path, "native"), f"no enum type {prop.native!r} in project.yaml's `enums`{hint}")
            return prop.model_copy(update={"type": "text", "native": None})  # stands in: no errors that follow
        return prop.model_copy(update={"values": list(spec.values)})

    def _implicit_reason(self, entity: Entity, name: str) -> str | None:
        if entity.audit and name in AUDIT_COLUMNS:
            return "audit: true"
        return None

    # ------------------------------------------------------------ constraints

    def constraints(self, draft: _Draft) -> None:
        for name, prop in draft.entity.properties.items():
            if prop.unique:
                self._property_unique(draft, name, prop)
            if prop.references:
                self._reference(draft, name, prop, prop.references)
        for i, spec in enumerate(draft.entity.constraints):
            path: KeyPath = ("constraints", i)
            problem = identifier_problem(spec.name) if spec.name is not None else None
            if problem:
                self.error(draft, (*path, "name"), problem)
                continue
            if isinstance(spec, CheckSpec):
                self._table_check(draft, spec, path)
            elif isinstance(spec, UniqueConstraint):
                self._table_unique(draft, spec, path)
            elif isinstance(spec, ForeignKeyConstraint):
                self._table_foreign_key(draft, spec, path)

    def _property_unique(self, draft: _Draft, name: str, prop: Property) -> None:
        per_tenant = prop.unique is True and draft.entity.tenant_scoped
        if prop.unique == "global" and not draft.entity.tenant_scoped:
            self.error(draft, ("properties", name, "unique"),
                       "`unique: global` only differs from `true` on a tenant-scoped table",
                       warning=True)
        columns = (self.tenant, name) if per_tenant else (name,)
        self._add_unique(draft, None, columns, path=("properties", name, "unique"))

    def _add_unique(self, draft: _Draft, name: str | None, columns: tuple[str, ...],
                    deferrable: str | None = None, path: KeyPath = ()) -> None:
        if any(u.columns == columns for u in draft.uniques):
            return
        if columns == draft.pk_columns:  # PostgreSQL would drop it in silence
            self.error(draft, path, f"UNIQUE ({', '.join(columns)}) is the primary key; it is not created",
                       warning=True)
            return
        draft.uniques.append(Unique(name=name or bounded_name(f"{draft.name}_{'_'.join(columns)}_key"),
                                    columns=columns, deferrable=deferrable))

    def _table_check(self, draft: _Draft, spec: CheckSpec, path: KeyPath) -> None:
        expression = self.expression(draft, spec.check, ExpressionKind.CHECK, (*path, "check"))
        if expression is None:
            return
        columns = tuple(sorted(expression[1]))
        name = spec.name or _unused_name(f"{draft.name}_{'_'.join(columns) or 'row'}_check",
                                         {c.name for c in draft.checks})
        draft.checks.append(Check(name=name, expression=expression[0], validated=spec.validated))

    def _table_unique(self, draft: _Draft, spec: UniqueConstraint, path: KeyPath) -> None:
        if self._known_columns(draft, spec.unique, (*path, "unique")):
            self._add_unique(draft, spec.name, tuple(spec.unique), _DEFERRABLE[spec.deferrable], (*path, "unique"))
            if draft.entity.tenant_scoped and self.tenant not in spec.unique:
                self.error(draft, (*path, "unique"),
                           f"unique across all tenants; add {self.tenant} to make it per tenant",
                           warning=True)

    def _table_foreign_key(self, draft: _Draft, spec: ForeignKeyConstraint, path: KeyPath) -> None:
        body = spec.foreign_key
        if not self._known_columns(draft, body.columns, (*path, "foreign_key", "columns")):
            return
        self._foreign_key(draft, tuple(body.columns), body.references, spec.name,
                          (*path, "foreign_key", "references"))

    def _reference(self, draft: _Draft, name: str, prop: Property, ref: Reference) -> None:
        target = ForeignKeyTarget(
            table=ref.table, columns=[ref.column] if ref.column else None,
            on_delete=ref.on_delete, on_update=ref.on_update, reason=ref.reason,
            same_tenant=ref.same_tenant, index=ref.index, deferrable=ref.deferrable, validated=ref.validated,
        )
        self._foreign_key(draft, (name,), target, None, ("properties", name, "references"))

    def _foreign_key(
        self, draft: _Draft, columns: tuple[str, ...], target: ForeignKeyTarget,
        name: str | None, path: KeyPath,
    ) -> None:
        parent = self.drafts.get(target.table)
        if parent is None:
            if target.table not in self.unavailable:
                hint = did_you_mean(target.table, [*self.drafts, *self.unavailable])
                self.error(draft, (*path, "table"), f"references unknown table {target.table!r}{hint}")
            return
        ref_columns = tuple(target.columns or parent.pk_columns)
        if not ref_columns:
            self.error(draft, (*path, "table"), f"table {target.table!r} has no primary key: name the "
                       "referenced column(s) of one of its unique keys")
            return
        if not self._reference_fits(draft, parent, columns, ref_columns, target, path):
            return
        if target.reason is None:
            self.error(draft, path, "no `reason`: say why this delete behaviour is right",
                       warning=True)
        same_tenant = (
            target.same_tenant and draft.entity.tenant_scoped and parent.entity.tenant_scoped
        )
        if same_tenant:
            self._add_unique(parent, None, (self.tenant, *ref_columns))
        key_columns = (self.tenant, *columns) if same_tenant else columns
        draft.foreign_keys.append(ForeignKey(
            name=name or bounded_name(f"{draft.name}_{'_'.join(columns)}_fkey"),
            columns=key_columns,
            ref_table=parent.name,
            ref_columns=(self.tenant, *ref_columns) if same_tenant else ref_columns,
            on_delete=target.on_delete,
            on_update=target.on_update,
            set_null_columns=columns if same_tenant and target.on_delete in ("SET NULL", "SET DEFAULT") else (),
            comment=None if is_review_reason(target.reason) else target.reason,
            indexed=target.index,
            deferrable=_DEFERRABLE[target.deferrable],
            validated=target.validated,
        ))

    def _reference_fits(
        self, draft: _Draft, parent: _Draft, columns: tuple[str, ...],
        ref_columns: tuple[str, ...], target: ForeignKeyTarget, path: KeyPath,
    ) -> bool:
        if len(columns) != len(ref_columns):
            self.error(draft, path, f"{len(columns)} column(s) cannot reference {len(ref_columns)}")
            return False
        for mine, theirs in zip(columns, ref_columns, strict=True):
            child, referenced = draft.column(mine), parent.column(theirs)
            if referenced is None:
                self.error(draft, path, f"table {parent.name!r} has no column {theirs!r}"
                           + did_you_mean(theirs, [c.name for c in parent.columns]))
                return False
            if child is None:
                return False
            if not _comparable(child.sql_type, referenced.sql_type):
                theirs_type = f"{parent.name}.{theirs} is {referenced.sql_type}"
                self.error(draft, path, f"{mine} is {child.sql_type} but {theirs_type}")
                return False
            if target.on_delete == "SET NULL" and child.not_null:
                self.error(draft, (*path, "on_delete"), f"SET NULL on required column {mine!r}")
                return False
            if target.on_delete == "SET DEFAULT" and child.default is None:
                self.error(draft, (*path, "on_delete"), f"SET DEFAULT but {mine!r} has no default")
                return False
        if not self._is_key_of(parent, ref_columns):
            target_columns = f"{parent.name}({', '.join(ref_columns)})"
            self.error(draft, path, f"{target_columns} is not its primary key or a unique column")
            return False
        return True

    def _is_key_of(self, parent: _Draft, columns: tuple[str, ...]) -> bool:
        if columns == parent.pk_columns:
            return True
        keys = {u.columns for u in parent.uniques} | self._declared_uniques(parent)
        return columns in keys or (self.tenant, *columns) in keys

    def _declared_uniques(self, parent: _Draft) -> set[tuple[str, ...]]:
        found: set[tuple[str, ...]] = set()
        for name, prop in parent.entity.properties.items():
            if prop.unique:
                per_tenant = prop.unique is True and parent.entity.tenant_scoped
                found.add((self.tenant, name) if per_tenant else (name,))
        for spec in parent.entity.constraints:
            if isinstance(spec, UniqueConstraint):
                found.add(tuple(spec.unique))
        return found

    # ------------------------------------------------------------ expressions and columns

    def expression(
        self, draft: _Draft, text: str, kind: ExpressionKind, path: KeyPath
    ) -> tuple[str, frozenset[str]] | None:
        try:
            parsed = parse_expression(text, kind)
        except ExpressionError as error:
            self.error(draft, path, str(error))
            return None
        unknown = sorted(c for c in parsed.columns if not draft.has_column(c))
        if unknown:
            hint = did_you_mean(unknown[0], [c.name for c in draft.columns]) if len(unknown) == 1 else ""
            self.error(draft, path, f"names {', '.join(unknown)}, not a column of {draft.name}{hint}")
            return None
        return parsed.sql, parsed.columns

    def _known_columns(self, draft: _Draft, columns: list[str], path: KeyPath) -> bool:
        ok = True
        for i, name in enumerate(columns):
            if not draft.has_column(name):
                self.error(draft, (*path, i), f"{draft.name} has no column {name!r}"
                           + did_you_mean(name, [c.name for c in draft.columns]))
                ok = False
        if len(set(columns)) != len(columns):
            self.error(draft, path, "a column is listed twice")
            ok = False
        return ok

    # ------------------------------------------------------------ RLS and triggers

    def policies(self, draft: _Draft) -> tuple[Policy, ...]:
        found: list[Policy] = []
        if draft.entity.tenant_scoped:
            found.append(self._tenant_policy(draft.name))
        for i, spec in enumerate(draft.entity.policies):
            path: KeyPath = ("policies", i)
            self._policy_shape(draft, spec.command, spec.using, spec.with_check, path)
            using = self._policy_expression(draft, spec.using, (*path, "using"))
            with_check = self._policy_expression(draft, spec.with_check, (*path, "with_check"))
            named = [((*path, "name"), spec.name, identifier_problem)] + [
                ((*path, "roles", j), r, role_problem) for j, r in enumerate(spec.roles) if r != "public"]
            for key, name, check in named:
                problem = check(name)
                if problem:
                    self.error(draft, key, problem)
            if draft.entity.tenant_scoped and spec.permissive and not self._names_tenant(using, with_check):
                self.error(draft, path, f"policy {spec.name} is permissive and does not read {self.tenant}: "
                           "PostgreSQL ORs it with tenant isolation, so it can show or accept rows of other "
                           "tenants; set `permissive: false` or add the tenant condition", warning=True)
            found.append(Policy(name=spec.name, command=spec.command, permissive=spec.permissive,
                                roles=tuple(sorted(spec.roles)), using=using, with_check=with_check))
        return tuple(found)

    def _names_tenant(self, *expressions: str | None) -> bool:
        return any(self.tenant in parse_expression(e, ExpressionKind.POLICY).columns for e in expressions if e)

    def _policy_shape(
        self, draft: _Draft, command: str, using: str | None, with_check: str | None, path: KeyPath
    ) -> None:
        if command == "INSERT" and using is not None:
            self.error(draft, (*path, "using"), "an INSERT policy has only `with_check`")
        if command in ("SELECT", "DELETE") and with_check is not None:
            self.error(draft, (*path, "with_check"), f"a {command} policy has only `using`")

    def _policy_expression(self, draft: _Draft, text: str | None, path: KeyPath) -> str | None:
        if text is None:
            return None
        parsed = self.expression(draft, text, ExpressionKind.POLICY, path)
        return parsed[0] if parsed else None

    def _tenant_policy(self, table: str) -> Policy:
        setting = quote_literal(self.project.tenant.setting)
        cast = {"uuid": "uuid", "bigint": "bigint", "integer": "integer", "text": "text"}
        text = (f"{quote_ident(self.tenant)} = NULLIF(current_setting({setting}, true), '')"
                f"::{cast[self.project.tenant.type]}")
        predicate = parse_expression(text, ExpressionKind.POLICY).sql
        return Policy(name=bounded_name(f"{table}_tenant_isolation"), using=predicate,
                      with_check=predicate)

    def table(self, draft: _Draft) -> Table:
        entity = draft.entity
        indexes, index_warnings = resolve_indexes(
            draft.name, entity, draft.columns, draft.pk_columns, draft.uniques,
            draft.foreign_keys, self.tenant, self.expression_for(draft),
        )
        for path, message, warning in index_warnings:
            self.error(draft, path, message, warning=warning)
        policies = self.policies(draft)
        return Table(
            name=draft.name, entity=entity.entity, comment=entity.description,
            tenant_scoped=entity.tenant_scoped, audit=entity.audit, columns=tuple(draft.columns),
            primary_key=PrimaryKey(name=entity.primary_key_name or bounded_name(f"{draft.name}_pkey"),
                                   columns=draft.pk_columns) if draft.pk_columns else None,
            uniques=tuple(draft.uniques), checks=tuple(draft.checks),
            foreign_keys=tuple(draft.foreign_keys), indexes=indexes,
            rls_enabled=bool(policies), rls_forced=bool(policies), policies=policies,
            triggers=(_updated_at_trigger(draft.name),) if entity.audit else (),
            source_file=draft.document.path.name,
        )

    def expression_for(self, draft: _Draft):  # type: ignore[no-untyped-def]
        def parse(text: str, kind: ExpressionKind, path: KeyPath) -> tuple[str, frozenset[str]] | None:
            return self.expression(draft, text, kind, path)

        return parse


_COMPARABLE = (re.compile(r"(SMALLINT|INTEGER|BIGINT)\Z"), re.compile(r"(TEXT|VARCHAR(\(\d+\))?|CHAR\(\d+\))\Z"),
               re.compile(r"DECIMAL(\(\d+, \d+\))?\Z"))
"""Types a key may mix, as PostgreSQL lets it (an adopted database's BIGINT pointing at INTEGER)."""


def _comparable(child: str, referenced: str) -> bool:
    return child == referenced or any(p.match(child) and p.match(referenced) for p in _COMPARABLE)


def _unused_name(base: str, taken: set[str]) -> str:
    """`base`, or `base2`, `base3`... when a column's own check (minimum, pattern...) has it already."""
    candidates = (bounded_name(base if n == 1 else f"{base}{n}") for n in range(1, len(taken) + 2))
    return next(name for name in candidates if name not in taken)


def _audit_columns() -> list[Column]:
    return [
        Column(name="created_at", sql_type="TIMESTAMPTZ", not_null=True, default="now()",
               property_type="timestamp", implicit=True),
        Column(name="created_by", sql_type="UUID", not_null=False, property_type="uuid", implicit=True),
        Column(name="updated_at", sql_type="TIMESTAMPTZ", not_null=True, default="now()",
               property_type="timestamp", implicit=True),
        Column(name="updated_by", sql_type="UUID", not_null=False, property_type="uuid", implicit=True),
    ]


def _updated_at_trigger(table: str) -> Trigger:
    return Trigger(name=bounded_name(f"{table}_updated_at"), timing="BEFORE", events=("UPDATE",),
                   function=UPDATED_AT_FUNCTION)


def _check_namespace(tables: list[Table], resolver: _Resolver) -> None:
    """Tables, indexes and key constraints share one namespace per schema in PostgreSQL."""
    seen: dict[str, str] = {}
    for table in tables:
        draft = resolver.drafts[table.name]
        key = [table.primary_key.name] if table.primary_key else []
        names = [table.name, *key, *(u.name for u in table.uniques),
                 *(i.name for i in table.indexes)]
        for name in dict.fromkeys(names):
            clash = seen.get(name)
            if (clash is not None and clash != table.name) or names.count(name) > 1:
                where = f"in {clash} and {table.name}" if clash and clash != table.name else f"twice in {table.name}"
                resolver.error(draft, ("indexes",) if table.indexes else (),
                               f"name {name!r} is used {where}; tables, keys and indexes share one namespace")
            seen[name] = table.name
        local = [c.name for c in table.checks] + [f.name for f in table.foreign_keys] + \
            [u.name for u in table.uniques] + key
        for name in {n for n in local if local.count(n) > 1}:
            resolver.error(draft, ("constraints",), f"constraint name {name!r} is used twice")
        policy_names = [p.name for p in table.policies]
        for name in {n for n in policy_names if policy_names.count(n) > 1}:
            resolver.error(draft, ("policies",), f"policy name {name!r} is used twice")


def _check_tables_read(tables: list[Table], resolver: _Resolver) -> None:
    """A subquery (in a policy or a backfill) may read only tables of the schema."""
    known = {t.name for t in tables} | resolver.unavailable
    for table in tables:
        draft = resolver.drafts[table.name]
        read: list[tuple[KeyPath, str, ExpressionKind]] = [
            (("properties", c.name, "backfill"), c.backfill, ExpressionKind.BACKFILL)
            for c in table.columns if c.backfill]
        for i, spec in enumerate(draft.entity.policies):
            read += [(("policies", i, key), text, ExpressionKind.POLICY)
                     for key, text in (("using", spec.using), ("with_check", spec.with_check)) if text]
        for path, text, kind in read:
            try:
                unknown = sorted(parse_expression(text, kind).tables - known)
            except ExpressionError:
                continue  # already reported where it was read
            if unknown:
                resolver.error(draft, path, f"reads {', '.join(unknown)}, not a table of the schema; "
                               "a subquery may read only the schema's tables")


def _check_required_cycles(tables: list[Table], resolver: _Resolver) -> None:
    """Required keys in a cycle leave no table whose rows could go in first."""
    cycle = required_cycle(tables, resolver.tenant)
    if cycle is None:
        return
    table, key = cycle[0]
    draft = resolver.drafts[table.name]
    column = next(c for c in key.columns if c != resolver.tenant)
    declared = draft.entity.properties.get(column)
    path: KeyPath = ("properties", column, "references") if declared and declared.references else ("constraints",)
    route = " -> ".join(f"{t.name}.{next(c for c in k.columns if c != resolver.tenant)}" for t, k in cycle)
    resolver.error(draft, path, f"required keys form a cycle ({route} -> {table.name}): no row of any of "
                   "these tables could be inserted first; make one of these keys optional (not `required`)")


def resolve(
    project: Project, entities: list[tuple[Entity, SourceDocument]], unavailable: frozenset[str] = frozenset()
) -> tuple[Schema, list[Diagnostic]]:
    """The tables, and every diagnostic; `unavailable` names tables of files in error (see
    `agent.schema.recover`)."""
    objects = _sql_objects(project)
    with project_names((o.defines for o in objects if o.defines), project.enums,
                       (o.sequence for o in objects if o.sequence)):
        resolver = _Resolver(project, unavailable)
        for entity, document in entities:
            resolver.add_entity(entity, document)
        for draft in resolver.drafts.values():
            resolver.constraints(draft)
        tables = [resolver.table(draft) for draft in resolver.drafts.values()]
    _check_namespace(tables, resolver)
    _check_tables_read(tables, resolver)
    _check_required_cycles(tables, resolver)
    schema = Schema(
        project_name=project.name, tenant_column=project.tenant.column,
        tenant_setting=project.tenant.setting, app_role=project.app_role,
        postgres_min_version=project.postgres_min_version,
        tables=tuple(sorted(tables, key=lambda t: t.name)),
        sql_objects=objects,
        enums=tuple(EnumTypeDef(name=name, values=tuple(spec.values),
                                renamed_from=tuple(sorted(spec.renamed_from.items())))
                    for name, spec in sorted(project.enums.items())),
        examples=_examples(resolver),
        check_places=_check_places(resolver),
    )
    return schema, resolver.diagnostics


def _sql_objects(project: Project) -> tuple[SqlObject, ...]:
    """The objects that parse; the loader reports the others at their key."""
    found = []
    for spec in project.sql_objects:
        try:
            found.append(sql_object(spec))
        except SqlObjectError:
            continue
    return tuple(found)


def _check_places(resolver: _Resolver) -> tuple[CheckPlace, ...]:
    """A property's checks sit at the property; table checks at their `constraints` entry, in order."""
    places = []
    for name, draft in sorted(resolver.drafts.items()):
        written = iter(i for i, spec in enumerate(draft.entity.constraints) if isinstance(spec, CheckSpec))
        for check in draft.checks:
            path: KeyPath = ("properties", check.columns[0]) if check.columns else (
                "constraints", next(written, 0), "check")
            places.append(CheckPlace(table=name, check=check.name, place=str(draft.document.locate(path))))
    return tuple(places)


def _examples(resolver: _Resolver) -> tuple[ColumnExamples, ...]:
    return tuple(
        ColumnExamples(table=name, column=column, values=tuple(json.dumps(v, default=str) for v in prop.examples))
        for name, draft in sorted(resolver.drafts.items())
        for column, prop in draft.entity.properties.items() if prop.examples)
